"""The issue's "Done when", in a real browser: a reporter of 武汉 市科技局 downloads the
template, fills it, uploads a version with three mistakes and sees all three located,
fixes and uploads, submits; the office returns it with a comment; the reporter corrects it
(a second version) and resubmits; the office approves."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reporting_world(seeded_live_server):
    from django.contrib.auth import get_user_model

    from programmes.models import Programme
    from submissions.services import round_open

    office = get_user_model().objects.get(username="office_wuhan")
    round_open(
        programme=Programme.objects.get(slug="wuhan-2017"),
        year=2020,
        quarter=1,
        due_date=timezone.localdate() + timedelta(days=10),
        user=office,
    )
    return seeded_live_server


def signed_in(browser, browser_context_args, base_url, username):
    context = browser.new_context(**browser_context_args, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo12345")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def filled_copy(path, mistakes: dict | None = None, value=100) -> bytes:
    wb = load_workbook(path)
    ws = wb["统计数据"]
    for row in range(4, ws.max_row + 1):
        if ws.cell(row=row, column=3).value:
            ws.cell(row=row, column=8).value = value
    for ref, bad in (mistakes or {}).items():
        ws[ref] = bad
    tasks = wb["任务进展"]
    tasks["F4"], tasks["G4"] = "推进中", "召开知识产权综合管理改革推进会"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_reporter_uploads_submits_office_returns_reporter_corrects_office_approves(
    browser, browser_context_args, reporting_world, tmp_path
):
    from indicators.models import StatisticValue
    from submissions.models import Submission

    base = reporting_world.url
    reporter = signed_in(browser, browser_context_args, base, "reporter_wuhan_kjj")
    expect(reporter.get_by_role("heading", name="本季度填报 · 市科技局(市知识产权局)")).to_be_visible()
    reporter.get_by_role("link", name="进入填报").click()
    expect(reporter.locator("table.items")).to_contain_text("统计数据")

    with reporter.expect_download() as download_info:
        reporter.get_by_role("link", name="下载 Excel 填报模板").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    assert load_workbook(template)["_meta"]["B5"].value == "2020Q1"

    # a version with three mistakes: not a number, a negative count, a required value left out
    bad = tmp_path / "kjj-2020Q1-bad.xlsx"
    bad.write_bytes(filled_copy(template, {"H4": "约300", "H5": -5, "H7": None}))
    reporter.set_input_files("input[type=file]", str(bad))
    reporter.click("#upload-button")
    expect(reporter.locator(".upload-rejected")).to_contain_text("有 3 处错误,整份文件未导入")
    problems = reporter.locator("table.problems")
    expect(problems.locator("tr[data-cell=H4]")).to_contain_text("“约300”不是数字")
    expect(problems.locator("tr[data-cell=H5]")).to_contain_text("不能为负数")
    expect(problems.locator("tr[data-cell=H7]")).to_contain_text("缺少“")
    with reporter.expect_download() as marked_info:
        reporter.get_by_role("link", name="下载标出错误的文件副本").click()
    marked = tmp_path / "marked.xlsx"
    marked_info.value.save_as(marked)
    assert "不是数字" in load_workbook(marked)["统计数据"]["H4"].comment.text
    assert not StatisticValue.objects.filter(year=2020, quarter=1).exists()

    # fixed, uploaded, submitted
    good = tmp_path / "kjj-2020Q1.xlsx"
    good.write_bytes(filled_copy(template))
    reporter.set_input_files("input[type=file]", str(good))
    reporter.click("#upload-button")
    expect(reporter.locator(".alert-success")).to_contain_text("已导入")
    statistics_row = reporter.locator("table.items tr").filter(has_text="统计数据")
    statistics_row.get_by_role("button", name="提交").click()
    expect(reporter.locator(".alert-success")).to_contain_text("已提交,等待领导小组办公室审核")
    expect(reporter.locator("table.items tr").filter(has_text="统计数据")).to_contain_text("已提交")

    # the office returns it with a comment
    office = signed_in(browser, browser_context_args, base, "office_wuhan")
    office.goto(f"{base}/review/")
    office.locator("table.review tr").filter(has_text="市科技局").filter(has_text="统计数据").get_by_role(
        "link", name="查看 / 退回"
    ).click()
    office.fill("#id_comment", "发明专利申请量与国家知识产权局公布数不符,请核对后更正。")
    office.click("#return-button")
    # from the queue, the office goes on to the next item of the same filter (here: none left)
    expect(office.locator(".alert-success")).to_contain_text("已退回")
    expect(office).to_have_url(f"{base}/review/?state=submitted")

    # the reporter sees who returned it and why, corrects one value (a second version), resubmits
    reporter.goto(f"{base}/reporting/")
    expect(reporter.locator(".round-card")).to_contain_text("已退回")
    reporter.locator(".round-card tr").filter(has_text="统计数据").get_by_role(
        "link", name="填写 / 查看"
    ).click()
    expect(reporter.locator(".return-comment")).to_contain_text("王敏")
    expect(reporter.locator(".return-comment")).to_contain_text("发明专利申请量与国家知识产权局公布数不符")
    row = reporter.locator("table.stat-form tr").filter(has_text="INV_APP")
    expect(row).to_contain_text("件")
    row.locator("input[name^=v]").fill("120")
    reporter.get_by_role("button", name="保存并提交").click()
    expect(reporter.locator(".alert-success")).to_contain_text("已提交")
    versions = list(
        StatisticValue.objects.filter(statistic__code="INV_APP", year=2020, quarter=1)
        .order_by("version")
        .values_list("version", "value", "is_current")
    )
    assert versions == [(1, 100, False), (2, 120, True)]

    # the office approves; the form is now locked and says by whom
    office.goto(f"{base}/review/")
    office.locator("table.review tr").filter(has_text="市科技局").filter(has_text="统计数据").locator(
        "input[name=ids]"
    ).check()
    office.click("#bulk-approve")
    expect(office.locator("tr.to-approve")).to_have_count(1)
    office.click("#confirm-approve")
    expect(office.locator(".alert-success")).to_contain_text("已审核通过 1 项")
    item = Submission.objects.get(round__year=2020, agency__name="市科技局(市知识产权局)", kind="statistics")
    assert item.state == "approved"
    assert list(item.events.values_list("action", flat=True)) == [
        "uploaded",
        "submitted",
        "returned",
        "saved",
        "submitted",
        "approved",
    ]
    reporter.goto(f"{base}/programmes/wuhan-2017/rounds/2020Q1/agencies/{item.agency_id}/statistics/")
    expect(reporter.locator(".lock-reason")).to_contain_text("王敏")
    expect(reporter.locator(".lock-reason")).to_contain_text("审核通过,数据已锁定")
