"""十四五-style plans pasted from a web page (issue 12): an indicator table headed by years
only, merged category cells, units inside the name, 〔〕 cumulative targets; a task-division
annex pasted one cell per line with section rows and an empty cell; phases given by years
in a sentence; a 责任单位 list whose lead is marked (牵头). Texts of our own."""

from __future__ import annotations

from planimport.parsing import parse_plan

PLAN = """某某市“十四五”知识产权强市建设实施方案
一、总体要求
（一）主要目标
到2025年，知识产权强市建设取得明显成效，主要指标如下。
表1　主要指标
类别\t序号\t指标名称\t2020年\t2025年\t属性
知识产权创造\t1\t每万人口发明专利拥有量（件）\t3.1\t7\t预期性
2\t版权登记数量（件）\t0.8万\t〔6万〕\t预期性
知识产权保护\t3\t专利侵权纠纷结案率（%）\t—\t≥90\t约束性
注：〔〕内为五年累计数。
二、重点任务
（一）提升创造质量
1．实施专利质量提升工程。支持企业开展专利布局。
2．推进版权产业发展。开展版权示范创建。
（二）加强保护
3．强化行政执法。开展专项执法行动。
三、实施步骤
本方案分两个阶段实施。2021年至2022年为启动推进阶段，完善政策；2023年至2025年为巩固提高阶段，全面完成目标任务。
附件
重点任务分工
序号
重点任务
牵头单位
配合单位
完成时限
一、提升创造质量
1
实施专利质量提升工程，建设专利质量监测中心
市市场监管局（知识产权局）
市科技局、市工信局，各县（市、区）人民政府
2021—2025年
2
推进版权产业发展
市委宣传部
市文广新旅局
长期坚持
二、加强保护
3
强化行政执法
市市场监管局（知识产权局）

2023年底
4
开展知识产权宣传
市委宣传部
市教育局
每年4月
"""


def test_a_year_headed_tab_table_with_merged_categories_and_units_in_names():
    plan = parse_plan(PLAN)
    inds = {i.name: i for i in plan.indicators}
    first = inds["每万人口发明专利拥有量"]  # unit from the name, per 10,000 people
    assert (first.target, first.unit, first.baseline, first.baseline_year) == (7, "件/万人", 3.1, 2020)
    assert first.area == "创造" and first.attribute == "预期性"
    works = inds["版权登记数量"]  # merged category copied down; 〔6万〕 = cumulative, in 万件
    assert (works.target, works.unit, works.kind, works.area) == (6, "万件", "cumulative", "创造")
    closed = inds["专利侵权纠纷结案率"]
    assert (closed.target, closed.unit, closed.comparator, closed.baseline) == (90, "%", ">=", None)
    assert closed.area == "保护"
    assert len(plan.indicators) == 3  # the table's note is not read as a target


def test_a_one_cell_per_line_annex_with_section_rows_and_an_empty_cell():
    plan = parse_plan(PLAN)
    tasks = {t.title: t for t in plan.tasks}
    assert list(tasks) == ["实施专利质量提升工程", "推进版权产业发展", "强化行政执法", "开展知识产权宣传"]
    first = tasks["实施专利质量提升工程"]  # body title kept, annex agencies merged in
    assert first.lead == ["市市场监管局（知识产权局）"]
    assert first.support == ["市科技局", "市工信局", "各县（市、区）人民政府"]
    assert first.deadline == "2025"
    enforcement = tasks["强化行政执法"]  # the empty 配合单位 line: no support, deadline kept
    assert enforcement.support == [] and enforcement.deadline == "2023"
    only = tasks["开展知识产权宣传"]  # only in the annex, in its section
    assert only.lead == ["市委宣传部"] and only.number.startswith("二.") and only.deadline is None
    assert not any("责任单位" in w for w in plan.warnings)


def test_phases_given_by_years_in_one_sentence():
    plan = parse_plan(PLAN)
    assert [(p.name, p.start, p.end) for p in plan.phases] == [
        ("启动推进阶段", "2021-01", "2022-12"),
        ("巩固提高阶段", "2023-01", "2025-12"),
    ]


def test_a_lead_marked_inside_a_responsible_list():
    text = PLAN.split("附件")[0].replace(
        "支持企业开展专利布局。",
        "支持企业开展专利布局。（责任单位：市科技局、市市场监管局（牵头）、市发改委）",
    )
    task = parse_plan(text).tasks[0]
    assert task.lead == ["市市场监管局"] and task.support == ["市科技局", "市发改委"]
