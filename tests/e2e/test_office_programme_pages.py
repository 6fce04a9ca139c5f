"""As office staff in a real browser: log in, open the programme, its matrix, add a phase."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_staff_open_the_programme_and_its_agency_task_matrix(log_in, seeded_live_server):
    page = log_in("office_wuhan")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()  # the office's landing page
    page.get_by_role("link", name="建设方案", exact=True).click()
    expect(page.get_by_role("heading", name="建设方案")).to_be_visible()
    page.get_by_role("link", name="武汉市推进国家知识产权强市创建工作方案(2017—2020年)").click()
    expect(page.locator("h1")).to_have_text("武汉市推进国家知识产权强市创建工作方案(2017—2020年)")
    expect(page.get_by_text("武政〔2017〕30号").first).to_be_visible()
    page.get_by_role("link", name="任务分工矩阵").click()
    expect(page.locator("table.matrix tbody tr").first).to_contain_text("市科技局(市知识产权局)")
    assert page.locator("table.matrix td.lead").count() >= 33  # every Wuhan task has a lead


def test_a_phase_with_months_the_wrong_way_round_is_refused_then_fixed(log_in, seeded_live_server):
    from programmes.models import Phase

    page = log_in("office_harbin")
    page.goto(f"{seeded_live_server.url}/programmes/harbin-2016/")
    page.get_by_role("link", name="新增阶段").click()
    page.fill("#id_name", "复核整改阶段")
    page.fill("#id_start", "2019-05")
    page.fill("#id_end", "2019-03")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("结束年月不能早于开始年月。")
    assert not Phase.objects.filter(name="复核整改阶段").exists()
    page.fill("#id_end", "2019-08")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("实施阶段已保存")
    expect(page.locator(".timeline")).to_contain_text(re.compile("复核整改阶段"))
    assert Phase.objects.filter(name="复核整改阶段", start="2019-05", end="2019-08").exists()


def test_another_citys_office_gets_not_found(log_in, seeded_live_server):
    page = log_in("office_harbin")
    response = page.goto(f"{seeded_live_server.url}/programmes/wuhan-2017/")
    assert response.status == 404
