"""The progress rules (docs/progress-rules.md), each kind and each status, with numbers
computed by hand in the comments. Pure functions: no database."""

from datetime import date

import pytest

from indicators.progress import (
    ACHIEVED,
    AT_RISK,
    BEHIND,
    MISSED,
    NO_DATA,
    ON_TRACK,
    Baseline,
    MilestoneState,
    Plan,
    Point,
    Thresholds,
    assess,
    fmt,
    period_label,
)

# A plan 2016-01 … 2020-12, baseline year 2015: the baseline is the end of 2015 (t = 2016.0),
# the deadline the end of 2020 (t = 2021.0), so the target is n_req = 5 years away.
LEVEL = Plan(
    kind="level",
    comparator=">=",
    target=30,
    unit="件",
    start=(2016, 1),
    deadline=(2020, 12),
    baseline_year=2015,
)
BASE10 = Baseline(10, 2015)


def at(year, quarter, value, partial=False, reason=""):
    return Point(year, quarter, value, partial, reason)


# --- level (Open SDG ratio R) -----------------------------------------------------------------


def test_level_achieved_when_the_latest_value_meets_the_target():
    a = assess(LEVEL, [at(2018, 4, 20), at(2019, 4, 31)], baseline=BASE10)
    assert a.status == ACHIEVED
    assert (a.value, a.year, a.quarter) == (31, 2019, 4)
    assert a.completion == pytest.approx(31 / 30)  # 完成率 = 完成值 ÷ 目标值 = 103.3 %
    assert a.progress == pytest.approx((31 - 10) / (30 - 10))  # 进展度 1.05
    assert a.reason == "2019年为 31件,已达到目标 30。"


def test_level_on_track_r_above_095():
    # required (30/10)^(1/5) − 1 = 24.57 %/yr; observed at the end of 2018 (n_obs = 3):
    # 10 × 1.25³ = 19.53125 → 25 %/yr; R = 0.25 / 0.2457 = 1.017 ≥ 0.95.
    a = assess(LEVEL, [at(2018, 4, 19.53125)], baseline=BASE10)
    assert a.status == ON_TRACK
    assert a.ratio == pytest.approx(1.01737, abs=1e-5)
    assert a.completion == pytest.approx(19.53125 / 30)  # 完成率 65.1 %
    assert a.progress == pytest.approx(0.4765625)  # 进展度 (19.53 − 10) / (30 − 10)
    # projection: 19.53125 × 1.25² = 30.52 at 2020-12
    assert a.projection == pytest.approx(30.517578125)
    assert a.projection_text == "预计2020-12达到30.52件(目标30)"
    assert "R=实际年均增速 25.0% ÷ 所需年均增速 24.6% = 1.02(R≥0.95)" in a.reason


def test_level_at_risk_r_between_060_and_095():
    # 10 × 1.2³ = 17.28 → 20 %/yr; R = 0.20 / 0.2457 = 0.814
    a = assess(LEVEL, [at(2018, 4, 17.28)], baseline=BASE10)
    assert a.status == AT_RISK
    assert a.ratio == pytest.approx(0.81390, abs=1e-5)


def test_level_behind_r_below_060_and_when_falling():
    # 10 × 1.1³ = 13.31 → 10 %/yr; R = 0.10 / 0.2457 = 0.407
    a = assess(LEVEL, [at(2018, 4, 13.31)], baseline=BASE10)
    assert a.status == BEHIND
    assert a.ratio == pytest.approx(0.40695, abs=1e-5)
    falling = assess(LEVEL, [at(2018, 4, 9)], baseline=BASE10)
    assert falling.status == BEHIND and falling.ratio < 0


def test_level_thresholds_are_the_programmes():
    # R = 0.814 is "at risk" by default but "on track" where the office set 0.80
    a = assess(
        LEVEL, [at(2018, 4, 17.28)], baseline=BASE10, thresholds=Thresholds(on_track=0.80, at_risk=0.5)
    )
    assert a.status == ON_TRACK
    assert "R≥0.8" in a.rule


def test_level_missed_at_the_deadline_is_a_final_not_achieved():
    a = assess(LEVEL, [at(2020, 4, 25)], baseline=BASE10)
    assert a.status == MISSED and a.final
    assert a.reason == "时限已到:2020年为 25件,未达到目标 30,完成率 83.3%。"


