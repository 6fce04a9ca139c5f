"""Celery jobs of the reports room: thin, they take a JobRun id and call one service."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.urls import reverse
from django.utils.translation import gettext as _

from ipcity.core.services import job_run_finish, job_run_progress, job_run_start

from .errors import ReportError

log = logging.getLogger(__name__)


@shared_task(
    name="reports.generate_report",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def generate_report(job_id: int) -> int | None:
    """Generate a report version for the JobRun's target report (idempotent per run)."""
    from django.core.exceptions import ValidationError

    from .models import Report
    from .services import report_generate

    job = job_run_start(job_id=job_id)
    if job is None:
        return None  # already done: a second delivery
    report = (
        Report.objects.select_related("programme__city", "agency")
        .filter(pk=job.params.get("report_id"))
        .first()
    )
    if report is None:
        job_run_finish(job=job, error=_("报告已被删除。"))
        return None

    def progress(pct: int, message: str) -> None:
        job_run_progress(job=job, progress=pct, message=message)

    try:
        version = report_generate(report=report, user=job.created_by, progress=progress)
    except ReportError as exc:
        job_run_finish(job=job, error=str(exc))
        return None
    except ValidationError as exc:
        job_run_finish(job=job, error=" ".join(exc.messages))
        return None
    except OperationalError:
        raise  # transient database trouble: Celery retries
    except Exception as exc:  # noqa: BLE001 - the run's row must say it failed
        log.exception("report generation %s failed", job_id)
        job_run_finish(job=job, error=_("报告生成失败:%(error)s") % {"error": exc})
        return None
    slug = report.programme.slug
    job_run_finish(
        job=job,
        result={
            "version_id": version.pk,
            "version": version.version,
            "pages": version.page_count,
            "download_url": reverse("reports:version_download", args=[slug, version.pk, "pdf"]),
            "xlsx_url": reverse("reports:version_download", args=[slug, version.pk, "xlsx"]),
            "zip_url": reverse("reports:version_download", args=[slug, version.pk, "zip"]),
        },
    )
    return version.pk
