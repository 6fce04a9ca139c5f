"""Every write of quarterly reporting: the catalogue, rounds, values, uploads, task reports,
the review and reminders. Views, commands and jobs call these; nothing else saves.

Writes are all or nothing: an upload is checked completely before anything is written, and
written in one transaction; a file stored on the way is removed again if the transaction
fails. Values are never overwritten: a change is a new version superseding the old one."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can, require
from accounts.selectors import reporters_of, user_city
from indicators.models import Statistic, StatisticOwner, StatisticUpload, StatisticValue
from indicators.recompute_triggers import on_statistic_definition_changed
from indicators.validation.selectors import rule_inputs
from programmes.models import Agency, Programme
from tasks.models import Task, TaskAssignment, TaskReport
from tasks.services import task_report_save

from . import ingest
from .conflicts import StaleEdit, item_lock, race_conflict, report_conflict, value_conflicts
from .models import (
    Notification,
    ReportingRound,
    Submission,
    SubmissionEvent,
    previous_quarter,
)
from .notifications import office_notify_round_gaps, office_notify_submitted
from .pending import pending_drop, pending_get, pending_store
from .rounds import quarter_outside_period
from .selectors import (
    current_values,
    due_items,
    lock_reason,
    owned_statistics,
    require_report_for,
    require_review,
    statistic_info,
    user_label,
)

log = logging.getLogger(__name__)


# --- the statistics catalogue and who reports what -----------------------------------------


@transaction.atomic
def statistic_save(*, statistic: Statistic, user) -> Statistic:
    """Add a statistic to the user's city's catalogue, or change one the city defined.

    Built-in codes are national and read-only to offices ("statistic.edit"); a statistic
    never moves to another city; its code is fixed once values, owners or formulas use it;
    every change is audited (django-simple-history, with the acting user)."""
    if statistic.pk is None:
        city = statistic.city if statistic.city_id else user_city(user=user)
        require(user, "statistic.create", city, _("只有本市领导小组办公室可以新增统计数据项。"))
        statistic.city = city
        statistic.is_builtin = False
    else:
        stored = Statistic.objects.select_for_update().get(pk=statistic.pk)
        require(user, "statistic.edit", stored)
        statistic.city_id, statistic.is_builtin = stored.city_id, stored.is_builtin
        statistic.code = (statistic.code or "").strip().upper()
        if statistic.code != stored.code:
            in_use = statistic_code_users(statistic=stored)
            if in_use:
                raise ValidationError(
                    {
                        "code": _("代码 %(code)s 已有 %(what)s,不能修改(公式和已填报的数据按代码对应)。")
                        % {"code": stored.code, "what": in_use}
                    }
                )
    statistic.code = (statistic.code or "").strip().upper()
    statistic.full_clean()
    statistic._history_user = user
    before = (
        Statistic.objects.filter(pk=statistic.pk).values("aggregation", "unit").first()
        if statistic.pk
        else None
    )
    statistic.save()
    if before:  # a changed definition recomputes the indicators using the code (issue 10)
        changed = {name for name, value in before.items() if getattr(statistic, name) != value}
        on_statistic_definition_changed(statistic=statistic, changed=changed, user=user)
    return statistic


def statistic_code_users(*, statistic: Statistic) -> str:
    """What uses a statistic's code, in words (“12 条统计数据和 1 个指标公式”), or ""."""
    from indicators.formulas import codes_in
    from indicators.models import Indicator
    from programmes.deletion import holders_of, holders_text

    text = holders_text(holders_of(statistic))
    formulas = Indicator.objects.filter(formula__contains=statistic.code)
    if statistic.city_id is not None:
        formulas = formulas.filter(programme__city_id=statistic.city_id)
    n = sum(1 for f in formulas.values_list("formula", flat=True) if statistic.code in codes_in(f))
    if n:
        formula_text = _("%(n)s 个指标公式") % {"n": n}
        text = _("%(list)s和 %(last)s") % {"list": text, "last": formula_text} if text else formula_text
    return text


