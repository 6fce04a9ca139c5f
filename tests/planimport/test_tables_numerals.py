"""Indicator tables and task-division annexes in the forms users paste (tabs, bars, one
cell per line), and Chinese numerals and target phrases (issue 12), on texts of our own."""

from __future__ import annotations

import pytest

from planimport.parsing import parse_plan
from planimport.parsing.numerals import cn_number, parse_target

HEAD = "某某市知识产权强市建设试点实施方案(2023—2025年)\n一、工作目标\n到2025年,主要指标如下。\n"
TASKS = (
    "二、重点任务\n(一)提升创造质量\n1.培育高价值专利。支持企业建设高价值专利培育中心。\n"
    "2.加强商标品牌建设。开展区域品牌培育行动。\n"
)


def _indicators(table: str):
    plan = parse_plan(HEAD + table + TASKS)
    return {i.name: i for i in plan.indicators}


TAB = "序号\t指标\t单位\t基期值(2022年)\t目标值(2025年)\t属性\n1\t有效发明专利拥有量\t件\t6820\t10000\t预期性\n2\t知识产权质押融资登记金额△\t亿元\t18.6\t翻一番\t预期性\n"
BARS = "| 序号 | 指标 | 单位 | 基期值 | 目标值 | 属性 |\n|---|---|---|---|---|---|\n| 1 | 有效发明专利拥有量 | 件 | 6820 | 10000 | 预期性 |\n| 2 | 知识产权质押融资登记金额△ | 亿元 | 18.6 | 翻一番 | 预期性 |\n"
ONE_PER_LINE = "序号\n指标\n单位\n基期值\n目标值\n属性\n1\n有效发明专利拥有量\n件\n6820\n10000\n预期性\n2\n知识产权质押融资登记金额△\n亿元\n18.6\n翻一番\n预期性\n"


@pytest.mark.parametrize("table", [TAB, BARS, ONE_PER_LINE], ids=["tabs", "bars", "one-cell-per-line"])
def test_an_indicator_table_in_each_pasted_form(table):
    inds = _indicators(table)
    first = inds["有效发明专利拥有量"]
    assert (first.target, first.unit, first.comparator, first.deadline) == (10000, "件", ">=", "2025")
    assert first.baseline == 6820 and first.attribute == "预期性"
    doubled = inds["知识产权质押融资登记金额"]  # 翻一番: twice the baseline, flagged
    assert doubled.target == 37.2 and doubled.confidence.level != "high"


def test_a_target_of_twice_the_baseline_without_a_baseline_is_not_invented():
    table = TAB.replace("18.6", "—")
    doubled = _indicators(table)["知识产权质押融资登记金额"]
    assert doubled.target is None and doubled.confidence.level == "low"


def test_a_task_division_annex_gives_agencies_and_annex_only_tasks():
    annex = (
        "附件\n重点任务分工表\n序号\t重点任务\t责任单位\t完成时限\n"
        "1\t培育高价值专利\t市科技局、市市场监管局(牵头)、各县(市、区)人民政府\t2025年底前\n"
        "2\t加强商标品牌建设\t市市场监管局、市商务局\t2024年6月\n"
        "3\t建立统计监测制度\t市统计局\t持续推进\n"
    )
    plan = parse_plan(HEAD + "1.有效发明专利拥有量达到10000件。\n" + TASKS + annex)
    tasks = {t.title: t for t in plan.tasks}
    first = tasks["培育高价值专利"]
    assert first.lead == ["市市场监管局"] and first.support == ["市科技局", "各县(市、区)人民政府"]
    assert first.deadline == "2025"
    assert (
        tasks["加强商标品牌建设"].lead == ["市市场监管局"] and tasks["加强商标品牌建设"].deadline == "2024-06"
    )
    only = tasks["建立统计监测制度"]  # exists only in the annex
    assert only.lead == ["市统计局"] and only.deadline is None and only.confidence.level != "high"
    assert len(plan.tasks) == 3


@pytest.mark.parametrize(
    "text,value",
    [("十", 10), ("二十五", 25), ("两", 2), ("一万", 10000), ("一百二十", 120), ("三千五百", 3500)],
)
def test_chinese_numerals(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("95以上", (">=", 95, None, "", None)),
        ("3以内", ("<=", 3, None, "", None)),
        ("9左右", (">=", 9, None, "", None)),
        ("10—12", ("range", 10, 12, "", None)),
        ("超过20", (">", 20, None, "", None)),
        ("不少于1500", (">=", 1500, None, "", None)),
        ("累计2万", (">=", 2, None, "万", None)),
        ("1.5万件", (">=", 1.5, None, "万", "件")),
        ("二十家以上", (">=", 20, None, "", "家")),
        ("百分之三十", (">=", 30, None, "", "%")),
    ],
)
def test_target_phrases(cell, expected):
    t = parse_target(cell)
    assert (t.comparator, t.target, t.target_max, t.unit_prefix, t.unit) == expected


def test_doubling_phrases_need_the_baseline():
    assert parse_target("翻一番").doubled == 2 and parse_target("翻一番").target is None
    assert parse_target("翻两番").doubled == 4
    assert parse_target("累计2万").cumulative
    assert parse_target("到期完成") is None  # no number: no target is guessed
