"""The write API: machine users (ApiToken, one agency each) push a quarter's statistic values.

Thin: scope lookup → serializer → `submissions.intake.statistics_push` (the upload service)
→ its answer."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_auth import ApiTokenAuthentication
from accounts.models import ApiToken
from accounts.permissions import can
from accounts.selectors import programme_list_for_user, user_agency
from programmes.models import Agency
from submissions.intake import statistics_push

from .serializers import StatisticValuesPushResultSerializer, StatisticValuesPushSerializer

RESULT = StatisticValuesPushResultSerializer


class IsApiMachine(BasePermission):
    message = gettext_lazy("写入接口只接受领导小组办公室签发的接口令牌(Authorization: Token …)。")

    def has_permission(self, request, view):
        return can(request.user, "api.machine")


class StatisticValuesPushView(APIView):
    """Push one quarter's statistic values of the token's agency."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, IsApiMachine]

    @extend_schema(
        operation_id="statistic_values_push",
        summary="Push a quarter's statistic values (machine users)",
        description=(
            "Authenticate with `Authorization: Token <key>` (issued by the leading-group office, scoped "
            "to one agency). The values go through the same checks, versioning, warnings and review "
            "flow as an uploaded template: all or nothing. Send `idempotency_key` so that a retry is "
            "answered from the first push instead of writing again."
        ),
        request=StatisticValuesPushSerializer,
        responses={
            201: OpenApiResponse(RESULT, description="Written (and submitted for review with `submit`)"),
            200: OpenApiResponse(RESULT, description="The same idempotency key and body again: first answer"),
            400: OpenApiResponse(
                RESULT, description="Errors, each with the index of its value; nothing written"
            ),
            401: OpenApiResponse(description="No, unknown or revoked token"),
            403: OpenApiResponse(description="Not this token's agency"),
            404: OpenApiResponse(description="No such programme, agency or reporting round"),
            409: OpenApiResponse(RESULT, description="The idempotency key was used for another body"),
            422: OpenApiResponse(
                RESULT, description="Warnings to confirm with `confirm_warnings`; nothing written"
            ),
        },
        examples=[
            OpenApiExample(
                "A quarter",
                request_only=True,
                value={
                    "programme": "wuhan-2017",
                    "period": "2020Q1",
                    "idempotency_key": "tjj-2020Q1-1",
                    "submit": True,
                    "values": [{"code": "POP", "area": "", "value": "1121.2"}],
                },
            )
        ],
        tags=["statistic values"],
    )
    def post(self, request):
        serializer = StatisticValuesPushSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        programme = programme_list_for_user(user=request.user).filter(slug=data["programme"]).first()
        if programme is None:
            raise Http404(_("没有找到该方案,或您无权查看。"))
        if data.get("agency"):
            agency = Agency.objects.filter(pk=data["agency"], city_id=programme.city_id).first()
        else:
            agency = user_agency(user=request.user)
        if agency is None:
            raise Http404(_("没有找到该单位。"))
        year, quarter = data["period"]
        token = request.auth if isinstance(request.auth, ApiToken) else None
        answer = statistics_push(
            token=token,
            programme=programme,
            year=year,
            quarter=quarter,
            agency=agency,
            values=[dict(v) for v in data["values"]],
            key=data.get("idempotency_key", ""),
            user=request.user,
            confirm_warnings=data["confirm_warnings"],
            submit=data["submit"],
        )
        return Response(answer.body, status=answer.status_code)
