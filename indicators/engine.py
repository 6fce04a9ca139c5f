"""From reported statistics to quarterly indicator values, set-based (pandas / numpy).

One DataFrame holding the current `StatisticValue` rows of a programme goes in; out come
the quarter totals of every statistic (with the exact rows and versions summed) and, per
indicator, its value at the end of every quarter with lineage, its baseline and its
`progress.Assessment`. Nothing here touches the database: `services.py` reads and writes.

Time rules (docs/progress-rules.md, "Time"):
* A quarter's city total is the row for the whole city (area "") when there is one, else
  the sum of the district rows. A row outside the statistic's [min_value, max_value] makes
  the total unusable (flagged with the value and the bound: usually a wrong unit scale).
* A flow (`aggregation = flow`) at quarter q is the year-to-date sum Q1..q, partial when
  q < 4; a missing quarter makes it "no data" for the rest of the year.
* A stock is its latest report, carried forward at most 3 quarters.
* `cumulative(X)` sums X's quarters from the plan's first quarter; `yoy(X)` compares with
  the same quarter a year earlier; `cagr(X)` with the same quarter of the baseline year.
* Missing inputs and zero denominators give no value and a reason, never 0.

The engine is split by concern and re-exported here, so callers import `indicators.engine`
as before: engine_types.py (the period axis, specifications and results), engine_totals.py
(quarter totals) and engine_series.py (one formula over the axis); this module computes a
programme.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from . import formulas, progress
from .engine_series import FormulaSeries, baseline_missing_text  # noqa: F401  (re-exported)
from .engine_totals import Totals, _bound  # noqa: F401  (re-exported)
from .engine_types import (  # noqa: F401  (re-exported)
    ROW_COLUMNS,
    STOCK_CARRY_QUARTERS,
    IndicatorResult,
    IndicatorSpec,
    ProgrammeResult,
    ProgrammeSpec,
    QuarterTotal,
    StatMeta,
    ValueRow,
    deadline_of,
    period_code,
    plan_of,
    quarter_text,
)
from .formulas import Call, Formula, FormulaError

# --- one programme --------------------------------------------------------------------------


def compute_programme(
    *,
    rows: pd.DataFrame,
    stats: dict[str, StatMeta],
    programme: ProgrammeSpec,
    indicators: list[IndicatorSpec],
    milestones: dict[int, progress.MilestoneState] | None = None,
    today: date | None = None,
    on_indicator: Callable[[int, int], None] | None = None,
) -> ProgrammeResult:
    """Quarter totals and every indicator's values, baseline and assessment."""
    started = time.perf_counter()
    milestones = milestones or {}
    today = today or timezone.localdate()
    earliest_base = min([programme.baseline_year] + [s.baseline_year for s in indicators if s.baseline_year])
    totals = Totals(rows, stats, axis_from=(earliest_base - 1) * 4)
    built = time.perf_counter()
    catalogue = frozenset((code, meta.aggregation) for code, meta in stats.items())
    results = []
    for position, spec in enumerate(indicators):
        results.append(_compute_indicator(spec, programme, totals, catalogue, milestones, today))
        if on_indicator is not None:
            on_indicator(position + 1, len(indicators))
    return ProgrammeResult(
        totals=totals.records,
        indicators=results,
        timings={"totals": built - started, "indicators": time.perf_counter() - built},
    )