def test_level_without_baseline_is_no_data_with_the_fix():
    missing = Baseline(
        None,
        2015,
        "缺少基期值(基期2015年)。解决办法:补报基期年(2015年)各季度的 INV_VALID、POP,或在指标设置中填写“基期值”。",
    )
    a = assess(LEVEL, [at(2018, 4, 17.28)], baseline=missing)
    # a value with a 完成率 (17.28 ÷ 30 = 57.6 %) is never "no data": without a baseline the
    # status comes from the shortfall (12.72 > 10 % of 30 → behind), the fix is still said
    assert a.status == BEHIND
    assert a.completion == pytest.approx(17.28 / 30) and a.progress is None
    assert "缺少基期值" in a.reason and "解决办法" in a.reason
    assert a.value == 17.28


def test_level_with_no_points_is_no_data():
    a = assess(LEVEL, [], baseline=BASE10)
    assert a.status == NO_DATA and a.reason


def test_level_no_data_point_gives_its_reason():
    a = assess(LEVEL, [at(2018, 4, None, reason="分母“POP”在2018年第4季度为0,无法计算。")], baseline=BASE10)
    assert a.status == NO_DATA
    assert "分母“POP”" in a.reason


def test_level_linear_when_the_baseline_is_zero():
    # B = 0: compound growth is undefined, so change per year: observed (6 − 0)/3 = 2,
    # required (30 − 0)/5 = 6 → R = 0.333; projection 6 + 2 × 2 = 10.
    a = assess(LEVEL, [at(2018, 4, 6)], baseline=Baseline(0, 2015))
    assert a.status == BEHIND
    assert a.ratio == pytest.approx(1 / 3)
    assert a.projection == pytest.approx(10)
    assert "线性" in a.reason


def test_strictly_greater_target_is_not_met_by_equality():
    plan = Plan(
        kind="level",
        comparator=">",
        target=30,
        unit="个",
        start=(2017, 1),
        deadline=(2020, 12),
        baseline_year=2016,
    )
    a = assess(plan, [at(2020, 4, 30)], baseline=Baseline(20, 2016))
    assert a.status == MISSED


def test_downward_level_runs_the_other_way_round():
    # 办案周期 压缩至3个月以内: baseline 6, target ≤ 3 by 2020 (n_req = 5):
    # required (3/6)^(1/5) − 1 = −12.94 %/yr.
    plan = Plan(
        kind="level",
        comparator="<=",
        target=3,
        unit="月",
        start=(2016, 1),
        deadline=(2020, 12),
        baseline_year=2015,
    )
    base = Baseline(6, 2015)
    fast = assess(plan, [at(2018, 4, 6 * 0.8**3)], baseline=base)  # −20 %/yr → R = 1.545
    assert fast.status == ON_TRACK and fast.ratio == pytest.approx(1.54500, abs=1e-5)
    assert fast.completion == pytest.approx(3 / 3.072)  # 目标值 ÷ 完成值 = 97.7 %
    assert fast.progress == pytest.approx((3.072 - 6) / (3 - 6))  # 0.976
    slow = assess(plan, [at(2018, 4, 6 * 0.95**3)], baseline=base)  # −5 %/yr → R = 0.386
    assert slow.status == BEHIND and slow.ratio == pytest.approx(0.38625, abs=1e-5)
    done = assess(plan, [at(2018, 4, 2.9)], baseline=base)
    assert done.status == ACHIEVED
    worse = assess(plan, [at(2018, 4, 7)], baseline=base)
    assert worse.status == BEHIND  # moving away from the target: R < 0
    assert "方向相反" in done.rule


# --- annual_flow, per_unit: full years decide; a year-to-date is provisional ---------------------

FLOW = Plan(
    kind="annual_flow",
    comparator=">=",
    target=32000,
    unit="件",
    start=(2017, 1),
    deadline=(2020, 12),
    baseline_year=2016,
)
BASE_FLOW = Baseline(10000, 2016)


def test_annual_flow_status_from_the_latest_full_year():
    # required (32000/10000)^(1/4) − 1 = 33.75 %/yr; 2018 (n_obs = 2):
    # 18000 → √1.8 − 1 = 34.16 % → R = 1.012; 17000 → 30.38 % → R = 0.900; 12000 → R = 0.283
    on = assess(FLOW, [at(2018, 4, 18000), at(2019, 2, 9500, partial=True)], baseline=BASE_FLOW)
    assert on.status == ON_TRACK and on.ratio == pytest.approx(1.01233, abs=1e-5)
    assert (on.year, on.quarter, on.partial) == (2018, 4, False)
    assert "2019年1—2季度为 9500件,仅供参考" in on.reason
    assert on.projection == pytest.approx(32400)  # 18000 × 1.8
    assert on.projection_text == "预计2020-12达到32,400件(目标32,000)"
    assert assess(FLOW, [at(2018, 4, 17000)], baseline=BASE_FLOW).status == AT_RISK
    assert assess(FLOW, [at(2018, 4, 12000)], baseline=BASE_FLOW).status == BEHIND


