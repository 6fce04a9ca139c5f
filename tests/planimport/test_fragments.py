"""Fragments and partial texts (issue 12 item 4): a text with targets but no numbered task
sections becomes a draft with what is there and a warning on the review page, not a
refusal; a target cut before its number is not guessed."""

from __future__ import annotations

import pytest

from planimport.models import PlanImportDraft
from planimport.parsing import parse_plan
from programmes.models import Programme
from tests.planimport.test_review import draft_from, paste

OPENING = (
    "哈尔滨市人民政府办公厅关于印发哈尔滨市知识产权强市建设实施方案(2024—2026年)的通知\n"
    "各区、县(市)人民政府,市政府各委、办、局:\n"
    "现将《哈尔滨市知识产权强市建设实施方案(2024—2026年)》印发给你们,请认真贯彻执行。\n"
    "哈尔滨市知识产权强市建设实施方案(2024—2026年)\n"
    "一、指导思想\n以习近平新时代中国特色社会主义思想为指导,全面加强知识产权保护。\n"
    "二、工作目标\n"
    "到2026年,全市有效发明专利拥有量达到四万件,培育国家知识产权优势企业二十家以上,"
    "专利转化实施率提高到百分之十八,商标注册量达到"
)


def test_a_target_cut_before_its_number_is_not_guessed():
    plan = parse_plan(OPENING)
    assert [(i.target, i.unit) for i in plan.indicators] == [(4, "万件"), (20, "家"), (18, "%")]
    assert not any("商标" in i.name for i in plan.indicators)
    assert any("句子中间结束" in w and "商标注册量达到" in w for w in plan.warnings)


@pytest.mark.django_db
def test_an_opening_with_targets_becomes_a_draft_with_a_warning_on_the_review_page(login):
    client = login("office_harbin")
    programmes = Programme.objects.count()
    draft = draft_from(paste(client, OPENING, "harbin-2024-opening"))
    assert PlanImportDraft.objects.filter(pk=draft.pk).exists()
    assert Programme.objects.count() == programmes  # a draft only, nothing confirmed
    assert len(draft.review["indicators"]) == 3 and draft.review["tasks"] == []
    html = client.get(draft.get_absolute_url()).content.decode()
    assert 'id="import-warnings"' in html
    assert "这似乎是方案的一部分" in html and "商标注册量达到" in html
