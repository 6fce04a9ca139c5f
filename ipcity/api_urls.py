from django.urls import path
from rest_framework.routers import DefaultRouter

from programmes.api.views import AgencyViewSet, ProgrammeViewSet
from submissions.api.views import StatisticValuesPushView

router = DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("agencies", AgencyViewSet, basename="agency")

urlpatterns = [
    path("statistic-values/", StatisticValuesPushView.as_view(), name="api-statistic-values"),
    *router.urls,
]
