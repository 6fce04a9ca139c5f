"""Every read a report makes, behind one adapter.

Reports need data from three rooms: the plan (programmes, tasks, indicators as planned),
the indicator engine (computed values, status, completion, projection, baseline:
`indicators.selectors`) and quarterly reporting (task reports and evidence files in
`tasks`, their review state in `submissions`). This module is the only place in `reports/`
that reads them. It returns plain frozen dataclasses, so the renderers (PDF, Excel,
charts, zip) never touch a model of another room. Where data are missing, rows say 无数据
with the reason.

Every function takes the as-of date: nothing dated after it (a statistic or task report of
a later quarter, a later ledger line) enters the report. Indicators are assessed as they
stood at the end of the last quarter that ended on or before the as-of date; a task's
progress is its latest *approved* report (the lead's, else a supporting unit's).
"""

from __future__ import annotations

import calendar
import math
import re
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.funding import FundingSummary, funding_summary
from programmes.models import Agency, Phase, Programme

FORMULA_CODE_RE = re.compile(r"\b[A-Z][A-Z0-9_]*\b")

# Indicator status codes (DOMAIN.md "Progress of an indicator"), shared with the engine.
INDICATOR_STATUSES = ("achieved", "on_track", "at_risk", "behind", "missed", "pending", "no_data")
# Task report status codes (DOMAIN.md "Tasks"), shared with reporting.
TASK_STATUSES = ("not_started", "in_progress", "done", "delayed")


def no_data_reason() -> str:
    """The reason of an indicator without any data (the table says it once, in its note)."""
    return _("截至数据截止日期尚无统计数据,指标无法计算。")


def indicator_status_label(code: str) -> str:
    return {
        "achieved": _("已完成"),
        "on_track": _("正常推进"),
        "at_risk": _("有风险"),
        "behind": _("滞后"),
        "no_data": _("无数据"),
        "missed": _("未完成"),
        "pending": _("待年度数据"),
    }.get(code, _("无数据"))


def task_status_label(code: str | None) -> str:
    return {
        "not_started": _("未启动"),
        "in_progress": _("推进中"),
        "done": _("已完成"),
        "delayed": _("滞后"),
    }.get(code or "", _("无数据"))


def month_first_day(month: str) -> date:
    """'2017-01' → 2017-01-01."""
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, 1)


def month_last_day(month: str) -> date:
    """'2020-12' → 2020-12-31."""
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def month_label(month: str) -> str:
    """'2017-01' → 2017年1月."""
    year, mon = (int(x) for x in month.split("-"))
    return _("%(year)s年%(month)s月") % {"year": year, "month": mon}


def quarter_as_of(as_of: date) -> tuple[int, int]:
    """The last quarter that ended on or before `as_of`: 2020-12-31 → (2020, 4),
    2020-11-15 → (2020, 3). Reports are as of the end of that quarter."""
    quarter = (as_of.month - 1) // 3 + 1
    end_month = quarter * 3
    if as_of >= date(as_of.year, end_month, calendar.monthrange(as_of.year, end_month)[1]):
        return as_of.year, quarter
    return (as_of.year, quarter - 1) if quarter > 1 else (as_of.year - 1, 4)


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter}


