from django.db.models import Prefetch
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.permissions import HasRule
from accounts.selectors import agency_list_for_user, programme_list_for_user
from programmes.filters import AgencyFilter, ProgrammeFilter
from programmes.selectors import funding_summary, programme_to_canonical
from tasks.models import TaskAssignment

from .serializers import (
    AgencySerializer,
    FundingSummarySerializer,
    IndicatorSerializer,
    PhaseSerializer,
    ProgrammeSerializer,
    TaskSerializer,
)


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes the user may see (scoped like the pages: others are 404; each object is
    checked against "programme.view" too)."""

    permission_classes = [IsAuthenticated, HasRule.of("programme.view")]
    serializer_class = ProgrammeSerializer
    lookup_field = "slug"
    filterset_class = ProgrammeFilter

    def get_queryset(self):
        return programme_list_for_user(user=self.request.user).order_by("slug")

    @extend_schema(responses={200: OpenApiResponse(description="The programme in the canonical JSON shape")})
    @action(detail=True, methods=["get"])
    def export(self, request, slug=None, format=None):
        return Response(programme_to_canonical(programme=self.get_object()))

    @extend_schema(responses=IndicatorSerializer(many=True))
    @action(detail=True, methods=["get"])
    def indicators(self, request, slug=None, format=None):
        return Response(IndicatorSerializer(self.get_object().indicators.all(), many=True).data)

    @extend_schema(responses=TaskSerializer(many=True))
    @action(detail=True, methods=["get"])
    def tasks(self, request, slug=None, format=None):
        tasks = self.get_object().tasks.prefetch_related(
            Prefetch("assignments", queryset=TaskAssignment.objects.order_by("role", "order"))
        )
        return Response(TaskSerializer(tasks, many=True).data)

    @extend_schema(responses=PhaseSerializer(many=True))
    @action(detail=True, methods=["get"])
    def phases(self, request, slug=None, format=None):
        return Response(PhaseSerializer(self.get_object().phases.all(), many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", str, description="YYYY-MM-DD; spending up to this day (default today)")
        ],
        responses=FundingSummarySerializer,
    )
    @action(detail=True, methods=["get"])
    def funding(self, request, slug=None, format=None):
        """Budgets, spending, over-budget flags and each funding rule's check, as the page shows them."""
        raw = request.query_params.get("as_of")
        as_of = None
        if raw:
            try:
                as_of = parse_date(raw)
            except ValueError:
                as_of = None
            if as_of is None:
                raise serializers.ValidationError(
                    {"as_of": [_("请按 YYYY-MM-DD 填写日期,例如 2018-12-31。")]}
                )
        summary = funding_summary(programme=self.get_object(), as_of=as_of)
        return Response(FundingSummarySerializer(summary).data)


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Agencies the user may see: the scope is the queryset (accounts.selectors)."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self):
        return (
            agency_list_for_user(user=self.request.user)
            .prefetch_related("aliases")
            .order_by("city__name", "name")
        )
