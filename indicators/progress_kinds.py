"""The per-kind progress rules before the deadline (docs/progress-rules.md §3): level,
annual_flow, per_unit, range (Open SDG ratio), avg_growth_rate, cumulative, and the
every-year kinds. Pure functions; `indicators.progress.assess` calls them on the points up
to the reference period and then applies the evaluator's conventions."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from ipcity.core.text import joined, percent

from .progress_types import (
    ACHIEVED,
    AT_RISK,
    BEHIND,
    NO_DATA,
    ON_TRACK,
    Assessment,
    Baseline,
    Plan,
    Point,
    Thresholds,
    fmt,
    meets,
    pct,
    period_label,
)


def _no_data(plan: Plan, points: list[Point], rule: str, reason: str = "") -> Assessment:
    if not reason:
        latest = points[-1] if points else None
        if latest is None:
            reason = _("无数据:方案期内尚无可用于计算的统计数据。")
        else:
            reason = _("无数据:%(period)s %(reason)s") % {
                "period": period_label(latest.year, latest.quarter, latest.partial),
                "reason": latest.reason or _("无法计算。"),
            }
    return Assessment(status=NO_DATA, reason=reason, rule=rule)


def _by_ratio(r: float, th: Thresholds) -> str:
    if r >= th.on_track:
        return ON_TRACK
    if r >= th.at_risk:
        return AT_RISK
    return BEHIND


def _ratio_text(r: float, th: Thresholds) -> str:
    if r >= th.on_track:
        return _("R≥%(on)s") % {"on": fmt(th.on_track)}
    if r >= th.at_risk:
        return _("%(risk)s≤R<%(on)s") % {"risk": fmt(th.at_risk), "on": fmt(th.on_track)}
    return _("R<%(risk)s") % {"risk": fmt(th.at_risk)}


def growth_rates(
    base: float, value: float, target: float, n_obs: float, n_req: float
) -> tuple[float, float, str]:
    """Observed and required annual growth: compound when every number is positive (the
    Open SDG method), linear (change per year) otherwise. Returns (observed, required, method)."""
    if base > 0 and value > 0 and target > 0:
        observed = (value / base) ** (1 / n_obs) - 1
        required = (target / base) ** (1 / n_req) - 1
        return observed, required, "compound"
    return (value - base) / n_obs, (target - base) / n_req, "linear"


def project(base: float, value: float, n_obs: float, n_req: float) -> float:
    """The value at the deadline if the observed growth since the baseline continues:
    compound when both numbers are positive, else linear."""
    if base > 0 and value > 0:
        return value * (value / base) ** ((n_req - n_obs) / n_obs)
    return value + (value - base) / n_obs * (n_req - n_obs)


def projection_text(plan: Plan, value: float | None, *, rate: bool = False) -> str:
    if value is None:
        return ""
    unit = "%" if rate else plan.unit
    return _("预计%(when)s达到%(value)s%(unit)s(目标%(target)s)") % {
        "when": plan.deadline_label,
        "value": fmt(value),
        "unit": unit,
        "target": plan.target_text,
    }


def _completion_level(
    value: float, base: float | None, target: float, downward: bool = False
) -> float | None:
    """Completion against baseline → target, (V − B) ÷ (T − B), when the target asks for a
    change from the baseline; otherwise (no baseline, or the baseline already meets it)
    V ÷ T (T ÷ V for a "<=" target)."""
    if base is not None and ((target < base) if downward else (target > base)):
        return (value - base) / (target - base)
    return _completion_ratio(value, target, downward)


def _assess_level(
    plan: Plan, points: list[Point], baseline: Baseline, th: Thresholds, rule: str
) -> Assessment:
    valued = [p for p in points if p.value is not None]
    if not valued:
        return _no_data(plan, points, rule)
    latest = valued[-1]
    full = [p for p in valued if not p.partial]
    flags: list[str] = []
    # A year-to-date flow that already reaches an annual target has reached it for the year.
    if latest.partial and plan.kind == "annual_flow" and not plan.downward:
        if meets(latest.value, plan.target, plan.comparator):
            return _achieved_level(plan, latest, baseline, rule, flags)
    if not full:
        return Assessment(
            status=NO_DATA,
            reason=_("无数据:尚无完整年度数据;%(period)s为 %(value)s%(unit)s,仅供参考。")
            % {
                "period": period_label(latest.year, latest.quarter, True),
                "value": fmt(latest.value),
                "unit": plan.unit,
            },
            rule=rule,
            value=latest.value,
            year=latest.year,
            quarter=latest.quarter,
            partial=True,
        )
    point = full[-1]
    provisional = ""
    if latest is not point:
        provisional = _("(%(period)s为 %(value)s%(unit)s,仅供参考)") % {
            "period": period_label(latest.year, latest.quarter, latest.partial),
            "value": fmt(latest.value),
            "unit": plan.unit,
        }
    if meets(point.value, plan.target, plan.comparator):
        result = _achieved_level(plan, point, baseline, rule, flags)
        result.reason += provisional
        return result
    base = baseline.value
    common = {
        "value": point.value,
        "year": point.year,
        "quarter": point.quarter,
        "partial": point.partial,
        "baseline": base,
        "completion": _completion_level(point.value, base, plan.target, plan.downward),
    }
    values = {
        "period": period_label(point.year, point.quarter, point.partial),
        "value": fmt(point.value),
        "unit": plan.unit,
        "target": plan.target_text,
    }
    if point.index >= plan.deadline_index:
        return Assessment(
            status=BEHIND,
            reason=_("时限已到:%(period)s为 %(value)s%(unit)s,未达到目标 %(target)s。") % values,
            rule=rule,
            **common,
        )
    if base is None:
        return Assessment(
            status=NO_DATA,
            reason=_("无数据:缺少基期值,无法判断进度。%(fix)s") % {"fix": baseline.reason},
            rule=rule,
            **common,
        )
    n_obs = point.time - plan.baseline_time
    n_req = plan.deadline_time - plan.baseline_time
    if n_obs <= 0 or n_req <= 0:
        return Assessment(
            status=NO_DATA,
            reason=_("无数据:基期年(%(year)s年)之后尚无完整数据。") % {"year": plan.baseline_year},
            rule=rule,
            **common,
        )
    needs_growth = plan.target > base if not plan.downward else plan.target < base
    if not needs_growth:
        return Assessment(
            status=BEHIND,
            reason=_("基期值 %(base)s 已达到目标,但%(period)s回落到 %(value)s%(unit)s。")
            % {**values, "base": fmt(base)},
            rule=rule,
            **common,
        )
    observed, required, method = growth_rates(base, point.value, plan.target, n_obs, n_req)
    r = observed / required
    projection = project(base, point.value, n_obs, n_req)
    if method == "compound":
        how = _("R=实际年均增速 %(obs)s ÷ 所需年均增速 %(req)s = %(r)s(%(band)s)")
        obs_text, req_text = percent(observed * 100), percent(required * 100)
    else:
        how = _("R=实际年均变化 %(obs)s ÷ 所需年均变化 %(req)s = %(r)s(%(band)s,基期值非正数,按线性计算)")
        obs_text, req_text = fmt(observed), fmt(required)
    reason = _("%(period)s为 %(value)s%(unit)s,基期(%(byear)s年)%(base)s,目标 %(target)s;") % {
        **values,
        "byear": plan.baseline_year,
        "base": fmt(base),
    }
    reason += how % {"obs": obs_text, "req": req_text, "r": f"{r:.2f}", "band": _ratio_text(r, th)}
    return Assessment(
        status=_by_ratio(r, th),
        reason=reason + provisional,
        rule=rule,
        ratio=r,
        projection=projection,
        projection_text=projection_text(plan, projection),
        flags=flags,
        **common,
    )


def _achieved_level(plan: Plan, point: Point, baseline: Baseline, rule: str, flags: list[str]) -> Assessment:
    values = {
        "period": period_label(point.year, point.quarter, point.partial),
        "value": fmt(point.value),
        "unit": plan.unit,
        "target": plan.target_text,
    }
    reason = _("%(period)s为 %(value)s%(unit)s,已达到目标 %(target)s。") % values
    if plan.kind == "range" and plan.target_max is not None and point.value > plan.target_max:
        flags.append("above_max")
        reason += _("高于区间上限 %(max)s%(unit)s(超出方案所定区间)。") % {
            "max": fmt(plan.target_max),
            "unit": plan.unit,
        }
    return Assessment(
        status=ACHIEVED,
        reason=reason,
        rule=rule,
        value=point.value,
        year=point.year,
        quarter=point.quarter,
        partial=point.partial,
        baseline=baseline.value,
        completion=_completion_level(point.value, baseline.value, plan.target, plan.downward),
        flags=flags,
    )


def _assess_avg_growth(plan: Plan, points: list[Point], th: Thresholds, rule: str) -> Assessment:
    valued = [p for p in points if p.value is not None]
    if not valued:
        return _no_data(plan, points, rule)
    full = [p for p in valued if not p.partial]
    point = full[-1] if full else valued[-1]
    value = point.value
    common = {
        "value": value,
        "year": point.year,
        "quarter": point.quarter,
        "partial": point.partial,
        "projection": value,
        "projection_text": projection_text(plan, value, rate=True),
    }
    values = {
        "period": period_label(point.year, point.quarter, point.partial),
        "byear": plan.baseline_year,
        "value": fmt(value),
        "target": plan.target_text,
    }
    note = _("(本年截至当季,仅供参考)") if point.partial else ""
    target = plan.target
    completion = (value / target) if target and not plan.downward else (target / value if value else None)
    if meets(value, target, plan.comparator):
        return Assessment(
            status=ACHIEVED,
            reason=_("%(byear)s年至%(period)s的年均增速为 %(value)s%%,已达到目标 %(target)s%%。") % values
            + note,
            rule=rule,
            completion=completion,
            **common,
        )
    if point.index >= plan.deadline_index:
        return Assessment(
            status=BEHIND,
            reason=_("时限已到:%(byear)s年至%(period)s的年均增速为 %(value)s%%,未达到目标 %(target)s%%。")
            % values,
            rule=rule,
            completion=completion,
            **common,
        )
    if not target:
        r = 0.0
    elif plan.downward:
        r = target / value if value > 0 else 0.0
    else:
        r = value / target
    reason = _("%(byear)s年至%(period)s的年均增速为 %(value)s%%,目标 %(target)s%%;") % values
    reason += _("R=%(value)s%% ÷ %(target)s%% = %(r)s(%(band)s)") % {
        **values,
        "r": f"{r:.2f}",
        "band": _ratio_text(r, th),
    }
    return Assessment(
        status=_by_ratio(r, th), reason=reason + note, rule=rule, ratio=r, completion=completion, **common
    )


def _assess_cumulative(plan: Plan, points: list[Point], th: Thresholds, rule: str) -> Assessment:
    valued = [p for p in points if p.value is not None]
    if not valued:
        return _no_data(plan, points, rule)
    point = valued[-1]
    total, target = point.value, plan.target
    span = plan.deadline_time - plan.start_time
    elapsed = min(max((point.time - plan.start_time) / span, 0.0), 1.0) if span > 0 else 1.0
    completion = total / target if target else None
    values = {
        "period": period_label(point.year, point.quarter),
        "value": fmt(total),
        "unit": plan.unit,
        "target": plan.target_text,
        "c": pct(completion),
        "e": pct(elapsed),
    }
    common = {
        "value": total,
        "year": point.year,
        "quarter": point.quarter,
        "completion": completion,
        "elapsed": elapsed,
    }
    at_deadline = point.index >= plan.deadline_index
    projection = total / elapsed if 0 < elapsed < 1 else None
    if projection is not None:
        common["projection"] = projection
        common["projection_text"] = projection_text(plan, projection)
    if plan.downward:
        if total > target:
            return Assessment(
                status=BEHIND,
                reason=_("截至%(period)s累计 %(value)s%(unit)s,已超过上限 %(target)s。") % values,
                rule=rule,
                **common,
            )
        if at_deadline:
            return Assessment(
                status=ACHIEVED,
                reason=_("时限已到:累计 %(value)s%(unit)s,未超过 %(target)s。") % values,
                rule=rule,
                **common,
            )
        limit_on, limit_risk = elapsed / th.on_track, elapsed / th.at_risk if th.at_risk else math.inf
        status = ON_TRACK if completion <= limit_on else AT_RISK if completion <= limit_risk else BEHIND
        reason = _("截至%(period)s累计 %(value)s%(unit)s(完成率 C=%(c)s),时间进度 E=%(e)s;") % values
        reason += _("C≤E÷%(on)s 为正常推进,C≤E÷%(risk)s 为有风险。") % {
            "on": fmt(th.on_track),
            "risk": fmt(th.at_risk),
        }
        return Assessment(status=status, reason=reason, rule=rule, **common)
    if meets(total, target, plan.comparator):
        common.pop("projection", None)
        common.pop("projection_text", None)
        return Assessment(
            status=ACHIEVED,
            reason=_("截至%(period)s累计 %(value)s%(unit)s,已达到目标 %(target)s。") % values,
            rule=rule,
            **common,
        )
    if at_deadline:
        return Assessment(
            status=BEHIND,
            reason=_("时限已到:累计 %(value)s%(unit)s,未达到目标 %(target)s(完成率 %(c)s)。") % values,
            rule=rule,
            **common,
        )
    if elapsed <= 0:
        return Assessment(
            status=NO_DATA,
            reason=_("无数据:方案尚未开始。"),
            rule=rule,
            **common,
        )
    if completion >= th.on_track * elapsed:
        status, band = ON_TRACK, _("C≥%(on)s×E") % {"on": fmt(th.on_track)}
    elif completion >= th.at_risk * elapsed:
        status, band = (
            AT_RISK,
            _("%(risk)s×E≤C<%(on)s×E")
            % {
                "on": fmt(th.on_track),
                "risk": fmt(th.at_risk),
            },
        )
    else:
        status, band = BEHIND, _("C<%(risk)s×E") % {"risk": fmt(th.at_risk)}
    reason = _("截至%(period)s累计 %(value)s%(unit)s,完成率 C=%(c)s,时间进度 E=%(e)s(%(band)s)。") % {
        **values,
        "band": band,
    }
    return Assessment(status=status, reason=reason, rule=rule, **common)


def _assess_every_year(
    plan: Plan, points: list[Point], baseline: Baseline, th: Thresholds, rule: str
) -> Assessment:
    target, cmp = plan.target, plan.comparator
    last_year = plan.deadline[0]
    years = range(plan.first_plan_year, last_year + 1)
    full_by_year = {p.year: p for p in points if p.quarter == 4 and not p.partial and p.value is not None}
    yearly = []
    for year in years:
        point = full_by_year.get(year)
        if point is not None:
            yearly.append(
                {
                    "year": year,
                    "value": point.value,
                    "met": meets(point.value, target, cmp),
                    "completion": _completion_ratio(point.value, target, plan.downward),
                }
            )
    plan_full = [row for row in yearly]
    valued = [p for p in points if p.value is not None and p.year in years]

    def completion_of(value: float) -> float | None:
        return _completion_ratio(value, target, plan.downward)

    if not plan_full:
        # No full plan year yet: judge the current year to date, provisionally.
        if not valued:
            return _no_data(plan, [p for p in points if p.year in years] or points, rule)
        point = valued[-1]
        share = point.quarter / 4 if (plan.kind == "yearly_minimum" and point.partial) else 1.0
        goal = target * share
        status = _every_year_status(point.value, goal, cmp, th)
        reason = _(
            "尚无完整年度数据,暂按%(period)s的 %(value)s%(unit)s 判断(仅供参考),对应目标 %(goal)s。"
        ) % {
            "period": period_label(point.year, point.quarter, point.partial),
            "value": fmt(point.value),
            "unit": plan.unit,
            "goal": fmt(goal),
        }
        return Assessment(
            status=status,
            reason=reason,
            rule=rule,
            value=point.value,
            year=point.year,
            quarter=point.quarter,
            partial=point.partial,
            completion=completion_of(point.value / share if share else point.value),
            yearly=yearly,
        )
    latest = full_by_year[plan_full[-1]["year"]]
    missing = [y for y in years if y <= latest.year and y not in full_by_year]
    missed = [row["year"] for row in plan_full if not row["met"]]
    deadline_done = last_year in full_by_year
    values = {
        "year": latest.year,
        "value": fmt(latest.value),
        "unit": plan.unit,
        "target": plan.target_text,
        "years": joined(missed),
        "missing": joined(missing),
    }
    common = {
        "value": latest.value,
        "year": latest.year,
        "quarter": 4,
        "partial": False,
        "completion": completion_of(latest.value),
        "yearly": yearly,
    }
    later = [p for p in valued if p.index > latest.index]
    note = ""
    if later:
        cur = later[-1]
        note = _("(%(period)s为 %(value)s%(unit)s,仅供参考)") % {
            "period": period_label(cur.year, cur.quarter, cur.partial),
            "value": fmt(cur.value),
            "unit": plan.unit,
        }
    if plan.kind == "growth_rate":
        common["projection"] = latest.value
        common["projection_text"] = projection_text(plan, latest.value, rate=True)
    elif plan.kind == "yearly_minimum" and baseline.value is not None:
        n_obs = latest.time - plan.baseline_time
        n_req = plan.deadline_time - plan.baseline_time
        if n_obs > 0 and n_req > n_obs:
            projected = project(baseline.value, latest.value, n_obs, n_req)
            common["projection"] = projected
            common["projection_text"] = projection_text(plan, projected)
    if deadline_done and not missed and not missing:
        return Assessment(
            status=ACHIEVED,
            reason=_("方案期内每个年度均达到目标 %(target)s,%(year)s年为 %(value)s%(unit)s。") % values,
            rule=rule,
            **common,
        )
    if deadline_done and (missed or missing):
        reason = _("时限已到:")
        if missed:
            reason += _("%(years)s年未达到目标 %(target)s。") % values
        if missing:
            reason += _("%(missing)s年没有全年数值。") % values
        return Assessment(status=BEHIND, reason=reason, rule=rule, **common)
    status = _every_year_status(latest.value, target, cmp, th)
    if status == ON_TRACK:
        reason = _("%(year)s年为 %(value)s%(unit)s,达到目标 %(target)s;其后每年仍须达到。") % values
    elif status == AT_RISK:
        reason = _("%(year)s年为 %(value)s%(unit)s,未达到目标 %(target)s,差距在目标的%(gap)s以内。") % {
            **values,
            "gap": f"{th.gap * 100:.0f}%",
        }
    else:
        reason = _("%(year)s年为 %(value)s%(unit)s,未达到目标 %(target)s,差距超过目标的%(gap)s。") % {
            **values,
            "gap": f"{th.gap * 100:.0f}%",
        }
    if missed and status == ON_TRACK:
        reason += _("此前%(years)s年未达到。") % values
    if missing:
        reason += _("%(missing)s年没有全年数值。") % values
    return Assessment(status=status, reason=reason + note, rule=rule, **common)


def _completion_ratio(value: float, target: float, downward: bool) -> float | None:
    if downward:
        return target / value if value else None
    return value / target if target else None


def _every_year_status(value: float, target: float, cmp: str, th: Thresholds) -> str:
    if meets(value, target, cmp):
        return ON_TRACK
    shortfall = (value - target) if cmp == "<=" else (target - value)
    return AT_RISK if shortfall <= th.gap * abs(target) else BEHIND
