"""The portal's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from ipcity.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("something broke")


def forbidden_plain(request):
    raise PermissionDenied


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden_plain),
    *urlpatterns,
]
