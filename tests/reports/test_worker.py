"""A report job end to end on a real Celery worker (Redis broker, PostgreSQL): the page's
request writes the JobRun and enqueues it; the worker renders, stores the version, reports
progress and the download link; the stored PDF is the report."""

import pytest
from django.contrib.auth import get_user_model

from ipcity.core.models import JobRun
from programmes.models import Programme
from reports.models import ReportVersion
from reports.services import report_create, report_generation_enqueue
from tests.worker_support import (  # noqa: F401 - fixtures
    celery_worker,
    celery_worker_factory,
    ensure_seed_world,
    reseed_after_module,
    wait_for,
)

from .pdfcheck import embedded_cjk_fonts, pdf_text, squash

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseed_after_module"),
]


def test_a_report_job_runs_end_to_end_on_a_real_worker(celery_worker):  # noqa: F811 - the fixture
    ensure_seed_world()
    office = get_user_model().objects.get(username="office_wuhan")
    wuhan = Programme.objects.get(slug="wuhan-2017")
    report = report_create(programme=wuhan, kind="acceptance", user=office)

    job = report_generation_enqueue(report=report, user=office)  # autocommit: enqueued at once
    seen = set()

    def done():
        run = JobRun.objects.get(pk=job.pk)
        seen.add(run.progress)
        return run if run.is_done else None

    job = wait_for(done, timeout=180, worker=celery_worker)
    assert job.status == JobRun.Status.SUCCEEDED, f"{job.error}\n{celery_worker.output}"
    assert job.progress == 100 and job.attempts == 1
    assert "reports.generate_report" in celery_worker.output  # it ran in the worker, not inline
    version = ReportVersion.objects.get(pk=job.result["version_id"])
    assert version.report_id == report.pk and version.version == 1 and version.generated_by == office
    assert job.result["download_url"].endswith(f"/reports/files/{version.pk}/pdf/")
    with version.pdf.open("rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF-") and len(pdf) == version.size
    text = squash(pdf_text(pdf))
    assert "武汉市" in text and "实施情况验收报告" in text
    assert embedded_cjk_fonts(pdf)
