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
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from . import formulas, progress
from .formulas import BinOp, Call, Code, Formula, FormulaError, Neg, Num

ROW_COLUMNS = ["id", "version", "code", "area", "year", "quarter", "value"]
STOCK_CARRY_QUARTERS = 3


def period_code(p: int) -> str:
    return f"{p // 4}Q{p % 4 + 1}"


def quarter_text(p: int) -> str:
    return _("%(year)s年第%(quarter)s季度") % {"year": p // 4, "quarter": p % 4 + 1}


# --- specifications (built by services from the models) -----------------------------------


@dataclass(frozen=True)
class StatMeta:
    code: str
    aggregation: str  # flow | stock
    unit: str = ""
    name: str = ""
    min_value: float | None = None
    max_value: float | None = None
    id: int | None = None


@dataclass(frozen=True)
class ProgrammeSpec:
    id: int
    start: tuple[int, int]  # (year, month)
    end: tuple[int, int]
    baseline_year: int
    thresholds: progress.Thresholds = progress.Thresholds()

    @property
    def start_index(self) -> int:
        year, month = self.start
        return year * 4 + (month - 1) // 3


@dataclass(frozen=True)
class IndicatorSpec:
    id: int
    name: str
    kind: str
    comparator: str
    target: float
    target_max: float | None
    unit: str
    deadline: str  # YYYY, YYYY-MM or YYYY-MM-DD as stored
    formula: str | None
    baseline_value: float | None = None
    baseline_year: int | None = None


def deadline_of(deadline: str, programme: ProgrammeSpec) -> tuple[int, int]:
    """`2020` → (2020, 12); `2020-06` → (2020, 6). A bare year equal to the programme's last
    year means the programme's last month (Fuzhou's plan runs to 2025-06)."""
    parts = (deadline or "").split("-")
    year = int(parts[0]) if parts and parts[0].isdigit() else programme.end[0]
    if len(parts) >= 2 and parts[1].isdigit():
        return year, int(parts[1])
    if year == programme.end[0]:
        return year, programme.end[1]
    return year, 12


def plan_of(spec: IndicatorSpec, programme: ProgrammeSpec) -> progress.Plan:
    return progress.Plan(
        kind=spec.kind,
        comparator=spec.comparator,
        target=spec.target,
        target_max=spec.target_max,
        unit=spec.unit,
        start=programme.start,
        deadline=deadline_of(spec.deadline, programme),
        baseline_year=spec.baseline_year or programme.baseline_year,
    )


# --- results ------------------------------------------------------------------------------


@dataclass
class QuarterTotal:
    code: str
    year: int
    quarter: int
    value: float | None
    area_count: int
    ids: list[int]
    versions: list[int]
    problem: str = ""

    @property
    def period(self) -> int:
        return self.year * 4 + self.quarter - 1


@dataclass
class ValueRow:
    year: int
    quarter: int
    value: float | None
    partial: bool
    reason: str
    inputs: list[list[str]]  # [[code, "2019Q1", "2019Q3"], ...]

    @property
    def period(self) -> int:
        return self.year * 4 + self.quarter - 1


@dataclass
class IndicatorResult:
    indicator_id: int
    formula: str
    rows: list[ValueRow]
    baseline: progress.Baseline
    assessment: progress.Assessment


@dataclass
class ProgrammeResult:
    totals: list[QuarterTotal]
    indicators: list[IndicatorResult]
    timings: dict = field(default_factory=dict)


# --- quarter totals -----------------------------------------------------------------------


def _bound(stats: dict[str, StatMeta], code: str, name: str) -> float:
    meta = stats.get(code)
    value = getattr(meta, name, None) if meta is not None else None
    return np.nan if value is None else float(value)


class Totals:
    """The city total of every statistic per quarter, as arrays over a period axis."""

    def __init__(self, rows: pd.DataFrame, stats: dict[str, StatMeta], *, axis_from: int | None = None):
        self.stats = stats
        self.records: list[QuarterTotal] = []
        self.problems: dict[tuple[str, int], str] = {}
        self.values: dict[str, np.ndarray] = {}
        self.present: dict[str, np.ndarray] = {}
        self._level_cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        if rows is None or rows.empty:
            self.lo, self.hi = (axis_from or 0), (axis_from or 0) - 1
            return
        # numpy throughout: codes factorised to integers, one sort, sums by reduceat
        code_idx, code_names = pd.factorize(rows["code"], sort=True)
        period = rows["year"].to_numpy(dtype="int64") * 4 + rows["quarter"].to_numpy(dtype="int64") - 1
        value = rows["value"].to_numpy(dtype="float64")
        ids = rows["id"].to_numpy(dtype="int64")
        versions = rows["version"].to_numpy(dtype="int64")
        area = rows["area"].to_numpy(dtype=object)
        span = int(period.max() - period.min()) + 1
        key = code_idx.astype("int64") * span + (period - period.min())
        is_city = area == ""
        if is_city.any():  # the whole city's figure, where reported, replaces the districts'
            keep = is_city | ~np.isin(key, np.unique(key[is_city]))
            code_idx, period, value, ids, versions, area, key = (
                a[keep] for a in (code_idx, period, value, ids, versions, area, key)
            )
        lows = np.array([_bound(stats, c, "min_value") for c in code_names], dtype="float64")
        highs = np.array([_bound(stats, c, "max_value") for c in code_names], dtype="float64")
        with np.errstate(invalid="ignore"):
            bad = (value < lows[code_idx]) | (value > highs[code_idx])
        order = np.lexsort((ids, key))
        key, code_idx, period, value, ids, versions, area, bad = (
            a[order] for a in (key, code_idx, period, value, ids, versions, area, bad)
        )
        breaks = np.flatnonzero(np.diff(key)) + 1
        starts = np.concatenate(([0], breaks))
        sums = np.add.reduceat(value, starts)
        counts = np.diff(np.concatenate((starts, [len(key)])))
        bad_groups = np.logical_or.reduceat(bad, starts)
        group_ids = np.split(ids, breaks)
        group_versions = np.split(versions, breaks)
        group_code = code_idx[starts]
        group_period = period[starts]
        for j in np.flatnonzero(bad):
            problem_key = (code_names[code_idx[j]], int(period[j]))
            if problem_key not in self.problems:
                self.problems[problem_key] = self._range_problem(
                    {"code": problem_key[0], "p": problem_key[1], "area": area[j], "value": float(value[j])}
                )
        first, last = int(period.min()), int(period.max())
        self.lo = first if axis_from is None else min(first, axis_from)
        self.hi = last
        n = self.hi - self.lo + 1
        usable = np.where(bad_groups, np.nan, sums)
        for c, code in enumerate(code_names):
            mask = group_code == c
            arr = np.full(n, np.nan)
            present = np.zeros(n, dtype=bool)
            idx = group_period[mask] - self.lo
            arr[idx] = usable[mask]
            present[idx] = True
            self.values[code] = arr
            self.present[code] = present
        # plain Python values, taken out of numpy and pandas once (a province-scale
        # recompute builds some 24,000 records per programme)
        names = list(code_names)
        problems = self.problems
        self.records = [
            QuarterTotal(
                code=names[c],
                year=p // 4,
                quarter=p % 4 + 1,
                value=None if is_bad else total,
                area_count=count,
                ids=group_ids[k].tolist(),
                versions=group_versions[k].tolist(),
                problem=problems.get((names[c], p), ""),
            )
            for k, (c, p, is_bad, total, count) in enumerate(
                zip(
                    group_code.tolist(),
                    group_period.tolist(),
                    bad_groups.tolist(),
                    sums.tolist(),
                    counts.tolist(),
                    strict=True,
                )
            )
        ]

    def _range_problem(self, row) -> str:
        stat = self.stats.get(row["code"])
        unit = stat.unit if stat else ""
        where = _("(区域:%(area)s)") % {"area": row["area"]} if row["area"] else ""
        if stat and stat.max_value is not None and row["value"] > stat.max_value:
            bound = _("上限 %(v)s%(unit)s") % {"v": progress.fmt(stat.max_value), "unit": unit}
        else:
            bound = _("下限 %(v)s%(unit)s") % {"v": progress.fmt(stat.min_value if stat else 0), "unit": unit}
        return _(
            "%(code)s %(period)s%(where)s填报值 %(value)s 超出合理范围(%(bound)s),可能是单位错误(应按“%(unit)s”填报),请核实后更正。"
        ) % {
            "code": row["code"],
            "period": quarter_text(int(row["p"])),
            "where": where,
            "value": progress.fmt(float(row["value"])),
            "bound": bound,
            "unit": unit,
        }

    @property
    def size(self) -> int:
        return max(self.hi - self.lo + 1, 0)

    def raw(self, code: str) -> np.ndarray:
        arr = self.values.get(code)
        return np.full(self.size, np.nan) if arr is None else arr

    def is_present(self, code: str) -> np.ndarray:
        arr = self.present.get(code)
        return np.zeros(self.size, dtype=bool) if arr is None else arr

    def level(self, code: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(values, partial, source period) of a code outside cumulative(): a flow's
        year-to-date sum, a stock's latest report carried forward at most 3 quarters."""
        cached = self._level_cache.get(code)
        if cached is not None:
            return cached
        arr = self.raw(code)
        periods = np.arange(self.lo, self.lo + self.size)
        stat = self.stats.get(code)
        index = np.arange(self.size)
        if stat is not None and stat.aggregation == "stock":
            # A flagged (out of range) report must not let an older one show through: mark
            # it +inf so the forward fill stops there, then make it NaN again.
            marked = np.where(self.is_present(code) & np.isnan(arr), np.inf, arr)
            last = np.maximum.accumulate(np.where(np.isnan(marked), -1, index)) if self.size else index
            ok = (last >= 0) & (index - last <= STOCK_CARRY_QUARTERS)
            filled = np.where(ok, marked[np.clip(last, 0, None)], np.nan)
            values = np.where(np.isinf(filled), np.nan, filled)
            source = np.where(ok, (self.lo + last).astype("float64"), np.nan)
            result = (values, np.zeros(self.size, dtype=bool), source)
        else:
            # year to date: the running sum since the year's first quarter; any quarter of
            # the year missing so far (or before the axis) makes it NaN
            quarter = periods % 4
            year_start = index - quarter
            sums = np.concatenate(([0.0], np.cumsum(np.nan_to_num(arr))))
            gaps = np.concatenate(([0], np.cumsum(np.isnan(arr))))
            start = np.clip(year_start, 0, None)
            ytd = sums[index + 1] - sums[start]
            missing = (gaps[index + 1] - gaps[start] > 0) | (year_start < 0)
            values = np.where(missing, np.nan, ytd)
            result = (values, quarter != 3, periods.astype("float64"))
        self._level_cache[code] = result
        return result


# --- evaluating one formula over the axis -------------------------------------------------


class FormulaSeries:
    """A parsed formula evaluated at every quarter of the axis, with reasons and lineage."""

    def __init__(
        self,
        formula: Formula,
        totals: Totals,
        *,
        plan_start: int,
        baseline_year: int,
        manual_base: float | None = None,
    ):
        self.formula = formula
        self.totals = totals
        self.lo = totals.lo
        self.n = totals.size
        self.periods = np.arange(self.lo, self.lo + self.n)
        self.plan_start = plan_start
        self.baseline_year = baseline_year
        self.manual_base = manual_base
        self._cache: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        self.values, self.partial = self.evaluate(formula.root, "level")

    # values ---------------------------------------------------------------------------

    def evaluate(self, node, mode: str) -> tuple[np.ndarray, np.ndarray]:
        key = (id(node), mode)
        if key not in self._cache:
            self._cache[key] = self._eval(node, mode)
        return self._cache[key]

    def _eval(self, node, mode: str) -> tuple[np.ndarray, np.ndarray]:
        no_partial = np.zeros(self.n, dtype=bool)
        if isinstance(node, Num):
            return np.full(self.n, node.value), no_partial
        if isinstance(node, Code):
            if mode == "quarter":
                return self.totals.raw(node.code), no_partial
            values, partial, _source = self.totals.level(node.code)
            return values, partial
        if isinstance(node, Neg):
            values, partial = self.evaluate(node.operand, mode)
            return -values, partial
        if isinstance(node, BinOp):
            left, lp = self.evaluate(node.left, mode)
            right, rp = self.evaluate(node.right, mode)
            with np.errstate(all="ignore"):
                if node.op == "+":
                    out = left + right
                elif node.op == "-":
                    out = left - right
                elif node.op == "*":
                    out = left * right
                else:
                    out = np.where(right == 0, np.nan, left / np.where(right == 0, 1, right))
            return out, lp | rp
        if isinstance(node, Call):
            return self._call(node, mode)
        raise TypeError(node)

    def _shifted(self, values: np.ndarray, back: np.ndarray) -> np.ndarray:
        """values[i - back[i]] (NaN before the axis)."""
        idx = np.arange(self.n) - back
        ok = (idx >= 0) & (idx < self.n)
        return np.where(ok, values[np.clip(idx, 0, max(self.n - 1, 0))], np.nan) if self.n else values

    def _call(self, node: Call, mode: str) -> tuple[np.ndarray, np.ndarray]:
        if node.func == "cumulative":
            quarterly, _partial = self.evaluate(node.arg, "quarter")
            if self.plan_start < self.lo:  # quarters since the start lie before any data
                return np.full(self.n, np.nan), np.zeros(self.n, dtype=bool)
            started = self.periods >= self.plan_start
            gaps = np.isnan(quarterly) & started
            broken = np.maximum.accumulate(gaps) if self.n else gaps
            sums = np.cumsum(np.where(started & ~gaps, quarterly, 0.0))
            return np.where(started & ~broken, sums, np.nan), np.zeros(self.n, dtype=bool)
        values, partial = self.evaluate(node.arg, "level")
        if node.func == "yoy":
            previous = self._shifted(values, np.full(self.n, 4))
            with np.errstate(all="ignore"):
                out = np.where(previous > 0, (values / np.where(previous > 0, previous, 1) - 1) * 100, np.nan)
            return out, partial
        # cagr: against the same quarter of the baseline year
        years = self.periods // 4
        span = years - self.baseline_year
        base = self._shifted(values, span * 4)
        if self.manual_base is not None:
            base = np.where(self.periods % 4 == 3, self.manual_base, base)
        ok = (span > 0) & (base > 0) & (values >= 0)
        with np.errstate(all="ignore"):
            ratio = np.where(ok, values / np.where(ok, base, 1), np.nan)
            out = np.where(ok, (ratio ** (1 / np.where(span > 0, span, 1)) - 1) * 100, np.nan)
        return out, partial

    # reasons --------------------------------------------------------------------------

    def explain(self, i: int) -> str:
        return self._explain(self.formula.root, i, "level") or _("无法计算。")

    def _explain(self, node, i: int, mode: str) -> str:
        values, _partial = self.evaluate(node, mode)
        if i < 0 or i >= self.n:
            return _("统计数据的时间范围之外。")
        if not np.isnan(values[i]):
            return ""
        p = self.lo + i
        if isinstance(node, Code):
            return self._explain_code(node.code, i, mode)
        if isinstance(node, Neg):
            return self._explain(node.operand, i, mode)
        if isinstance(node, BinOp):
            for side in (node.left, node.right):
                reason = self._explain(side, i, mode)
                if reason:
                    return reason
            if node.op == "/":
                return _("分母“%(den)s”在%(period)s为0,无法计算。") % {
                    "den": node.right.src,
                    "period": quarter_text(p),
                }
            return _("无法计算。")
        if isinstance(node, Call):
            return self._explain_call(node, i, p)
        return ""

    def _explain_code(self, code: str, i: int, mode: str) -> str:
        totals = self.totals
        p = self.lo + i
        stat = totals.stats.get(code)
        if stat is None:
            return _("未知的统计数据代码 %(code)s。") % {"code": code}
        if mode == "quarter":
            return totals.problems.get((code, p)) or _("%(code)s %(period)s未填报。") % {
                "code": code,
                "period": quarter_text(p),
            }
        if stat.aggregation == "stock":
            present = totals.is_present(code)
            for back in range(0, STOCK_CARRY_QUARTERS + 1):
                j = i - back
                if j >= 0 and present[j]:
                    return totals.problems.get((code, self.lo + j), "")
            return _("%(code)s 截至%(period)s的最近4个季度未填报。") % {
                "code": code,
                "period": quarter_text(p),
            }
        raw = totals.raw(code)
        first = (p // 4) * 4 - self.lo
        for j in range(max(first, 0), i + 1):
            if np.isnan(raw[j]):
                return totals.problems.get((code, self.lo + j)) or _("%(code)s %(period)s未填报。") % {
                    "code": code,
                    "period": quarter_text(self.lo + j),
                }
        if first < 0:
            return _("%(code)s %(period)s未填报。") % {"code": code, "period": quarter_text((p // 4) * 4)}
        return ""

    def _explain_call(self, node: Call, i: int, p: int) -> str:
        if node.func == "cumulative":
            if p < self.plan_start:
                return _("方案开始前没有累计值。")
            quarterly, _partial = self.evaluate(node.arg, "quarter")
            start = max(self.plan_start - self.lo, 0)
            if self.plan_start < self.lo:
                return _("%(period)s(方案开始的季度)起的数据不全。") % {
                    "period": quarter_text(self.plan_start)
                }
            for j in range(start, i + 1):
                if np.isnan(quarterly[j]):
                    return self._explain(node.arg, j, "quarter") or _("%(period)s数据缺失。") % {
                        "period": quarter_text(self.lo + j)
                    }
            return ""
        reason = self._explain(node.arg, i, "level")
        if reason:
            return reason
        values, _partial = self.evaluate(node.arg, "level")
        if node.func == "yoy":
            j = i - 4
            if j < 0 or np.isnan(values[j]):
                inner = self._explain(node.arg, j, "level") if j >= 0 else ""
                return (
                    _("缺少上年同期(%(period)s)数据,无法计算增长率。") % {"period": quarter_text(p - 4)}
                    + inner
                )
            return _("上年同期(%(period)s)值为 %(value)s,不是正数,无法计算增长率。") % {
                "period": quarter_text(p - 4),
                "value": progress.fmt(float(values[j])),
            }
        span = p // 4 - self.baseline_year
        if span <= 0:
            return _("基期年(%(year)s年)及以前不计算年均增速。") % {"year": self.baseline_year}
        j = i - span * 4
        base = self.manual_base if (self.manual_base is not None and p % 4 == 3) else None
        if base is None:
            if j < 0 or np.isnan(values[j]):
                return baseline_missing_text(
                    self.baseline_year,
                    self.formula.codes,
                    quarter=p % 4 + 1,
                    detail=self._explain(node.arg, j, "level"),
                )
            base = float(values[j])
        if base <= 0:
            return _("基期值为 %(value)s,不是正数,无法计算年均增速。") % {"value": progress.fmt(base)}
        return _("当期值为负数,无法计算年均增速。")

    # lineage --------------------------------------------------------------------------

    def inputs(self, i: int) -> list[list[str]]:
        return self.inputs_at(np.array([i]))[0]

    def inputs_at(self, rows: np.ndarray) -> list[list[list[str]]]:
        """For each axis index in `rows`, per statistic the window of quarters used:
        [[code, "2019Q1", "2019Q3"], ...] (computed for all rows at once)."""
        windows: dict[str, tuple[np.ndarray, np.ndarray]] = {}

        def add(code: str, first: np.ndarray, last: np.ndarray) -> None:
            if code in windows:
                a, b = windows[code]
                windows[code] = (np.fmin(a, first), np.fmax(b, last))
            else:
                windows[code] = (first, last)

        def leaf(code: str, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            valid = (at >= 0) & (at < self.n)
            where = np.clip(at, 0, max(self.n - 1, 0))
            p = (self.lo + at).astype("float64")
            stat = self.totals.stats.get(code)
            if stat is not None and stat.aggregation == "stock":
                source = self.totals.level(code)[2][where] if self.n else p
                return np.where(valid, source, np.nan), np.where(valid, source, np.nan)
            return np.where(valid, (p // 4) * 4, np.nan), np.where(valid, p, np.nan)

        for code, context in self._leaves():
            if context == "cumulative":
                p = (self.lo + rows).astype("float64")
                add(code, np.full(len(rows), float(max(self.plan_start, self.lo))), p)
                continue
            add(code, *leaf(code, rows))
            if context == "yoy":
                add(code, *leaf(code, rows - 4))
            elif context == "cagr":
                periods = self.lo + rows
                back = rows - (periods // 4 - self.baseline_year) * 4
                first, last = leaf(code, back)
                if self.manual_base is not None:
                    manual = periods % 4 == 3
                    first, last = np.where(manual, np.nan, first), np.where(manual, np.nan, last)
                add(code, first, last)
        codes = sorted(windows)
        columns = [(code, windows[code][0].tolist(), windows[code][1].tolist()) for code in codes]
        out = []
        for k in range(len(rows)):
            row = []
            for code, firsts, lasts in columns:
                a, b = firsts[k], lasts[k]
                if a == a and b == b and a <= b:  # not NaN
                    row.append([code, period_code(int(a)), period_code(int(b))])
            out.append(row)
        return out

    def _leaves(self) -> list[tuple[str, str]]:
        """Every statistic code with the function it sits in ("" at the top level)."""
        leaves = []

        def walk(node, context: str) -> None:
            if isinstance(node, Code):
                leaves.append((node.code, context))
            elif isinstance(node, Neg):
                walk(node.operand, context)
            elif isinstance(node, BinOp):
                walk(node.left, context)
                walk(node.right, context)
            elif isinstance(node, Call):
                walk(node.arg, node.func)

        walk(self.formula.root, "")
        return leaves


def baseline_missing_text(year: int, codes, *, quarter: int = 4, detail: str = "") -> str:
    period = _("%(year)s年") % {"year": year} if quarter == 4 else quarter_text(year * 4 + quarter - 1)
    text = _("缺少基期值(基期%(period)s)。") % {"period": period}
    if detail:
        text += detail
    text += _("解决办法:补报基期年(%(year)s年)各季度的 %(codes)s,或在指标设置中填写“基期值”。") % {
        "year": year,
        "codes": "、".join(codes),
    }
    return text


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