@transaction.atomic
def statistic_owner_add(
    *, programme: Programme, statistic: Statistic, agency: Agency, area: str, user
) -> StatisticOwner:
    require(user, "programme.edit", programme)
    if agency.city_id != programme.city_id:
        raise ValidationError({"agency": _("只能指定本市的成员单位。")})
    area = (area or "").strip()
    if area == ingest.CITY_AREA_LABEL:
        area = ""
    if StatisticOwner.objects.filter(programme=programme, statistic=statistic, area=area).exists():
        raise ValidationError(
            {
                "statistic": _("“%(s)s”在“%(a)s”已有填报单位。")
                % {"s": statistic, "a": area or ingest.CITY_AREA_LABEL}
            }
        )
    owner = StatisticOwner(
        programme=programme, statistic=statistic, agency=agency, area=area, printed_agency=agency.name
    )
    owner._history_user = user
    owner.full_clean()
    owner.save()
    return owner


@transaction.atomic
def statistic_owner_remove(*, owner: StatisticOwner, user) -> None:
    require(user, "programme.edit", owner.programme)
    owner._history_user = user
    owner.delete()


# --- rounds ---------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    programme: Programme,
    year: int,
    quarter: int,
    due_date: date,
    user,
    note: str = "",
    is_demo: bool = False,
) -> ReportingRound:
    """Open a quarter's round and list what every agency owes in it."""
    if user is not None or not is_demo:
        require_review(user=user, programme=programme)
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("季度应为 1 到 4。")})
    outside = quarter_outside_period(programme, year, quarter)
    if outside:
        raise ValidationError({"period": outside})
    if ReportingRound.objects.filter(programme=programme, year=year, quarter=quarter).exists():
        raise ValidationError(
            {"period": _("%(y)s年第%(q)s季度的填报轮次已经开启过了。") % {"y": year, "q": quarter}}
        )
    round = ReportingRound.objects.create(
        programme=programme,
        year=year,
        quarter=quarter,
        due_date=due_date,
        note=note,
        opened_by=user,
        is_demo=is_demo,
    )
    round_items_sync(round=round, user=user, check=False)
    return round


@transaction.atomic
def round_items_sync(*, round: ReportingRound, user, check: bool = True) -> dict:
    """Bring a round's items in line with who reports what now: add what is newly due, drop
    items no longer due that nobody has started. Idempotent."""
    if check:
        require_review(user=user, programme=round.programme)
    owed = due_items(programme=round.programme)
    existing = {(s.agency_id, s.kind, s.task_id): s for s in round.submissions.all()}
    wanted = set()
    new = []
    for agency_id, items in owed.items():
        if items["statistics"]:
            wanted.add((agency_id, Submission.Kind.STATISTICS, None))
        for task, role in items["tasks"]:
            wanted.add((agency_id, Submission.Kind.TASK, task.pk))
            if (agency_id, Submission.Kind.TASK, task.pk) not in existing:
                new.append(
                    Submission(
                        round=round, agency_id=agency_id, kind=Submission.Kind.TASK, task=task, role=role
                    )
                )
    for key in wanted:
        if key[1] == Submission.Kind.STATISTICS and key not in existing:
            new.append(Submission(round=round, agency_id=key[0], kind=Submission.Kind.STATISTICS))
    Submission.objects.bulk_create(new)
    stale = [
        s.pk for key, s in existing.items() if key not in wanted and s.state == Submission.State.NOT_STARTED
    ]
    Submission.objects.filter(pk__in=stale).delete()
    return {"added": len(new), "removed": len(stale)}


@transaction.atomic
def round_close(*, round: ReportingRound, user) -> ReportingRound:
    require_review(user=user, programme=round.programme)
    round.status, round.closed_at, round.closed_by = ReportingRound.Status.CLOSED, timezone.now(), user
    round.save(update_fields=["status", "closed_at", "closed_by"])
    office_notify_round_gaps(round=round)
    return round


@transaction.atomic
def round_reopen(*, round: ReportingRound, user, due_date: date | None = None) -> ReportingRound:
    require_review(user=user, programme=round.programme)
    round.status, round.closed_at, round.closed_by = ReportingRound.Status.OPEN, None, None
    if due_date:
        round.due_date = due_date
    round.save(update_fields=["status", "closed_at", "closed_by", "due_date"])
    return round


