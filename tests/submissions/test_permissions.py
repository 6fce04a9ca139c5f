"""Every URL of reporting × every persona: a reporter of one agency gets 404 (or 403 for a
write it may not make) on another agency's items; outside a user's city is 404; read-only
users get 403 on writes; anonymous users are sent to the login page."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from submissions.models import Notification, Submission
from submissions.services import statistics_upload_import, task_report_draft_save
from tests.conftest import PERSONAS
from tests.permissions import assert_matrix

from .conftest import fill, filled, user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def expect(anonymous, office_wuhan, office_harbin, kjj, gsj, evaluator, evaluator_harbin, yichang=404):
    """`yichang` is reporter_yichang_tjj, a reporter of another city: Wuhan's objects do not
    exist for it (404) unless a row says otherwise."""
    return dict(
        zip(
            PERSONAS,
            [anonymous, office_wuhan, office_harbin, kjj, gsj, evaluator, evaluator_harbin, yichang],
            strict=True,
        )
    )


@pytest.fixture
def world(round_q1, kjj, kjj_user):
    task_item = (
        Submission.objects.filter(round=round_q1, agency=kjj, kind="task").select_related("task").first()
    )
    report, _ = task_report_draft_save(
        round=round_q1,
        agency=kjj,
        task=task_item.task,
        status="in_progress",
        work_done="做了",
        problems="",
        next_steps="",
        user=kjj_user,
        new_files=[("a.pdf", PDF)],
    )
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="k.xlsx", data=filled(round_q1, kjj), user=kjj_user
    )
    stats_item = Submission.objects.get(round=round_q1, agency=kjj, kind="statistics")
    notification = Notification.objects.create(
        user=kjj_user, kind="reminder", title="提醒", url="/reporting/"
    )
    return {
        "task_item": task_item,
        "stats_item": stats_item,
        "evidence": report.evidence.get(),
        "upload": outcome.upload,
        "notification": notification,
    }


def test_reporting_pages_matrix(world, kjj):
    agency = f"/programmes/wuhan-2017/rounds/2020Q1/agencies/{kjj.pk}/"
    login = "302"
    R = 200  # readable
    rows = [
        ("GET", "/statistics/", expect(302, R, R, R, R, R, R, yichang=R)),
        ("GET", "/statistics/add/", expect(302, R, R, 403, 403, 403, 403, yichang=403)),
        ("POST", "/statistics/add/", expect(302, R, R, 403, 403, 403, 403, yichang=403)),
        ("GET", "/programmes/wuhan-2017/statistic-owners/", expect(302, R, 404, R, R, R, 404)),
        ("POST", "/programmes/wuhan-2017/statistic-owners/", expect(302, R, 404, 403, 403, 403, 404)),
        ("GET", "/programmes/wuhan-2017/rounds/", expect(302, R, 404, R, R, R, 404)),
        ("POST", "/programmes/wuhan-2017/rounds/", expect(302, R, 404, 403, 403, 403, 404)),
        ("GET", "/programmes/wuhan-2017/rounds/2020Q1/", expect(302, R, 404, R, R, R, 404)),
        ("GET", "/programmes/wuhan-2017/rounds/2099Q1/", expect(302, 404, 404, 404, 404, 404, 404)),
        ("GET", "/programmes/wuhan-2017/reporting-rates/", expect(302, R, 404, R, R, R, 404)),
        ("POST", "/programmes/wuhan-2017/rounds/2020Q1/sync/", expect(302, 302, 404, 403, 403, 403, 404)),
        ("GET", agency, expect(302, R, 404, R, 404, R, 404)),
        ("GET", agency + "statistics/", expect(302, R, 404, R, 404, R, 404)),
        ("POST", agency + "statistics/", expect(302, 403, 404, R, 404, 403, 404)),
        ("GET", agency + "template.xlsx", expect(302, R, 404, R, 404, R, 404)),
        ("GET", agency + "upload/", expect(302, 403, 404, R, 404, 403, 404)),
        ("POST", agency + "upload/", expect(302, 403, 404, R, 404, 403, 404)),
        ("GET", agency + f"tasks/{world['task_item'].task_id}/", expect(302, R, 404, R, 404, R, 404)),
        ("POST", agency + f"tasks/{world['task_item'].task_id}/", expect(302, 403, 404, R, 404, 403, 404)),
        ("GET", f"/submissions/{world['stats_item'].pk}/", expect(302, R, 404, R, 404, R, 404)),
        ("GET", f"/submissions/{world['task_item'].pk}/", expect(302, R, 404, R, 404, R, 404)),
        (
            "POST",
            f"/submissions/{world['stats_item'].pk}/approve/",
            expect(302, 302, 404, 403, 404, 403, 404),
        ),
        ("POST", f"/submissions/{world['stats_item'].pk}/return/", expect(302, 302, 404, 403, 404, 403, 404)),
        ("POST", f"/submissions/{world['stats_item'].pk}/reopen/", expect(302, 302, 404, 403, 404, 403, 404)),
        ("POST", f"/submissions/{world['task_item'].pk}/submit/", expect(302, 403, 404, 302, 404, 403, 404)),
        (
            "POST",
            f"/submissions/{world['stats_item'].pk}/nonsense/",
            expect(302, 404, 404, 404, 404, 404, 404),
        ),
        ("GET", "/review/", expect(302, R, R, 403, 403, 403, 403, yichang=403)),
        ("POST", "/review/", expect(302, 302, 302, 403, 403, 403, 403, yichang=403)),
        ("GET", "/reporting/", expect(302, 302, 302, R, R, 403, 403, yichang=R)),
        ("GET", "/notifications/", expect(302, R, R, R, R, R, R, yichang=R)),
        (
            "POST",
            f"/notifications/{world['notification'].pk}/open/",
            expect(302, 404, 404, 302, 404, 404, 404),
        ),
        ("GET", f"/evidence/{world['evidence'].pk}/", expect(302, R, 404, R, 404, R, 404)),
        ("GET", f"/statistic-uploads/{world['upload'].pk}/", expect(302, R, 404, R, 404, R, 404)),
        ("GET", "/reporting/uploads/not-a-token/marked.xlsx", expect(302, 404, 404, 404, 404, 404, 404)),
        (
            "POST",
            "/reporting/uploads/not-a-token/confirm/",
            expect(302, 302, 302, 302, 302, 302, 302, yichang=302),
        ),
    ]
    assert login  # anonymous rows expect the redirect to the login page
    assert_matrix(rows, PERSONAS)


def test_nothing_changed_for_the_agency_by_the_matrix(world, kjj):
    """The writes above by other personas changed nothing of 市科技局's items."""
    item = world["stats_item"]
    item.refresh_from_db()
    assert item.state == "draft"


