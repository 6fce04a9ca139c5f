"""A big upload (over UPLOAD_JOB_MIN_ROWS rows, lowered here) is checked and written by a
background job with its progress on the page; its errors and warnings come back to the same
review, marked copy and confirmation as an upload checked in the request. Eager Celery: the
job runs when the request's transaction commits."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import StatisticValue
from ipcity.core.models import JobRun
from submissions.models import PendingUpload, previous_quarter
from submissions.services import round_open, statistics_upload_import
from submissions.upload_jobs import UPLOAD_JOB_KIND, upload_row_count

from .conftest import codes_of, fill, filled, snapshot, template_bytes

pytestmark = pytest.mark.django_db

BIG = override_settings(UPLOAD_JOB_MIN_ROWS=3)  # the kjj template has more rows than this


def upload_jobs():
    return JobRun.objects.filter(kind=UPLOAD_JOB_KIND)


def post(client, url, data, name="kjj.xlsx"):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@BIG
def test_a_big_upload_is_queued_shown_with_progress_then_written_by_the_job(
    login, upload_url, round_q1, kjj, django_capture_on_commit_callbacks
):
    client = login("reporter_wuhan_kjj")
    codes = codes_of(template_bytes(round_q1, kjj))
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = post(client, upload_url, filled(round_q1, kjj, value=120))
    job = upload_jobs().get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "submissions:upload_job", args=[job.pk]
    )
    assert job.status == "queued" and job.created_by.username == "reporter_wuhan_kjj"
    assert not StatisticValue.objects.filter(year=2020, quarter=1).exists()  # nothing in the request
    waiting = client.get(response["Location"])
    text = waiting.content.decode()
    assert waiting.status_code == 200 and "正在后台检查并导入" in text
    assert f'hx-get="{reverse("job_status", args=[job.pk])}"' in text and "排队中" in text

    for callback in enqueued:  # the commit: the (eager) worker runs the job
        callback()
    job.refresh_from_db()
    assert (job.status, job.progress, job.result["status"]) == ("succeeded", 100, "accepted")
    assert job.result["created"] == len(codes) and "已导入" in job.message
    values = StatisticValue.objects.filter(year=2020, quarter=1, agency=kjj, is_current=True)
    assert sorted(values.values_list("statistic__code", flat=True)) == sorted(codes)
    assert set(values.values_list("value", flat=True)) == {120}
    assert values.first().upload.original_name == "kjj.xlsx"
    assert not PendingUpload.objects.exists()  # the waiting file is gone once imported

    polled = client.get(reverse("job_status", args=[job.pk])).content.decode()
    assert "已完成" in polled and f'href="{response["Location"]}"' in polled and "查看检查结果" in polled
    done = client.get(response["Location"], follow=True)
    assert done.redirect_chain[-1][0] == reverse(
        "submissions:agency_round", args=["wuhan-2017", "2020Q1", kjj.pk]
    )
    assert f"统计数据 {len(codes)} 项" in done.content.decode()


def test_a_small_upload_stays_in_the_request(login, upload_url, round_q1, kjj):
    response = post(login("reporter_wuhan_kjj"), upload_url, filled(round_q1, kjj))
    assert response.status_code == 302 and "/upload-jobs/" not in response["Location"]
    assert not upload_jobs().exists()
    assert StatisticValue.objects.filter(year=2020, quarter=1, agency=kjj).count() == len(
        codes_of(template_bytes(round_q1, kjj))
    )


@BIG
def test_a_big_upload_with_errors_writes_nothing_and_shows_them_at_sheet_row_column(
    login, upload_url, round_q1, kjj, django_capture_on_commit_callbacks
):
    client = login("reporter_wuhan_kjj")
    before = snapshot()
    bad = fill(filled(round_q1, kjj), cells={"H4": "约300", "H5": -3})
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, upload_url, bad)
    job = upload_jobs().get()
    assert (job.status, job.result["status"], job.result["error_count"]) == ("succeeded", "rejected", 2)
    assert snapshot() == before  # no value, upload, file or event written
    assert "2 处错误" in job.message and "没有写入任何数据" in job.message

    review = client.get(response["Location"])
    text = review.content.decode()
    assert review.status_code == 422 and "整份文件未导入" in text
    rows = re.findall(
        r'<tr data-cell="(H\d)"><td>([^<]*)</td><td[^>]*>[^<]*</td><td>(\d+)</td><td>([^<]*)</td>', text
    )
    assert [(cell, sheet, row, column.split()[0]) for cell, sheet, row, column in rows] == [
        ("H4", "统计数据", "4", "H"),
        ("H5", "统计数据", "5", "H"),
    ]
    assert "“约300”不是数字" in text and "不能为负数" in text
    marked_url = re.search(r'href="(/reporting/uploads/[^"]+/marked\.xlsx)"', text).group(1)
    marked = client.get(marked_url)
    comment = load_workbook(
        io.BytesIO(b"".join(marked.streaming_content) if marked.streaming else marked.content)
    )
    assert "不是数字" in comment["统计数据"]["H4"].comment.text
    assert PendingUpload.objects.filter(token=job.result["token"]).exists()  # kept for the marked copy


@BIG
def test_a_big_upload_with_warnings_is_confirmed_through_the_same_flow_and_written_by_a_job(
    login, upload_url, round_q1, kjj, kjj_user, wuhan, office, django_capture_on_commit_callbacks
):
    year, quarter = previous_quarter(round_q1.year, round_q1.quarter)
    previous = round_open(
        programme=wuhan, year=year, quarter=quarter, due_date=round_q1.due_date, user=office
    )
    statistics_upload_import(
        round=previous, agency=kjj, filename="q4.xlsx", data=filled(previous, kjj, value=1000), user=kjj_user
    )
    client = login("reporter_wuhan_kjj")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, upload_url, filled(round_q1, kjj, value=100))  # 90% below: a warning each
    first = upload_jobs().get()
    assert first.result["status"] == "needs_confirmation"
    assert not StatisticValue.objects.filter(year=2020, quarter=1).exists()
    text = client.get(response["Location"]).content.decode()
    assert "需要确认" in text and "相差 90%" in text
    confirm = re.search(r'action="(/reporting/uploads/[^"]+/confirm/)"', text).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(confirm)
    second = upload_jobs().exclude(pk=first.pk).get()
    assert confirmed["Location"] == reverse("submissions:upload_job", args=[second.pk])
    assert (second.params["confirm"], second.result["status"]) == (True, "accepted")
    assert StatisticValue.objects.filter(year=2020, quarter=1, agency=kjj, source="upload").count() == len(
        codes_of(template_bytes(round_q1, kjj))
    )
    assert not PendingUpload.objects.filter(token=confirm.split("/")[-3]).exists()  # used: gone


@BIG
def test_a_file_that_is_not_a_workbook_is_refused_in_the_request_not_queued(login, upload_url):
    response = post(login("reporter_wuhan_kjj"), upload_url, b"not a zip at all " * 100)
    assert response.status_code == 422 and "不是有效的 Excel 工作簿" in response.content.decode()
    assert not upload_jobs().exists()


@BIG
def test_only_the_uploader_sees_the_job(login, upload_url, round_q1, kjj, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            login("reporter_wuhan_kjj"), upload_url, fill(filled(round_q1, kjj), cells={"H4": "x"})
        )
    for persona in ("reporter_wuhan_gsj", "office_wuhan", "reporter_yichang_tjj"):
        assert login(persona).get(response["Location"]).status_code == 404, persona


@BIG
def test_a_run_whose_file_expired_fails_saying_so(
    login, upload_url, round_q1, kjj, django_capture_on_commit_callbacks
):
    client = login("reporter_wuhan_kjj")
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = post(client, upload_url, filled(round_q1, kjj))
    before = snapshot()
    PendingUpload.objects.all().delete()  # an hour in the queue: the waiting file expired
    for callback in enqueued:
        callback()
    job = upload_jobs().get()
    assert job.status == "failed" and "已过期" in job.error
    assert snapshot() == before
    assert "已过期" in client.get(response["Location"]).content.decode()


def test_rows_are_counted_without_reading_the_whole_file(round_q1, kjj):
    data = filled(round_q1, kjj)
    rows = 3 + len(codes_of(data))  # title, note, header, one row per code
    assert upload_row_count(data=data, filename="a.xlsx", limit=10_000) == rows
    assert upload_row_count(data=data, filename="a.xlsx", limit=2) == 3  # stops past the limit
    assert upload_row_count(data=b"a,b\n1,2\n3,4\n", filename="a.csv", limit=100) == 4
    assert upload_row_count(data=b"junk", filename="a.xlsx", limit=100) == 0  # the request answers it