def round_for_period(*, programme: Programme, year: int, quarter: int) -> ReportingRound | None:
    return ReportingRound.objects.filter(programme=programme, year=year, quarter=quarter).first()


# --- checking context -----------------------------------------------------------------------


def round_context(*, round: ReportingRound, agency: Agency) -> ingest.RoundContext:
    """What an upload for this round and agency is checked against. Plain values, no model
    instances: an agency may report a statistic for thousands of districts."""
    programme = round.programme
    owned_pairs = list(
        StatisticOwner.objects.filter(programme=programme, agency=agency).values_list("statistic_id", "area")
    )
    stat_ids = {stat_id for stat_id, _area in owned_pairs}
    infos = {s.pk: statistic_info(s) for s in Statistic.objects.filter(pk__in=stat_ids)}
    catalogue = {
        code: {"name": name}
        for code, name in Statistic.objects.for_city(programme.city_id).values_list("code", "name")
    }
    owned = {(infos[stat_id]["code"], area): infos[stat_id] for stat_id, area in owned_pairs}
    py, pq = previous_quarter(round.year, round.quarter)
    previous = {
        key: value
        for key, (_pk, value, _v) in current_values(
            programme=programme, year=py, quarter=pq, statistic_ids=stat_ids
        ).items()
    }
    tasks = {
        s.task.number: {"id": s.task_id, "title": s.task.title, "role": s.role}
        for s in round.submissions.filter(agency=agency, kind=Submission.Kind.TASK).select_related("task")
    }
    names = {agency.name, agency.short_name, *agency.aliases.values_list("name", flat=True)}
    return ingest.RoundContext(
        programme_slug=programme.slug,
        programme_title=programme.title,
        agency_id=agency.pk,
        agency_names=names,
        agency_name=agency.name,
        year=round.year,
        quarter=round.quarter,
        catalogue=catalogue,
        owned=owned,
        tasks=tasks,
        previous=previous,
        status_labels={str(label): value for value, label in TaskReport.Status.choices},
        rules=rule_inputs(programme=programme, year=round.year, quarter=round.quarter),
    )


def _statistics_item(round: ReportingRound, agency: Agency) -> Submission:
    item = round.submissions.select_related("round", "submitted_by", "reviewed_by").filter(
        agency=agency, kind=Submission.Kind.STATISTICS
    )
    item = item.first()
    if item is None:
        raise ValidationError(_("本单位在 %(label)s 没有需要填报的统计数据。") % {"label": round.label})
    return item


def _task_item(round: ReportingRound, agency: Agency, task: Task) -> Submission:
    item = round.submissions.select_related("round", "submitted_by", "reviewed_by").filter(
        agency=agency, kind=Submission.Kind.TASK, task=task
    )
    item = item.first()
    if item is None:
        raise ValidationError(_("本单位在 %(label)s 不需要报告该任务。") % {"label": round.label})
    return item


# --- versioned values -----------------------------------------------------------------------


VALUE_COLUMNS = [
    "programme_id",
    "statistic_id",
    "agency_id",
    "area",
    "year",
    "quarter",
    "value",
    "version",
    "supersedes_id",
    "is_current",
    "source",
    "upload_id",
    "reported_by_id",
    "reported_at",
    "note",
]


LARGEST_VALUE = Decimal("1e16")  # DecimalField(max_digits=20, decimal_places=4)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value).translate(_COPY_ESCAPES)


def _copy_line(row: tuple) -> str:
    """One value row as a line of COPY text; only the free-text fields need escaping."""
    (
        prog,
        stat,
        agency,
        area,
        year,
        quarter,
        value,
        version,
        supersedes,
        current,
        source,
        upload,
        user,
        at,
        note,
    ) = row
    return (
        f"{prog}\t{stat}\t{agency}\t{area.translate(_COPY_ESCAPES)}\t{year}\t{quarter}\t{value}\t{version}\t"
        f"{_copy_field(supersedes)}\t{'t' if current else 'f'}\t{source}\t{_copy_field(upload)}\t"
        f"{_copy_field(user)}\t{at}\t{note.translate(_COPY_ESCAPES)}\n"
    )


