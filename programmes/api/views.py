from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.selectors import agency_list_for_user, programme_list_for_user
from programmes.filters import AgencyFilter, ProgrammeFilter
from programmes.selectors import programme_to_canonical
from tasks.models import TaskAssignment

from .serializers import (
    AgencySerializer,
    IndicatorSerializer,
    PhaseSerializer,
    ProgrammeSerializer,
    TaskSerializer,
)


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes the user may see (scoped like the pages: others are 404)."""

    serializer_class = ProgrammeSerializer
    lookup_field = "slug"
    filterset_class = ProgrammeFilter

    def get_queryset(self):
        return programme_list_for_user(user=self.request.user).order_by("slug")

    @extend_schema(responses={200: OpenApiResponse(description="The programme in the canonical JSON shape")})
    @action(detail=True, methods=["get"])
    def export(self, request, slug=None):
        return Response(programme_to_canonical(programme=self.get_object()))

    @extend_schema(responses=IndicatorSerializer(many=True))
    @action(detail=True, methods=["get"])
    def indicators(self, request, slug=None):
        return Response(IndicatorSerializer(self.get_object().indicators.all(), many=True).data)

    @extend_schema(responses=TaskSerializer(many=True))
    @action(detail=True, methods=["get"])
    def tasks(self, request, slug=None):
        tasks = self.get_object().tasks.prefetch_related(
            Prefetch("assignments", queryset=TaskAssignment.objects.order_by("role", "order"))
        )
        return Response(TaskSerializer(tasks, many=True).data)

    @extend_schema(responses=PhaseSerializer(many=True))
    @action(detail=True, methods=["get"])
    def phases(self, request, slug=None):
        return Response(PhaseSerializer(self.get_object().phases.all(), many=True).data)


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self):
        return (
            agency_list_for_user(user=self.request.user)
            .prefetch_related("aliases")
            .order_by("city__name", "name")
        )
