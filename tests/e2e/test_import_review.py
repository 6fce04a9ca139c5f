"""As office staff in a real browser: paste Harbin's plan, see each item's sentence in the
source, fix one item, confirm, and land on the new programme with the fix."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HARBIN = Path(__file__).resolve().parents[2] / "programmes" / "seed_data" / "texts" / "harbin_2016.txt"
TITLE = "哈尔滨市推进国家知识产权示范城市工作实施方案"


def test_office_staff_paste_harbins_plan_fix_an_item_and_confirm(log_in, seeded_live_server):
    from planimport.models import PlanImportDraft
    from programmes.models import Programme

    page = log_in("office_harbin")
    page.goto(f"{seeded_live_server.url}/programmes/")
    page.locator("main").get_by_role("link", name="导入方案").click()
    expect(page.locator("h1")).to_have_text("导入方案")

    page.fill("#id_text", HARBIN.read_text(encoding="utf-8"))
    page.fill("#id_slug", "harbin-2016-import")  # harbin-2016 exists: a new slug
    page.get_by_role("button", name="读取并识别").click()
    expect(page.locator("h1")).to_contain_text("核对导入结果")
    expect(page.locator("#list-task .review-item")).to_have_count(12)
    expect(page.locator("#list-indicator .review-item")).to_have_count(11)

    # an item's "原文" marks its sentence in the source panel
    task = page.locator('#list-task .review-item[data-kind="task"]').first
    expect(task).to_contain_text("完善知识产权政策法规")
    task.locator(".show-source").click()
    highlighted = page.locator("#source .seg.hl")
    expect(highlighted.first).to_be_visible()
    expect(highlighted.first).to_contain_text("完善知识产权政策法规")
    expect(task).to_have_class(re.compile(r"\bis-current\b"))

    # a sentence of the source leads back to its item
    indicator = page.locator('#list-indicator .review-item[data-kind="indicator"]').first
    item_id = indicator.get_attribute("data-item")
    page.locator(f'#source .seg[data-items~="{item_id}"]').last.click()
    expect(indicator).to_have_class(re.compile(r"\bis-current\b"))

    # fix one item in place: the task's title and its lead unit (the plan names none)
    task.locator(".edit-link").click()
    form = task.locator("form.import-item-form")
    expect(form).to_be_visible()
    form.locator("#id_title").fill("完善知识产权政策法规体系")
    form.locator("#id_lead").fill("市知识产权局")
    form.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("任务已保存")
    fixed = page.locator('#list-task .review-item[data-kind="task"]').first
    expect(fixed).to_contain_text("完善知识产权政策法规体系")
    expect(fixed).to_contain_text("牵头 · 市知识产权局")
    expect(fixed).to_contain_text("已人工修改")

    new_agencies = page.locator("#create-agencies-box")  # agencies to create are listed first
    if new_agencies.count():
        new_agencies.check()
    page.get_by_role("button", name="确认并创建方案").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".alert-success")).to_contain_text("方案已创建")
    assert page.url.endswith("/programmes/harbin-2016-import/")
    page.get_by_role("link", name="工作任务").click()
    expect(page.get_by_text("完善知识产权政策法规体系")).to_be_visible()

    programme = Programme.objects.get(slug="harbin-2016-import")
    assert programme.status == Programme.Status.DRAFT and programme.tasks.count() == 12
    task = programme.tasks.get(number="1")
    assert task.title == "完善知识产权政策法规体系"
    assert [a.printed_name for a in task.assignments.filter(role="lead")] == ["市知识产权局"]
    assert PlanImportDraft.objects.get(programme=programme).status == "confirmed"