def _values_insert(rows: list[tuple]) -> None:
    """Insert value rows in as few statements as the database allows.

    An upload may hold 100,000 figures: building that many model instances and letting the
    ORM render them in 999-parameter batches (SQLite) costs ten times the file read. The
    rows are checked and adapted before they get here; this only writes them."""
    if not rows:
        return
    table = connection.ops.quote_name(StatisticValue._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in VALUE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY (text format: tab-separated, \N for NULL) is PostgreSQL's bulk path.
            buffer = io.StringIO("".join(map(_copy_line, rows)))
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        else:
            placeholders = ", ".join(["%s"] * len(VALUE_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _values_retire(pks: list[int]) -> None:
    """Mark superseded versions as no longer current (before their successors are inserted:
    one current row per key is a constraint). Plain SQL for the same reason as the insert."""
    table = connection.ops.quote_name(StatisticValue._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if pks:
                cursor.execute(f"UPDATE {table} SET is_current = false WHERE id = ANY(%s)", [pks])
            return
        for start in range(0, len(pks), 900):  # under SQLite's smallest parameter limit
            chunk = pks[start : start + 900]
            cursor.execute(
                f"UPDATE {table} SET is_current = %s WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                [False, *chunk],
            )


def statistic_values_record(
    *,
    programme: Programme,
    agency: Agency,
    year: int,
    quarter: int,
    entries: list[tuple[int, str, Decimal, str]],
    source: str,
    user,
    upload: StatisticUpload | None = None,
) -> dict:
    """Write (statistic id, area, value, note) entries as new versions where they differ from
    the current value; unchanged values write nothing. Call inside a transaction."""
    current = current_values(
        programme=programme, year=year, quarter=quarter, statistic_ids={e[0] for e in entries}
    )
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    user_id = user.pk if user else None
    upload_id = upload.pk if upload else None
    superseded, rows = [], []
    for stat_id, area, value, note in entries:
        old = current.get((stat_id, area))
        if old is not None and old[1] == value:
            continue
        if old is not None:
            superseded.append(old[0])
        if abs(value) >= LARGEST_VALUE:
            raise ValidationError(_("数值过大。"))
        rows.append(
            (
                programme.pk,
                stat_id,
                agency.pk,
                area,
                year,
                quarter,
                ops.adapt_decimalfield_value(value, 20, 4),
                (old[2] + 1) if old else 1,
                old[0] if old else None,
                True,
                source,
                upload_id,
                user_id,
                now,
                note,
            )
        )
    _values_retire(superseded)
    _values_insert(rows)
    return {"created": len(rows), "unchanged": len(entries) - len(rows), "corrected": len(superseded)}


def _event(
    submission: Submission, action: str, user, comment: str = "", is_late: bool = False
) -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        submission=submission, action=action, user=user, comment=comment, is_late=is_late
    )


def _mark_draft(item: Submission) -> None:
    if item.state == Submission.State.NOT_STARTED:
        item.state = Submission.State.DRAFT
        item.save(update_fields=["state", "updated_at"])


def _require_editable(item: Submission) -> None:
    reason = lock_reason(submission=item)
    if reason:
        raise ValidationError(reason)


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
    from .workbook import marked_copy_build

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


# --- the web form ---------------------------------------------------------------------------


@dataclass
class FormOutcome:
    status: str  # saved | needs_confirmation | submitted
    warnings: list = field(default_factory=list)
    created: int = 0


def statistics_form_save(
    *,
    round: ReportingRound,
    agency: Agency,
    values: dict[str, Decimal | None],
    notes: dict[str, str],
    user,
    confirm_warnings: bool = False,
    submit: bool = False,
    versions: dict[str, int | None] | None = None,
) -> FormOutcome:
    """Save the web form's values (key `CODE|area`) as new versions where changed; blank
    fields write nothing. Warnings need confirmation; with submit, the item is submitted.

    `versions` (`CODE|area` → the value row the form showed, None for none) makes a save
    based on an older version a `StaleEdit` (who saved what, when; nothing written) instead
    of overwriting someone else's figure; saves of one item are serialised on its row."""
    require_report_for(user=user, agency=agency)
    item = _statistics_item(round, agency)
    _require_editable(item)
    ctx = round_context(round=round, agency=agency)
    by_key = {}
    for key, value in values.items():
        code, _sep, area = key.partition("|")
        if (code, area) not in ctx.owned:
            raise ValidationError(_("“%(c)s”不由本单位填报。") % {"c": code})
        if value is not None:
            by_key[(code, area)] = value
    warnings = ingest.value_warnings(ctx, by_key)
    if warnings and not confirm_warnings:
        return FormOutcome(status="needs_confirmation", warnings=warnings)
    try:
        with transaction.atomic():
            item = item_lock(item)
            _require_editable(item)
            if versions is not None:
                current = current_values(
                    programme=round.programme,
                    year=round.year,
                    quarter=round.quarter,
                    statistic_ids={ctx.owned[key]["id"] for key in by_key},
                )
                stale, untouched = value_conflicts(ctx=ctx, by_key=by_key, versions=versions, current=current)
                if stale:
                    raise StaleEdit(stale)
                by_key = {key: value for key, value in by_key.items() if key not in untouched}
            entries = [
                (ctx.owned[key]["id"], key[1], value, (notes.get(f"{key[0]}|{key[1]}") or "")[:500])
                for key, value in by_key.items()
            ]
            written = statistic_values_record(
                programme=round.programme,
                agency=agency,
                year=round.year,
                quarter=round.quarter,
                entries=entries,
                source=StatisticValue.Source.FORM,
                user=user,
            )
            if written["created"]:
                _mark_draft(item)
                _event(
                    item,
                    SubmissionEvent.Action.SAVED,
                    user,
                    comment=_("新版本 %(c)s 项") % {"c": written["created"]},
                )
            if submit:
                submission_submit(submission=item, user=user)
    except IntegrityError as exc:  # a writer that does not lock the item saved the same key
        raise race_conflict(_("统计数据")) from exc
    return FormOutcome(
        status="submitted" if submit else "saved", warnings=warnings, created=written["created"]
    )


UNSEEN = object()  # no version given: the caller does not check for concurrent edits


def task_report_draft_save(
    *,
    round: ReportingRound,
    agency: Agency,
    task: Task,
    status: str,
    work_done: str,
    problems: str,
    next_steps: str,
    user,
    keep_evidence_ids: list[int] | None = None,
    new_files: list[tuple[str, bytes]] | None = None,
    submit: bool = False,
    version=UNSEEN,
):
    """Save an agency's report on a task in a round (a new version when changed).

    `version` is the pk of the report the form showed (None: there was none); a save based
    on an older one is a `StaleEdit`, nothing written. Saves of one item queue on its row."""
    require_report_for(user=user, agency=agency)
    item = _task_item(round, agency, task)
    _require_editable(item)
    try:
        with transaction.atomic():
            item = item_lock(item)
            _require_editable(item)
            if version is not UNSEEN:
                current = (
                    TaskReport.objects.select_related("reported_by__profile")
                    .filter(task=task, agency=agency, year=round.year, quarter=round.quarter, is_current=True)
                    .first()
                )
                fields = {
                    "status": status,
                    "work_done": work_done,
                    "problems": problems,
                    "next_steps": next_steps,
                }
                stale = report_conflict(current=current, seen=version, fields=fields)
                if stale:
                    raise StaleEdit([stale])
            report, changed = task_report_save(
                task=task,
                agency=agency,
                year=round.year,
                quarter=round.quarter,
                status=status,
                work_done=work_done,
                problems=problems,
                next_steps=next_steps,
                user=user,
                keep_evidence_ids=keep_evidence_ids,
                new_files=new_files,
            )
            if changed:
                _mark_draft(item)
                _event(
                    item, SubmissionEvent.Action.SAVED, user, comment=_("版本 %(v)s") % {"v": report.version}
                )
            if submit:
                submission_submit(submission=item, user=user)
    except IntegrityError as exc:  # a writer that does not lock the item saved the same report
        raise race_conflict(_("任务进展报告")) from exc
    return report, changed


# --- the workflow ---------------------------------------------------------------------------


def submission_missing(*, submission: Submission) -> list[str]:
    """What still has to be filled before an item can be submitted."""
    round = submission.round
    if submission.kind == Submission.Kind.TASK:
        has = TaskReport.objects.filter(
            task_id=submission.task_id,
            agency_id=submission.agency_id,
            year=round.year,
            quarter=round.quarter,
            is_current=True,
        ).exists()
        return [] if has else [_("尚未填写该任务的进展报告")]
    owners = owned_statistics(programme=round.programme, agency=submission.agency)
    have = current_values(
        programme=round.programme,
        year=round.year,
        quarter=round.quarter,
        statistic_ids={o.statistic_id for o in owners},
    )
    return [
        _("缺少“%(name)s”(%(code)s,%(area)s)的数值")
        % {"name": o.statistic.name, "code": o.statistic.code, "area": o.area or ingest.CITY_AREA_LABEL}
        for o in owners
        if (o.statistic_id, o.area) not in have
    ]


@transaction.atomic
def submission_submit(*, submission: Submission, user) -> Submission:
    """Submit an item for review; read-only from now until the office returns it. After the
    due date it is still accepted, and marked late."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("round__programme", "agency", "task")
        .get(pk=submission.pk)
    )
    require_report_for(user=user, agency=submission.agency)
    _require_editable(submission)
    missing = submission_missing(submission=submission)
    if missing:
        raise ValidationError([_("还不能提交:") + "; ".join(missing[:20])])
    now = timezone.now()
    late = now > submission.round.due_at
    submission.state = Submission.State.SUBMITTED
    submission.submitted_at, submission.submitted_by = now, user
    if submission.first_submitted_at is None:
        submission.first_submitted_at = now
        submission.is_late = late
    submission.save()
    _event(submission, SubmissionEvent.Action.SUBMITTED, user, is_late=late)
    office_notify_submitted(submission=submission, user=user)
    return submission


def _notify_reporters(submission: Submission, kind: str, title: str, body: str) -> None:
    url = reverse("submissions:submission_detail", args=[submission.pk])
    Notification.objects.bulk_create(
        [
            Notification(user=reporter, kind=kind, title=title, body=body, url=url)
            for reporter in reporters_of(agency_ids=[submission.agency_id])
        ]
    )


@transaction.atomic
def submissions_approve(*, submissions: list[Submission], user, comment: str = "") -> int:
    """Approve one or many submitted items at once (all or none); their values lock."""
    if not submissions:
        raise ValidationError(_("请至少选择一项。"))
    locked = list(
        Submission.objects.select_for_update(of=("self",))
        .select_related("round__programme", "agency", "task")
        .filter(pk__in=[s.pk for s in submissions])
    )
    for item in locked:
        require_review(user=user, programme=item.round.programme)
        if item.state != Submission.State.SUBMITTED:
            raise ValidationError(
                _("“%(a)s · %(i)s”当前为“%(s)s”,只有已提交的事项可以审核通过。")
                % {"a": item.agency.name, "i": item.item_label, "s": item.get_state_display()}
            )
    now = timezone.now()
    for item in locked:
        item.state, item.reviewed_at, item.reviewed_by, item.review_comment = (
            Submission.State.APPROVED,
            now,
            user,
            comment,
        )
        item.save(update_fields=["state", "reviewed_at", "reviewed_by", "review_comment", "updated_at"])
        _event(item, SubmissionEvent.Action.APPROVED, user, comment=comment)
        _notify_reporters(
            item,
            Notification.Kind.APPROVED,
            _("%(label)s %(item)s 已审核通过") % {"label": item.round.label, "item": item.item_label},
            _("审核人:%(who)s。%(c)s") % {"who": user_label(user), "c": comment},
        )
    _recompute_after_approval(items=locked, user=user)
    return len(locked)


def _recompute_after_approval(*, items: list[Submission], user) -> None:
    """Approving (or reopening) statistics changes which figures count: recompute the
    indicators that use them, per programme, in a job enqueued when this transaction
    commits (the indicators.services hook). One query for all items, however many."""
    from django.db.models import Q

    from indicators.services import on_statistics_approved

    statistics = [item for item in items if item.kind == Submission.Kind.STATISTICS]
    if not statistics:
        return
    keys = Q()
    for item in statistics:
        keys |= Q(
            programme_id=item.round.programme_id,
            agency_id=item.agency_id,
            year=item.round.year,
            quarter=item.round.quarter,
        )
    codes_by_programme: dict[int, set] = {}
    for programme_id, code in (
        StatisticValue.objects.filter(keys, is_current=True)
        .values_list("programme_id", "statistic__code")
        .distinct()
    ):
        codes_by_programme.setdefault(programme_id, set()).add(code)
    programmes = {item.round.programme_id: item.round.programme for item in statistics}
    for programme_id, codes in codes_by_programme.items():
        on_statistics_approved(programme=programmes[programme_id], statistic_codes=sorted(codes), user=user)


def _send_back(
    *, submission: Submission, user, text: str, action: str, kind: str, title: str, body: str
) -> Submission:
    """Return or reopen: the item becomes editable again, with the office's words kept,
    an event written and the agency's reporters told."""
    submission.state, submission.reviewed_at, submission.reviewed_by = (
        Submission.State.RETURNED,
        timezone.now(),
        user,
    )
    submission.review_comment = text
    submission.save()
    _event(submission, action, user, comment=text)
    _notify_reporters(
        submission,
        kind,
        title % {"label": submission.round.label, "item": submission.item_label},
        body % {"who": user_label(user), "c": text},
    )
    return submission


def _locked_for_review(*, submission: Submission, user) -> Submission:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("round__programme", "agency", "task")
        .get(pk=submission.pk)
    )
    require_review(user=user, programme=submission.round.programme)
    return submission


@transaction.atomic
def submission_return(*, submission: Submission, user, comment: str) -> Submission:
    """Return a submitted item to the agency with a comment it sees; it becomes editable."""
    submission = _locked_for_review(submission=submission, user=user)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("退回时必须填写意见,说明需要修改什么。")})
    if submission.state != Submission.State.SUBMITTED:
        raise ValidationError(_("只有已提交、待审核的事项可以退回;已通过的事项请使用“重新开放”。"))
    return _send_back(
        submission=submission,
        user=user,
        text=comment.strip(),
        action=SubmissionEvent.Action.RETURNED,
        kind=Notification.Kind.RETURNED,
        title=_("%(label)s %(item)s 被退回修改"),
        body=_("%(who)s 的意见:%(c)s"),
    )


