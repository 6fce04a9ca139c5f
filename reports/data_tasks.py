"""The task part of `reports.data` (which re-exports it): tasks by section with their lead
and supporting units and their status as of a date from the approved task reports, and an
agency's own tasks for a round."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Agency, Programme

from .data_dates import quarter_as_of, quarter_label

# Task report status codes (DOMAIN.md "Tasks"), shared with reporting.
TASK_STATUSES = ("not_started", "in_progress", "done", "delayed")


def task_status_label(code: str | None) -> str:
    return {
        "not_started": _("未启动"),
        "in_progress": _("推进中"),
        "done": _("已完成"),
        "delayed": _("滞后"),
    }.get(code or "", _("无数据"))


# --- tasks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRow:
    pk: int
    number: str
    title: str
    text: str
    lead: tuple[str, ...]
    support: tuple[str, ...]
    deadline: str
    status: str | None  # one of TASK_STATUSES, None = no report yet
    status_label: str
    progress_text: str  # what was done (the lead's latest report)
    problems: str
    reported_by: str  # agency whose report this is
    reported_period: str  # 2020年第4季度
    reported_on: date | None
    verdict: str | None = None  # at and after the deadline: done / mostly_done / not_done
    verdict_label: str = ""  # 已完成 / 基本完成 / 未完成
    deadline_date: date | None = None
    note: str = ""  # why the leads' status is missing (supporting reports never set it)


@dataclass(frozen=True)
class TaskSection:
    ordinal: str  # 一, 二 … ("" when the plan has no sections)
    title: str
    tasks: tuple[TaskRow, ...]


def _tasks_with_assignments(programme: Programme, agency: Agency | None = None):
    from programmes.selectors import tasks_by_section

    sections = tasks_by_section(programme=programme)
    for section_title, tasks in sections.items():
        chosen = []
        for task in tasks:
            assignments = list(task.assignments.all())
            if agency is not None and not any(a.agency_id == agency.pk for a in assignments):
                continue
            chosen.append((task, assignments))
        if chosen:
            yield section_title, chosen


def _reports_up_to(programme: Programme, as_of: date):
    """Current task reports of rounds that ended on or before `as_of`, approved ones only
    (approval is the state of the agency's item for that task in `submissions`): a queryset."""
    from django.db.models import Exists, OuterRef

    from submissions.models import Submission
    from tasks.models import TaskReport

    year, quarter = quarter_as_of(as_of)
    approved = Submission.objects.filter(
        round__programme=programme,
        round__year=OuterRef("year"),
        round__quarter=OuterRef("quarter"),
        agency=OuterRef("agency_id"),
        task=OuterRef("task_id"),
        kind=Submission.Kind.TASK,
        state=Submission.State.APPROVED,
    )
    return (
        TaskReport.objects.filter(task__programme=programme, is_current=True)
        .filter(Q(year__lt=year) | Q(year=year, quarter__lte=quarter))
        .filter(Exists(approved))
        .order_by("task_id", "year", "quarter", "agency_id", "pk")
    )


def _report_dict(report, state_label: str = "") -> dict:
    period = quarter_label(report.year, report.quarter)
    return {
        "status": report.status,
        "work_done": report.work_done,
        "problems": report.problems,
        "agency": report.agency.short_name,
        "period": f"{period} · {state_label}" if state_label else period,
        "reported_on": timezone.localdate(report.reported_at) if report.reported_at else None,
    }


def task_progress(programme: Programme, as_of: date) -> list[TaskSection]:
    """Tasks by section with lead and supporting units and, per task, its status as its lead
    agencies' latest approved reports as of `as_of` give it (a supporting unit's report never
    sets it; with two leads, both count), and at and after the deadline the final verdict
    (`tasks.selectors.task_status_from_leads`)."""
    from tasks.selectors import task_status_from_leads

    by_task: dict[int, list] = defaultdict(list)
    for report in _reports_up_to(programme, as_of).select_related("agency"):
        by_task[report.task_id].append(report)
    sections = []
    for title, tasks in _tasks_with_assignments(programme):
        rows = []
        for task, assignments in tasks:
            decided = task_status_from_leads(
                task=task,
                assignments=assignments,
                reports=by_task.get(task.pk, []),
                as_of=as_of,
                programme_end=programme.period_end,
            )
            chosen = _report_dict(decided.report) if decided.report is not None else {}
            chosen["status"] = decided.status
            rows.append(_task_row(task, assignments, chosen, decided))
        sections.append(TaskSection(ordinal=tasks[0][0].section_ordinal, title=title, tasks=tuple(rows)))
    return sections


def _task_row(task, assignments, report: dict, decided=None) -> TaskRow:
    status = report.get("status")
    extra = {}
    if decided is not None:
        extra = {
            "verdict": decided.verdict,
            "verdict_label": decided.verdict_label,
            "deadline_date": decided.deadline,
            "note": decided.note,
        }
    return TaskRow(
        **extra,
        pk=task.pk,
        number=task.number,
        title=task.title,
        text=task.text,
        lead=tuple(a.printed_name for a in assignments if a.role == "lead"),
        support=tuple(a.printed_name for a in assignments if a.role == "support"),
        deadline=task.deadline,
        status=status,
        status_label=task_status_label(status),
        progress_text=report.get("work_done", ""),
        problems=report.get("problems", ""),
        reported_by=report.get("agency", ""),
        reported_period=report.get("period", ""),
        reported_on=report.get("reported_on"),
    )


def agency_tasks(programme: Programme, agency: Agency, year: int, quarter: int) -> list[TaskSection]:
    """The tasks an agency leads or supports, with its own report for the round and the
    state of its review (a quarterly report shows what the agency submitted)."""
    from submissions.models import Submission
    from tasks.models import TaskReport

    states = {
        s.task_id: s.get_state_display()
        for s in Submission.objects.filter(
            round__programme=programme, round__year=year, round__quarter=quarter, agency=agency, kind="task"
        )
    }
    reports = {
        r.task_id: _report_dict(r, states.get(r.task_id, ""))
        for r in TaskReport.objects.filter(
            task__programme=programme, agency=agency, year=year, quarter=quarter, is_current=True
        ).select_related("agency")
    }
    return [
        TaskSection(
            ordinal=tasks[0][0].section_ordinal if tasks else "",
            title=title,
            tasks=tuple(
                _task_row(task, assignments, reports.get(task.pk, {})) for task, assignments in tasks
            ),
        )
        for title, tasks in _tasks_with_assignments(programme, agency=agency)
    ]
