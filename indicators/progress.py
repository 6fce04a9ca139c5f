"""Progress and status of an indicator: pure functions, no database.

Every rule here is written down, with worked numbers, in docs/progress-rules.md, and each
kind × status has a hand-computed test in tests/indicators/test_progress.py. The engine
(indicators/engine.py) turns reported statistics into quarterly `Point`s; `assess()` turns
the points, the baseline and the programme's thresholds into an `Assessment`.

Time is counted in years as real numbers: the end of quarter q of year Y is Y + q/4, the
end of month m is Y + m/12; the baseline is the end of the baseline year (b + 1).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from ipcity.core.text import joined, percent, year_amount

from . import reference as ref_rules
from .progress_kinds import (
    _assess_avg_growth,
    _assess_cumulative,
    _assess_every_year,
    _assess_level,
    _every_year_status,
    _no_data,
    growth_rates,
    project,
    projection_text,
)
from .progress_types import (
    ACHIEVED,
    AT_RISK,
    BEHIND,
    EVERY_YEAR_KINDS,
    FINAL_STATUSES,
    LEVEL_KINDS,
    MISSED,
    NO_DATA,
    ON_TRACK,
    PENDING,
    STATUSES,
    Assessment,
    Baseline,
    MilestoneState,
    Plan,
    Point,
    Thresholds,
    fmt,
    meets,
    pct,
    period_label,
    rule_text,
    status_label,
)

__all__ = [
    "ACHIEVED",
    "ON_TRACK",
    "AT_RISK",
    "BEHIND",
    "NO_DATA",
    "MISSED",
    "PENDING",
    "STATUSES",
    "FINAL_STATUSES",
    "LEVEL_KINDS",
    "EVERY_YEAR_KINDS",
    "status_label",
    "Point",
    "Plan",
    "Thresholds",
    "Baseline",
    "MilestoneState",
    "Assessment",
    "fmt",
    "pct",
    "period_label",
    "meets",
    "rule_text",
    "assess",
    "plan_deadline_date",
    "growth_rates",
    "project",
    "projection_text",
]


def assess(
    plan: Plan,
    points: list[Point],
    *,
    baseline: Baseline | None = None,
    thresholds: Thresholds | None = None,
    milestone: MilestoneState | None = None,
    today: date | None = None,
) -> Assessment:
    """Status, completion, progress and projection of one indicator from its quarterly points.

    The indicator is assessed on one reference period (reference.py): the latest full year
    for annual kinds, the latest quarter for stocks; a later year to date is only provisional.
    Before the deadline the per-kind rules below give on track / at risk / behind; at the
    deadline's period the verdict is final (已完成 / 未完成); when the deadline has passed
    (`today`) but its period is not fully reported the verdict is 待年度数据. Points after the
    deadline's quarter are ignored: a target is judged at its deadline."""
    th = thresholds or Thresholds()
    baseline = baseline or Baseline(None, plan.baseline_year, _("缺少基期值。"))
    rule = rule_text(plan, th)
    if plan.kind == "milestone":
        return _assess_milestone(plan, milestone or MilestoneState(), today or timezone.localdate(), rule)
    usable = sorted((p for p in points if p.index <= plan.deadline_index), key=lambda p: (p.year, p.quarter))
    annual = ref_rules.is_annual(plan.kind, usable)
    final_index = ref_rules.deadline_period(plan.deadline, annual)
    reached = today is not None and today >= plan_deadline_date(plan)
    ref = ref_rules.reference_point(usable, annual=annual, last_index=final_index)
    prov = ref_rules.provisional_point(usable, ref)
    if ref is None:
        result = _without_reference(plan, usable, prov, reached, rule)
    else:
        upto = [p for p in usable if p.index <= ref.index]
        result = _progress_status(plan, upto, baseline, th, rule)
        _apply_convention(result, plan, ref, baseline, upto, th)
        if ref.index >= final_index:
            _final_verdict(result, plan, ref)
        elif reached:
            _deadline_passed(result, plan, ref, annual, final_index)
    if prov is not None and ref is not None:
        result.provisional_value = prov.value
        result.provisional_year, result.provisional_quarter = prov.year, prov.quarter
        result.provisional_partial = prov.partial
        result.reason += _("(%(period)s为 %(value)s%(unit)s,仅供参考,不作为完成值)") % {
            "period": period_label(prov.year, prov.quarter, prov.partial),
            "value": fmt(prov.value),
            "unit": _unit(plan),
        }
    if result.projection is not None:
        result.projection_period = plan.deadline_label
    if result.final or result.status == PENDING:
        result.projection, result.projection_text, result.projection_period = None, "", ""
    if result.year is not None and result.status != NO_DATA:
        # say so when later quarters could not be computed (a missing report blocks them)
        judged = result.year * 4 + (result.quarter or 4) - 1
        blocked = [p for p in usable if p.value is None and p.index > judged and p.reason]
        if blocked:
            result.reason += _("(%(period)s起无法计算:%(reason)s)") % {
                "period": period_label(blocked[0].year, blocked[0].quarter),
                "reason": blocked[-1].reason,
            }
    return result


