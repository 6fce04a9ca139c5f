"""Celery jobs of reporting: thin, each calls one service and records a JobRun row."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from ipcity.core.services import job_run_enqueue, job_run_finish, job_run_start

from .services import reminders_send
from .upload_jobs import UPLOAD_TASK_NAME, upload_job_execute


@shared_task(name="submissions.reminders_daily")
def reminders_daily() -> int:
    """Fired by celery beat every morning: writes the run as a row, then enqueues it."""
    return job_run_enqueue(kind="submissions.reminders", message="每日填报提醒").pk


@shared_task(name="submissions.reminders_run", bind=True, max_retries=3, default_retry_delay=300)
def reminders_run(self, job_id: int) -> dict | None:
    job = job_run_start(job_id=job_id)
    if job is None:
        return None  # already done: a duplicate delivery
    try:
        result = reminders_send()
    except OSError as exc:  # the mail server is unreachable: try again later
        job_run_finish(job=job, error=str(exc))
        raise self.retry(exc=exc) from exc
    job_run_finish(job=job, result=result)
    return result


@shared_task(
    name=UPLOAD_TASK_NAME,
    acks_late=True,  # a worker killed mid-import: delivered again (the import is all or nothing)
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=8,
)
def upload_run(job_id: int) -> None:
    """A big upload checked and written in the background (submissions.upload_jobs)."""
    upload_job_execute(job_id=job_id)
