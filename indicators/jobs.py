"""Celery jobs of the indicators room: thin, take ids, call one service.

acks_late + reject_on_worker_lost: a worker killed mid-run leaves the message to be
delivered again, and the JobRun outbox re-enqueues runs that never finished; both are safe
because the recompute is idempotent and writes in one transaction."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import RECOMPUTE_TASK_NAME, indicator_recompute_job_execute


@shared_task(
    name=RECOMPUTE_TASK_NAME,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=8,
)
def recompute_indicators(job_id: int) -> None:
    indicator_recompute_job_execute(job_id=job_id)
