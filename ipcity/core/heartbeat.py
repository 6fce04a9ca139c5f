"""A heartbeat thread beside every job run in a worker.

Progress updates already count as heartbeats, but one step (rendering a long PDF, one big
query) can be silent for minutes; this thread writes `JobRun.heartbeat_at` every
JOB_HEARTBEAT_SECONDS while the task runs. A killed worker takes the thread with it, so
its run falls silent and `jobs_requeue_stale` enqueues it again after JOB_STALE_SECONDS.
Jobs run inline (eager: `make run`, unit tests) need none: they cannot outlive the caller.
"""

import logging
import threading

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)

_beating: dict[str, threading.Event] = {}


def _job_task_names() -> set[str]:
    from .services import JOB_KINDS

    return set(JOB_KINDS.values())


def _beat(job_id: int, stop: threading.Event, interval: float) -> None:
    from .services import job_run_heartbeat

    try:
        while not stop.wait(interval):
            try:
                if not job_run_heartbeat(job_id=job_id):
                    return  # finished (or not started): nothing to keep alive
            except Exception as exc:  # noqa: BLE001 - a missed beat must not break the job
                log.warning("heartbeat of job %s failed: %s", job_id, exc)
    finally:
        connection.close()  # this thread's own connection


@task_prerun.connect
def heartbeat_start(sender=None, task_id=None, task=None, args=None, **kwargs):
    if task is None or task.request.is_eager or not args or task.name not in _job_task_names():
        return
    stop = threading.Event()
    _beating[task_id] = stop
    threading.Thread(
        target=_beat,
        args=(int(args[0]), stop, float(settings.JOB_HEARTBEAT_SECONDS)),
        name=f"job-heartbeat-{args[0]}",
        daemon=True,
    ).start()


@task_postrun.connect
def heartbeat_stop(sender=None, task_id=None, **kwargs):
    stop = _beating.pop(task_id, None)
    if stop is not None:
        stop.set()