def _compute_indicator(
    spec: IndicatorSpec,
    programme: ProgrammeSpec,
    totals: Totals,
    catalogue: frozenset[tuple[str, str]],
    milestones: dict[int, progress.MilestoneState],
    today: date,
) -> IndicatorResult:
    plan = plan_of(spec, programme)
    base_year = plan.baseline_year
    if spec.kind == "milestone":
        assessment = progress.assess(
            plan, [], thresholds=programme.thresholds, milestone=milestones.get(spec.id), today=today
        )
        return IndicatorResult(spec.id, "", [], progress.Baseline(None, base_year), assessment)
    if not spec.formula:
        assessment = progress.Assessment(
            status=progress.NO_DATA,
            reason=_("无数据:该指标尚未设置计算公式。解决办法:在指标设置中填写公式,如 INV_VALID / POP。"),
            rule=progress.rule_text(plan, programme.thresholds),
        )
        return IndicatorResult(spec.id, "", [], progress.Baseline(None, base_year), assessment)
    try:
        formula = formulas.parse_cached(spec.formula, catalogue)
    except FormulaError as exc:
        assessment = progress.Assessment(
            status=progress.NO_DATA,
            reason=_("无数据:公式无效。%(error)s") % {"error": exc.message},
            rule=progress.rule_text(plan, programme.thresholds),
        )
        return IndicatorResult(spec.id, spec.formula, [], progress.Baseline(None, base_year), assessment)

    manual = spec.baseline_value
    top_is_cagr = isinstance(formula.root, Call) and formula.root.func == "cagr"
    series = FormulaSeries(
        formula,
        totals,
        plan_start=programme.start_index,
        baseline_year=base_year,
        manual_base=manual if top_is_cagr else None,
    )
    rows = _value_rows(series, formula, programme, base_year)
    baseline = _baseline(series, formula, base_year, None if top_is_cagr else manual)
    points = [progress.Point(r.year, r.quarter, r.value, r.partial, r.reason) for r in rows]
    assessment = progress.assess(
        plan, points, baseline=baseline, thresholds=programme.thresholds, today=today
    )
    if assessment.status == progress.NO_DATA and not points:
        assessment.reason = _no_rows_reason(formula, totals, programme)
    if assessment.baseline is None and baseline.value is not None:
        assessment.baseline = baseline.value
    return IndicatorResult(spec.id, formula.text, rows, baseline, assessment)


def _value_rows(
    series: FormulaSeries, formula: Formula, programme: ProgrammeSpec, base_year: int
) -> list[ValueRow]:
    if series.n == 0:
        return []
    if formula.uses_cumulative:
        first = programme.start_index
    elif "cagr" in formula.functions:
        first = (base_year + 1) * 4
    else:
        first = base_year * 4
    present = np.zeros(series.n, dtype=bool)
    for code in formula.codes:
        present |= series.totals.is_present(code)
    values = series.values
    # A row where something was reported that quarter: before the plan only when it has a
    # value (the baseline years), from the plan's start also to say why there is none.
    keep = (
        (series.periods >= first) & present & (~np.isnan(values) | (series.periods >= programme.start_index))
    )
    kept = np.flatnonzero(keep)
    inputs = series.inputs_at(kept)
    rows = []
    # Python values taken out of numpy once, not element by element
    for k, (i, p, value, partial) in enumerate(
        zip(
            kept.tolist(),
            series.periods[kept].tolist(),
            values[kept].astype("float64").tolist(),
            series.partial[kept].tolist(),
            strict=True,
        )
    ):
        ok = math.isfinite(value)
        rows.append(
            ValueRow(
                year=p // 4,
                quarter=p % 4 + 1,
                value=value if ok else None,
                partial=bool(partial),
                reason="" if ok else series.explain(i),
                inputs=inputs[k],
            )
        )
    return rows


def _baseline(series: FormulaSeries, formula: Formula, year: int, manual: float | None) -> progress.Baseline:
    if manual is not None:
        return progress.Baseline(manual, year, manual=True)
    i = year * 4 + 3 - series.lo
    if 0 <= i < series.n and not np.isnan(series.values[i]):
        return progress.Baseline(float(series.values[i]), year)
    detail = series.explain(i) if 0 <= i < series.n else ""
    return progress.Baseline(None, year, baseline_missing_text(year, formula.codes, detail=detail))


def _no_rows_reason(formula: Formula, totals: Totals, programme: ProgrammeSpec) -> str:
    missing = [c for c in formula.codes if not totals.is_present(c).any()]
    if missing:
        return _("无数据:尚未填报 %(codes)s。解决办法:由填报单位报送后审核通过。") % {
            "codes": "、".join(missing)
        }
    return _("无数据:方案期内(%(year)s年起)尚无可用于计算的统计数据。") % {"year": programme.start[0]}
