"""Quarter totals: the city total of every statistic per quarter, from the reported rows,
with the range check and the flow and stock rules (the first three time rules of
`indicators.engine`). Re-exported by `indicators.engine`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from . import progress
from .engine_types import STOCK_CARRY_QUARTERS, QuarterTotal, StatMeta, quarter_text

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