@transaction.atomic
def submission_reopen(*, submission: Submission, user, reason: str) -> Submission:
    """Unlock an approved item so the agency can correct it; the reason is kept and shown."""
    submission = _locked_for_review(submission=submission, user=user)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("重新开放必须填写理由。")})
    if submission.state != Submission.State.APPROVED:
        raise ValidationError(_("只有已审核通过的事项需要重新开放。"))
    _send_back(
        submission=submission,
        user=user,
        text=reason.strip(),
        action=SubmissionEvent.Action.REOPENED,
        kind=Notification.Kind.REOPENED,
        title=_("%(label)s %(item)s 已重新开放"),
        body=_("%(who)s 的理由:%(c)s"),
    )
    # Reopened figures no longer count until approved again: recompute without them.
    _recompute_after_approval(items=[submission], user=user)
    return submission


# --- notifications and reminders ------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user) -> None:
    if notification.user_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def reminders_send(*, today: date | None = None, horizon_days: int = 7) -> dict:
    """Remind the reporters of every agency with items not yet submitted in an open round
    due within `horizon_days` or overdue: one portal notification and one email per reporter
    per day at most (the unique reminder per user and day makes a second run a no-op)."""
    today = today or timezone.localdate()
    items = (
        Submission.objects.filter(
            state__in=Submission.OPEN_STATES,
            round__status=ReportingRound.Status.OPEN,
            round__due_date__lte=today + timedelta(days=horizon_days),
        )
        .select_related("round__programme", "task")
        .order_by("round__due_date", "kind", "task__order")
    )
    by_agency: dict[int, list[Submission]] = {}
    for item in items:
        by_agency.setdefault(item.agency_id, []).append(item)
    sent = skipped = emailed = 0
    url = reverse("submissions:workspace")
    for reporter in reporters_of(agency_ids=list(by_agency)):
        owed = by_agency[reporter.profile.agency_id]
        overdue = [i for i in owed if i.round.is_overdue(today)]
        lines = [
            f"- {i.round.programme.title} · {i.round.label} · {i.item_label}"
            f"({_('已逾期') if i.round.is_overdue(today) else _('截止 %(d)s') % {'d': i.round.due_date}})"
            for i in owed
        ]
        title = (
            _("您有 %(n)s 项填报已逾期、共 %(t)s 项尚未提交") % {"n": len(overdue), "t": len(owed)}
            if overdue
            else _("您有 %(t)s 项填报将在 7 天内截止,尚未提交") % {"t": len(owed)}
        )
        body = "\n".join(lines)
        try:
            with transaction.atomic():
                notification, created = Notification.objects.get_or_create(
                    user=reporter,
                    kind=Notification.Kind.REMINDER,
                    day=today,
                    defaults={"title": title, "body": body, "url": url},
                )
        except IntegrityError:  # another run created it at the same moment
            created = False
        if not created:
            skipped += 1
            continue
        sent += 1
        if reporter.email:
            send_mail(
                subject=f"[ipcity] {title}",
                message=_(
                    "%(name)s,您好:\n\n以下填报事项尚未提交:\n%(body)s\n\n请登录平台的“本季度填报”页面(%(url)s)填报。\n"
                )
                % {"name": user_label(reporter), "body": body, "url": url},
                from_email=None,
                recipient_list=[reporter.email],
                fail_silently=False,
            )
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            emailed += 1
    return {"agencies": len(by_agency), "notified": sent, "emailed": emailed, "already_today": skipped}


