from django.urls import path

from . import views

app_name = "reports"

# Not ".../reports/<pk>/edit/": programmes.urls (included first) routes
# "programmes/<slug>/<kind>/<pk>/edit/" to its plan-object editor.

urlpatterns = [
    path("reports/", views.report_index, name="report_index"),
    path("programmes/<slug:slug>/reports/", views.report_list, name="report_list"),
    path("programmes/<slug:slug>/reports/new/", views.report_new, name="report_new"),
    path("programmes/<slug:slug>/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("programmes/<slug:slug>/reports/<int:pk>/narrative/", views.report_edit, name="report_edit"),
    path("programmes/<slug:slug>/reports/<int:pk>/final/", views.report_finalise, name="report_finalise"),
    path("programmes/<slug:slug>/reports/<int:pk>/generate/", views.report_generate, name="report_generate"),
    path(
        "programmes/<slug:slug>/reports/files/<int:pk>/<str:fmt>/",
        views.version_download,
        name="version_download",
    ),
]