def plan_deadline_date(plan: Plan) -> date:
    """The last day of the deadline month: from that day on a verdict is final."""
    year, month = plan.deadline
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _unit(plan: Plan) -> str:
    return "%" if plan.kind in ref_rules.GROWTH_KINDS else plan.unit


def _progress_status(plan: Plan, points: list[Point], baseline: Baseline, th: Thresholds, rule: str):
    """The per-kind rules (§3 of docs/progress-rules.md) on the points up to the reference."""
    if plan.kind == "cumulative":
        return _assess_cumulative(plan, points, th, rule)
    if plan.kind in EVERY_YEAR_KINDS:
        return _assess_every_year(plan, points, baseline, th, rule)
    if plan.kind == "avg_growth_rate":
        return _assess_avg_growth(plan, points, th, rule)
    return _assess_level(plan, points, baseline, th, rule)


def _without_reference(plan: Plan, usable: list[Point], prov: Point | None, reached: bool, rule: str):
    """No complete period yet: no 完成值. The year to date is shown as provisional only."""
    if prov is None:
        return _no_data(plan, usable, rule)
    values = {
        "period": period_label(prov.year, prov.quarter, prov.partial),
        "value": fmt(prov.value),
        "unit": _unit(plan),
    }
    if reached:
        status = PENDING
        reason = _(
            "待年度数据:完成时限%(when)s已到,全年数据尚未报齐;%(period)s为 %(value)s%(unit)s,仅供参考。"
        )
        values["when"] = plan.deadline_label
    else:
        status = NO_DATA
        reason = _("无数据:尚无完整年度数据;%(period)s为 %(value)s%(unit)s,仅供参考。")
    return Assessment(
        status=status,
        reason=reason % values,
        rule=rule,
        provisional_value=prov.value,
        provisional_year=prov.year,
        provisional_quarter=prov.quarter,
        provisional_partial=prov.partial,
    )


def _apply_convention(
    result: Assessment, plan: Plan, ref: Point, baseline: Baseline, upto: list[Point], th: Thresholds
) -> None:
    """The reference value, the evaluator's 完成率 and the 进展度 on whatever the rule said."""
    result.value, result.year, result.quarter, result.partial = ref.value, ref.year, ref.quarter, False
    result.completion = ref_rules.completion(
        plan.kind, plan.comparator, ref.value, plan.target, plan.target_max
    )
    base = baseline.value
    comparable = plan.kind not in ref_rules.GROWTH_KINDS and plan.kind != "cumulative"
    if comparable:
        result.baseline = base if result.baseline is None else result.baseline
        result.progress = ref_rules.progress_share(ref.value, base, plan.target, downward=plan.downward)
        if (
            ref_rules.baseline_meets(base, plan.target, plan.comparator)
            and "baseline_met" not in result.flags
        ):
            result.flags.append("baseline_met")
            result.reason = (
                _("基期已达标:基期(%(year)s年)值 %(base)s 已达到目标 %(target)s。")
                % {
                    "year": baseline.year,
                    "base": fmt(base),
                    "target": plan.target_text,
                }
                + result.reason
            )
    if plan.kind == "avg_growth_rate":
        rates = ref_rules.yearly_rates(upto, plan.baseline_year)
        result.yearly = [
            {
                "year": p.year,
                "value": p.value,
                "rate": rates.get(p.year),
                "met": meets(p.value, plan.target, plan.comparator),
                "completion": ref_rules.completion(plan.kind, plan.comparator, p.value, plan.target),
            }
            for p in upto
            if p.quarter == 4 and not p.partial and p.value is not None and p.year > plan.baseline_year
        ]
        if rates:
            result.reason += _("逐年增速:%(rates)s。") % {
                "rates": joined(year_amount(y, percent(rates[y])) for y in sorted(rates))
            }
    if plan.kind == "range" and plan.target_max is not None and ref.value > plan.target_max:
        if "above_max" not in result.flags:
            result.flags.append("above_max")
    if result.status == NO_DATA:
        # a value without a baseline still has a status: judged on its 完成率 alone
        met = meets(ref.value, plan.target, plan.comparator)
        status = _every_year_status(ref.value, plan.target, plan.comparator, th)
        if met and plan.kind not in EVERY_YEAR_KINDS:
            status = ACHIEVED
        result.status = status
        result.reason = _("%(period)s为 %(value)s%(unit)s,目标 %(target)s,完成率 %(c)s;") % {
            "period": period_label(ref.year, ref.quarter),
            "value": fmt(ref.value),
            "unit": _unit(plan),
            "target": plan.target_text,
            "c": pct(result.completion),
        } + result.reason.replace(_("无数据:"), "")


