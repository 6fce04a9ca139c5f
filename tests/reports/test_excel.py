"""The workbook beside the PDF: the same tables, frozen headers, units, number formats, and
no formula injection from text typed into the portal or the plan."""

import io
import zipfile

from openpyxl import load_workbook

from reports.services import report_render, report_update


def _workbook(rendered):
    return load_workbook(io.BytesIO(rendered.xlsx))


def test_workbook_has_the_reports_tables_with_frozen_headers(make_report):
    rendered = report_render(report=make_report("yichang-2020", "acceptance"))
    wb = _workbook(rendered)
    expected = [
        "报告信息",
        "指标完成情况",
        "指标年度数据",
        "自评得分",
        "任务进展",
        "实施步骤",
        "资金预算与支出",
        "资金规则",
        "领导小组",
        "自评报告章节",
        "证明材料",
    ]
    assert wb.sheetnames == expected
    chapters = list(wb["自评报告章节"].iter_rows(min_row=2, values_only=True))
    assert [c[0] for c in chapters] == [
        "基本情况",
        "主要做法与成效",
        "典型案例",
        "存在问题",
        "下一步工作计划",
    ]
    assert all(c[1] == "—" for c in chapters)  # none written yet: a dash, never a placeholder
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(c.font.bold for c in ws[1] if c.value), ws.title
    ws = wb["指标完成情况"]
    headers = [c.value for c in ws[1]]
    for header in ["指标", "单位", "基期值", "目标值", "完成值", "完成率", "状态", "数据来源"]:
        assert header in headers
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(rendered.document.indicators) == 28
    col = {h: i for i, h in enumerate(headers)}
    first = rows[0]
    assert first[col["单位"]].value == rendered.document.indicators[0].unit
    assert isinstance(first[col["目标值"]].value, int | float)
    assert first[col["目标值"]].number_format == "#,##0.####"
    assert first[col["完成率"]].value is None  # no data: empty, not 0
    assert first[col["状态"]].value == "无数据"
    money = wb["资金预算与支出"]
    assert [c.value for c in money[1]] == ["年度", "预算(万元)", "支出(万元)", "执行率", "超出预算"]
    data = list(money.iter_rows(min_row=2, values_only=True))
    assert data[-1][0] == "合计" and data[-1][2] > 0
    assert data[0][4] == ("是" if data[0][2] > data[0][1] else None)
    rate_cell = money.cell(row=2, column=4)
    assert rate_cell.number_format == "0.0%" and 0 < rate_cell.value < 5


def test_text_starting_with_formula_characters_is_written_as_text(make_report, office):
    from indicators.models import Indicator

    report = make_report("wuhan-2017", "acceptance")
    indicator = Indicator.objects.filter(programme__slug="wuhan-2017").order_by("order").first()
    Indicator.objects.filter(pk=indicator.pk).update(name='=HYPERLINK("http://evil.invalid","点击")')
    payloads = {"work_summary": "=1+1", "problems": "+cmd|' /C calc'!A0", "next_steps": "@SUM(A1:A2)"}
    report_update(report=report, user=office, values={**payloads, "doc_number": "-2+3"})
    rendered = report_render(report=report)
    wb = _workbook(rendered)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    dangerous = [c for c in cells if c.value[:1] in "=+-@"]
    assert {c.value for c in dangerous} >= {
        '=HYPERLINK("http://evil.invalid","点击")',
        "=1+1",
        "+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "-2+3",
    }
    assert all(c.data_type == "s" for c in dangerous)
    # and in the file itself: no formula element anywhere
    with zipfile.ZipFile(io.BytesIO(rendered.xlsx)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_quarterly_workbook_lists_the_agencys_statistics(make_report):
    from indicators.models import StatisticOwner

    owner = StatisticOwner.objects.filter(programme__slug="wuhan-2017").order_by("pk").first()
    report = make_report("wuhan-2017", "quarterly", agency=owner.agency, year=2018, quarter=2)
    rendered = report_render(report=report)
    wb = _workbook(rendered)
    assert "统计数据" in wb.sheetnames and "指标完成情况" not in wb.sheetnames
    codes = [r[0] for r in wb["统计数据"].iter_rows(min_row=2, values_only=True)]
    assert owner.statistic.code in codes


def test_the_self_score_table_is_a_sheet_of_the_workbook(make_report, office, wuhan):
    from reports.frameworks.models import Item
    from reports.frameworks.services import evidence_attach, framework_default_ensure, manual_score_set

    report = make_report("wuhan-2017", "acceptance")
    framework = framework_default_ensure(programme=wuhan)
    manual = Item.objects.filter(aspect__framework=framework, rule="manual").order_by(
        "aspect__order", "order"
    )
    scored, unscored = manual[0], manual[1]
    manual_score_set(report=report, item=scored, score="4.5", reason="=形成典型案例3个", user=office)
    group = Item.objects.get(aspect__framework=framework, rule="evidence")
    evidence_attach(programme=wuhan, item=group, user=office, name="成立通知.pdf", data=b"%PDF-1.4 notice")
    rendered = report_render(report=report)
    ws = _workbook(rendered)["自评得分"]
    assert [c.value for c in ws[1]] == ["方面", "评价指标", "分值", "自评得分", "依据", "证明材料"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    table = rendered.document.scores
    assert len(rows) == len(table.rows) + 1  # every item and the 合计 row
    assert rows[scored.title][0] == scored.aspect.title and rows[scored.title][2] == float(scored.max_score)
    assert rows[scored.title][3] == 4.5 and "形成典型案例3个" in rows[scored.title][4]
    assert rows[unscored.title][3] is None  # not scored yet: empty, not 0
    assert rows[group.title][5] == "成立通知.pdf" and rows[group.title][3] == float(group.max_score)
    assert rows[unscored.title][5].startswith("无；应提供：")
    total = list(ws.iter_rows(min_row=ws.max_row, values_only=True))[0]
    assert total[0] == "合计" and total[2] == 100 and total[3] == float(table.total)
    assert ws.cell(row=2, column=3).number_format == "#,##0.####" and ws.freeze_panes == "A2"
    formula_like = [c for row in ws.iter_rows(min_row=2) for c in row if c.data_type == "f"]
    assert formula_like == []  # a reason typed as "=..." stays text
