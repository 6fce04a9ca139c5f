from rest_framework.routers import DefaultRouter

from programmes.api.views import AgencyViewSet, ProgrammeViewSet

router = DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("agencies", AgencyViewSet, basename="agency")

urlpatterns = router.urls
