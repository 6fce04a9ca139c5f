"""Generating and storing versions, reproducibility, the job with its progress, the command,
and the evidence zip whose folders follow the report's sections."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from reports import data
from reports.models import ReportVersion
from reports.services import report_generate, report_update

from .pdfcheck import pdf_text, squash


def test_generating_twice_with_unchanged_data_gives_the_same_content(make_report, office):
    report = make_report("harbin-2016", "acceptance")
    first = report_generate(report=report, user=office)
    second = report_generate(report=report, user=office)

    assert (first.version, second.version) == (1, 2)
    assert first.content_sha256 == second.content_sha256
    assert first.sha256 == second.sha256  # rendering is deterministic: byte-identical PDFs
    with first.pdf.open("rb") as a, second.pdf.open("rb") as b:
        assert pdf_text(a.read()) == pdf_text(b.read())
    for version in (first, second):
        version.refresh_from_db()
        assert version.kind == "acceptance" and version.as_of == date(2018, 12, 31)
        assert version.generated_by == office
        assert version.data_changed_at is not None
        assert version.page_count >= 5 and version.size > 10_000
        assert len(version.sha256) == len(version.xlsx_sha256) == 64
        assert default_storage.exists(version.pdf.name) and default_storage.exists(version.xlsx.name)
        assert version.pdf.name.startswith(f"reports/harbin-2016/{report.pk}/")


def test_changed_data_change_the_content_and_the_last_change_time(make_report, office):
    from indicators.models import Indicator

    report = make_report("harbin-2016", "annual", as_of=date(2017, 12, 31))
    before = report_generate(report=report, user=office)
    indicator = Indicator.objects.filter(programme__slug="harbin-2016").order_by("order").first()
    indicator.target = indicator.target + 1
    indicator._history_user = office
    indicator.save()
    after = report_generate(report=report, user=office)
    assert after.content_sha256 != before.content_sha256
    assert after.data_changed_at > before.data_changed_at

    from django.contrib.auth import get_user_model

    harbin_office = get_user_model().objects.get(username="office_harbin")
    report_update(report=report, user=harbin_office, values={"problems": "基层执法力量不足。"})
    third = report_generate(report=report, user=office)
    assert third.content_sha256 != after.content_sha256
    with third.pdf.open("rb") as fh:
        assert "基层执法力量不足。" in pdf_text(fh.read())


def test_a_blank_report_opened_later_does_not_move_the_data_update_time(make_report, office):
    """数据更新时间 on the cover is the data's; the office's chapters count once written."""
    from datetime import UTC, datetime

    from django.contrib.auth import get_user_model

    from reports.models import Report
    from reports.selectors import report_document_build

    report = make_report("harbin-2016", "acceptance")
    later = datetime(2031, 5, 1, 9, tzinfo=UTC)
    Report.objects.filter(pk=report.pk).update(updated_at=later)  # opened years after
    report.refresh_from_db()
    doc = report_document_build(report=report)
    assert doc.data_changed_at == data.data_last_changed(report.programme, report.as_of) < later
    harbin_office = get_user_model().objects.get(username="office_harbin")
    report_update(report=report, user=harbin_office, values={"problems": "基层执法力量不足。"})
    Report.objects.filter(pk=report.pk).update(updated_at=later)
    report.refresh_from_db()
    assert report_document_build(report=report).data_changed_at == later


def test_spending_after_the_as_of_date_is_left_out(make_report):
    from programmes.models import Programme

    programme = Programme.objects.get(slug="yichang-2020")
    early = data.funding(programme, date(2020, 12, 31))
    late = data.funding(programme, date(2023, 12, 31))
    assert [y for y, _ in early.spent_by_year] == [2020]
    assert early.spent_total < late.spent_total


@pytest.mark.parametrize("slug", ["anshan-2015", "harbin-2016", "yichang-2020"])
def test_funding_rules_are_judged_as_the_funding_page_judges_them(db, slug):
    """The report's funding chapter is `funding_summary` as of the report's date (one place)."""
    from programmes.models import Programme
    from programmes.selectors import funding_summary

    programme = Programme.objects.get(slug=slug)
    report = data.funding(programme, date(2100, 1, 1))
    assert report == funding_summary(programme=programme, as_of=date(2100, 1, 1))
    assert [c.name for c in report.checks] == list(programme.funding_rules.values_list("name", flat=True))


def test_job_generates_with_progress_and_a_download_link(
    make_report, office, client, django_capture_on_commit_callbacks
):
    from ipcity.core.models import JobRun

    report = make_report("wuhan-2017", "acceptance")
    client.force_login(office)
    url = reverse("reports:report_generate", args=["wuhan-2017", report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    job = JobRun.objects.get(kind="report_generate", object_id=report.pk)
    assert job.status == JobRun.Status.SUCCEEDED and job.progress == 100
    assert job.created_by == office and job.params == {"report_id": report.pk}
    version = ReportVersion.objects.get(report=report)
    assert job.result["version_id"] == version.pk
    assert job.result["download_url"] == reverse(
        "reports:version_download", args=["wuhan-2017", version.pk, "pdf"]
    )
    status = client.get(reverse("job_status", args=[job.pk]))
    assert job.result["download_url"] in status.content.decode()
    download = client.get(job.result["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_job_status_shows_progress_while_running(make_report, office, client):
    from ipcity.core.models import JobRun
    from ipcity.core.services import job_run_progress, job_run_start
    from reports.services import report_generation_enqueue

    report = make_report("wuhan-2017", "acceptance")
    job = report_generation_enqueue(report=report, user=office)  # not committed: still queued
    job = job_run_start(job_id=job.pk)
    job_run_progress(job=job, progress=50, message="生成 PDF")
    client.force_login(office)
    page = client.get(reverse("reports:report_detail", args=["wuhan-2017", report.pk])).content.decode()
    assert f'hx-get="/jobs/{job.pk}/"' in page and "50%" in page and "生成 PDF" in page
    assert JobRun.objects.get(pk=job.pk).status == JobRun.Status.RUNNING


def test_render_report_command_writes_the_pdf_through_the_service(db, tmp_path):
    out = tmp_path / "wuhan.pdf"
    xlsx = tmp_path / "wuhan.xlsx"
    stdout = io.StringIO()
    call_command(
        "render_report",
        "wuhan-2017",
        "--kind",
        "acceptance",
        "--as-of",
        "2020-12-31",
        "--out",
        str(out),
        "--xlsx",
        str(xlsx),
        stdout=stdout,
    )
    assert out.read_bytes().startswith(b"%PDF-")
    assert xlsx.read_bytes().startswith(b"PK")
    version = ReportVersion.objects.get(report__programme__slug="wuhan-2017", kind="acceptance")
    assert version.as_of == date(2020, 12, 31) and version.generated_by is None
    assert version.sha256 in stdout.getvalue()
    assert "武汉市" in squash(pdf_text(out.read_bytes()))


def test_evidence_zip_folders_follow_the_report_sections(make_report, office, client, monkeypatch):
    from tasks.models import Task

    task = Task.objects.filter(programme__slug="wuhan-2017").order_by("order").first()
    stored = default_storage.save("evidence/test/验收材料.pdf", ContentFile(b"%PDF-1.4 evidence"))
    items = [
        data.EvidenceItem(
            section="tasks",
            subject_key=task.number,
            subject=f"{task.number} {task.title}",
            name="验收材料.pdf",
            agency="市科技局",
            uploaded_on=date(2020, 3, 15),
            size=17,
            sha256="0" * 64,
            storage_name=stored,
        ),
        data.EvidenceItem(
            section="tasks",
            subject_key=task.number,
            subject=f"{task.number} {task.title}",
            name="验收材料.pdf",
            agency="市科技局",
            uploaded_on=date(2020, 3, 15),
            size=17,
            sha256="1" * 64,
            storage_name=stored,
        ),
        data.EvidenceItem(
            section="indicators",
            subject_key="01",
            subject="发明专利申请量",
            name="统计公报/2020?.pdf",
            agency="市统计局",
            uploaded_on=date(2020, 12, 1),
            size=17,
            sha256="2" * 64,
            storage_name="gone.pdf",
        ),
    ]
    monkeypatch.setattr(data, "evidence_items", lambda programme, as_of: items)
    version = report_generate(report=make_report("wuhan-2017", "acceptance"), user=office)
    client.force_login(office)
    response = client.get(reverse("reports:version_download", args=["wuhan-2017", version.pk, "zip"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    folder = f"证明材料/六、重点任务进展/{task.number} {task.title}"[:80]
    assert f"{version.file_stem}.pdf" in names and f"{version.file_stem}.xlsx" in names
    assert (
        f"证明材料/六、重点任务进展/{task.number} {task.title}/市科技局 2020-03-15 验收材料.pdf" in names
    ), names
    assert (
        f"证明材料/六、重点任务进展/{task.number} {task.title}/市科技局 2020-03-15 验收材料 (2).pdf" in names
    )
    assert archive.read(f"{folder}/市科技局 2020-03-15 验收材料.pdf") == b"%PDF-1.4 evidence"
    assert "缺失文件.txt" in names  # the indicator's file is not in storage: listed, not fatal
    assert (
        "证明材料/四、主要指标完成情况/发明专利申请量/市统计局 2020-12-01 统计公报_2020_.pdf"
        in archive.read("缺失文件.txt").decode()
    )
    # the PDF's annex lists every file with its place in the zip
    with version.pdf.open("rb") as fh:
        text = squash(pdf_text(fh.read()))
    assert squash(f"证明材料/六、重点任务进展/{task.number}") in text and "验收材料.pdf" in text
