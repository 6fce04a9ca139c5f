"""Pages of quarterly reporting. Thin: scoped lookup → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can, require
from accounts.selectors import (
    programme_get_for_user,
    statistic_get_for_user,
    user_city,
    visible_agency_ids,
)
from indicators.models import Statistic, StatisticUpload
from ipcity.core.search import search_param
from tasks.models import EvidenceFile

from . import forms, selectors, services

# An agency's items in a round (agency_views) and what the pages share (view_helpers) live
# apart; urls.py and callers find every page here.
from .agency_views import _agency_round as _agency_round
from .agency_views import _stale_statistics_form as _stale_statistics_form
from .agency_views import (
    agency_round,
    statistics_form,
    statistics_upload,
    task_report_form,
    template_download,
    upload_confirm,
    upload_job,
    upload_marked,
)
from .models import Notification, Submission
from .review_views import next_in_queue_url, queue_query
from .view_helpers import XLSX, _errors_text, _programme_context
from .view_helpers import _xlsx_response as _xlsx_response

__all__ = [
    "PAGE_SIZE",
    "XLSX",
    "agency_round",
    "evidence_download",
    "notification_list",
    "notification_open",
    "owner_delete",
    "owner_list",
    "reporting_rates",
    "round_action",
    "round_detail",
    "round_list",
    "statistic_edit",
    "statistic_list",
    "statistics_form",
    "statistics_upload",
    "submission_action",
    "submission_detail",
    "task_report_form",
    "template_download",
    "upload_confirm",
    "upload_download",
    "upload_job",
    "upload_marked",
    "workspace",
]

PAGE_SIZE = 50


# --- catalogue and who reports what ------------------------------------------------------------


@login_required
def statistic_list(request):
    """National codes and the user's own city's: another city's codes are not listed."""
    q = search_param(request)
    statistics = list(selectors.statistic_catalogue(user=request.user, q=q))
    for stat in statistics:
        stat.can_edit = can(request.user, "statistic.edit", stat)
    return render(
        request,
        "submissions/statistic_list.html",
        {
            "statistics": statistics,
            "q": q,
            "can_add": can(request.user, "statistic.create", user_city(user=request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statistic_edit(request, pk=None):
    """Another city's statistic is 404; a national (built-in) one is 403 to offices."""
    if pk:
        instance = statistic_get_for_user(user=request.user, pk=pk)
        require(request.user, "statistic.edit", instance)
    else:
        instance = Statistic(city=user_city(user=request.user))
        require(
            request.user,
            "statistic.create",
            instance.city,
            _("只有本市领导小组办公室可以维护统计数据目录。"),
        )
    form = forms.StatisticForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            stat = services.statistic_save(statistic=form.save(commit=False), user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("统计数据项“%(s)s”已保存。") % {"s": stat})
            return redirect("submissions:statistic_list")
    title = _("编辑统计数据项") if pk else _("新增统计数据项")
    return render(request, "programmes/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def owner_list(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    context = _programme_context(request, programme, section="owners")
    form = forms.StatisticOwnerForm(request.POST or None, programme=programme)
    if request.method == "POST":
        if not context["can_edit"]:
            raise PermissionDenied(_("只有本市领导小组办公室可以调整填报分工。"))
        if form.is_valid():
            try:
                services.statistic_owner_add(programme=programme, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已添加填报分工。"))
                return redirect("submissions:owner_list", slug=programme.slug)
    context.update(
        owners=selectors.statistic_owners_for_user(user=request.user, programme=programme), form=form
    )
    return render(request, "submissions/owner_list.html", context)


@login_required
@require_POST
def owner_delete(request, slug, pk):
    programme = programme_get_for_user(user=request.user, slug=slug)
    owner = get_object_or_404(
        selectors.statistic_owners_for_user(user=request.user, programme=programme), pk=pk
    )
    services.statistic_owner_remove(owner=owner, user=request.user)
    messages.success(request, _("已删除“%(s)s”的填报分工。") % {"s": owner.statistic})
    return redirect("submissions:owner_list", slug=programme.slug)


# --- rounds -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_list(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    context = _programme_context(request, programme, section="rounds")
    form = forms.RoundOpenForm(request.POST or None, programme=programme)
    if request.method == "POST":
        selectors.require_review(user=request.user, programme=programme)
        if form.is_valid():
            year, quarter = form.cleaned_data["period"]
            try:
                round = services.round_open(
                    programme=programme,
                    year=year,
                    quarter=quarter,
                    due_date=form.cleaned_data["due_date"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error("period", _errors_text(exc))
            else:
                messages.success(request, _("已开启 %(label)s 的填报。") % {"label": round.label})
                return redirect(round)
    rounds = list(selectors.rounds_for_programme(programme=programme))
    counts = selectors.round_counts(
        rounds=rounds, agency_ids=visible_agency_ids(user=request.user, programme=programme)
    )
    for round in rounds:
        round.counts = counts.get(round.pk, {})
    context.update(rounds=rounds, form=form)
    return render(request, "submissions/round_list.html", context)


@login_required
def round_detail(request, slug, period):
    round = selectors.round_get_for_user(user=request.user, slug=slug, period=period)
    visible = visible_agency_ids(user=request.user, programme=round.programme)
    context = _programme_context(request, round.programme, section="rounds", round=round)
    context["board"] = selectors.completeness_board(round=round, agency_ids=visible)
    return render(request, "submissions/round_detail.html", context)


@login_required
@require_POST
def round_action(request, slug, period, action):
    round = selectors.round_get_for_user(user=request.user, slug=slug, period=period)
    if action == "close":
        services.round_close(round=round, user=request.user)
        messages.success(request, _("%(label)s填报已关闭。") % {"label": round.label})
    elif action == "reopen":
        services.round_reopen(round=round, user=request.user)
        messages.success(request, _("%(label)s填报已重新开启。") % {"label": round.label})
    elif action == "sync":
        result = services.round_items_sync(round=round, user=request.user)
        messages.success(
            request,
            _("已按最新分工更新应报事项:新增 %(a)s 项,移除 %(r)s 项。")
            % {"a": result["added"], "r": result["removed"]},
        )
    else:
        raise Http404
    return redirect(round)


@login_required
def reporting_rates(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    context = _programme_context(request, programme, section="rates")
    context["rates"] = selectors.reporting_rates(
        programme=programme, agency_ids=visible_agency_ids(user=request.user, programme=programme)
    )
    return render(request, "submissions/reporting_rates.html", context)


# --- one item, its history and its review ---------------------------------------------------------


@login_required
def submission_detail(request, pk):
    item = selectors.submission_get_for_user(user=request.user, pk=pk)
    round = item.round
    context = _programme_context(request, round.programme, section="rounds", round=round, agency=item.agency)
    context.update(
        item=item,
        shown_state=item.display_state(),
        lock=selectors.lock_reason(submission=item),
        events=selectors.events_of(submission=item),
        can_report=selectors.can_report_for(user=request.user, agency=item.agency),
        return_form=forms.ReturnForm(),
        reopen_form=forms.ReopenForm(),
        queue_query=queue_query(request),
    )
    if item.kind == Submission.Kind.STATISTICS:
        context["rows"] = selectors.statistics_form_rows(round=round, agency=item.agency)
    else:
        context["history"] = selectors.task_report_history(
            task=item.task, agency=item.agency, year=round.year, quarter=round.quarter
        )
    return render(request, "submissions/submission_detail.html", context)


@login_required
@require_POST
def submission_action(request, pk, action):
    item = selectors.submission_get_for_user(user=request.user, pk=pk)
    try:
        if action == "submit":
            services.submission_submit(submission=item, user=request.user)
            messages.success(request, _("已提交,等待领导小组办公室审核。"))
        elif action == "approve":
            services.submissions_approve(
                submissions=[item], user=request.user, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("已审核通过。"))
        elif action == "return":
            form = forms.ReturnForm(request.POST)
            services.submission_return(
                submission=item, user=request.user, comment=form.data.get("comment", "")
            )
            messages.success(request, _("已退回,填报单位会看到您的意见。"))
        elif action == "reopen":
            services.submission_reopen(
                submission=item, user=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("已重新开放,填报单位可以更正。"))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    else:
        query = request.POST.get("queue")
        if query is not None and action in ("approve", "return"):
            return redirect(next_in_queue_url(request, item=item, query=query))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(item)


@login_required
def workspace(request):
    if not can(request.user, "reporting.workspace"):
        if can(request.user, "review.queue"):
            return redirect("submissions:review_queue")
        raise PermissionDenied(_("“本季度填报”只对成员单位填报员开放。"))
    data = selectors.workspace_for_user(user=request.user)
    return render(request, "submissions/workspace.html", data)


# --- notifications and files ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    if request.method == "POST":
        services.notifications_mark_all_read(user=request.user)
        messages.success(request, _("已全部标为已读。"))
        return redirect("submissions:notification_list")
    page = Paginator(selectors.notifications_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "submissions/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notification, user=request.user)
    url = notification.url
    return redirect(
        url if url.startswith("/") and not url.startswith("//") else reverse("submissions:notification_list")
    )


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(EvidenceFile.objects.select_related("task__programme"), pk=pk)
    programme_get_for_user(user=request.user, slug=evidence.task.programme.slug)
    visible = visible_agency_ids(user=request.user, programme=evidence.task.programme)
    if visible is not None and evidence.agency_id not in visible:
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@login_required
def upload_download(request, pk):
    upload = get_object_or_404(StatisticUpload.objects.select_related("programme"), pk=pk)
    programme_get_for_user(user=request.user, slug=upload.programme.slug)
    visible = visible_agency_ids(user=request.user, programme=upload.programme)
    if (visible is not None and upload.agency_id not in visible) or not upload.file:
        raise Http404
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.original_name)