def _ref_values(result: Assessment, plan: Plan, ref: Point) -> dict:
    return {
        "period": period_label(ref.year, ref.quarter),
        "value": fmt(ref.value),
        "unit": _unit(plan),
        "target": plan.target_text,
        "c": pct(result.completion),
    }


def _final_verdict(result: Assessment, plan: Plan, ref: Point) -> None:
    """The reference period is the deadline's: 已完成 or 未完成, nothing in between."""
    values = _ref_values(result, plan, ref)
    result.final = True
    if meets(ref.value, plan.target, plan.comparator):
        result.status = ACHIEVED
        reason = _("%(period)s为 %(value)s%(unit)s,达到目标 %(target)s,完成率 %(c)s。") % values
        missed = [
            row["year"] for row in result.yearly if not row.get("met", True) and row["year"] != ref.year
        ]
        if missed and plan.kind in EVERY_YEAR_KINDS:
            reason += _("此前%(years)s年未达到。") % {"years": joined(missed)}
    else:
        result.status = MISSED
        reason = _("时限已到:%(period)s为 %(value)s%(unit)s,未达到目标 %(target)s,完成率 %(c)s。") % values
    if "baseline_met" in result.flags:
        reason = _("基期已达标。") + reason
    if plan.kind == "avg_growth_rate" and result.yearly:
        rates = [row for row in result.yearly if row.get("rate") is not None]
        if rates:
            reason += _("逐年增速:%(rates)s。") % {
                "rates": joined(year_amount(row["year"], percent(row["rate"])) for row in rates)
            }
    if "above_max" in result.flags:
        reason += _("高于区间上限 %(max)s%(unit)s(超出方案所定区间)。") % {
            "max": fmt(plan.target_max),
            "unit": plan.unit,
        }
    result.reason = reason


def _deadline_passed(result: Assessment, plan: Plan, ref: Point, annual: bool, final_index: int) -> None:
    """The deadline passed but its period is not in. A stock or running sum that already
    meets a ">=" target has met it; anything else waits for the figures (待年度数据)."""
    values = {
        **_ref_values(result, plan, ref),
        "when": plan.deadline_label,
        "awaited": period_label(final_index // 4, 4)
        if annual
        else _("%(year)s年第%(quarter)s季度") % {"year": final_index // 4, "quarter": final_index % 4 + 1},
    }
    prefix = _("基期已达标。") if "baseline_met" in result.flags else ""
    if not annual and not plan.downward and meets(ref.value, plan.target, plan.comparator):
        result.status, result.final = ACHIEVED, True
        text = _("截至%(period)s为 %(value)s%(unit)s,已达到目标 %(target)s,完成率 %(c)s。")
        result.reason = prefix + text % values
        return
    result.status = PENDING
    text = _(
        "待年度数据:完成时限%(when)s已到,%(awaited)s数据尚未报齐;"
        "最近完整期%(period)s为 %(value)s%(unit)s,完成率 %(c)s。"
    )
    result.reason = text % values + prefix


def _assess_milestone(plan: Plan, state: MilestoneState, today: date, rule: str) -> Assessment:
    """Done with evidence → 已完成. From the deadline's last day on, anything else is a final
    未完成 (saying whether a completion was recorded without evidence); before it, 正常推进."""
    reached = today >= plan_deadline_date(plan)
    evidence = _("有证明材料") if state.has_evidence else _("无证明材料")
    if state.done and state.has_evidence:
        when = state.done_on.isoformat() if state.done_on else "—"
        return Assessment(
            status=ACHIEVED,
            reason=_("已完成:于%(when)s完成,%(evidence)s。") % {"when": when, "evidence": evidence},
            rule=rule,
            value=1.0,
            completion=1.0,
            final=True,
        )
    lack = _("已标记完成但缺少证明材料;") if state.done else ""
    if reached:
        return Assessment(
            status=MISSED,
            reason=_("未完成:完成时限%(when)s已到,") % {"when": plan.deadline_label}
            + (lack or _("没有完成记录;"))
            + evidence
            + "。",
            rule=rule,
            value=0.0,
            completion=0.0,
            final=True,
        )
    return Assessment(
        status=ON_TRACK,
        reason=lack + _("尚未完成,完成时限%(when)s。") % {"when": plan.deadline_label},
        rule=rule,
        value=0.0,
        completion=0.0,
    )
