"""Recompute requests are outbox rows enqueued on commit; the approval hook; the Celery job
retries on database errors, ignores duplicate deliveries, and records failures."""

from datetime import date, timedelta

import pytest
from celery import current_app
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, transaction

from indicators import services
from indicators.jobs import recompute_indicators
from indicators.models import IndicatorProgress, MilestoneCompletion
from indicators.services import (
    RECOMPUTE_JOB_KIND,
    RECOMPUTE_TASK_NAME,
    indicator_recompute_job_execute,
    milestone_completion_record,
    on_statistics_approved,
    programme_recompute_request,
)
from ipcity.core.models import JobRun
from ipcity.core.services import JOB_KINDS, jobs_requeue_stale

from .factories import fill_programme, report


def user(name):
    return get_user_model().objects.get(username=name)


def test_the_job_kind_is_registered_with_acks_late_and_database_retries():
    assert JOB_KINDS[RECOMPUTE_JOB_KIND] == RECOMPUTE_TASK_NAME
    task = current_app.tasks[RECOMPUTE_TASK_NAME]
    assert task.acks_late and task.reject_on_worker_lost
    assert set(task.autoretry_for) >= {OperationalError}
    assert task.max_retries >= 3


@pytest.mark.django_db
def test_a_request_is_an_outbox_row_enqueued_when_the_transaction_commits(
    wuhan, django_capture_on_commit_callbacks
):
    fill_programme(wuhan, through=(2019, 2))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = programme_recompute_request(programme=wuhan, user=user("office_wuhan"))
    assert (job.kind, job.status, job.target) == (RECOMPUTE_JOB_KIND, "queued", wuhan)
    assert job.params == {"programme_id": wuhan.pk, "statistic_codes": None}
    assert not IndicatorProgress.objects.filter(indicator__programme=wuhan).exists()
    assert len(callbacks) == 1
    callbacks[0]()  # the commit; unit tests run Celery eagerly
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("succeeded", 100, 1)
    assert job.result["indicators"] == 20 and job.result["full"] is True
    assert job.message.startswith("20 项指标,写入 ")
    assert IndicatorProgress.objects.filter(indicator__programme=wuhan).count() == 20


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["reporter_wuhan_kjj", "evaluator", "office_harbin"])
def test_only_the_citys_office_may_request_a_recompute(wuhan, persona):
    with pytest.raises(PermissionDenied):
        programme_recompute_request(programme=wuhan, user=user(persona))
    assert not JobRun.objects.filter(kind=RECOMPUTE_JOB_KIND).exists()


@pytest.mark.django_db
def test_the_approval_hook_recomputes_the_dependent_indicators_after_commit(
    wuhan, django_capture_on_commit_callbacks
):
    fill_programme(wuhan, through=(2019, 2))
    services.indicator_recompute(programme=wuhan)
    report(wuhan, "POP", 2019, 2, 500)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():  # the approval's own transaction
            job = on_statistics_approved(programme=wuhan, statistic_codes=["POP"], user=user("office_wuhan"))
            assert job.status == "queued"
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.params["statistic_codes"] == ["POP"]
    assert job.result["indicators"] == 1 and job.result["statistic_codes"] == ["INV_VALID", "POP"]
    p = IndicatorProgress.objects.get(indicator__programme=wuhan, indicator__name="每万人口发明专利拥有量")
    assert p.year == 2019 and p.quarter == 2