def _decimal(value) -> Decimal | None:
    """The engine computes in floats; reports print Decimals."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return Decimal(str(round(value, 6)))


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


# --- indicators -------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    value: Decimal | None
    provisional: bool = False  # the current year to date


@dataclass(frozen=True)
class IndicatorRow:
    pk: int
    number: int  # position in the plan, 1-based
    name: str
    area: str
    kind: str
    kind_label: str
    comparator: str
    comparator_label: str
    unit: str
    target: Decimal
    target_max: Decimal | None
    target_display: str  # "≥30", "20—30"
    deadline: str
    baseline: Decimal | None
    baseline_year: int | None
    value: Decimal | None
    value_period: str  # which period the value is of: "2020年"
    completion: Decimal | None  # percent of the target, e.g. 87.5
    status: str  # one of INDICATOR_STATUSES
    status_label: str
    reason: str  # why this status (the rule that produced it, or why there is no data)
    projection: Decimal | None
    source: str  # 数据来源: the agencies reporting the statistics behind it
    source_sentence: str
    series: tuple[SeriesPoint, ...] = ()
    progress: Decimal | None = None  # 进展度, percent: (value − baseline) ÷ (target − baseline)
    provisional: Decimal | None = None  # a year-to-date figure, never the 完成值
    provisional_period: str = ""
    baseline_met: bool = False  # 基期已达标

    @property
    def is_milestone(self) -> bool:
        return self.kind == "milestone"


def _comparator_symbol(comparator: str) -> str:
    return {">=": "≥", ">": ">", "<=": "≤", "=": "=", "range": ""}.get(comparator, comparator)


def _indicator_sources(programme: Programme) -> dict[str, str]:
    """Statistic code → "statistic name:agency" for the 数据来源 column (from the plan)."""
    from indicators.models import StatisticOwner

    by_code: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    owners = StatisticOwner.objects.filter(programme=programme).select_related("statistic", "agency")
    for owner in owners.order_by("statistic__code", "area", "pk"):
        agency = owner.printed_agency or owner.agency.name
        by_code.setdefault(owner.statistic.code, [])
        if agency not in by_code[owner.statistic.code]:
            by_code[owner.statistic.code].append(agency)
        names[owner.statistic.code] = owner.statistic.name
    return {code: f"{'、'.join(agencies)}({names[code]})" for code, agencies in by_code.items()}


def _engine_results(programme: Programme, as_of: date) -> dict[int, dict]:
    """The indicator engine's assessment of every indicator at the end of the as-of quarter,
    with its yearly values (the year's last quarter; a year still running is provisional)."""
    from indicators import progress as rules
    from indicators.models import IndicatorValue
    from indicators.selectors import indicators_assess_as_of, progress_by_indicator

    year, quarter = quarter_as_of(as_of)
    cutoff = year * 4 + quarter - 1
    current = progress_by_indicator(programme=programme)
    by_year: dict[int, dict[int, object]] = defaultdict(dict)
    for v in IndicatorValue.objects.filter(indicator__programme=programme, period__lte=cutoff).order_by(
        "indicator_id", "period"
    ):
        by_year[v.indicator_id][v.year] = v  # ordered by period: the year's last quarter wins
    indicators = list(programme.indicators.order_by("order", "pk"))
    for ind in indicators:
        if ind.pk in current:
            ind.progress = current[ind.pk]  # the engine reads the baseline from it; saves a query
    assessed = indicators_assess_as_of(
        indicators=[ind for ind in indicators if ind.pk in current], year=year, quarter=quarter, today=as_of
    )
    results = {}
    for ind in indicators:
        progress = current.get(ind.pk)
        if progress is None:
            results[ind.pk] = {
                "reason": _("指标尚未计算(运行 recompute_indicators %(slug)s 后重新生成报告)。")
                % {"slug": programme.slug}
            }
            continue
        a = assessed[ind.pk]
        years = range(programme.start_year, min(year, ind.deadline_year) + 1)
        series = []
        for y in years:
            v = by_year[ind.pk].get(y)
            series.append(
                SeriesPoint(
                    year=y,
                    value=None if v is None else v.value,
                    provisional=v is not None and (v.quarter < 4 or v.is_partial),
                )
            )
        results[ind.pk] = {
            "status": a.status,
            "reason": a.reason,
            "value": _decimal(a.value),
            "value_period": rules.period_label(a.year, a.quarter, a.partial) if a.year else "",
            "completion": None if a.completion is None else _decimal(a.completion * 100),
            "progress": None if a.progress is None else _decimal(a.progress * 100),
            "provisional": _decimal(a.provisional_value),
            "provisional_period": a.provisional_period,
            "baseline_met": "baseline_met" in a.flags,
            "baseline": _decimal(a.baseline) if a.baseline is not None else progress.baseline_value,
            "baseline_year": progress.baseline_year,
            "projection": _decimal(a.projection),
            "series": tuple(series),
        }
    return results


def indicator_rows(programme: Programme, as_of: date) -> list[IndicatorRow]:
    """The indicator table: what the plan targets and, from the engine, where it stood at
    the end of the as-of quarter (value, completion, status with its reason, projection)."""
    sources = _indicator_sources(programme)
    computed = _engine_results(programme, as_of)
    rows = []
    for number, ind in enumerate(programme.indicators.order_by("order", "pk"), 1):
        codes = list(dict.fromkeys(FORMULA_CODE_RE.findall(ind.formula or "")))
        if ind.kind == "milestone":
            source = _("证明材料")
        else:
            source = "、".join(sources[c] for c in codes if c in sources) or _("未指定填报单位")
        symbol = _comparator_symbol(ind.comparator)
        target_display = ind.target_display if ind.target_max is not None else f"{symbol}{ind.target_display}"
        result = computed.get(ind.pk, {})
        baseline = result.get("baseline", ind.baseline_value)
        baseline_year = result.get("baseline_year", ind.baseline_year or programme.baseline_year)
        last_year = min(as_of.year, ind.deadline_year)
        series = result.get("series") or tuple(
            SeriesPoint(year=y, value=None) for y in range(programme.start_year, last_year + 1)
        )
        status = result.get("status", "no_data")
        rows.append(
            IndicatorRow(
                pk=ind.pk,
                number=number,
                name=ind.name,
                area=ind.area,
                kind=ind.kind,
                kind_label=ind.get_kind_display(),
                comparator=ind.comparator,
                comparator_label=ind.get_comparator_display(),
                unit=ind.unit,
                target=ind.target,
                target_max=ind.target_max,
                target_display=target_display,
                deadline=ind.deadline,
                baseline=baseline,
                baseline_year=baseline_year,
                value=result.get("value"),
                value_period=result.get("value_period", ""),
                completion=result.get("completion"),
                progress=result.get("progress"),
                provisional=result.get("provisional"),
                provisional_period=result.get("provisional_period", ""),
                baseline_met=result.get("baseline_met", False),
                status=status,
                status_label=indicator_status_label(status),
                reason=result.get("reason", no_data_reason()),
                projection=result.get("projection"),
                source=source,
                source_sentence=ind.source_sentence,
                series=tuple(series),
            )
        )
    return rows


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


# --- evidence -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    """An evidence file (证明材料) an agency attached, with what it proves.

    `section` is "indicators" or "tasks" (the report section the claim is in), `subject` the
    indicator name or task number + title. `open` returns the file's bytes for the zip."""

    section: str
    subject_key: str  # task number or indicator order, for sorting and folder names
    subject: str
    name: str
    agency: str
    uploaded_on: date | None
    size: int
    sha256: str
    storage_name: str  # the file's name in default_storage
    open: Callable[[], IO[bytes]] | None = field(default=None, compare=False, hash=False, repr=False)


def evidence_items(programme: Programme, as_of: date) -> list[EvidenceItem]:
    """Evidence files behind the report's claims, up to `as_of`: those attached to approved
    task reports (section "tasks") and those recorded with milestone indicators (section
    "indicators")."""
    from indicators.models import MilestoneCompletion
    from tasks.models import EvidenceFile, TaskReport

    tasks = {t.pk: t for t in programme.tasks.all()}
    reports = dict(_reports_up_to(programme, as_of).values_list("pk", "task_id"))  # report id → task id
    links = TaskReport.evidence.through.objects.filter(
        taskreport__task__programme=programme, taskreport__is_current=True
    ).values_list("taskreport_id", "evidencefile_id")
    first_report: dict[int, int] = {}  # evidence id → the earliest included report listing it
    for report_id, evidence_id in sorted(links):
        if report_id in reports:
            first_report.setdefault(evidence_id, report_id)
    items = []
    evidence_files = EvidenceFile.objects.filter(pk__in=list(first_report)).select_related("agency")
    for evidence in evidence_files.order_by("uploaded_at", "pk"):
        task = tasks[reports[first_report[evidence.pk]]]
        items.append(
            EvidenceItem(
                section="tasks",
                subject_key=f"{task.order:05d}",
                subject=f"{task.number} {task.title}",
                name=evidence.original_name,
                agency=evidence.agency.short_name,
                uploaded_on=timezone.localdate(evidence.uploaded_at),
                size=evidence.size,
                sha256=evidence.sha256,
                storage_name=evidence.file.name,
                open=evidence.file.open,
            )
        )
    numbers = {
        pk: n
        for n, pk in enumerate(programme.indicators.order_by("order", "pk").values_list("pk", flat=True), 1)
    }
    records = (
        MilestoneCompletion.objects.filter(indicator__programme=programme, recorded_at__date__lte=as_of)
        .exclude(evidence="")
        .select_related("indicator", "recorded_by__profile__agency")
        .order_by("indicator_id", "recorded_at", "pk")
    )
    for record in records:
        profile = getattr(record.recorded_by, "profile", None) if record.recorded_by else None
        agency = profile.agency.short_name if profile and profile.agency_id else _("领导小组办公室")
        items.append(
            EvidenceItem(
                section="indicators",
                subject_key=f"{numbers.get(record.indicator_id, 0):03d}",
                subject=record.indicator.name,
                name=record.evidence_name or record.evidence.name.rsplit("/", 1)[-1],
                agency=agency,
                uploaded_on=record.done_on or timezone.localdate(record.recorded_at),
                size=_stored_size(record.evidence),
                sha256="",
                storage_name=record.evidence.name,
                open=record.evidence.open,
            )
        )
    return items


def _stored_size(field_file) -> int:
    try:
        return field_file.size
    except (OSError, ValueError):
        return 0


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


def sections_ordered(rows: list[IndicatorRow]) -> OrderedDict[str, list[IndicatorRow]]:
    """Indicator rows grouped by area, in the five areas' order (创造 运用 保护 管理 服务 综合)."""
    order = ["创造", "运用", "保护", "管理", "服务", "综合"]
    grouped: OrderedDict[str, list[IndicatorRow]] = OrderedDict()
    for area in order + sorted({r.area for r in rows} - set(order)):
        members = [r for r in rows if r.area == area]
        if members:
            grouped[area] = members
    return grouped


# --- the leading group's name as the plan prints it ----------------------------------------

_GROUP_NAME = re.compile(r"成立([^，。,;；“”()（）]{2,40}?领导小组)")
_GROUP_NAME_ANY = re.compile(r"(市[^，。,;；“”()（）、]{2,40}?领导小组)")


def leading_group_name(programme: Programme) -> str:
    """市推进国家知识产权强市创建工作领导小组, as the plan's text names it ("" when it does not)."""
    text = programme.source_text or ""
    found = _GROUP_NAME.search(text) or _GROUP_NAME_ANY.search(text)
    return found.group(1) if found else ""
