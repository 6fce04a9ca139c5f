"""A real Celery worker on the real Redis (CI): an approval is recomputed by the worker, and
a worker killed in the middle of a full recompute leaves nothing half-written; running the
recompute again gives the same rows as computing them afresh."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from indicators.models import IndicatorProgress
from indicators.services import indicator_recompute, on_statistics_approved, programme_recompute_request
from ipcity.core.models import JobRun
from ipcity.core.services import jobs_requeue_stale
from programmes.models import Programme
from tests.worker_support import ensure_seed_world, wait_for

from .factories import fill_programme, report
from .test_engine import content, snapshot

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseed_after_module"),
]


def job_done(pk):
    job = JobRun.objects.get(pk=pk)
    return job if job.is_done else None


def test_an_approval_is_recomputed_by_the_worker(celery_worker):
    ensure_seed_world()
    wuhan = Programme.objects.get(slug="wuhan-2017")
    report(wuhan, "INV_VALID", 2016, 4, 15000)
    report(wuhan, "POP", 2016, 4, 1000)
    report(wuhan, "INV_VALID", 2019, 4, 28400)
    report(wuhan, "POP", 2019, 4, 1000)
    with transaction.atomic():  # as the approval of a submission does
        job = on_statistics_approved(
            programme=wuhan,
            statistic_codes=["INV_VALID", "POP"],
            user=get_user_model().objects.get(username="office_wuhan"),
        )
    job = wait_for(lambda: job_done(job.pk), worker=celery_worker)
    assert job.status == "succeeded", job.error
    assert job.result["indicators"] == 1
    p = IndicatorProgress.objects.get(indicator__programme=wuhan, indicator__name="每万人口发明专利拥有量")
    assert (p.status, str(p.value)) == ("on_track", "28.400000")
    assert p.projection_text == "预计2020-12达到35.13件/万人(目标30)"


def _idle_in_transaction() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def test_killing_the_worker_mid_recompute_then_running_it_again_gives_the_same_rows(celery_worker_factory):
    ensure_seed_world()
    wuhan = Programme.objects.get(slug="wuhan-2017")
    office = get_user_model().objects.get(username="office_wuhan")
    fill_programme(wuhan, through=(2019, 2))
    indicator_recompute(programme=wuhan)
    before = snapshot(wuhan)
    report(wuhan, "INV_APP", 2019, 2, 99999)  # new data for the recompute to write
    report(wuhan, "POP", 2019, 2, 900)

    slow = celery_worker_factory(settings_module="tests.indicators.worker_settings")
    job = programme_recompute_request(programme=wuhan, user=office)  # autocommit: enqueued now
    # wait until the worker is inside its write transaction (results half-written), then kill it
    wait_for(lambda: JobRun.objects.get(pk=job.pk).progress >= 75 and _idle_in_transaction(), worker=slow)
    slow.kill()
    wait_for(lambda: not _idle_in_transaction(), timeout=30)
    assert JobRun.objects.get(pk=job.pk).status == "running"
    assert snapshot(wuhan) == before  # nothing half-written survived

    worker = celery_worker_factory()
    assert jobs_requeue_stale(older_than=timedelta(0), presumed_dead_after=timedelta(0)) >= 1
    job = wait_for(lambda: job_done(job.pk), worker=worker)
    assert job.status == "succeeded" and job.attempts == 2
    after = snapshot(wuhan)
    assert after != before

    # running it again changes nothing: the same rows, the same times
    assert indicator_recompute(programme=wuhan)["written"] == 0
    assert snapshot(wuhan) == after
    # and they are the rows a fresh computation gives
    IndicatorProgress.objects.filter(indicator__programme=wuhan).delete()
    wuhan.statistic_totals.all().delete()
    from indicators.models import IndicatorValue

    IndicatorValue.objects.filter(indicator__programme=wuhan).delete()
    indicator_recompute(programme=wuhan)
    assert content(snapshot(wuhan)) == content(after)
