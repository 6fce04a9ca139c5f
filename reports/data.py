"""Every read a report makes, behind one adapter.

Reports need data from three rooms: the plan (programmes, tasks, indicators as planned),
the indicator engine (computed values, status, completion, projection, baseline:
`indicators.selectors`) and quarterly reporting (task reports and evidence files in
`tasks`, their review state in `submissions`). This module, with its parts re-exported
here (data_dates.py, data_indicators.py, data_tasks.py, data_evidence.py), is the only
place in `reports/` that reads them. It returns plain frozen dataclasses, so the renderers
(PDF, Excel, charts, zip) never touch a model of another room. Where data are missing,
rows say 无数据 with the reason.

Every function takes the as-of date: nothing dated after it (a statistic or task report of
a later quarter, a later ledger line) enters the report. Indicators are assessed as they
stood at the end of the last quarter that ended on or before the as-of date; a task's
progress is its latest *approved* report (the lead's, else a supporting unit's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from programmes.funding import FundingSummary, funding_summary
from programmes.models import Agency, Phase, Programme

from .data_dates import (  # noqa: F401  (re-exported)
    month_first_day,
    month_label,
    month_last_day,
    quarter_as_of,
    quarter_label,
)
from .data_evidence import EvidenceItem, _stored_size, evidence_items  # noqa: F401  (re-exported)
from .data_indicators import (  # noqa: F401  (re-exported)
    FORMULA_CODE_RE,
    INDICATOR_STATUSES,
    IndicatorRow,
    SeriesPoint,
    _comparator_symbol,
    _decimal,
    _engine_results,
    _indicator_sources,
    indicator_rows,
    indicator_status_label,
    no_data_reason,
    sections_ordered,
)
from .data_tasks import (  # noqa: F401  (re-exported)
    TASK_STATUSES,
    TaskRow,
    TaskSection,
    _report_dict,
    _reports_up_to,
    _task_row,
    _tasks_with_assignments,
    agency_tasks,
    task_progress,
    task_status_label,
)

# --- programme basics and leading group -----------------------------------------------


@dataclass(frozen=True)
class ProgrammeBasics:
    slug: str
    city: str
    province: str
    title: str
    kind_label: str
    doc_number: str | None
    issuer: str
    issue_date: str | None
    period_start: str
    period_end: str
    period_label: str
    status_label: str
    office: str  # the leading group's office (领导小组办公室), where the plan names one
    task_count: int
    indicator_count: int


@dataclass(frozen=True)
class LeadingGroupRow:
    role: str
    role_label: str
    person: str
    title: str
    agency: str


def status_as_of(programme: Programme, as_of: date | None) -> str:
    """The programme's state on the report's date: 实施中 before its period ends, then the
    office's status (验收中 / 已结束), or 实施期满 while that still says 实施中."""
    if as_of is None:
        return programme.get_status_display()
    if as_of < month_last_day(programme.period_end):
        return Programme.Status.ACTIVE.label
    if programme.status == Programme.Status.ACTIVE:
        return _("实施期满")
    return programme.get_status_display()


def basics(programme: Programme, as_of: date | None = None) -> ProgrammeBasics:
    office = programme.leading_group.filter(role="办公室").order_by("order", "pk").first()
    return ProgrammeBasics(
        slug=programme.slug,
        city=programme.city.name,
        province=programme.city.province,
        title=programme.title,
        kind_label=programme.get_kind_display(),
        doc_number=programme.doc_number or None,
        issuer=programme.issuer,
        issue_date=programme.issue_date,
        period_start=programme.period_start,
        period_end=programme.period_end,
        period_label=_("%(start)s—%(end)s")
        % {"start": month_label(programme.period_start), "end": month_label(programme.period_end)},
        status_label=status_as_of(programme, as_of),
        office=office.printed_agency if office else "",
        task_count=programme.tasks.count(),
        indicator_count=programme.indicators.count(),
    )


