"""Statistics uploads (checked completely, then written in one transaction) and the Excel
template each agency downloads."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import can
from indicators.models import StatisticUpload, StatisticValue
from programmes.models import Agency
from tasks.models import TaskAssignment, TaskReport
from tasks.services import task_report_save

from .. import ingest
from ..conflicts import item_lock, race_conflict
from ..models import (
    ReportingRound,
    Submission,
    SubmissionEvent,
)
from ..pending import pending_drop, pending_get, pending_store
from ..selectors import (
    current_values,
    lock_reason,
    require_report_for,
)
from .rounds import _statistics_item, round_context
from .values import statistic_values_record
from .workflow import _event, _mark_draft

log = logging.getLogger(__name__)


# --- uploads --------------------------------------------------------------------------------


@dataclass
class UploadOutcome:
    """What an upload did: accepted (written), rejected (errors, nothing written) or
    needs_confirmation (warnings only, nothing written until confirmed)."""

    status: str
    filename: str
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    rows: int = 0
    task_rows: int = 0
    created: int = 0
    unchanged: int = 0
    tasks_changed: int = 0
    upload: StatisticUpload | None = None
    token: str = ""  # the pending upload (submissions.pending): marked copy / confirmation

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "file": self.filename,
            "rows_accepted": self.rows if self.accepted else 0,
            "task_reports_accepted": self.task_rows if self.accepted else 0,
            "values_written": self.created,
            "values_unchanged": self.unchanged,
            "task_reports_written": self.tasks_changed,
            "upload_id": self.upload.pk if self.upload else None,
            "sha256": self.upload.sha256 if self.upload else None,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }


def upload_pending_get(*, token: str, user) -> dict | None:
    """A checked upload kept for its marked copy or its confirmation; only for its uploader."""
    pending = pending_get(token=token, user=user)
    if pending is None:
        return None
    return {
        "data": bytes(pending.data),
        "filename": pending.filename,
        "kind": pending.kind,
        "problems": pending.problems,
        "round_id": pending.round_id,
        "agency_id": pending.agency_id,
        "user_id": pending.user_id,
    }


def upload_marked_copy(*, token: str, user) -> tuple[str, bytes] | None:
    from ..workbook import marked_copy_build

    pending = upload_pending_get(token=token, user=user)
    if pending is None:
        return None
    data = marked_copy_build(
        data=pending["data"], kind=pending["kind"], problems=pending["problems"], filename=pending["filename"]
    )
    stem = pending["filename"].rsplit(".", 1)[0]
    return f"{stem}-错误标注.xlsx", data


def statistics_upload_import(
    *,
    round: ReportingRound,
    agency: Agency,
    filename: str,
    data: bytes,
    user,
    channel: str = StatisticUpload.Channel.WEB,
    confirm_warnings: bool = False,
) -> UploadOutcome:
    """Check an uploaded template (.xlsx) or .csv for a round and agency, and write it whole
    or not at all. With warnings and no confirmation nothing is written either."""
    require_report_for(user=user, agency=agency)
    outcome = UploadOutcome(status="rejected", filename=filename)
    item = _statistics_item(round, agency)
    task_items = {s.task_id: s for s in round.submissions.filter(agency=agency, kind=Submission.Kind.TASK)}
    ctx = round_context(round=round, agency=agency)
    result = ingest.check_file(data=data, filename=filename, ctx=ctx)
    # Rows of a locked item (submitted, approved, round closed) may come back unchanged in a
    # re-downloaded template: they are skipped. A changed one is an error saying why.
    reason = lock_reason(submission=item)
    if reason and result.stat_rows:
        current = current_values(
            programme=round.programme,
            year=round.year,
            quarter=round.quarter,
            statistic_ids={info["id"] for info in ctx.owned.values()},
        )
        changed = [
            r
            for r in result.stat_rows
            if current.get((ctx.owned[(r.code, r.area)]["id"], r.area), (0, None))[1] != r.value
        ]
        if changed:
            result.errors.insert(0, ingest.Problem("error", _("统计数据不能修改:%(why)s") % {"why": reason}))
            result.error_count += 1
        result.stat_rows, result.warnings, result.warning_count = [], [], 0
    kept = []
    for row in result.task_rows:
        task_item = task_items[ctx.tasks[row.number]["id"]]
        why = lock_reason(submission=task_item)
        if not why:
            kept.append(row)
            continue
        report = TaskReport.objects.filter(
            task_id=task_item.task_id, agency=agency, year=round.year, quarter=round.quarter, is_current=True
        ).first()
        same = report is not None and (
            report.status,
            report.work_done,
            report.problems,
            report.next_steps,
        ) == (
            row.status,
            row.work_done,
            row.problems,
            row.next_steps,
        )
        if not same:
            result.error(
                _("任务 %(n)s 的进展报告不能修改:%(why)s") % {"n": row.number, "why": why},
                sheet=ingest.TASK_SHEET,
                row=row.row,
                column=row.cells.get("number", ""),
                field=_("任务编号"),
            )
    result.task_rows = kept
    if result.ok and not result.stat_rows and not result.task_rows and reason:
        result.error(_("文件中没有可以导入的内容:%(why)s") % {"why": reason})
    outcome.errors, outcome.warnings = result.errors, result.warnings
    outcome.error_count, outcome.warning_count = result.error_count, result.warning_count
    outcome.rows, outcome.task_rows = len(result.stat_rows), len(result.task_rows)
    if not result.ok:
        if result.kind:
            outcome.token = pending_store(
                data=data,
                filename=filename,
                kind=result.kind,
                problems=result.errors + result.warnings,
                round=round,
                agency=agency,
                user=user,
            )
        log.info(
            "upload %s for %s %s rejected: %s errors", filename, agency.pk, round.period, result.error_count
        )
        return outcome
    if result.warning_count and not confirm_warnings:
        outcome.status = "needs_confirmation"
        outcome.token = pending_store(
            data=data,
            filename=filename,
            kind=result.kind,
            problems=result.warnings,
            round=round,
            agency=agency,
            user=user,
        )
        return outcome

    source = {
        StatisticUpload.Channel.COMMAND: StatisticValue.Source.COMMAND,
        StatisticUpload.Channel.API: StatisticValue.Source.API,
    }.get(channel, StatisticValue.Source.UPLOAD)
    stored = []
    try:
        with transaction.atomic():
            item_lock(item)  # one write at a time per item: a form save waits, never collides
            upload = StatisticUpload(
                programme=round.programme,
                agency=agency,
                year=round.year,
                quarter=round.quarter,
                original_name=filename,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                channel=channel,
                status=StatisticUpload.Status.ACCEPTED,
                row_count=len(result.stat_rows) + len(result.task_rows),
                warnings=[p.as_dict() for p in result.warnings],
                uploaded_by=user,
            )
            upload.file.save(f"upload.{result.kind}", ContentFile(data), save=False)
            stored.append(upload.file.name)
            upload.save()
            entries = [(ctx.owned[(r.code, r.area)]["id"], r.area, r.value, r.note) for r in result.stat_rows]
            written = statistic_values_record(
                programme=round.programme,
                agency=agency,
                year=round.year,
                quarter=round.quarter,
                entries=entries,
                source=source,
                user=user,
                upload=upload,
            )
            outcome.created, outcome.unchanged = written["created"], written["unchanged"]
            if result.stat_rows:
                _mark_draft(item)
                _event(
                    item,
                    SubmissionEvent.Action.UPLOADED,
                    user,
                    comment=_("文件“%(f)s”:%(n)s 项,新版本 %(c)s 项")
                    % {"f": filename, "n": len(result.stat_rows), "c": written["created"]},
                )
            for row in result.task_rows:
                task_id = ctx.tasks[row.number]["id"]
                task_item = task_items[task_id]
                _report, changed = task_report_save(
                    task=task_item.task,
                    agency=agency,
                    year=round.year,
                    quarter=round.quarter,
                    status=row.status,
                    work_done=row.work_done,
                    problems=row.problems,
                    next_steps=row.next_steps,
                    user=user,
                    source=TaskReport.Source.COMMAND
                    if channel == StatisticUpload.Channel.COMMAND
                    else TaskReport.Source.UPLOAD,
                    upload=upload,
                )
                if changed:
                    outcome.tasks_changed += 1
                    _mark_draft(task_item)
                    _event(task_item, SubmissionEvent.Action.UPLOADED, user, comment=filename)
    except Exception as exc:
        for name in stored:
            default_storage.delete(name)
        if isinstance(exc, IntegrityError):  # a writer that does not lock the item, at the same moment
            raise race_conflict(_("统计数据")) from exc
        raise
    outcome.status, outcome.upload = "accepted", upload
    return outcome


def statistics_upload_confirm(*, token: str, user) -> UploadOutcome:
    """Import an upload whose warnings the reporter has confirmed (checked again in full)."""
    pending = upload_pending_get(token=token, user=user)
    if pending is None:
        raise ValidationError(_("待确认的上传已过期(超过1小时),请重新上传文件。"))
    round = ReportingRound.objects.select_related("programme").get(pk=pending["round_id"])
    agency = Agency.objects.get(pk=pending["agency_id"])
    outcome = statistics_upload_import(
        round=round,
        agency=agency,
        filename=pending["filename"],
        data=pending["data"],
        user=user,
        confirm_warnings=True,
    )
    if outcome.accepted:
        pending_drop(token=token)
    return outcome


def template_spec(*, round: ReportingRound, agency: Agency) -> dict:
    """Everything the Excel template for an agency and round shows."""
    from ..selectors import statistics_form_rows

    rows = statistics_form_rows(round=round, agency=agency)
    task_items = round.submissions.filter(agency=agency, kind=Submission.Kind.TASK).select_related("task")
    reports = {
        r.task_id: r
        for r in TaskReport.objects.filter(
            agency=agency,
            year=round.year,
            quarter=round.quarter,
            is_current=True,
            task__in=[i.task_id for i in task_items],
        )
    }
    role_labels = dict(TaskAssignment.Role.choices)
    return {
        "programme_slug": round.programme.slug,
        "programme_title": round.programme.title,
        "city": round.programme.city.name,
        "agency_id": agency.pk,
        "agency_name": agency.name,
        "period": round.period,
        "label": round.label,
        "due_date": round.due_date.isoformat(),
        "status_labels": [str(label) for _v, label in TaskReport.Status.choices],
        "stats": [
            {
                "code": r["statistic"].code,
                "name": r["statistic"].name,
                "area": r["area"],
                "unit": r["statistic"].unit,
                "previous": r["previous"],
                "current": r["current"].value if r["current"] else None,
                "note": r["current"].note if r["current"] else "",
                "min_value": r["statistic"].min_value,
                "max_value": r["statistic"].max_value,
            }
            for r in rows
        ],
        "tasks": [
            {
                "number": i.task.number,
                "title": i.task.title,
                "role_label": str(role_labels.get(i.role, i.role)),
                "status_label": reports[i.task_id].get_status_display() if i.task_id in reports else "",
                "work_done": reports[i.task_id].work_done if i.task_id in reports else "",
                "problems": reports[i.task_id].problems if i.task_id in reports else "",
                "next_steps": reports[i.task_id].next_steps if i.task_id in reports else "",
            }
            for i in task_items
        ],
    }


def template_render(*, round: ReportingRound, agency: Agency, user) -> tuple[str, bytes]:
    """The template workbook (name, bytes) for an agency and round; the web download and
    `manage.py statistics_template` both come here."""
    from ..workbook import generated_name, template_build

    if not (can(user, "submission.template", agency) or can(user, "submission.template", round)):
        raise PermissionDenied
    data = template_build(spec=template_spec(round=round, agency=agency))
    return generated_name(prefix="统计数据填报模板", agency=agency.short_name, period=round.period), data