@pytest.mark.django_db
def test_an_approval_rolled_back_enqueues_nothing(wuhan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                on_statistics_approved(programme=wuhan, statistic_codes=["POP"], user=user("office_wuhan"))
                raise RuntimeError("approval failed")
    assert callbacks == []
    assert not JobRun.objects.filter(kind=RECOMPUTE_JOB_KIND).exists()
    assert on_statistics_approved(programme=wuhan, statistic_codes=[], user=None) is None


@pytest.mark.django_db
def test_a_request_made_while_the_broker_is_down_runs_once_it_is_back(
    wuhan, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerDown

    task = current_app.tasks[RECOMPUTE_TASK_NAME]

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to redis")

    monkeypatch.setattr(task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = programme_recompute_request(programme=wuhan, user=user("office_wuhan"))
    job.refresh_from_db()
    assert job.status == "queued"  # nothing lost: the row waits
    monkeypatch.undo()
    assert jobs_requeue_stale(older_than=timedelta(0)) == 1  # what beat does every minute
    job.refresh_from_db()
    assert job.status == "succeeded"


@pytest.mark.django_db
def test_the_job_retries_on_database_errors(wuhan, monkeypatch):
    real = services.indicator_recompute
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services, "indicator_recompute", flaky)
    job = services._recompute_enqueue(programme=wuhan, user=None)
    recompute_indicators.apply(args=[job.pk], throw=False)  # eager, as a worker runs it, with autoretry
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("succeeded", 2)
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_database_error_propagates_and_leaves_the_run_to_be_retried(wuhan, monkeypatch):
    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "indicator_recompute", down)
    job = services._recompute_enqueue(programme=wuhan, user=None)
    with pytest.raises(OperationalError):
        indicator_recompute_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "running"  # retried by Celery, or re-enqueued by the outbox when stale


@pytest.mark.django_db
def test_a_duplicate_delivery_of_a_finished_run_does_nothing(wuhan):
    job = services._recompute_enqueue(programme=wuhan, user=None)
    assert indicator_recompute_job_execute(job_id=job.pk) is not None
    job.refresh_from_db()
    finished = job.finished_at
    assert indicator_recompute_job_execute(job_id=job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.finished_at, job.attempts) == ("succeeded", finished, 1)
    assert indicator_recompute_job_execute(job_id=987654321) is None  # a row flushed meanwhile


@pytest.mark.django_db
def test_any_other_error_marks_the_run_failed_for_the_user_to_see(wuhan, monkeypatch):
    def broken(**kwargs):
        raise ValueError("意外的数据")

    monkeypatch.setattr(services, "indicator_recompute", broken)
    job = services._recompute_enqueue(programme=wuhan, user=None)
    assert indicator_recompute_job_execute(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "计算失败:意外的数据"


# --- milestones ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_milestone_done_with_evidence_is_achieved_at_once(db):
    from programmes.models import Programme

    yichang = Programme.objects.get(slug="yichang-2020")
    milestone = yichang.indicators.get(name="知识产权证券化产品")
    office = user("office_yichang")
    record = milestone_completion_record(
        indicator=milestone,
        user=office,
        is_done=True,
        done_on=date(2021, 11, 30),
        evidence=SimpleUploadedFile("发行公告.pdf", b"%PDF-1.4 demo", content_type="application/pdf"),
        note="首单知识产权证券化产品发行",
    )
    assert record.evidence_name == "发行公告.pdf" and record.evidence.read() == b"%PDF-1.4 demo"
    progress = IndicatorProgress.objects.get(indicator=milestone)
    assert progress.status == "achieved" and progress.reason == "已完成:于2021-11-30完成,有证明材料。"
    assert progress.completion == 1


def test_a_milestone_done_after_an_as_of_date_is_not_done_as_of_it(db):
    """A mid-term as of February does not count a securitisation finished in April."""
    from django.utils import timezone

    from indicators.selectors import indicators_assess_as_of
    from programmes.models import Programme

    yichang = Programme.objects.get(slug="yichang-2020")
    milestone = yichang.indicators.get(name="知识产权证券化产品")
    milestone_completion_record(
        indicator=milestone,
        user=user("office_yichang"),
        is_done=True,
        done_on=date(2022, 4, 1),
        evidence=SimpleUploadedFile("发行公告.pdf", b"%PDF-1.4 demo", content_type="application/pdf"),
    )
    MilestoneCompletion.objects.filter(indicator=milestone).update(
        recorded_at=timezone.make_aware(timezone.datetime(2022, 4, 2, 10))
    )
    milestone.progress = IndicatorProgress.objects.get(indicator=milestone)
    before = indicators_assess_as_of(indicators=[milestone], year=2022, quarter=1, today=date(2022, 2, 28))
    after = indicators_assess_as_of(indicators=[milestone], year=2022, quarter=2, today=date(2022, 6, 30))
    assert before[milestone.pk].status != "achieved" and "2022-04-01" not in before[milestone.pk].reason
    assert after[milestone.pk].status == "achieved"


@pytest.mark.django_db
def test_a_milestone_marked_done_needs_a_date_and_evidence(db):
    from programmes.models import Programme

    yichang = Programme.objects.get(slug="yichang-2020")
    milestone = yichang.indicators.get(name="知识产权证券化产品")
    with pytest.raises(ValidationError) as caught:
        milestone_completion_record(indicator=milestone, user=user("office_yichang"), is_done=True)
    assert set(caught.value.message_dict) == {"done_on", "evidence"}
    with pytest.raises(PermissionDenied):
        milestone_completion_record(indicator=milestone, user=user("evaluator"), is_done=False)
    assert not MilestoneCompletion.objects.exists()
