"""Celery jobs of reporting: thin, each calls one service and records a JobRun row."""

from celery import shared_task

from ipcity.core.services import job_run_enqueue, job_run_finish, job_run_start

from .services import reminders_send


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