def test_annual_flow_year_to_date_is_never_the_completion_value():
    a = assess(FLOW, [at(2019, 4, 30000), at(2020, 3, 33000, partial=True)], baseline=BASE_FLOW)
    # judged on 2019 (the latest full year): 30000 ÷ 32000 = 93.75 %; 2020年1—3季度 is provisional
    assert (a.year, a.quarter, a.partial, a.value) == (2019, 4, False, 30000)
    assert a.completion == pytest.approx(0.9375)
    assert (a.provisional_value, a.provisional_period) == (33000, "2020年1—3季度")
    assert a.status == ON_TRACK


def test_annual_flow_with_only_a_partial_year_is_no_data():
    a = assess(FLOW, [at(2017, 2, 9000, partial=True)], baseline=BASE_FLOW)
    assert a.status == NO_DATA
    assert "尚无完整年度数据" in a.reason


def test_per_unit_uses_the_level_rule():
    # 平均每家新增 ≥ 5 by 2023 (baseline 2019 = 2, n_req = 4); 2021 (n_obs = 2) = 3:
    # observed √1.5 − 1 = 22.47 %, required 2.5^¼ − 1 = 25.74 % → R = 0.873
    plan = Plan(
        kind="per_unit",
        comparator=">=",
        target=5,
        unit="项",
        start=(2020, 1),
        deadline=(2023, 12),
        baseline_year=2019,
    )
    a = assess(plan, [at(2021, 4, 3)], baseline=Baseline(2, 2019))
    assert a.status == AT_RISK and a.ratio == pytest.approx(0.87302, abs=1e-5)
    assert assess(plan, [at(2021, 4, 5.2)], baseline=Baseline(2, 2019)).status == ACHIEVED


# --- range -----------------------------------------------------------------------------------------

RANGE = Plan(
    kind="range",
    comparator="range",
    target=20,
    target_max=30,
    unit="家",
    start=(2016, 1),
    deadline=(2018, 12),
    baseline_year=2015,
)


def test_range_lower_bound_counts_as_achieved_and_above_max_is_flagged():
    inside = assess(RANGE, [at(2017, 4, 25)], baseline=Baseline(10, 2015))
    assert inside.status == ACHIEVED and inside.flags == []
    above = assess(RANGE, [at(2017, 4, 35)], baseline=Baseline(10, 2015))
    assert above.status == ACHIEVED and above.flags == ["above_max"]
    assert "高于区间上限 30家" in above.reason


def test_range_below_the_lower_bound_uses_r_against_min():
    # required (20/10)^(1/3) − 1 = 25.99 %; 2017 (n_obs = 2): 16 → R = 1.019, 14 → 0.705, 11 → 0.188
    base = Baseline(10, 2015)
    assert assess(RANGE, [at(2017, 4, 16)], baseline=base).status == ON_TRACK
    risk = assess(RANGE, [at(2017, 4, 14)], baseline=base)
    assert risk.status == AT_RISK and risk.ratio == pytest.approx(0.70489, abs=1e-5)
    assert assess(RANGE, [at(2017, 4, 11)], baseline=base).status == BEHIND
    assert assess(RANGE, [at(2018, 4, 15)], baseline=base).status == MISSED  # deadline


# --- avg_growth_rate ---------------------------------------------------------------------------------

AVG = Plan(
    kind="avg_growth_rate",
    comparator=">=",
    target=30,
    unit="%",
    start=(2020, 1),
    deadline=(2023, 12),
    baseline_year=2019,
)


@pytest.mark.parametrize(
    "value, status, ratio",
    [
        (31, ACHIEVED, None),
        (29, ON_TRACK, 29 / 30),
        (20, AT_RISK, 20 / 30),
        (10, BEHIND, 10 / 30),
        (-5, BEHIND, -5 / 30),
    ],
)
def test_avg_growth_rate_ratio_is_observed_over_target(value, status, ratio):
    a = assess(AVG, [at(2021, 4, value)])
    assert a.status == status
    if ratio is not None:
        assert a.ratio == pytest.approx(ratio)
    assert a.completion == pytest.approx(value / 30)
    assert a.projection == value  # the observed rate carries on
    assert a.projection_text == f"预计2023-12达到{fmt(value)}%(目标30)"


