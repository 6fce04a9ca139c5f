"""Pages of one agency's items in a round: its list, the statistics form (a conflicting
edit answered with 409 and both values), the template download, the upload (checked in
the request, or by a background job for a big file), its confirmation and marked copy, and
the task report form. Thin: scoped lookup → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can
from ipcity.core.models import JobRun
from ipcity.core.uploads import EVIDENCE_MAX_BYTES
from tasks.models import Task

from . import forms, ingest, selectors, services
from .conflicts import StaleEdit
from .models import ReportingRound, Submission
from .upload_jobs import UPLOAD_JOB_KIND, upload_job_enqueue, upload_job_outcome, upload_runs_as_job
from .view_helpers import _errors_text, _programme_context, _xlsx_response

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
