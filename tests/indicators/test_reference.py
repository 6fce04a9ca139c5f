"""The evaluator's conventions (docs/progress-rules.md §0), kind by kind, with numbers
computed by hand: 完成率, 进展度, the reference period, the provisional figure, and the
verdict before and after the deadline. Pure functions: no database."""

import itertools
from datetime import date

import pytest

from indicators.progress import (
    ACHIEVED,
    AT_RISK,
    BEHIND,
    MISSED,
    NO_DATA,
    ON_TRACK,
    PENDING,
    Baseline,
    MilestoneState,
    Plan,
    Point,
    assess,
)
from indicators.reference import completion, progress_share, yearly_rates


def at(year, quarter, value, partial=False):
    return Point(year, quarter, value, partial)


def plan(kind, target, comparator=">=", **kw):
    values = {"unit": "件", "start": (2017, 1), "deadline": (2020, 12), "baseline_year": 2016}
    values.update(kw)
    return Plan(kind=kind, comparator=comparator, target=target, **values)


BEFORE = date(2020, 6, 30)  # before the 2020-12 deadline
AFTER = date(2021, 3, 1)  # after it


# --- 完成率 per kind -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, comparator, value, target, target_max, expected",
    [
        ("level", ">=", 19228, 32000, None, 19228 / 32000),  # 60.1 %, not (V − B) ÷ (T − B)
        ("annual_flow", ">=", 1149, 1000, None, 1.149),
        ("per_unit", ">=", 0.5112, 5, None, 0.5112 / 5),
        ("cumulative", ">=", 150, 300, None, 0.5),
        ("share", ">=", 38, 40, None, 0.95),
        ("rate", ">=", 89.9, 98, None, 89.9 / 98),
        ("yearly_minimum", ">=", 950, 1000, None, 0.95),
        ("level", ">", 36, 5, None, 7.2),  # 知识产权服务品牌机构: 720 % is actual ÷ target
        ("level", "<=", 4, 3, None, 0.75),  # ≤ targets: target ÷ actual
        ("growth_rate", ">", 6.63, 20, None, 6.63 / 20),  # achieved rate ÷ target rate
        ("avg_growth_rate", ">=", 10.75, 10, None, 1.075),
        ("range", "range", 25, 20, 30, 1.0),  # inside the range: 100 %
        ("range", "range", 53, 20, 30, 1.0),  # above it: the range is met (flagged elsewhere)
        ("range", "range", 15, 20, 30, 0.75),  # below: actual ÷ lower bound
    ],
)
def test_completion_is_what_evaluators_compute(kind, comparator, value, target, target_max, expected):
    assert completion(kind, comparator, value, target, target_max) == pytest.approx(expected)


def test_completion_without_a_usable_target_or_value_is_none():
    assert completion("level", ">=", 5, 0) is None
    assert completion("level", "<=", 0, 3) == 1.0  # nothing at all is within a cap
    assert completion("level", ">=", None, 3) is None


def test_progress_from_the_baseline_only_where_there_is_a_distance_to_cover():
    # Wuhan 发明专利申请量: 14374 (2016) → 19228 (2019) against 32000: 27.5 %
    assert progress_share(19228, 14374, 32000) == pytest.approx(4854 / 17626)
    assert progress_share(19228, None, 32000) is None  # no baseline
    assert progress_share(81263, 60000, 50000) is None  # the baseline already meets it
    assert progress_share(3.5, 6, 3, downward=True) == pytest.approx(2.5 / 3)


# --- reference period and provisional figure --------------------------------------------------------


def test_a_flow_is_judged_on_its_latest_full_year_and_the_year_to_date_is_provisional():
    flow = plan("annual_flow", 32000)
    a = assess(flow, [at(2019, 4, 19228), at(2020, 3, 15816, partial=True)], baseline=Baseline(14374, 2016))
    assert (a.value, a.period) == (19228, "2019年")
    assert a.completion == pytest.approx(19228 / 32000)
    assert a.progress == pytest.approx(4854 / 17626)
    assert (a.provisional_value, a.provisional_period) == (15816, "2020年1—3季度")
    assert "2020年1—3季度为 15,816件,仅供参考,不作为完成值" in a.reason


