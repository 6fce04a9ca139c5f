"""Targets in running prose (issue 12 item 3): Chinese numerals, 百分之…, 1.5万件, 左右,
超过, 累计, 年均, multiples of a baseline (翻一番, 两倍, 增长两倍), the per-10k-population
unit, a yearly funding minimum, and nothing guessed where a number is missing."""

from __future__ import annotations

import pytest

from planimport.parsing import parse_plan

HEAD = "某某市知识产权强市建设试点实施方案(2023—2025年)\n一、工作目标\n"
TASKS = (
    "二、重点任务\n(一)提升创造质量\n1.培育高价值专利。支持企业开展专利布局。\n"
    "2.加强商标品牌建设。开展区域品牌培育行动。\n"
)


def _targets(goal: str, tail: str = ""):
    plan = parse_plan(HEAD + goal + "\n" + TASKS + tail)
    return plan, [
        (i.name, i.target, i.unit, i.comparator, i.kind) for i in plan.indicators if i.origin == "goal"
    ]


@pytest.mark.parametrize(
    "goal, expected",
    [
        ("到2025年,培育国家知识产权优势企业三十家以上。", (30, "家", ">=")),
        ("到2025年,新建专利导航服务基地四个。", (4, "个", ">=")),
        ("到2025年,专利转化实施率提高到百分之二十五。", (25, "%", ">=")),
        ("到2025年,累计登记著作权1.5万件以上。", (1.5, "万件", ">=")),
        ("到2025年,专利保险保额达到八亿元左右。", (8, "亿元", ">=")),  # 左右: no upper bound
        ("到2025年,技术合同成交额超过二十亿元。", (20, "亿元", ">")),
        ("到2025年,发行知识产权证券化产品两单。", (2, "单", ">=")),
    ],
)
def test_chinese_numerals_and_target_phrases(goal, expected):
    _plan, found = _targets(goal)
    assert [t[1:4] for t in found] == [expected]


def test_cumulative_and_average_growth_in_one_sentence_are_two_indicators():
    _plan, found = _targets("到2025年,知识产权质押融资登记金额累计达到四十亿元,年均增长百分之十五以上。")
    assert found == [
        ("知识产权质押融资登记金额", 40, "亿元", ">=", "cumulative"),
        ("知识产权质押融资登记金额年均增长", 15, "%", ">=", "avg_growth_rate"),
    ]


def test_words_that_are_not_counts_give_no_target():
    # 一批 / 一个 are articles, 零部件 is a word, 第十五届 an ordinal, 十四五 a plan's name.
    plan, found = _targets(
        "到2025年,培育一批知识产权优势企业,服务汽车零部件产业,办好第十五届专利周,完成十四五规划目标。"
    )
    assert found == []
    assert any("未读出量化指标" in w for w in plan.warnings)


@pytest.mark.parametrize(
    "goal, target, baseline, year",
    [
        ("到2025年,技术合同登记额由2022年的40亿元翻一番。", 80, 40, 2022),
        ("到2025年,知识产权服务业营业收入达到2022年的两倍(2022年为2.5亿元)。", 5, 2.5, 2022),
        ("到2025年,专利许可次数由2022年的300次增长两倍。", 900, 300, 2022),  # 增长两倍 = 3×
    ],
)
def test_a_multiple_of_a_printed_baseline_is_computed_with_the_baseline_kept(goal, target, baseline, year):
    plan, found = _targets(goal)
    assert [t[1] for t in found] == [target]
    ind = plan.indicators[0]
    assert (ind.baseline, ind.baseline_year) == (baseline, year)
    assert ind.confidence.level != "high"  # computed: the office checks it
    assert ind.source_sentence in goal


def test_a_multiple_without_a_baseline_is_reported_not_invented():
    plan, found = _targets("到2025年,知识产权质押融资登记金额实现翻一番,有效发明专利拥有量达到6000件。")
    assert [t[1:3] for t in found] == [(6000, "件")]
    assert any("翻一番" in w and "基期值" in w for w in plan.warnings)


def test_per_ten_thousand_population_measures_have_the_per_capita_unit():
    _plan, found = _targets("到2025年,每万人口高价值发明专利拥有量达到六件,万人有效发明专利拥有量达到12件。")
    assert [t[2] for t in found] == ["件/万人", "件/万人"]


def test_a_yearly_funding_minimum_is_also_a_yearly_minimum_indicator():
    tail = "三、保障措施\n(一)加大投入。市财政每年统筹安排知识产权专项资金800万元以上。\n"
    plan, _found = _targets("到2025年,有效发明专利拥有量达到6000件。", tail)
    funding = [i for i in plan.indicators if i.kind == "yearly_minimum"]
    assert [(i.name, i.target, i.unit) for i in funding] == [("知识产权专项资金", 800, "万元")]
    assert [(r.kind, r.threshold) for r in plan.funding_rules] == [("min_yearly_amount", 800)]