def test_avg_growth_rate_missed_at_the_deadline_is_not_achieved():
    assert assess(AVG, [at(2023, 4, 25)]).status == MISSED


def test_avg_growth_rate_without_baseline_is_no_data_with_the_reason():
    reason = (
        "缺少基期值(基期2019年)。解决办法:补报基期年(2019年)各季度的 PLEDGE_AMT,或在指标设置中填写“基期值”。"
    )
    a = assess(AVG, [at(2021, 4, None, reason=reason)])
    assert a.status == NO_DATA
    assert "缺少基期值" in a.reason and "解决办法" in a.reason


# --- cumulative -------------------------------------------------------------------------------------

CUM = Plan(
    kind="cumulative",
    comparator=">=",
    target=300,
    unit="件",
    start=(2020, 1),
    deadline=(2023, 12),
    baseline_year=2019,
)


@pytest.mark.parametrize(
    "total, status",
    # end of 2021: E = (2022.0 − 2020.0) / (2024.0 − 2020.0) = 0.5; C = total / 300
    [
        (300, ACHIEVED),
        (150, ON_TRACK),
        (100, AT_RISK),
        (80, BEHIND),
    ],  # C = 1, 0.5 ≥ 0.475, 0.333 ≥ 0.30, 0.267 < 0.30
)
def test_cumulative_completion_against_time_elapsed(total, status):
    a = assess(CUM, [at(2021, 2, total * 0.6), at(2021, 4, total)])
    assert a.status == status
    assert a.elapsed == pytest.approx(0.5)
    assert a.completion == pytest.approx(total / 300)


def test_cumulative_projection_is_the_observed_pace():
    a = assess(CUM, [at(2021, 4, 150)])
    assert a.projection == pytest.approx(300)  # 150 ÷ 0.5
    assert a.projection_text == "预计2023-12达到300件(目标300)"


def test_cumulative_missed_at_the_deadline_is_behind():
    a = assess(CUM, [at(2023, 4, 250)])
    assert a.status == MISSED and "时限已到" in a.reason


def test_cumulative_counts_time_from_the_quarter_the_plan_starts():
    # Anshan: 2015-06 … 2018-12 → from the start of 2015Q2 (2015.25) to 2019.0 = 3.75 years;
    # at the end of 2016 E = 1.75 / 3.75 = 0.4667; C = 42/100 = 0.42 ≥ 0.95 × 0.4667 = 0.443? no → at risk
    plan = Plan(
        kind="cumulative",
        comparator=">=",
        target=100,
        unit="项",
        start=(2015, 6),
        deadline=(2018, 12),
        baseline_year=2014,
    )
    a = assess(plan, [at(2016, 4, 42)])
    assert a.elapsed == pytest.approx(1.75 / 3.75)
    assert a.status == AT_RISK


def test_downward_cumulative_stays_under_the_cap():
    plan = Plan(
        kind="cumulative",
        comparator="<=",
        target=100,
        unit="次",
        start=(2020, 1),
        deadline=(2023, 12),
        baseline_year=2019,
    )
    # E = 0.5: C ≤ 0.5/0.95 = 0.526 on track; C ≤ 0.5/0.60 = 0.833 at risk; else behind
    assert assess(plan, [at(2021, 4, 40)]).status == ON_TRACK
    assert assess(plan, [at(2021, 4, 60)]).status == AT_RISK
    assert assess(plan, [at(2021, 4, 90)]).status == BEHIND
    assert assess(plan, [at(2021, 4, 110)]).status == BEHIND
    assert assess(plan, [at(2023, 4, 95)]).status == ACHIEVED


# --- every-year kinds: share, rate, growth_rate, yearly_minimum -----------------------------------------

SHARE = Plan(
    kind="share",
    comparator=">=",
    target=40,
    unit="%",
    start=(2016, 1),
    deadline=(2018, 12),
    baseline_year=2015,
)


def test_share_achieved_only_when_every_year_to_the_deadline_meets_it():
    a = assess(SHARE, [at(2016, 4, 41), at(2017, 4, 42), at(2018, 4, 40)])
    assert a.status == ACHIEVED
    assert [y["met"] for y in a.yearly] == [True, True, True]