def test_a_stock_is_judged_on_its_latest_quarter():
    stock = plan("level", 30, unit="件/万人")
    a = assess(stock, [at(2019, 4, 28.4), at(2020, 3, 31.2)], baseline=Baseline(15, 2016), today=BEFORE)
    assert (a.value, a.period, a.provisional_value) == (31.2, "2020年第3季度", None)
    assert a.status == ACHIEVED and a.completion == pytest.approx(1.04)


def test_an_every_year_rule_is_judged_on_a_full_year_only():
    share = plan("share", 40, unit="%")
    a = assess(share, [at(2018, 4, 41), at(2019, 2, 38, partial=True)], today=BEFORE)
    assert (a.period, a.value, a.status) == ("2018年", 41, ON_TRACK)
    assert a.provisional_period == "2019年1—2季度"


# --- verdicts before and after the deadline ---------------------------------------------------------


def test_annual_flow_before_the_deadline_runs_on_progress_after_it_waits_for_the_year():
    flow = plan("annual_flow", 32000)
    points = [at(2019, 4, 19228), at(2020, 3, 15816, partial=True)]
    base = Baseline(14374, 2016)
    before = assess(flow, points, baseline=base, today=BEFORE)
    # R = ((19228/14374)^(1/3) − 1) ÷ ((32000/14374)^(1/4) − 1) = 10.19 % ÷ 22.15 % = 0.46
    assert before.status == BEHIND and before.ratio == pytest.approx(0.4601, abs=1e-3)
    after = assess(flow, points, baseline=base, today=AFTER)
    assert after.status == PENDING and not after.final
    assert after.reason.startswith("待年度数据:完成时限2020-12已到,2020年数据尚未报齐")
    assert after.projection is None  # no guess at a verdict
    final = assess(flow, [*points, at(2020, 4, 33000)], baseline=base, today=AFTER)
    assert (final.status, final.final, final.period) == (ACHIEVED, True, "2020年")
    missed = assess(flow, [*points, at(2020, 4, 21000)], baseline=base, today=AFTER)
    assert missed.status == MISSED and missed.completion == pytest.approx(21000 / 32000)


def test_a_year_to_date_above_the_annual_target_is_still_not_the_completion_value():
    flow = plan("annual_flow", 50000)
    a = assess(flow, [at(2019, 4, 81263), at(2020, 3, 59085, partial=True)], today=AFTER)
    assert (a.status, a.value, a.period) == (PENDING, 81263, "2019年")
    assert a.provisional_value == 59085


def test_a_stock_meeting_its_target_after_the_deadline_is_achieved_short_of_it_waits():
    stock = plan("level", 110)
    met = assess(plan("level", 30), [at(2020, 3, 37.8)], baseline=Baseline(27.4, 2016), today=AFTER)
    assert met.status == ACHIEVED and met.final
    short = assess(stock, [at(2020, 3, 86)], baseline=Baseline(60, 2016), today=AFTER)
    assert short.status == PENDING and "2020年第4季度数据尚未报齐" in short.reason


def test_cumulative_before_and_after_the_deadline():
    cum = plan("cumulative", 300, start=(2020, 1), deadline=(2023, 12), baseline_year=2019)
    before = assess(cum, [at(2021, 4, 150)], today=date(2022, 1, 10))
    assert before.status == ON_TRACK and before.completion == 0.5 and before.progress is None
    after = assess(cum, [at(2023, 4, 280)], today=date(2024, 2, 1))
    assert after.status == MISSED and after.completion == pytest.approx(280 / 300)


