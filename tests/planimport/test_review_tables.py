"""The review page for table-sourced items (issue 12): an indicator read from a table
highlights its row and, inside it, the target's cell in the source view; rows of a table
whose header is not recognised are listed as unassigned lines, not dropped."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.planimport.test_review import draft_from, paste

PLAN = """哈尔滨市知识产权强市建设实施方案(2024—2026年)
一、工作目标
到2026年,主要指标如下。
序号\t指标\t单位\t基期值(2023年)\t目标值(2026年)\t属性
1\t有效发明专利拥有量\t件\t21000\t30000\t预期性
2\t知识产权质押融资登记金额\t亿元\t18\t25\t预期性
二、重点任务
(一)提升创造质量
1.培育高价值专利。支持企业开展专利布局。
2.加强商标品牌建设。开展区域品牌培育行动。
三、资金安排
项目\t2024年\t2025年\t2026年
专利资助\t300万元\t320万元\t350万元
品牌培育\t100万元\t120万元\t150万元
"""


@pytest.mark.django_db
def test_a_table_indicator_highlights_its_cell_and_unrecognised_rows_are_listed(login):
    client = login("office_harbin")
    draft = draft_from(paste(client, PLAN, "harbin-2024-tables"))
    ind = next(i for i in draft.review["indicators"] if i["name"] == "有效发明专利拥有量")
    start, end = ind["cell"]
    assert draft.text[start:end] == "30000"  # the target's cell
    assert draft.text[ind["span"][0] : ind["span"][1]].startswith("1")  # the whole row
    html = client.get(draft.get_absolute_url()).content.decode()
    cell = re.search(
        rf'<span class="seg" data-items="[^"]*\b{ind["_id"]}\b[^"]*" data-cells="{ind["_id"]}">([^<]*)</span>',
        html,
    )
    assert cell and unescape(cell.group(1)) == "30000"

    rows = [draft.text[s:e] for s, e in draft.review["unassigned"]]
    assert [r.replace(" ", "") for r in rows] == [  # the header row too: nothing is dropped
        "项目｜2024年｜2025年｜2026年",
        "专利资助｜300万元｜320万元｜350万元",
        "品牌培育｜100万元｜120万元｜150万元",
    ]
    listed = re.search(r'<details[^>]*id="unassigned-rows"[^>]*>(.*?)</details>', html, re.S).group(1)
    assert "未归入的表格行 3 行" in listed
    for k, row in enumerate(rows, 1):
        assert f'data-show="u{k}"' in listed and row in unescape(listed)
        assert re.search(rf'<span class="seg" data-items="[^"]*\bu{k}\b', html)
    assert any("表头未能识别" in w for w in draft.review["warnings"])
    assert not any(i["target"] in (300, 320, 350) for i in draft.review["indicators"])  # nothing invented