def test_share_on_track_when_the_latest_full_year_meets_it():
    a = assess(SHARE, [at(2016, 4, 41), at(2017, 4, 40.5), at(2018, 2, 38, partial=True)])
    assert a.status == ON_TRACK
    assert (a.year, a.value) == (2017, 40.5)
    assert a.completion == pytest.approx(40.5 / 40)
    assert "2018年1—2季度为 38%,仅供参考" in a.reason


def test_share_at_risk_within_the_gap_and_behind_beyond_it():
    # gap 10 % of 40 = 4 points: 37 misses by 3 → at risk; 35 misses by 5 → behind
    assert assess(SHARE, [at(2016, 4, 41), at(2017, 4, 37)]).status == AT_RISK
    assert assess(SHARE, [at(2016, 4, 41), at(2017, 4, 35)]).status == BEHIND


def test_share_met_in_the_deadline_year_is_achieved_and_says_which_year_missed():
    # evaluators judge the deadline year's figure; an earlier miss is said, not hidden
    a = assess(SHARE, [at(2016, 4, 38), at(2017, 4, 41), at(2018, 4, 42)])
    assert a.status == ACHIEVED and a.completion == pytest.approx(42 / 40)
    assert "此前2016年未达到" in a.reason


def test_share_with_only_the_current_year_to_date_has_no_completion_value():
    a = assess(SHARE, [at(2016, 2, 39, partial=True)])
    assert a.status == NO_DATA and a.value is None and a.completion is None
    assert (a.provisional_value, a.provisional_period) == (39, "2016年1—2季度")
    assert "仅供参考" in a.reason


def test_share_without_points_is_no_data():
    assert assess(SHARE, []).status == NO_DATA


def test_rate_must_hold_every_year():
    plan = Plan(
        kind="rate",
        comparator=">=",
        target=90,
        unit="%",
        start=(2016, 1),
        deadline=(2018, 12),
        baseline_year=2015,
    )
    assert assess(plan, [at(2016, 4, 93)]).status == ON_TRACK
    assert assess(plan, [at(2016, 4, 85)]).status == AT_RISK  # 5 ≤ 9
    assert assess(plan, [at(2016, 4, 80)]).status == BEHIND  # 10 > 9


def test_growth_rate_every_year_and_strictly_greater():
    plan = Plan(
        kind="growth_rate",
        comparator=">=",
        target=10,
        unit="%",
        start=(2016, 1),
        deadline=(2018, 12),
        baseline_year=2015,
    )
    a = assess(plan, [at(2016, 4, 12), at(2017, 4, 9.5)])
    assert a.status == AT_RISK  # misses 10 by 0.5 ≤ 1
    assert a.projection == 9.5
    strict = Plan(
        kind="growth_rate",
        comparator=">",
        target=20,
        unit="%",
        start=(2016, 1),
        deadline=(2018, 12),
        baseline_year=2015,
    )
    assert assess(strict, [at(2016, 4, 20)]).status == AT_RISK  # 20 is not > 20; short by 0 ≤ 2
    assert assess(strict, [at(2016, 4, 20.5)]).status == ON_TRACK
    assert assess(strict, [at(2016, 4, 21), at(2017, 4, 25), at(2018, 4, 22)]).status == ACHIEVED


def test_yearly_minimum_each_year_with_a_pro_rata_provisional_year():
    plan = Plan(
        kind="yearly_minimum",
        comparator=">=",
        target=1000,
        unit="万元",
        start=(2016, 1),
        deadline=(2018, 12),
        baseline_year=2015,
    )
    a = assess(plan, [at(2016, 4, 1200), at(2017, 4, 950)], baseline=Baseline(800, 2015))
    assert a.status == AT_RISK  # 50 short ≤ 100
    # projection from the baseline: 950 × (950/800)^((3 − 2)/2) = 1035.24
    assert a.projection == pytest.approx(1035.2385, abs=1e-3)
    provisional = assess(plan, [at(2016, 2, 480, partial=True)])
    # half a year is no yearly figure: no verdict, the year to date is provisional only
    assert provisional.status == NO_DATA and provisional.completion is None
    assert provisional.provisional_value == 480
    assert assess(plan, [at(2016, 4, 700)]).status == BEHIND


