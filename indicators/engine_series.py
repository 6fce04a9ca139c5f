"""One formula evaluated over the period axis of the quarter totals: values, partial
flags, the reason wherever there is no value, and the lineage of every value
(`cumulative`, `yoy`, `cagr`: the time rules of `indicators.engine`). Re-exported by
`indicators.engine`."""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext as _

from . import progress
from .engine_totals import Totals
from .engine_types import STOCK_CARRY_QUARTERS, period_code, quarter_text
from .formulas import BinOp, Call, Code, Formula, Neg, Num

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
