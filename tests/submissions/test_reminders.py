"""Daily reminders: only reporters with items not submitted and due within 7 days or
overdue get one, by email and in the portal, never twice the same day."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from ipcity.core.models import JobRun
from submissions.models import Notification, Submission
from submissions.services import reminders_send, round_open, statistics_upload_import, submission_submit

from .conftest import filled

pytestmark = pytest.mark.django_db


@pytest.fixture
def wuhan_tjj(db):
    from accounts.services import user_with_role_ensure
    from indicators.models import StatisticOwner

    agency = StatisticOwner.objects.get(programme__slug="wuhan-2017", statistic__code="POP").agency
    return user_with_role_ensure(
        username="reporter_wuhan_tjj",
        password="demo12345",
        role="reporter",
        agency=agency,
        email="tjj@example.invalid",
    )


def test_reminds_only_reporters_with_open_items_due_within_7_days(
    wuhan, harbin, office, kjj, kjj_user, gsj_user
):
    from django.contrib.auth import get_user_model

    today = timezone.localdate()
    round = round_open(programme=wuhan, year=2020, quarter=1, due_date=today + timedelta(days=5), user=office)
    round_open(
        programme=harbin,
        year=2018,
        quarter=1,
        due_date=today + timedelta(days=30),
        user=get_user_model().objects.get(username="office_harbin"),
    )
    # 市工商局 has submitted everything it owes; 市科技局 has not
    gsj = gsj_user.profile.agency
    statistics_upload_import(
        round=round, agency=gsj, filename="g.xlsx", data=filled(round, gsj), user=gsj_user
    )
    for item in Submission.objects.filter(round=round, agency=gsj):
        if item.kind == "task":
            from submissions.services import task_report_draft_save

            task_report_draft_save(
                round=round,
                agency=gsj,
                task=item.task,
                status="in_progress",
                work_done="做了",
                problems="",
                next_steps="",
                user=gsj_user,
            )
        submission_submit(submission=item, user=gsj_user)
    mail.outbox.clear()
    result = reminders_send(today=today)
    recipients = {m.to[0] for m in mail.outbox}
    assert "reporter_wuhan_kjj@example.invalid" in recipients
    assert "reporter_wuhan_gsj@example.invalid" not in recipients
    assert not any("harbin" in r for r in recipients)  # due in 30 days
    assert Notification.objects.filter(user=kjj_user, kind="reminder", day=today).count() == 1
    assert not Notification.objects.filter(user=gsj_user).exists()
    assert "7 天内截止" in mail.outbox[0].subject or "逾期" in mail.outbox[0].subject
    assert result["emailed"] == len(mail.outbox)

    # never twice a day
    mail.outbox.clear()
    again = reminders_send(today=today)
    assert mail.outbox == [] and again["notified"] == 0 and again["already_today"] >= 1
    # the next day it reminds again
    reminders_send(today=today + timedelta(days=1))
    assert len(mail.outbox) >= 1


def test_overdue_items_are_reminded_and_say_so(wuhan, office, kjj_user):
    today = timezone.localdate()
    round_open(programme=wuhan, year=2019, quarter=4, due_date=today - timedelta(days=2), user=office)
    reminders_send(today=today)
    notification = Notification.objects.get(user=kjj_user, kind="reminder")
    assert "已逾期" in notification.title


def test_closed_rounds_and_far_due_dates_send_nothing(wuhan, office):
    from submissions.services import round_close

    today = timezone.localdate()
    round = round_open(programme=wuhan, year=2019, quarter=4, due_date=today - timedelta(days=2), user=office)
    round_close(round=round, user=office)
    round_open(programme=wuhan, year=2020, quarter=1, due_date=today + timedelta(days=8), user=office)
    # closing a round with gaps tells the office (issue 13); reminders to agencies: none
    before = list(Notification.objects.values_list("pk", flat=True))
    assert reminders_send(today=today)["notified"] == 0
    assert list(Notification.objects.values_list("pk", flat=True)) == before
    assert not Notification.objects.filter(user__profile__role="reporter").exists()


def test_the_daily_job_is_scheduled_by_a_migration_and_runs_as_a_jobrun(
    wuhan, office, django_capture_on_commit_callbacks
):
    task = PeriodicTask.objects.get(task="submissions.reminders_daily")
    assert task.enabled and task.crontab.hour == "8"
    round_open(
        programme=wuhan, year=2020, quarter=1, due_date=timezone.localdate() + timedelta(days=1), user=office
    )
    from submissions.jobs import reminders_daily

    with django_capture_on_commit_callbacks(execute=True):
        reminders_daily.apply()
    job = JobRun.objects.get(kind="submissions.reminders")
    assert job.status == "succeeded" and job.result["notified"] >= 1


def test_notifications_page_lists_and_marks_read(login, wuhan, office, kjj_user):
    round_open(
        programme=wuhan, year=2020, quarter=1, due_date=timezone.localdate() + timedelta(days=3), user=office
    )
    reminders_send()
    client = login("reporter_wuhan_kjj")
    page = client.get(reverse("submissions:notification_list")).content.decode()
    assert "尚未提交" in page and 'id="unread-count"' in page
    notification = Notification.objects.get(user=kjj_user)
    response = client.post(reverse("submissions:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("submissions:workspace")
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert (
        login("reporter_wuhan_gsj")
        .post(reverse("submissions:notification_open", args=[notification.pk]))
        .status_code
        == 404
    )
