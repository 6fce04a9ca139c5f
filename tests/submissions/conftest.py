"""Reporting fixtures: an open 2020Q1 round of Wuhan, the two Wuhan reporters' agencies,
the template as bytes, a way to fill it, and a snapshot of everything an upload could
change (database rows and stored files)."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook

from tests.worker_support import celery_worker, celery_worker_factory, reseed_after_module  # noqa: F401


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def office(db):
    return user("office_wuhan")


@pytest.fixture
def kjj_user(db):
    return user("reporter_wuhan_kjj")


@pytest.fixture
def gsj_user(db):
    return user("reporter_wuhan_gsj")


@pytest.fixture
def kjj(kjj_user):
    return kjj_user.profile.agency


@pytest.fixture
def gsj(gsj_user):
    return gsj_user.profile.agency


@pytest.fixture
def round_q1(wuhan, office):
    from submissions.services import round_open

    return round_open(
        programme=wuhan, year=2020, quarter=1, due_date=timezone.localdate() + timedelta(days=10), user=office
    )


def template_bytes(round, agency):
    from submissions.services import template_render

    return template_render(round=round, agency=agency, user=None)[1]


def fill(data: bytes, *, values=None, cells=None, tasks=None, sheet="统计数据") -> bytes:
    """Fill a template: values is code → value (this quarter), cells is 'H7' → value,
    tasks is task number → (status label, work done)."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    rows_of = {}
    for r in range(4, ws.max_row + 1):
        rows_of.setdefault(ws.cell(row=r, column=3).value, []).append(r)
    for code, value in (values or {}).items():
        for r in rows_of[code]:
            ws.cell(row=r, column=8).value = value
    for ref, value in (cells or {}).items():
        ws[ref] = value
    if tasks:
        tws = wb["任务进展"]
        numbers = {tws.cell(row=r, column=3).value: r for r in range(4, tws.max_row + 1)}
        for number, (status, work) in tasks.items():
            tws.cell(row=numbers[number], column=6).value = status
            tws.cell(row=numbers[number], column=7).value = work
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def codes_of(data: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(data), read_only=True)["统计数据"]
    return [row[2] for row in ws.iter_rows(min_row=4, values_only=True) if row[2]]


def filled(round, agency, value=100, **kwargs) -> bytes:
    data = template_bytes(round, agency)
    return fill(data, values={code: value for code in codes_of(data)}, **kwargs)


def snapshot():
    """Everything an upload or a form could write: rows and stored files."""
    from indicators.models import StatisticUpload, StatisticValue
    from submissions.models import Submission, SubmissionEvent
    from tasks.models import EvidenceFile, TaskReport

    media = Path(settings.MEDIA_ROOT)
    return {
        "values": list(
            StatisticValue.objects.order_by("pk").values_list("pk", "value", "version", "is_current")
        ),
        "uploads": list(StatisticUpload.objects.values_list("pk", flat=True)),
        "reports": list(TaskReport.objects.order_by("pk").values_list("pk", "version", "is_current")),
        "evidence": list(EvidenceFile.objects.values_list("pk", flat=True)),
        "submissions": list(Submission.objects.order_by("pk").values_list("pk", "state")),
        "events": SubmissionEvent.objects.count(),
        "files": sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else [],
    }


@pytest.fixture
def upload_url(round_q1, kjj):
    from django.urls import reverse

    return reverse("submissions:statistics_upload", args=["wuhan-2017", "2020Q1", kjj.pk])