def leading_group(programme: Programme) -> list[LeadingGroupRow]:
    return [
        LeadingGroupRow(
            role=m.role,
            role_label=m.get_role_display(),
            person=m.person or "",
            title=m.title or "",
            agency=m.printed_agency,
        )
        for m in programme.leading_group.order_by("order", "pk")
    ]


# --- statistics an agency reported (quarterly report) -----------------------------------


@dataclass(frozen=True)
class StatisticRow:
    code: str
    name: str
    unit: str
    aggregation_label: str
    area: str
    value: Decimal | None
    version: int | None
    reported_at: datetime | None
    note: str


def agency_statistics(programme: Programme, agency: Agency, year: int, quarter: int) -> list[StatisticRow]:
    """The statistics an agency reports for a programme, with its current value of the round."""
    from indicators.models import StatisticOwner, StatisticValue

    owned = StatisticOwner.objects.filter(programme=programme, agency=agency).select_related("statistic")
    values = {
        (v.statistic_id, v.area): v
        for v in StatisticValue.objects.filter(
            programme=programme, agency=agency, year=year, quarter=quarter, is_current=True
        )
    }
    rows = []
    for owner in owned.order_by("statistic__code", "area", "pk"):
        v = values.get((owner.statistic_id, owner.area))
        rows.append(
            StatisticRow(
                code=owner.statistic.code,
                name=owner.statistic.name,
                unit=owner.statistic.unit,
                aggregation_label=owner.statistic.get_aggregation_display(),
                area=owner.area,
                value=v.value if v else None,
                version=v.version if v else None,
                reported_at=v.reported_at if v else None,
                note=v.note if v else "",
            )
        )
    return rows


def agency_statistics_state(programme: Programme, agency: Agency, year: int, quarter: int) -> str:
    """The review state of the agency's statistics for the round (已通过, 已提交 …), or 无数据."""
    from submissions.models import Submission

    item = Submission.objects.filter(
        round__programme=programme, round__year=year, round__quarter=quarter, agency=agency, kind="statistics"
    ).first()
    return item.get_state_display() if item else _("无数据")


# --- phases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseRow:
    name: str
    start: str
    end: str
    period_label: str
    milestone: str | None
    milestone_label: str
    reached_on: date | None
    state: str  # done / current / upcoming
    state_label: str
    offset_pct: float  # position on the programme's timeline, for the bar
    width_pct: float


def phases(programme: Programme, as_of: date) -> list[PhaseRow]:
    all_phases = list(programme.phases.order_by("order", "start", "pk"))
    if not all_phases:
        return []
    first = min([month_first_day(programme.period_start)] + [month_first_day(p.start) for p in all_phases])
    last = max([month_last_day(programme.period_end)] + [month_last_day(p.end) for p in all_phases])
    span = max((last - first).days + 1, 1)
    rows = []
    for p in all_phases:
        start, end = month_first_day(p.start), month_last_day(p.end)
        reached = p.reached_on if p.reached_on and p.reached_on <= as_of else None
        if reached or (not p.milestone and end <= as_of):
            state, label = "done", (_("已完成") if reached or not p.milestone else _("已结束"))
        elif p.milestone and end < as_of:
            state, label = "overdue", _("逾期未完成")
        elif start <= as_of:
            state, label = "current", _("进行中")
        else:
            state, label = "upcoming", _("未开始")
        rows.append(
            PhaseRow(
                name=p.name,
                start=p.start,
                end=p.end,
                period_label=month_label(p.start)
                if p.start == p.end
                else f"{month_label(p.start)}—{month_label(p.end)}",
                milestone=p.milestone,
                milestone_label=Phase.Milestone(p.milestone).label if p.milestone else "",
                reached_on=reached,
                state=state,
                state_label=label,
                offset_pct=round((start - first).days / span * 100, 2),
                width_pct=max(round(((end - start).days + 1) / span * 100, 2), 1.5),
            )
        )
    return rows


# --- funding ------------------------------------------------------------------------------


