"""Reports in a real browser: the office generates the acceptance report (progress shown in
the page), the programme's evaluator downloads it as a PDF, another evaluator cannot."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WUHAN = "武汉市推进国家知识产权强市创建工作方案(2017—2020年)"


def _generate_acceptance_report(page, base_url) -> None:
    page.goto(f"{base_url}/programmes/wuhan-2017/")
    page.get_by_role("link", name="报告", exact=True).click()
    page.select_option("#id_kind", "acceptance")
    page.get_by_role("button", name="创建").click()
    expect(page.locator(".alert-success")).to_contain_text("已创建报告")
    # the chapter is typed in its TinyMDE editor; the hidden textarea is what the form sends
    page.locator('[data-editor-for="id_problems"]').fill(
        "<script>window.pwned=1</script>部分区县执法力量不足。"
    )
    expect(page.locator("#id_problems")).to_have_value(re.compile("^<script>window.pwned"))
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert page.evaluate("window.pwned") is None  # the narrative is shown as text
    expect(page.locator("#id_problems")).to_have_value(re.compile("^<script>"))
    page.get_by_role("button", name="生成报告").click()
    job = page.locator(".job-status")
    expect(job).to_have_attribute("data-status", "succeeded", timeout=60_000)
    expect(job).to_contain_text("100%")
    expect(job.get_by_role("link", name="下载")).to_be_visible()


def test_evaluator_downloads_the_acceptance_report_as_pdf(page, log_in, seeded_live_server, tmp_path):
    from reports.models import ReportVersion

    log_in("office_wuhan")
    _generate_acceptance_report(page, seeded_live_server.url)
    version = ReportVersion.objects.get(report__programme__slug="wuhan-2017", kind="acceptance")

    page.context.clear_cookies()
    log_in("evaluator")
    page.get_by_role("link", name=WUHAN).click()
    expect(page.locator("h1")).to_have_text(WUHAN)
    page.get_by_role("link", name="报告", exact=True).click()
    row = page.locator("#report-table tr[data-kind=acceptance]")
    expect(row).to_contain_text("验收报告")
    expect(page.get_by_role("button", name="生成报告")).to_have_count(0)  # read-only
    with page.expect_download() as info:
        row.locator("a[data-download=pdf]").click()
    download = info.value
    assert re.fullmatch(r"武汉市-实施情况验收报告-2020-12-31-v1\.pdf", download.suggested_filename)
    saved = tmp_path / "report.pdf"
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF-")
    with version.pdf.open("rb") as fh:
        assert fh.read() == content


def test_evaluator_of_another_programme_gets_not_found(page, log_in, seeded_live_server):
    from django.contrib.auth import get_user_model

    from programmes.models import Programme
    from reports.services import report_create, report_generate

    office = get_user_model().objects.get(username="office_wuhan")

    report = report_create(programme=Programme.objects.get(slug="wuhan-2017"), kind="acceptance", user=office)
    version = report_generate(report=report, user=office)

    log_in("evaluator_harbin")
    expect(page.get_by_role("link", name=WUHAN)).to_have_count(0)
    base = seeded_live_server.url
    for path in (
        f"/programmes/wuhan-2017/reports/files/{version.pk}/pdf/",
        f"/programmes/wuhan-2017/reports/{report.pk}/",
        "/programmes/wuhan-2017/reports/",
    ):
        response = page.goto(base + path)
        assert response.status in (403, 404), path
    page.goto(f"{base}/reports/")
    expect(page.locator("main")).not_to_contain_text("武汉市")
