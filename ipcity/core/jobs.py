from celery import shared_task

from .services import jobs_requeue_stale


@shared_task(name="core.requeue_stale_jobs")
def requeue_stale_jobs() -> int:
    return jobs_requeue_stale()