# The report's funding chapter is `programmes.funding.funding_summary` as of the report's
# date: the one place funding rules are judged (pages, API and reports agree by construction).
FundingView = FundingSummary


def funding(programme: Programme, as_of: date) -> FundingView:
    """Budgets, spending up to `as_of`, over-budget flags and each funding rule's check."""
    return funding_summary(programme=programme, as_of=as_of)


# --- when the data last changed -----------------------------------------------------------


def data_last_changed(programme: Programme, as_of: date | None = None) -> datetime | None:
    """The latest change to anything a report of this programme is built from; with
    `as_of`, reported data of later quarters do not count (a mid-term report written in
    2022 is not "updated" by the figures of 2023).

    Plan objects are audited (django-simple-history), so their history tables also catch
    deletions (leading-group rows are not audited; their changes go with the programme's).
    Reported data count when reported or reviewed. The engine's own timestamps do not:
    its results follow from the data and settings counted here, and a recompute that
    changes nothing must not change the report."""
    from indicators.models import Indicator, MilestoneCompletion, StatisticOwner, StatisticValue
    from programmes.models import FundingBudget, FundingExpense, FundingRule
    from submissions.models import Submission
    from tasks.models import EvidenceFile, Task, TaskAssignment, TaskReport

    stamps = [programme.updated_at]
    for model in (Indicator, Task, Phase, FundingRule, FundingBudget, FundingExpense, StatisticOwner):
        history = model.history.model.objects.filter(programme_id=programme.pk)
        if as_of is not None and model is FundingExpense:  # the ledger is data: up to the as-of
            history = history.filter(date__lte=as_of)
        elif as_of is not None and model is FundingBudget:
            history = history.filter(year__lte=as_of.year)
        stamps.append(history.aggregate(m=Max("history_date"))["m"])
    stamps.append(
        TaskAssignment.history.model.objects.filter(task__programme_id=programme.pk).aggregate(
            m=Max("history_date")
        )["m"]
    )
    values = StatisticValue.objects.filter(programme=programme)
    reports = TaskReport.objects.filter(task__programme=programme)
    evidence = EvidenceFile.objects.filter(task__programme=programme)
    reviews = Submission.objects.filter(round__programme=programme)
    milestones = MilestoneCompletion.objects.filter(indicator__programme=programme)
    if as_of is not None:
        year, quarter = quarter_as_of(as_of)
        up_to = Q(year__lt=year) | Q(year=year, quarter__lte=quarter)
        values, reports = values.filter(up_to), reports.filter(up_to)
        reviews = reviews.filter(Q(round__year__lt=year) | Q(round__year=year, round__quarter__lte=quarter))
        evidence = evidence.filter(
            Q(reports__year__lt=year) | Q(reports__year=year, reports__quarter__lte=quarter)
        ).distinct()
        milestones = milestones.filter(done_on__lte=as_of)
    stamps.append(values.aggregate(m=Max("reported_at"))["m"])
    stamps.append(reports.aggregate(m=Max("reported_at"))["m"])
    stamps.append(evidence.aggregate(m=Max("uploaded_at"))["m"])
    stamps.append(reviews.aggregate(m=Max("reviewed_at"))["m"])
    stamps.append(milestones.aggregate(m=Max("recorded_at"))["m"])
    found = [s for s in stamps if s]
    return max(found) if found else None


# --- the leading group's name as the plan prints it ----------------------------------------

_GROUP_NAME = re.compile(r"成立([^，。,;；“”()（）]{2,40}?领导小组)")
_GROUP_NAME_ANY = re.compile(r"(市[^，。,;；“”()（）、]{2,40}?领导小组)")


def leading_group_name(programme: Programme) -> str:
    """市推进国家知识产权强市创建工作领导小组, as the plan's text names it ("" when it does not)."""
    text = programme.source_text or ""
    found = _GROUP_NAME.search(text) or _GROUP_NAME_ANY.search(text)
    return found.group(1) if found else ""
