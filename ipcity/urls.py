from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from ipcity.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jobs/<int:pk>/", core_views.job_status, name="job_status"),
    path("", include("programmes.urls")),
    path("", include("tasks.urls")),
    path("", include("indicators.urls")),
    path("", include("reports.urls")),
    path("", include("submissions.urls")),
    path("", include("planimport.urls")),
    path("", include("workbench.urls")),
    path("api/", include("ipcity.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "ipcity 知识产权示范城市工作平台"
admin.site.site_title = "ipcity"

# Chinese error pages with the portal's layout (ipcity/core/errors.py)
handler403 = "ipcity.core.errors.permission_denied"
handler404 = "ipcity.core.errors.page_not_found"
handler500 = "ipcity.core.errors.server_error"
