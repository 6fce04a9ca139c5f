"""Pages of quarterly reporting. Thin: scoped lookup → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
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
from ipcity.core.models import JobRun
from ipcity.core.search import search_param
from ipcity.core.uploads import EVIDENCE_MAX_BYTES
from tasks.models import EvidenceFile, Task

from . import forms, ingest, selectors, services
from .conflicts import StaleEdit
from .models import Notification, ReportingRound, Submission
from .review_views import next_in_queue_url, queue_query
from .upload_jobs import UPLOAD_JOB_KIND, upload_job_enqueue, upload_job_outcome, upload_runs_as_job

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors_text(exc: ValidationError) -> str:
    return ";".join(str(m) for m in exc.messages)


def _programme_context(request, programme, **extra):
    return {
        "programme": programme,
        "tab": "reporting",
        "can_edit": can(request.user, "programme.edit", programme),
        "can_review": selectors.can_review(user=request.user, programme=programme),
        **extra,
    }


def _xlsx_response(name: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


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


# --- an agency's items in a round ----------------------------------------------------------------


def _agency_round(request, slug, period, agency_id):
    round = selectors.round_get_for_user(user=request.user, slug=slug, period=period)
    agency = selectors.agency_get_in_round_for_user(user=request.user, round=round, agency_id=agency_id)
    return round, agency


@login_required
def agency_round(request, slug, period, agency_id):
    round, agency = _agency_round(request, slug, period, agency_id)
    items = selectors.agency_items(round=round, agency=agency)
    for item in items:
        item.shown_state = item.display_state()
        item.lock = selectors.lock_reason(submission=item)
    context = _programme_context(request, round.programme, section="rounds", round=round, agency=agency)
    context.update(
        items=items,
        can_report=selectors.can_report_for(user=request.user, agency=agency),
        upload_form=forms.UploadForm(),
    )
    return render(request, "submissions/agency_round.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def statistics_form(request, slug, period, agency_id):
    round, agency = _agency_round(request, slug, period, agency_id)
    item = round.submissions.filter(agency=agency, kind=Submission.Kind.STATISTICS).first()
    if item is None:
        raise Http404
    item.round = round
    lock = selectors.lock_reason(submission=item)
    can_report = selectors.can_report_for(user=request.user, agency=agency)
    rows = selectors.statistics_form_rows(round=round, agency=agency)
    form = forms.StatisticsValuesForm(request.POST or None, rows=rows, disabled=bool(lock) or not can_report)
    warnings = []
    status = 200  # 409 when someone else saved first: the page says who, when and both values
    if request.method == "POST":
        selectors.require_report_for(user=request.user, agency=agency)
        if lock:
            messages.error(request, lock)
            return redirect("submissions:statistics_form", slug=slug, period=period, agency_id=agency.pk)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                outcome = services.statistics_form_save(
                    round=round,
                    agency=agency,
                    values=form.cleaned_data["values"],
                    notes=form.cleaned_data["notes"],
                    user=request.user,
                    confirm_warnings=form.cleaned_data["confirm_warnings"],
                    submit=submit,
                    versions=form.cleaned_data["versions"],
                )
            except StaleEdit as exc:
                rows = selectors.statistics_form_rows(round=round, agency=agency)
                form = _stale_statistics_form(request.POST, rows, exc)
                status = 409
            except ValidationError as exc:
                form.add_error(None, _errors_text(exc))
            else:
                if outcome.status == "needs_confirmation":
                    warnings = outcome.warnings
                else:
                    messages.success(
                        request,
                        _("已提交,等待领导小组办公室审核。")
                        if submit
                        else _("草稿已保存(新版本 %(n)s 项)。") % {"n": outcome.created},
                    )
                    return redirect("submissions:agency_round", slug=slug, period=period, agency_id=agency.pk)
    context = _programme_context(request, round.programme, section="rounds", round=round, agency=agency)
    context.update(
        item=item,
        rows=rows,
        form=form,
        lock=lock,
        warnings=warnings,
        can_report=can_report,
        review_event=selectors.last_review_event(submission=item),
    )
    return render(request, "submissions/statistics_form.html", context, status=status)


def _stale_statistics_form(data, rows, exc: StaleEdit) -> forms.StatisticsValuesForm:
    """The reporter's own figures kept, each one someone else changed meanwhile marked with
    who, when and both values, and the form now based on the current versions."""
    data = data.copy()
    index_of = {row["key"]: index for index, row in enumerate(rows)}
    for index, row in enumerate(rows):
        data[f"s{index}"] = row["current"].pk if row["current"] else ""
    form = forms.StatisticsValuesForm(data, rows=rows)
    form.is_valid()
    for conflict in exc.conflicts:
        field = f"v{index_of[conflict.key]}" if conflict.key in index_of else None
        form.add_error(field, conflict.message)
    form.add_error(
        None,
        _("%(headline)s。本次没有保存任何数据,您填写的内容仍在下方。")
        % {"headline": exc.conflicts[0].headline},
    )
    return form


@login_required
def template_download(request, slug, period, agency_id):
    round, agency = _agency_round(request, slug, period, agency_id)
    name, data = services.template_render(round=round, agency=agency, user=request.user)
    return _xlsx_response(name, data)


@login_required
@require_http_methods(["GET", "POST"])
def statistics_upload(request, slug, period, agency_id):
    round, agency = _agency_round(request, slug, period, agency_id)
    selectors.require_report_for(user=request.user, agency=agency)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Read at most one byte past the limit: a huge file is refused without loading it.
        data = upload.read(ingest.MAX_UPLOAD_BYTES + 1)
        if upload_runs_as_job(data=data, filename=upload.name):  # a big file: checked in the background
            job = upload_job_enqueue(
                round=round, agency=agency, filename=upload.name, data=data, user=request.user
            )
            return redirect("submissions:upload_job", pk=job.pk)
        try:
            outcome = services.statistics_upload_import(
                round=round, agency=agency, filename=upload.name, data=data, user=request.user
            )
        except ValidationError as exc:
            form.add_error("file", _errors_text(exc))
        else:
            if outcome.accepted:
                messages.success(
                    request,
                    _(
                        "文件“%(f)s”已导入:统计数据 %(r)s 项(新版本 %(c)s 项),任务进展 %(t)s 项。请核对后提交。"
                    )
                    % {
                        "f": outcome.filename,
                        "r": outcome.rows,
                        "c": outcome.created,
                        "t": outcome.task_rows,
                    },
                )
                return redirect("submissions:agency_round", slug=slug, period=period, agency_id=agency.pk)
    context = _programme_context(request, round.programme, section="rounds", round=round, agency=agency)
    context.update(form=form, outcome=outcome)
    status = 422 if outcome is not None and outcome.status == "rejected" else 200
    return render(request, "submissions/upload_result.html", context, status=status)


@login_required
@require_POST
def upload_confirm(request, token):
    pending = services.upload_pending_get(token=token, user=request.user)
    if pending is None:
        messages.error(request, _("待确认的上传已过期(超过1小时),请重新上传文件。"))
        return redirect("submissions:workspace")
    round = get_object_or_404(ReportingRound.objects.select_related("programme"), pk=pending["round_id"])
    agency = selectors.agency_get_in_round_for_user(
        user=request.user, round=round, agency_id=pending["agency_id"]
    )
    if upload_runs_as_job(data=pending["data"], filename=pending["filename"]):
        job = upload_job_enqueue(
            round=round, agency=agency, filename=pending["filename"], data=b"", user=request.user, token=token
        )
        return redirect("submissions:upload_job", pk=job.pk)
    outcome = services.statistics_upload_confirm(token=token, user=request.user)
    if outcome.accepted:
        messages.success(
            request,
            _("已确认并导入文件“%(f)s”:统计数据 %(r)s 项(新版本 %(c)s 项)。")
            % {"f": outcome.filename, "r": outcome.rows, "c": outcome.created},
        )
        return redirect(
            "submissions:agency_round", slug=round.programme.slug, period=round.period, agency_id=agency.pk
        )
    context = _programme_context(request, round.programme, section="rounds", round=round, agency=agency)
    context.update(form=forms.UploadForm(), outcome=outcome)
    return render(request, "submissions/upload_result.html", context, status=422)


@login_required
@require_http_methods(["GET"])
def upload_job(request, pk):
    """A big upload checked in the background: its progress, then the same review as an
    upload checked in the request (errors, marked copy, confirmation)."""
    job = get_object_or_404(JobRun, pk=pk, kind=UPLOAD_JOB_KIND)
    if not can(request.user, "job.view", job):
        raise Http404
    round = get_object_or_404(
        ReportingRound.objects.select_related("programme"), pk=job.params.get("round_id")
    )
    agency = selectors.agency_get_in_round_for_user(
        user=request.user, round=round, agency_id=job.params["agency_id"]
    )
    outcome = upload_job_outcome(job=job, user=request.user)
    if outcome is not None and outcome.accepted:
        messages.success(
            request,
            _("文件“%(f)s”已导入:统计数据 %(r)s 项(新版本 %(c)s 项),任务进展 %(t)s 项。请核对后提交。")
            % {"f": outcome.filename, "r": outcome.rows, "c": outcome.created, "t": outcome.task_rows},
        )
        return redirect(
            "submissions:agency_round", slug=round.programme.slug, period=round.period, agency_id=agency.pk
        )
    if outcome is not None and outcome.status == "expired":
        messages.error(request, _("检查结果已过期(保留1小时),请重新上传文件。"))
    context = _programme_context(request, round.programme, section="rounds", round=round, agency=agency)
    context.update(form=forms.UploadForm(), outcome=outcome, job=None if outcome else job)
    status = 422 if outcome is not None and outcome.status == "rejected" else 200
    return render(request, "submissions/upload_result.html", context, status=status)


@login_required
def upload_marked(request, token):
    marked = services.upload_marked_copy(token=token, user=request.user)
    if marked is None:
        raise Http404(_("标注错误的文件副本已过期(保留1小时),请重新上传以生成。"))
    return _xlsx_response(*marked)


@login_required
@require_http_methods(["GET", "POST"])
def task_report_form(request, slug, period, agency_id, task_id):
    round, agency = _agency_round(request, slug, period, agency_id)
    task = get_object_or_404(Task, pk=task_id, programme=round.programme)
    item = round.submissions.filter(agency=agency, kind=Submission.Kind.TASK, task=task).first()
    if item is None:
        raise Http404
    item.round = round
    lock = selectors.lock_reason(submission=item)
    can_report = selectors.can_report_for(user=request.user, agency=agency)
    current = selectors.task_report_current(task=task, agency=agency, year=round.year, quarter=round.quarter)
    evidence = list(current.evidence.all()) if current else []
    initial = (
        {
            "status": current.status,
            "work_done": current.work_done,
            "problems": current.problems,
            "next_steps": current.next_steps,
            "version": current.pk,
        }
        if current
        else {}
    )
    form = forms.TaskReportForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        evidence_choices=evidence,
        disabled=bool(lock) or not can_report,
    )
    status = 200  # 409 when someone else saved first
    if request.method == "POST":
        selectors.require_report_for(user=request.user, agency=agency)
        if lock:
            messages.error(request, lock)
            return redirect(item.edit_url)
        if form.is_valid():
            files = [(f.name, f.read(EVIDENCE_MAX_BYTES + 1)) for f in form.cleaned_data["evidence"]]
            submit = "submit" in request.POST
            try:
                services.task_report_draft_save(
                    round=round,
                    agency=agency,
                    task=task,
                    status=form.cleaned_data["status"],
                    work_done=form.cleaned_data["work_done"],
                    problems=form.cleaned_data["problems"],
                    next_steps=form.cleaned_data["next_steps"],
                    keep_evidence_ids=[int(pk) for pk in form.cleaned_data["keep_evidence"]],
                    new_files=files,
                    user=request.user,
                    submit=submit,
                    version=form.cleaned_data["version"] if "version" in request.POST else services.UNSEEN,
                )
            except StaleEdit as exc:
                # keep what the reporter wrote; the form now edits the current version
                current = selectors.task_report_current(
                    task=task, agency=agency, year=round.year, quarter=round.quarter
                )
                evidence = list(current.evidence.all()) if current else []
                data = request.POST.copy()
                data["version"] = current.pk if current else ""
                kept = {str(e.pk) for e in evidence}
                data.setlist("keep_evidence", [pk for pk in data.getlist("keep_evidence") if pk in kept])
                form = forms.TaskReportForm(data, evidence_choices=evidence)
                form.is_valid()
                form.add_error(None, exc.conflicts[0].message)
                if files:
                    form.add_error("evidence", _("本次选择的证明材料没有保存,请核对后重新选择。"))
                status = 409
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "evidence" in exc.error_dict:
                    form.add_error("evidence", exc.error_dict["evidence"])
                else:
                    form.add_error(None, _errors_text(exc))
            else:
                messages.success(
                    request, _("已提交,等待领导小组办公室审核。") if submit else _("任务进展草稿已保存。")
                )
                return redirect("submissions:agency_round", slug=slug, period=period, agency_id=agency.pk)
    context = _programme_context(request, round.programme, section="rounds", round=round, agency=agency)
    context.update(
        task=task,
        item=item,
        form=form,
        lock=lock,
        can_report=can_report,
        history=selectors.task_report_history(
            task=task, agency=agency, year=round.year, quarter=round.quarter
        ),
        review_event=selectors.last_review_event(submission=item),
    )
    return render(request, "submissions/task_report_form.html", context, status=status)


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
