"""The evaluator's conventions (docs/progress-rules.md §0): which period an indicator is
assessed on, its 完成率 and its 进展度. Pure functions over the engine's quarterly points
(anything with `year`, `quarter`, `index`, `value`, `partial`); no database, no Django.

* 完成率 (completion) is what evaluators compute: actual ÷ target for a ">=" / ">" target of
  a level, a flow, a per-unit ratio, a cumulative sum, a share, a rate or a yearly minimum;
  target ÷ actual for a "<=" target; achieved rate ÷ target rate for growth targets; 100 %
  inside a range (and above it: the range is met, the excess is flagged elsewhere).
* 进展度 (progress from the baseline) is (actual − baseline) ÷ (target − baseline): a second,
  labelled figure, only where a baseline exists and the target asks for a change from it.
* The reference period is the latest complete period the kind needs: a full year (Q4 of a
  flow, never a year to date) for flows and yearly rules, the latest quarter for stocks and
  running sums. A later year-to-date figure is provisional.
"""

from __future__ import annotations

# Kinds judged on a calendar year's figure, whatever the statistics' aggregation.
ANNUAL_KINDS = ("annual_flow", "yearly_minimum", "share", "rate", "growth_rate", "avg_growth_rate")
GROWTH_KINDS = ("growth_rate", "avg_growth_rate")


def is_annual(kind: str, points) -> bool:
    """Annual when the kind says so, or when the formula is a flow (it has year-to-date
    points): a level of flows (发明专利申请量 as `level`) is still a year's figure."""
    return kind in ANNUAL_KINDS or any(p.partial for p in points)


def deadline_period(deadline: tuple[int, int], annual: bool) -> int:
    """The period index (year × 4 + quarter − 1) a target is finally judged on: the
    deadline's quarter for stocks; for annual figures the deadline year when the deadline
    is December, else the last full year before it (a plan ending 2025-06 is accepted on
    2024's figures)."""
    year, month = deadline
    if annual:
        return (year if month == 12 else year - 1) * 4 + 3
    return year * 4 + (month - 1) // 3


def reference_point(points, *, annual: bool, last_index: int):
    """The latest valued point that is a complete period for the kind, at or before
    `last_index`, or None."""
    for p in reversed(points):
        if p.value is None or p.index > last_index or p.partial:
            continue
        if annual and p.quarter != 4:
            continue
        return p
    return None


def provisional_point(points, ref):
    """The latest valued point after the reference (a year to date, or a quarter of a year
    not yet complete), or None."""
    later = [p for p in points if p.value is not None and (ref is None or p.index > ref.index)]
    return later[-1] if later else None


def completion(kind: str, comparator: str, value, target, target_max=None):
    """完成率 as a fraction (1.0 = 100 %), or None when it cannot be computed (a zero
    target, a zero actual under a "<=" target)."""
    if value is None or target is None:
        return None
    if comparator == "range" or kind == "range":
        low = target
        if value >= low:
            return 1.0
        return value / low if low else None
    if comparator == "<=":
        if value <= 0:
            return None if value < 0 else (1.0 if target >= 0 else None)
        return target / value
    return value / target if target else None


def progress_share(value, base, target, *, downward: bool = False):
    """进展度 (V − B) ÷ (T − B), or None without a baseline or when the baseline already
    meets the target (then there is no distance to cover)."""
    if value is None or base is None:
        return None
    if downward:
        if not target < base:
            return None
    elif not target > base:
        return None
    return (value - base) / (target - base)


def baseline_meets(base, target, comparator: str) -> bool:
    """True when the baseline already meets the target (基期已达标)."""
    if base is None:
        return False
    if comparator == ">":
        return base > target
    if comparator == "<=":
        return base <= target
    return base >= target


def yearly_rates(points, baseline_year: int) -> dict[int, float]:
    """Each year's own growth (%) recovered from the compound averages since the baseline
    year (`cagr(X)` at Q4): (1 + c_y)^(y − b) ÷ (1 + c_{y−1})^(y − 1 − b) − 1."""
    cagr = {p.year: p.value for p in points if p.quarter == 4 and not p.partial and p.value is not None}
    rates = {}
    for year in sorted(cagr):
        n = year - baseline_year
        if n <= 0:
            continue
        growth = (1 + cagr[year] / 100) ** n
        if n == 1:
            previous = 1.0
        elif year - 1 in cagr:
            previous = (1 + cagr[year - 1] / 100) ** (n - 1)
        else:
            continue
        if previous > 0:
            rates[year] = (growth / previous - 1) * 100
    return rates
