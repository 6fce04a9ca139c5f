from django.urls import path

from . import views

app_name = "workbench"

urlpatterns = [
    path("workbench/", views.office_home, name="office"),
    path("workbench/reporter/", views.reporter_home, name="reporter"),
    path("workbench/reporter/rounds/<int:round_id>/submit-all/", views.submit_all, name="submit_all"),
    path("workbench/evaluator/", views.evaluator_home, name="evaluator"),
    path("workbench/evaluator/<slug:slug>/request-report/", views.report_request, name="report_request"),
    path("workbench/province/", views.province_home, name="province"),
    path("workbench/api-tokens/", views.api_tokens, name="api_tokens"),
    path("workbench/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
