"""Background runs: written to the database first (an outbox row), then enqueued.

A run asked for while the broker is down stays `queued`; the periodic
`core.requeue_stale_jobs` job enqueues again every row older than a minute that is not
done, so nothing asked for is lost. A running row whose heartbeat is older than
JOB_STALE_SECONDS lost its worker: it goes back to `queued`, counted in `interruptions`,
and is enqueued again. Jobs are idempotent, so a second delivery is harmless.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
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
        .update(
            status=JobRun.Status.RUNNING,
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
            attempts=F("attempts") + 1,
            error="",
        )
    )
    return JobRun.objects.get(pk=job_id) if updated else None


def job_run_progress(*, job: JobRun, progress: int, message: str = "") -> None:
    job.progress = max(0, min(100, int(progress)))
    if message:
        job.message = message[:500]
    JobRun.objects.filter(pk=job.pk).update(
        progress=job.progress, message=job.message, heartbeat_at=timezone.now()
    )


def job_run_heartbeat(*, job_id: int) -> bool:
    """The worker is still on it (called by the heartbeat thread); False once it is not running."""
    return bool(
        JobRun.objects.filter(pk=job_id, status=JobRun.Status.RUNNING).update(heartbeat_at=timezone.now())
    )


def job_run_finish(*, job: JobRun, result: dict | None = None, error: str = "") -> None:
    job.status = JobRun.Status.FAILED if error else JobRun.Status.SUCCEEDED
    job.error = error
    job.result = result or {}
    job.finished_at = timezone.now()
    if not error:
        job.progress = 100
    job.save(update_fields=["status", "error", "result", "finished_at", "progress"])


def jobs_requeue_stale(
    *, older_than: timedelta = timedelta(minutes=1), presumed_dead_after: timedelta | None = None
) -> int:
    """Enqueue again the runs that were asked for but never finished: still queued after a
    minute (the broker was down), or running with no heartbeat for `presumed_dead_after`
    (JOB_STALE_SECONDS): the worker died. Those go back to queued, counted as interrupted."""
    now = timezone.now()
    if presumed_dead_after is None:
        presumed_dead_after = timedelta(seconds=settings.JOB_STALE_SECONDS)
    dead_before = now - presumed_dead_after
    kinds = list(JOB_KINDS)
    silent = Q(heartbeat_at__lt=dead_before) | Q(heartbeat_at__isnull=True, started_at__lt=dead_before)
    sent: list[int] = []
    for job in JobRun.objects.filter(kind__in=kinds, status=JobRun.Status.RUNNING).filter(silent):
        # only if it is still silent now: a worker that beat meanwhile keeps its run
        interrupted = (
            JobRun.objects.filter(pk=job.pk, status=JobRun.Status.RUNNING)
            .filter(silent)
            .update(status=JobRun.Status.QUEUED, interruptions=F("interruptions") + 1)
        )
        if interrupted:
            log.warning(
                "job %s (%s) lost its worker (no heartbeat since %s); enqueued again",
                job.pk,
                job.kind,
                job.heartbeat_at,
            )
            sent.append(job.pk)
            _send(job.pk, job.kind)
    never_started = JobRun.objects.filter(
        kind__in=kinds, status=JobRun.Status.QUEUED, created_at__lt=now - older_than
    ).exclude(pk__in=sent)
    for job in never_started:
        sent.append(job.pk)
        _send(job.pk, job.kind)
    return len(sent)
