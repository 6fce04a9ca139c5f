from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path(
        "programmes/<slug:slug>/indicators/recompute/", views.programme_recompute, name="programme_recompute"
    ),
    path(
        "programmes/<slug:slug>/indicators/recompute/<int:job_id>/",
        views.recompute_status,
        name="recompute_status",
    ),
    path("programmes/<slug:slug>/indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path(
        "programmes/<slug:slug>/indicators/<int:pk>/values/<int:value_pk>/",
        views.value_inputs,
        name="value_inputs",
    ),
    path(
        "programmes/<slug:slug>/indicators/<int:pk>/milestone/",
        views.milestone_record,
        name="milestone_record",
    ),
    path(
        "programmes/<slug:slug>/indicators/<int:pk>/milestone/<int:record_pk>/evidence/",
        views.milestone_evidence,
        name="milestone_evidence",
    ),
    path(
        "programmes/<slug:slug>/statistic-uploads/<int:upload_pk>/download/",
        views.upload_download,
        name="upload_download",
    ),
]
