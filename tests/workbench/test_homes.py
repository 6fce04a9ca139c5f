"""Each role lands on its home; the counts follow the state (submit → +1 → approve → −1);
the office is told of submissions, gaps at closing and report requests; a reporter submits
a round's items in one confirmed step."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from accounts.models import Profile
from accounts.services import user_with_role_ensure
from submissions.models import Notification, Submission
from submissions.services import round_close, submission_submit, submissions_approve

from .helpers import draft_task_reports

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def hubei(province_user):
    from programmes.models import City

    City.objects.filter(name__in=["武汉市", "宜昌市"]).update(province="湖北省")
    City.objects.filter(name="哈尔滨市").update(province="黑龙江省")
    return province_user


def draft_task_report(round, agency, reporter):
    return draft_task_reports(round, reporter)[0]


@pytest.mark.parametrize(
    "persona, landing",
    [
        ("office_wuhan", "/workbench/"),
        ("reporter_wuhan_kjj", "/workbench/reporter/"),
        ("evaluator", "/workbench/evaluator/"),
    ],
)
def test_each_role_lands_on_its_home(login, persona, landing):
    response = login(persona).get("/")
    assert response.status_code == 302 and response["Location"] == landing
    assert login(persona).get(landing).status_code == 200


def test_province_user_lands_on_its_cities_side_by_side_and_not_others(client, hubei):
    client.force_login(hubei)
    assert client.get("/")["Location"] == "/workbench/province/"
    page = client.get("/workbench/province/").content.decode()
    assert 'data-programme="wuhan-2017"' in page and 'data-programme="yichang-2020"' in page
    assert "harbin-2016" not in page
    assert client.get("/programmes/wuhan-2017/").status_code == 200
    assert client.get("/programmes/harbin-2016/").status_code == 404
    assert client.get("/workbench/").status_code == 403


def test_office_count_follows_submit_and_approve_and_the_office_is_told(
    login, round_q1, kjj, kjj_user, office, django_capture_on_commit_callbacks
):
    client = login("office_wuhan")

    def pending():
        page = client.get("/workbench/").content.decode()
        return int(page.split('data-count="pending">', 1)[1].split("<", 1)[0])

    before = pending()
    mail.outbox.clear()
    item = draft_task_report(round_q1, kjj, kjj_user)
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(submission=item, user=kjj_user)
    assert pending() == before + 1
    told = Notification.objects.filter(user=office, kind=Notification.Kind.SUBMITTED)
    assert told.count() == 1 and kjj.name in told.get().title
    assert told.get().url == f"/submissions/{item.pk}/"
    assert [m.to for m in mail.outbox] == [[office.email]]
    nav = client.get("/programmes/").content.decode()
    assert f'id="review-count">{before + 1}<' in nav
    submissions_approve(submissions=[Submission.objects.get(pk=item.pk)], user=office)
    assert pending() == before


def test_office_sees_agencies_in_three_colours_and_closing_with_gaps_tells_it(
    login, wuhan, round_q1, kjj, kjj_user, office
):
    page = login("office_wuhan").get("/workbench/").content.decode()
    row = page.split(f'data-round="{round_q1.pk}"', 1)[1].split("</tr>", 1)[0]
    agencies = round_q1.submissions.values("agency").distinct().count()
    open_count = agencies  # due in 10 days: nobody is red or yellow, nobody done
    assert 'data-colour="red" href' in row and ">0</a>" in row
    assert open_count > 0
    round_q1.due_date = timezone.localdate() - timedelta(days=1)
    round_q1.save()
    page = login("office_wuhan").get("/workbench/").content.decode()
    row = page.split(f'data-round="{round_q1.pk}"', 1)[1].split("</tr>", 1)[0]
    red = int(row.split('data-colour="red"', 1)[1].split(">", 1)[1].split("<", 1)[0])
    assert red == agencies
    round_close(round=round_q1, user=office)
    gaps = Notification.objects.get(user=office, kind=Notification.Kind.ROUND_GAPS)
    assert str(agencies) in gaps.title and kjj.name in gaps.body


def test_reporter_home_puts_returned_first_and_submits_ready_items_in_one_confirmed_step(
    login, round_q1, kjj, kjj_user, office
):
    first = draft_task_report(round_q1, kjj, kjj_user)
    submission_submit(submission=first, user=kjj_user)
    from submissions.services import submission_return

    submission_return(submission=Submission.objects.get(pk=first.pk), user=office, comment="请补充")
    others = draft_task_reports(round_q1, kjj_user, count=2, exclude=[first])
    client = login("reporter_wuhan_kjj")
    page = client.get("/workbench/reporter/").content.decode()
    states = [chunk.split('"', 1)[0] for chunk in page.split('data-state="')[1:]]
    assert states[0] == "returned"
    assert 'data-count="returned">1<' in page
    ids = [first.pk] + [o.pk for o in others]
    url = f"/workbench/reporter/rounds/{round_q1.pk}/submit-all/"
    # without the confirmation nothing is submitted
    client.post(url, {"ids": ids})
    assert not Submission.objects.filter(pk__in=ids, state="submitted").exists()
    # an item with nothing filled stops the whole step, and says which
    empty = Submission.objects.filter(round=round_q1, agency=kjj, kind="statistics").get()
    response = client.post(url, {"ids": ids + [empty.pk], "confirm": "1"}, follow=True)
    assert "还不能提交" in response.content.decode() or "不能提交" in response.content.decode()
    assert not Submission.objects.filter(pk__in=ids, state="submitted").exists()
    response = client.post(url, {"ids": ids, "confirm": "1"}, follow=True)
    assert "已提交 3 项" in response.content.decode()
    assert Submission.objects.filter(pk__in=ids, state="submitted").count() == 3


def test_another_agencys_reporter_cannot_submit_all_for_kjj(login, round_q1, kjj, kjj_user):
    item = draft_task_report(round_q1, kjj, kjj_user)
    response = login("reporter_wuhan_gsj").post(
        f"/workbench/reporter/rounds/{round_q1.pk}/submit-all/", {"ids": [item.pk], "confirm": "1"}
    )
    assert response.status_code == 302
    assert Submission.objects.get(pk=item.pk).state == "draft"


def test_evaluator_home_lists_programmes_and_request_a_report_tells_the_office(login, office):
    client = login("evaluator")
    page = client.get("/workbench/evaluator/").content.decode()
    assert 'data-programme="wuhan-2017"' in page and 'data-programme="yichang-2020"' in page
    assert "申请报告" in page
    response = client.post(
        "/workbench/evaluator/wuhan-2017/request-report/", {"kind": "midterm", "message": "截至2019年底"}
    )
    assert response.status_code == 302
    request = Notification.objects.get(user=office, kind=Notification.Kind.REPORT_REQUEST)
    assert "中期评价报告" in request.title and request.body == "截至2019年底"
    # a bad kind is a clear message, and nobody is told
    client.post("/workbench/evaluator/wuhan-2017/request-report/", {"kind": "quarterly"})
    assert Notification.objects.filter(kind=Notification.Kind.REPORT_REQUEST).count() == 1
    # not assigned: 404; another city's office gets nothing
    assert (
        client.post("/workbench/evaluator/harbin-2016/request-report/", {"kind": "midterm"}).status_code
        == 404
    )
    assert not Notification.objects.filter(user__username="office_harbin", kind="report_request").exists()


def test_evaluator_without_programmes_is_told_what_to_do(client):
    lone = user_with_role_ensure(username="evaluator_new", password="demo12345", role=Profile.Role.EVALUATOR)
    client.force_login(lone)
    page = client.get("/workbench/evaluator/").content.decode()
    assert 'id="evaluator-empty"' in page and "分配" in page
