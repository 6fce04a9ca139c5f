"""A job whose worker died shows it and is retried after ~2 minutes, not after 10: running
jobs beat (every progress step, plus a thread in the worker), and the outbox job re-enqueues
a running row whose heartbeat is older than JOB_STALE_SECONDS."""

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from indicators.services import RECOMPUTE_JOB_KIND
from ipcity.core import heartbeat, services
from ipcity.core.models import JobRun
from ipcity.core.services import JOB_KINDS, job_run_progress, job_run_start, jobs_requeue_stale
from tests.worker_support import ensure_seed_world, wait_for

INTERRUPTED = "任务中断，已自动重试（第1次）"


def running_job(programme, *, heartbeat_age: timedelta, started_age: timedelta = timedelta(minutes=30)):
    now = timezone.now()
    job = JobRun.objects.create(
        kind=RECOMPUTE_JOB_KIND,
        status=JobRun.Status.RUNNING,
        progress=75,
        message="写入计算结果",
        params={"programme_id": programme.pk},
        created_by=get_user_model().objects.get(username="office_wuhan"),
        target=programme,
        started_at=now - started_age,
        heartbeat_at=now - heartbeat_age,
        attempts=1,
    )
    JobRun.objects.filter(pk=job.pk).update(created_at=now - started_age)  # asked for before it started
    job.refresh_from_db()
    return job


@pytest.fixture
def sent(monkeypatch):
    """What the outbox sends to the broker, instead of sending it."""
    calls = []
    monkeypatch.setattr(services, "_send", lambda job_id, kind: calls.append(job_id))
    return calls


@pytest.mark.django_db
def test_the_stale_threshold_is_two_minutes_by_default(settings):
    assert settings.JOB_STALE_SECONDS == 120
    assert 0 < settings.JOB_HEARTBEAT_SECONDS < settings.JOB_STALE_SECONDS


@pytest.mark.django_db
def test_a_run_silent_past_the_threshold_is_requeued_and_shown_as_interrupted(wuhan, login, sent):
    job = running_job(wuhan, heartbeat_age=timedelta(minutes=3))
    assert jobs_requeue_stale() == 1
    assert sent == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.interruptions, job.attempts) == ("queued", 1, 1)

    page = login("office_wuhan").get(reverse("job_status", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert INTERRUPTED in html and 'data-status="queued"' in html

    # no worker took it by the next beat of the outbox: it is sent again as a queued run,
    # but it was interrupted once, not twice
    assert jobs_requeue_stale() == 1
    job.refresh_from_db()
    assert (job.status, job.interruptions) == ("queued", 1)


@pytest.mark.django_db
def test_a_run_with_a_fresh_heartbeat_is_left_alone(wuhan, login, sent):
    job = running_job(wuhan, heartbeat_age=timedelta(seconds=30), started_age=timedelta(minutes=30))
    assert jobs_requeue_stale() == 0
    assert sent == []
    job.refresh_from_db()
    assert (job.status, job.interruptions, job.progress) == ("running", 0, 75)
    html = login("office_wuhan").get(reverse("job_status", args=[job.pk])).content.decode()
    assert "任务中断" not in html and 'data-status="running"' in html


@pytest.mark.django_db
def test_the_interrupted_run_is_run_again_to_the_end(wuhan, login):
    """Eager here (as in `make run`): the re-sent run executes inline and succeeds."""
    job = running_job(wuhan, heartbeat_age=timedelta(minutes=5))
    assert jobs_requeue_stale() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.interruptions, job.progress) == ("succeeded", 2, 1, 100)
    html = login("office_wuhan").get(reverse("job_status", args=[job.pk])).content.decode()
    assert INTERRUPTED in html and "已完成" in html


@pytest.mark.django_db
def test_start_and_progress_are_heartbeats(wuhan):
    long_ago = timezone.now() - timedelta(hours=1)
    job = running_job(wuhan, heartbeat_age=timedelta(hours=1))
    JobRun.objects.filter(pk=job.pk).update(status=JobRun.Status.QUEUED)
    job = job_run_start(job_id=job.pk)
    assert job.heartbeat_at > long_ago
    JobRun.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
    job_run_progress(job=job, progress=80, message="仍在计算")
    job.refresh_from_db()
    assert job.heartbeat_at > long_ago and job.progress == 80


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reseed_after_module")
def test_the_worker_thread_beats_while_the_task_runs_and_stops_after(settings):
    """The thread started for a job task writes heartbeats on its own connection."""
    ensure_seed_world()
    from programmes.models import Programme

    settings.JOB_HEARTBEAT_SECONDS = 0.05
    job = running_job(Programme.objects.get(slug="wuhan-2017"), heartbeat_age=timedelta(hours=1))
    before = job.heartbeat_at
    task = SimpleNamespace(name=JOB_KINDS[RECOMPUTE_JOB_KIND], request=SimpleNamespace(is_eager=False))
    heartbeat.heartbeat_start(task_id="t-1", task=task, args=(job.pk,))
    try:
        wait_for(lambda: JobRun.objects.get(pk=job.pk).heartbeat_at > before, timeout=20)
    finally:
        heartbeat.heartbeat_stop(task_id="t-1")
    assert "t-1" not in heartbeat._beating
    wait_for(lambda: not any(t.name == f"job-heartbeat-{job.pk}" for t in threading.enumerate()), timeout=20)


@pytest.mark.django_db
def test_eager_and_non_job_tasks_get_no_heartbeat_thread(wuhan):
    job = running_job(wuhan, heartbeat_age=timedelta(hours=1))
    eager = SimpleNamespace(name=JOB_KINDS[RECOMPUTE_JOB_KIND], request=SimpleNamespace(is_eager=True))
    other = SimpleNamespace(name="core.requeue_stale_jobs", request=SimpleNamespace(is_eager=False))
    heartbeat.heartbeat_start(task_id="e", task=eager, args=(job.pk,))
    heartbeat.heartbeat_start(task_id="o", task=other, args=())
    assert "e" not in heartbeat._beating and "o" not in heartbeat._beating