def test_growth_rate_is_the_deadline_years_rate_over_the_target_rate():
    growth = plan("growth_rate", 20, comparator=">", unit="%", start=(2016, 1), deadline=(2018, 12))
    a = assess(growth, [at(2016, 4, 15), at(2017, 4, 12), at(2018, 4, 6.63)])
    assert a.status == MISSED and a.completion == pytest.approx(6.63 / 20)


def test_average_growth_is_compound_from_the_base_year_with_each_years_rate():
    # Harbin 专利申请量年均增长率 ≥ 10 %: 2015 → 2018 compound 10.75 % (the 2018 rate alone is 8.7 %)
    avg = plan("avg_growth_rate", 10, unit="%", start=(2016, 1), deadline=(2018, 12), baseline_year=2015)
    # 1000 → 1119 (11.9 %) → 1250 (11.7 %) → 1359 (8.7 %): (1359/1000)^(1/3) − 1 = 10.76 %
    cagr = [at(2016, 4, 11.9), at(2017, 4, ((1250 / 1000) ** 0.5 - 1) * 100), at(2018, 4, 10.76)]
    a = assess(avg, cagr, today=date(2019, 3, 1))
    assert a.status == ACHIEVED and a.final and a.completion == pytest.approx(1.076)
    rates = yearly_rates(cagr, 2015)
    assert rates[2016] == pytest.approx(11.9) and rates[2017] == pytest.approx(
        100 * (1250 / 1119 - 1), abs=0.01
    )
    assert rates[2018] == pytest.approx(100 * (1.1076**3 / 1.25 - 1), abs=1e-6)
    assert [row["year"] for row in a.yearly] == [2016, 2017, 2018]
    assert "逐年增速:2016年 11.9%" in a.reason


def test_an_indicator_whose_baseline_already_meets_its_target_is_flagged():
    a = assess(plan("level", 10, comparator=">"), [at(2020, 4, 37)], baseline=Baseline(12, 2016))
    assert "baseline_met" in a.flags and a.progress is None
    assert a.reason.startswith("基期已达标。") and a.status == ACHIEVED


def test_milestone_verdict_before_and_after_the_deadline():
    ms = plan("milestone", 1, start=(2016, 1), deadline=(2018, 12), baseline_year=2015)
    assert assess(ms, [], milestone=MilestoneState(), today=date(2018, 6, 1)).status == ON_TRACK
    late = assess(ms, [], milestone=MilestoneState(), today=date(2020, 12, 31))
    assert (late.status, late.final) == (MISSED, True)  # Harbin "5+n" at its acceptance
    done = assess(ms, [], milestone=MilestoneState(True, date(2018, 10, 1), True), today=date(2020, 12, 31))
    assert done.status == ACHIEVED and "有证明材料" in done.reason
    bare = assess(ms, [], milestone=MilestoneState(True, date(2018, 10, 1), False), today=date(2020, 12, 31))
    assert bare.status == MISSED and "无证明材料" in bare.reason


# --- status and completion never contradict each other ----------------------------------------------


@pytest.mark.parametrize("kind", ["level", "annual_flow", "per_unit", "share", "rate", "yearly_minimum"])
def test_meeting_the_target_in_the_deadline_year_is_never_behind_or_at_risk(kind):
    values = (5, 9, 10, 11, 20)
    for base, earlier, last in itertools.product((None, 4, 12), values, values):
        p = plan(kind, 10, start=(2017, 1), deadline=(2019, 12))
        points = [at(2018, 4, earlier), at(2019, 4, last)]
        a = assess(p, points, baseline=Baseline(base, 2016), today=date(2020, 1, 1))
        assert a.completion == pytest.approx(last / 10)  # actual ÷ target, every plain kind
        if last >= 10:
            assert a.status == ACHIEVED
        else:
            assert a.status == MISSED
        assert a.status not in (BEHIND, AT_RISK, NO_DATA)
