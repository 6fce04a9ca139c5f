"""HTTP Basic for the API, throttled like the login page.

DRF authenticates with its own Request wrapper, so the lockout flag django-axes sets lands
on the wrapper; copying it to the Django request lets AxesMiddleware answer with the
lockout message instead of a plain "invalid password".
"""

from drf_spectacular.authentication import BasicScheme
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed


class LockoutAwareBasicAuthentication(BasicAuthentication):
    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except AuthenticationFailed:
            if request is not None and getattr(request, "axes_locked_out", False):
                django_request = getattr(request, "_request", request)
                django_request.axes_locked_out = True
                django_request.axes_credentials = getattr(request, "axes_credentials", None)
            raise


class LockoutAwareBasicScheme(BasicScheme):
    """The OpenAPI schema documents it as plain HTTP Basic."""

    target_class = "ipcity.core.api_auth.LockoutAwareBasicAuthentication"
    priority = 0
