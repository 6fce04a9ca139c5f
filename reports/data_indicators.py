"""The indicator part of `reports.data` (which re-exports it): the indicator table, what
the plan targets and where the indicator engine (`indicators.selectors`) says each stood
at the end of the as-of quarter, and the rows grouped by area."""

from __future__ import annotations

import math
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from programmes.models import Programme
from programmes.services import FORMULA_CODE_RE

from .data_dates import quarter_as_of

# Indicator status codes (DOMAIN.md "Progress of an indicator"), shared with the engine.
INDICATOR_STATUSES = ("achieved", "on_track", "at_risk", "behind", "missed", "pending", "no_data")


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


def _decimal(value) -> Decimal | None:
    """The engine computes in floats; reports print Decimals."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return Decimal(str(round(value, 6)))


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


def sections_ordered(rows: list[IndicatorRow]) -> OrderedDict[str, list[IndicatorRow]]:
    """Indicator rows grouped by area, in the five areas' order (创造 运用 保护 管理 服务 综合)."""
    order = ["创造", "运用", "保护", "管理", "服务", "综合"]
    grouped: OrderedDict[str, list[IndicatorRow]] = OrderedDict()
    for area in order + sorted({r.area for r in rows} - set(order)):
        members = [r for r in rows if r.area == area]
        if members:
            grouped[area] = members
    return grouped
