from django.urls import path

from . import views
from .validation import views as rule_views

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
    path("programmes/<slug:slug>/validation-rules/", rule_views.rule_list, name="validation_rule_list"),
    path("programmes/<slug:slug>/validation-rules/new/", rule_views.rule_edit, name="validation_rule_add"),
    path(
        "programmes/<slug:slug>/validation-rules/<int:pk>/", rule_views.rule_edit, name="validation_rule_edit"
    ),
    path(
        "programmes/<slug:slug>/validation-rules/<int:pk>/active/",
        rule_views.rule_active,
        name="validation_rule_active",
    ),
    path(
        "programmes/<slug:slug>/statistic-uploads/<int:upload_pk>/download/",
        views.upload_download,
        name="upload_download",
    ),
]
