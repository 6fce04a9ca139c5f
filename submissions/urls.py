from django.urls import path

from . import review_views, views

app_name = "submissions"

AGENCY = "programmes/<slug:slug>/rounds/<str:period>/agencies/<int:agency_id>/"

urlpatterns = [
    path("statistics/", views.statistic_list, name="statistic_list"),
    path("statistics/add/", views.statistic_edit, name="statistic_add"),
    path("statistics/<int:pk>/edit/", views.statistic_edit, name="statistic_edit"),
    path("programmes/<slug:slug>/statistic-owners/", views.owner_list, name="owner_list"),
    path("programmes/<slug:slug>/statistic-owners/<int:pk>/remove/", views.owner_delete, name="owner_delete"),
    path("programmes/<slug:slug>/rounds/", views.round_list, name="round_list"),
    path("programmes/<slug:slug>/reporting-rates/", views.reporting_rates, name="reporting_rates"),
    path("programmes/<slug:slug>/rounds/<str:period>/", views.round_detail, name="round_detail"),
    path(
        "programmes/<slug:slug>/rounds/<str:period>/<str:action>/",
        views.round_action,
        name="round_action",
    ),
    path(AGENCY, views.agency_round, name="agency_round"),
    path(AGENCY + "statistics/", views.statistics_form, name="statistics_form"),
    path(AGENCY + "template.xlsx", views.template_download, name="template_download"),
    path(AGENCY + "upload/", views.statistics_upload, name="statistics_upload"),
    path(AGENCY + "tasks/<int:task_id>/", views.task_report_form, name="task_report_form"),
    path("reporting/", views.workspace, name="workspace"),
    path("reporting/uploads/<str:token>/marked.xlsx", views.upload_marked, name="upload_marked"),
    path("reporting/uploads/<str:token>/confirm/", views.upload_confirm, name="upload_confirm"),
    path("reporting/upload-jobs/<int:pk>/", views.upload_job, name="upload_job"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/<str:action>/", views.submission_action, name="submission_action"),
    path("review/", review_views.review_queue, name="review_queue"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("statistic-uploads/<int:pk>/", views.upload_download, name="upload_download"),
]
