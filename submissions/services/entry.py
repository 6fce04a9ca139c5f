"""The web form: statistics and task-report drafts saved by hand, with stale-edit checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from indicators.models import StatisticValue
from programmes.models import Agency
from tasks.models import Task, TaskReport
from tasks.services import task_report_save

from .. import ingest
from ..conflicts import StaleEdit, item_lock, race_conflict, report_conflict, value_conflicts
from ..models import (
    ReportingRound,
    SubmissionEvent,
)
from ..selectors import (
    current_values,
    require_report_for,
)
from .rounds import _statistics_item, _task_item, round_context
from .values import statistic_values_record
from .workflow import _event, _mark_draft, _require_editable, submission_submit

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