# --- lookups the command line needs ---------------------------------------------------------


def agency_lookup(*, text: str) -> Agency:
    """An agency by id, or by `城市/机构` (e.g. 武汉市/市科技局, a name or an alias)."""
    from programmes.models import City
    from programmes.services import agency_resolve

    text = (text or "").strip()
    if text.isdigit():
        agency = Agency.objects.filter(pk=int(text)).select_related("city").first()
        if agency:
            return agency
        raise ValidationError(_("没有编号为 %(id)s 的单位。") % {"id": text})
    city_name, _sep, name = text.partition("/")
    if not name:
        raise ValidationError(_("单位请写作“编号”或“城市/机构”,例如 武汉市/市科技局。"))
    city = (
        City.objects.filter(name=city_name.strip()).first()
        or City.objects.filter(name=city_name.strip() + "市").first()
    )
    if city is None:
        raise ValidationError(_("没有找到城市“%(c)s”。") % {"c": city_name})
    agency = agency_resolve(city=city, name=name.strip())
    if agency is None:
        raise ValidationError(_("在%(c)s没有找到单位“%(n)s”。") % {"c": city.name, "n": name})
    return agency


def round_for_agency(*, agency: Agency, year: int, quarter: int) -> ReportingRound:
    """The one open or closed round of that quarter in which the agency owes items."""
    rounds = list(
        ReportingRound.objects.filter(year=year, quarter=quarter, submissions__agency=agency)
        .select_related("programme")
        .distinct()
    )
    if not rounds:
        raise ValidationError(
            _("%(a)s 在 %(y)s年第%(q)s季度没有填报轮次(请先由办公室开启该季度的填报)。")
            % {"a": agency.name, "y": year, "q": quarter}
        )
    if len(rounds) > 1:
        with_stats = [
            r for r in rounds if r.submissions.filter(agency=agency, kind=Submission.Kind.STATISTICS).exists()
        ]
        if len(with_stats) == 1:
            return with_stats[0]
        raise ValidationError(
            _("%(a)s 在该季度有多个方案的填报轮次:%(list)s")
            % {"a": agency.name, "list": "、".join(r.programme.slug for r in rounds)}
        )
    return rounds[0]


def template_spec(*, round: ReportingRound, agency: Agency) -> dict:
    """Everything the Excel template for an agency and round shows."""
    from .selectors import statistics_form_rows

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
    from .workbook import generated_name, template_build

    if not (can(user, "submission.template", agency) or can(user, "submission.template", round)):
        raise PermissionDenied
    data = template_build(spec=template_spec(round=round, agency=agency))
    return generated_name(prefix="统计数据填报模板", agency=agency.short_name, period=round.period), data
