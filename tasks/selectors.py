"""Reads of the tasks room: a task's status as its lead agencies report it, and the final
verdict at and after its deadline (docs/progress-rules.md, "Tasks").

* A task's status is decided by its **lead** agencies' latest reports only: a supporting
  agency's report feeds the lead's but never sets the task's status. With two or more
  leads, every lead counts and the least advanced status wins (done > in progress >
  delayed > not started; a lead without any report is "no report").
* From the last day of the deadline month (the task's `deadline`, else the programme's
  end) the verdict is final: 已完成 when every lead reports done, 基本完成 when every lead
  has reported and none is delayed or not started (done or in progress), else 未完成.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

# Least advanced first: the task takes the lowest of its leads.
PROGRESS_ORDER = {None: 0, "not_started": 1, "delayed": 2, "in_progress": 3, "done": 4}

DONE, MOSTLY_DONE, NOT_DONE = "done", "mostly_done", "not_done"


def verdict_label(code: str) -> str:
    return {DONE: _("已完成"), MOSTLY_DONE: _("基本完成"), NOT_DONE: _("未完成")}[code]


def deadline_date(deadline: str, fallback: str) -> date:
    """The last day of the deadline month: `2020` → 2020-12-31, `2020-06` → 2020-06-30;
    a blank deadline is the programme's last month (`fallback`, YYYY-MM)."""
    text = deadline or fallback
    parts = text.split("-")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 12
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class TaskStatus:
    status: str | None  # a TaskReport.Status value decided by the leads, None = no lead report
    report: object | None  # the lead report shown (the least advanced lead's latest)
    verdict: str | None  # DONE / MOSTLY_DONE / NOT_DONE at and after the deadline, else None
    deadline: date
    note: str  # e.g. which lead has not reported, or that only supporting units reported

    @property
    def verdict_label(self) -> str:
        return verdict_label(self.verdict) if self.verdict else ""


def task_status_from_leads(*, task, assignments, reports, as_of: date, programme_end: str) -> TaskStatus:
    """The status of `task` from `reports` (TaskReport rows up to `as_of`, any agency, any
    order): each lead's latest report counts, supporting agencies' never do."""
    leads = [a for a in assignments if a.role == "lead"]
    lead_ids = {a.agency_id for a in leads}
    latest: dict[int, object] = {}
    for report in reports:
        if report.agency_id not in lead_ids:
            continue
        current = latest.get(report.agency_id)
        if current is None or (report.year, report.quarter) > (current.year, current.quarter):
            latest[report.agency_id] = report
    deadline = deadline_date(task.deadline, programme_end)
    statuses = [(latest[a.agency_id].status if a.agency_id in latest else None, a) for a in leads]
    note = ""
    missing = [a.printed_name for s, a in statuses if s is None]
    if not leads:
        note = _("方案未写明牵头单位,无法认定任务状态。")
    elif missing:
        note = _("牵头单位 %(names)s 尚无报送。") % {"names": "、".join(missing)}
        if any(r.agency_id not in lead_ids for r in reports):
            note += _("配合单位的报送不作为任务状态。")
    if statuses:
        status, lead = min(statuses, key=lambda pair: PROGRESS_ORDER.get(pair[0], 0))
        report = latest.get(lead.agency_id)
    else:
        status, report = None, None
    verdict = None
    if as_of >= deadline:
        if statuses and all(s == "done" for s, _a in statuses):
            verdict = DONE
        elif statuses and all(s in ("done", "in_progress") for s, _a in statuses):
            verdict = MOSTLY_DONE
        else:
            verdict = NOT_DONE
    return TaskStatus(status=status, report=report, verdict=verdict, deadline=deadline, note=note)