def test_round_close_and_reopen_are_office_only(round_q1):
    url = "/programmes/wuhan-2017/rounds/2020Q1/close/"
    rows = [("POST", url, expect(302, 302, 404, 403, 403, 403, 404))]
    assert_matrix(rows, PERSONAS)
    round_q1.refresh_from_db()
    assert round_q1.status == "closed"
    assert_matrix(
        [("POST", "/programmes/wuhan-2017/rounds/2020Q1/reopen/", expect(302, 302, 404, 403, 403, 403, 404))],
        PERSONAS,
    )
    round_q1.refresh_from_db()
    assert round_q1.status == "open"


def test_a_reporter_cannot_reach_another_agencys_marked_copy_or_confirmation(round_q1, kjj):
    client = Client()
    client.force_login(user("reporter_wuhan_kjj"))
    url = reverse("submissions:statistics_upload", args=["wuhan-2017", "2020Q1", kjj.pk])
    response = client.post(
        url, {"file": SimpleUploadedFile("k.xlsx", fill(filled(round_q1, kjj), cells={"H4": "约3"}))}
    )
    marked = re.search(r'href="(/reporting/uploads/[^"]+/marked\.xlsx)"', response.content.decode()).group(1)
    assert client.get(marked).status_code == 200
    for other in ("reporter_wuhan_gsj", "office_wuhan", "evaluator"):
        c = Client()
        c.force_login(user(other))
        assert c.get(marked).status_code == 404


def test_a_reporter_of_another_city_agency_id_is_404(round_q1, harbin):
    """An agency id of another city inside a Wuhan URL is 404 for everyone."""
    from programmes.models import Agency

    foreign = Agency.objects.filter(city=harbin.city).first()
    url = f"/programmes/wuhan-2017/rounds/2020Q1/agencies/{foreign.pk}/"
    assert_matrix([("GET", url, expect(302, 404, 404, 404, 404, 404, 404))], PERSONAS)


def test_overdue_round_pages_still_render(wuhan, office, kjj):
    from submissions.services import round_open

    round_open(
        programme=wuhan, year=2019, quarter=4, due_date=timezone.localdate() - timedelta(days=5), user=office
    )
    client = Client()
    client.force_login(user("reporter_wuhan_kjj"))
    page = client.get(f"/programmes/wuhan-2017/rounds/2019Q4/agencies/{kjj.pk}/").content.decode()
    assert "逾期" in page