def test_every_year_counts_the_whole_calendar_years_of_the_plan():
    late = Plan(
        kind="share",
        comparator=">=",
        target=40,
        unit="%",
        start=(2022, 9),
        deadline=(2025, 6),
        baseline_year=2021,
    )
    assert late.first_plan_year == 2023
    assert (
        Plan(kind="share", comparator=">=", target=40, start=(2015, 6), deadline=(2018, 12)).first_plan_year
        == 2016
    )
    assert (
        Plan(kind="share", comparator=">=", target=40, start=(2016, 1), deadline=(2018, 12)).first_plan_year
        == 2016
    )
    # Anshan 2015-06: 2015 (reported from Q2 only) is not required; 2016–2018 are
    plan = Plan(
        kind="yearly_minimum",
        comparator=">=",
        target=1000,
        unit="万元",
        start=(2015, 6),
        deadline=(2018, 12),
        baseline_year=2014,
    )
    a = assess(plan, [at(2015, 4, 700), at(2016, 4, 1100), at(2017, 4, 1200), at(2018, 4, 1300)])
    assert a.status == ACHIEVED


# --- milestone ---------------------------------------------------------------------------------------

MILESTONE = Plan(
    kind="milestone",
    comparator=">=",
    target=1,
    unit="个",
    start=(2020, 1),
    deadline=(2023, 12),
    baseline_year=2019,
)


def test_milestone_done_with_evidence_is_achieved():
    a = assess(MILESTONE, [], milestone=MilestoneState(True, date(2021, 6, 30), True), today=date(2022, 1, 1))
    assert a.status == ACHIEVED and a.completion == 1
    assert "2021-06-30" in a.reason


def test_milestone_not_done_is_on_track_before_and_not_achieved_from_the_deadline():
    assert assess(MILESTONE, [], milestone=MilestoneState(), today=date(2023, 12, 30)).status == ON_TRACK
    at_deadline = assess(MILESTONE, [], milestone=MilestoneState(), today=date(2023, 12, 31))
    assert at_deadline.status == MISSED and at_deadline.final
    assert at_deadline.reason == "未完成:完成时限2023-12已到,没有完成记录;无证明材料。"
    late = assess(
        MILESTONE, [], milestone=MilestoneState(True, date(2023, 6, 1), False), today=date(2024, 1, 1)
    )
    assert late.status == MISSED and "已标记完成但缺少证明材料" in late.reason


def test_milestone_done_without_evidence_is_not_achieved():
    a = assess(
        MILESTONE, [], milestone=MilestoneState(True, date(2021, 6, 30), False), today=date(2022, 1, 1)
    )
    assert a.status == ON_TRACK and "缺少证明材料" in a.reason


# --- formatting -----------------------------------------------------------------------------------------


def test_numbers_and_periods_read_as_people_write_them():
    assert [fmt(30.0), fmt(28.44), fmt(0.781), fmt(32000.4), fmt(None)] == [
        "30",
        "28.44",
        "0.78",
        "32,000.4",
        "—",
    ]
    # as the report's tables print the same figure: a note never says 37.9 of the table's 37.91
    from reports.rendering.format import num

    assert [fmt(v) for v in (37.914, 17.885, 449.0, 13.72)] == [
        num(v) for v in (37.914, 17.885, 449.0, 13.72)
    ]
    assert fmt(17.885) == "17.89"
    assert fmt(8000.0) == "8000" and fmt(-123456.0) == "-123,456"  # four digits stay ungrouped
    assert period_label(2019, 4) == "2019年"
    assert period_label(2019, 3, partial=True) == "2019年1—3季度"
    assert period_label(2019, 2) == "2019年第2季度"


def test_points_after_the_deadline_are_ignored():
    a = assess(LEVEL, [at(2020, 4, 31), at(2021, 4, 25)], baseline=BASE10)
    assert a.status == ACHIEVED and a.year == 2020


def test_later_quarters_that_cannot_be_computed_are_mentioned():
    a = assess(CUM, [at(2021, 4, 150), at(2022, 2, None, reason="TRAINED 2022年第1季度未填报。")])
    assert a.status == ON_TRACK and a.year == 2021
    assert a.reason.endswith("(2022年第2季度起无法计算:TRAINED 2022年第1季度未填报。)")


def test_an_every_year_target_is_judged_on_the_deadline_year_even_with_a_year_missing():
    a = assess(SHARE, [at(2016, 4, 41), at(2017, 2, 40, partial=True), at(2018, 4, 42)])
    assert a.status == ACHIEVED and (a.year, a.value) == (2018, 42)
    missed = assess(SHARE, [at(2016, 4, 41), at(2018, 4, 39)])
    assert missed.status == MISSED and missed.completion == pytest.approx(39 / 40)
