"""The homes (工作台): thin views over workbench.selectors; each count links to its list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can, require
from accounts.selectors import programme_list_for_user, user_agency
from submissions.models import ReportingRound

from . import selectors, services


def home_url_name(user) -> str:
    """Where a user lands: its role's home, decided by the named rules."""
    if can(user, "home.office"):
        return "workbench:office"
    if can(user, "reporting.workspace"):
        return "workbench:reporter"
    if can(user, "home.province"):
        return "workbench:province"
    if can(user, "home.evaluator"):
        return "workbench:evaluator"
    return "programmes:programme_list"


@login_required
@require_GET
def office_home(request):
    require(request.user, "home.office", message=_("工作台只对领导小组办公室开放。"))
    return render(request, "workbench/office_home.html", selectors.office_home(user=request.user))


@login_required
@require_GET
def reporter_home(request):
    require(request.user, "reporting.workspace", message=_("“本季度填报”只对成员单位填报员开放。"))
    return render(request, "workbench/reporter_home.html", selectors.reporter_home(user=request.user))


@login_required
@require_POST
def submit_all(request, round_id: int):
    # scope first (a round outside the user's programmes does not exist for them: 404), then
    # the role (403), then the agency's own items (a round it owes nothing in: 404)
    round = get_object_or_404(
        ReportingRound.objects.filter(programme__in=programme_list_for_user(user=request.user)), pk=round_id
    )
    require(request.user, "reporting.workspace", message=_("“本季度填报”只对成员单位填报员开放。"))
    agency = user_agency(user=request.user)
    if not round.submissions.filter(agency=agency).exists():
        raise Http404
    if request.POST.get("confirm") != "1":
        messages.error(request, _("请在确认框中确认后再提交。"))
        return redirect("workbench:reporter")
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    try:
        count = services.round_items_submit_all(round=round, agency=agency, user=request.user, ids=ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已提交 %(n)s 项,等待领导小组办公室审核。") % {"n": count})
    return redirect("workbench:reporter")


@login_required
@require_GET
def evaluator_home(request):
    require(request.user, "home.evaluator", message=_("该页面只对评估专家开放。"))
    return render(request, "workbench/evaluator_home.html", selectors.evaluator_home(user=request.user))


@login_required
@require_GET
def province_home(request):
    if not can(request.user, "home.province"):
        raise PermissionDenied(_("该页面只对省级用户开放。"))
    return render(request, "workbench/province_home.html", selectors.province_home(user=request.user))


@login_required
@require_POST
def report_request(request, slug: str):
    from accounts.selectors import programme_get_for_user
    from submissions.notifications import report_request as request_report

    programme = programme_get_for_user(user=request.user, slug=slug)
    try:
        request_report(
            programme=programme,
            kind=request.POST.get("kind", ""),
            message=request.POST.get("message", ""),
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已通知领导小组办公室,报告生成后会显示在您的工作台。"))
    return redirect("workbench:evaluator")


@login_required
def api_tokens(request):
    """The office's 接口令牌 page: issue a token for one of its agencies (the key shown once),
    see who pushed last, revoke."""
    from accounts.models import ApiToken
    from accounts.selectors import agency_list_for_user
    from accounts.services import api_token_issue

    require(request.user, "api_token.list", message=_("只有领导小组办公室可以管理接口令牌。"))
    agencies = agency_list_for_user(user=request.user).filter(is_archived=False).order_by("name")
    new_key = None
    if request.method == "POST":
        agency = agencies.filter(pk=request.POST.get("agency") or 0).first()
        if agency is None:
            messages.error(request, _("请选择本市的一个成员单位。"))
        else:
            try:
                token, new_key = api_token_issue(
                    agency=agency, name=request.POST.get("name", ""), user=request.user
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("已为“%(a)s”签发令牌“%(n)s”。密钥只显示这一次,请立即复制保存。")
                    % {"a": agency.name, "n": token.name},
                )
    tokens = ApiToken.objects.filter(agency__in=agencies).select_related("agency", "created_by", "revoked_by")
    return render(
        request, "workbench/api_tokens.html", {"agencies": agencies, "tokens": tokens, "new_key": new_key}
    )


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    from accounts.models import ApiToken
    from accounts.selectors import agency_list_for_user
    from accounts.services import api_token_revoke as revoke

    # scope first: a token of an agency the user does not see is 404; seen but not theirs to manage, 403
    token = get_object_or_404(ApiToken, pk=pk, agency__in=agency_list_for_user(user=request.user))
    require(request.user, "api_token.manage", token.agency, message=_("只有领导小组办公室可以管理接口令牌。"))
    revoke(token=token, user=request.user)
    messages.success(request, _("令牌“%(n)s”已吊销,使用它的请求将被拒绝。") % {"n": token.name})
    return redirect("workbench:api_tokens")
