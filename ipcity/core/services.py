"""Background runs: written to the database first (an outbox row), then enqueued.

A run asked for while the broker is down stays `queued`; the periodic
`core.requeue_stale_jobs` job enqueues again every row older than a minute that is not
done, so nothing asked for is lost. Jobs are idempotent, so a second delivery is harmless.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import JobRun

log = logging.getLogger(__name__)

# kind → Celery task name; rooms register their jobs in their AppConfig.ready().
JOB_KINDS: dict[str, str] = {}


def job_kind_register(kind: str, task_name: str) -> None:
    JOB_KINDS[kind] = task_name


def _send(job_id: int, kind: str) -> None:
    task_name = JOB_KINDS[kind]
    try:
        task = current_app.tasks.get(task_name)
        if task is not None:
            task.delay(job_id)  # inline when CELERY_TASK_ALWAYS_EAGER (make run, unit tests)
        else:
            current_app.send_task(task_name, args=[job_id])
    except Exception as exc:  # noqa: BLE001 - a broker that is down must not lose the request
        log.warning(
            "could not enqueue job %s (%s): %s; it stays queued and will be retried", job_id, kind, exc
        )


def job_run_enqueue(
    *, kind: str, user=None, target=None, params: dict | None = None, message: str = ""
) -> JobRun:
    """Write the run as a row, then enqueue it once the surrounding transaction commits."""
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = JobRun.objects.create(
        kind=kind, created_by=user, target=target, params=params or {}, message=message
    )
    transaction.on_commit(lambda: _send(job.pk, kind))
    return job


def job_run_start(*, job_id: int) -> JobRun | None:
    """Mark a run as running; None when it is already finished (a duplicate delivery)."""
    updated = (
        JobRun.objects.filter(pk=job_id)
        .exclude(status=JobRun.Status.SUCCEEDED)
        .update(status=JobRun.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, error="")
    )
    return JobRun.objects.get(pk=job_id) if updated else None


def job_run_progress(*, job: JobRun, progress: int, message: str = "") -> None:
    job.progress = max(0, min(100, int(progress)))
    if message:
        job.message = message[:500]
    JobRun.objects.filter(pk=job.pk).update(progress=job.progress, message=job.message)


def job_run_finish(*, job: JobRun, result: dict | None = None, error: str = "") -> None:
    job.status = JobRun.Status.FAILED if error else JobRun.Status.SUCCEEDED
    job.error = error
    job.result = result or {}
    job.finished_at = timezone.now()
    if not error:
        job.progress = 100
    job.save(update_fields=["status", "error", "result", "finished_at", "progress"])


def jobs_requeue_stale(
    *, older_than: timedelta = timedelta(minutes=1), presumed_dead_after: timedelta = timedelta(minutes=10)
) -> int:
    """Enqueue again the runs that were asked for but never finished: still queued after a
    minute (the broker was down), or running for so long that the worker must have died."""
    now = timezone.now()
    stale = JobRun.objects.filter(kind__in=list(JOB_KINDS)).filter(
        Q(status=JobRun.Status.QUEUED, created_at__lt=now - older_than)
        | Q(status=JobRun.Status.RUNNING, started_at__lt=now - presumed_dead_after)
    )
    count = 0
    for job in stale:
        _send(job.pk, job.kind)
        count += 1
    return count
