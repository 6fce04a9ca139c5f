"""审核待办 (issue 13 item 4): filters by agency, kind and state; after approving or
returning an item the office lands on the next item of the same filtered queue; bulk
approval lists what it will approve and approves only after that confirmation."""

import re

import pytest
from django.urls import reverse

from submissions.models import Submission, SubmissionEvent
from submissions.services import statistics_upload_import, submission_submit

from .conftest import filled

pytestmark = pytest.mark.django_db

QUEUE = reverse("submissions:review_queue")


@pytest.fixture
def submitted(round_q1, kjj, gsj, kjj_user, gsj_user):
    """kjj submits its statistics and the task 二.3; gsj submits its statistics."""
    for agency, user, tasks in (
        (kjj, kjj_user, {"二.3": ("推进中", "召开执法协作会议")}),
        (gsj, gsj_user, None),
    ):
        statistics_upload_import(
            round=round_q1,
            agency=agency,
            filename="a.xlsx",
            data=filled(round_q1, agency, tasks=tasks),
            user=user,
        )
        for item in Submission.objects.filter(round=round_q1, agency=agency, state="draft"):
            submission_submit(submission=item, user=user)
    items = Submission.objects.filter(round=round_q1, state="submitted").order_by("submitted_at", "pk")
    assert {(i.agency_id, i.kind) for i in items} == {
        (kjj.pk, "statistics"),
        (kjj.pk, "task"),
        (gsj.pk, "statistics"),
    }
    return list(items)


def shown_ids(response) -> set[int]:
    """The items listed on the queue page (their links), as a user would see them."""
    return {int(pk) for pk in re.findall(r'href="/submissions/(\d+)/\?', response.content.decode())}


def test_filters_narrow_the_queue(login, submitted, kjj, gsj):
    client = login("office_wuhan")
    everything = client.get(QUEUE)
    assert everything.status_code == 200 and shown_ids(everything) == {i.pk for i in submitted}

    by_agency = client.get(QUEUE, {"agency": gsj.pk})
    assert shown_ids(by_agency) == {i.pk for i in submitted if i.agency_id == gsj.pk}
    assert kjj.name not in by_agency.content.decode().split("<tbody>")[1]

    by_kind = client.get(QUEUE, {"kind": "task"})
    assert shown_ids(by_kind) == {i.pk for i in submitted if i.kind == "task"}

    both = client.get(QUEUE, {"agency": kjj.pk, "kind": "statistics"})
    assert shown_ids(both) == {i.pk for i in submitted if i.agency_id == kjj.pk and i.kind == "statistics"}

    nothing_returned = client.get(QUEUE, {"state": "returned"})
    assert shown_ids(nothing_returned) == set() and "没有待审核的事项" in nothing_returned.content.decode()
    assert 'id="bulk-approve"' not in nothing_returned.content.decode()


def test_a_returned_item_is_found_by_the_state_filter(login, submitted, office):
    from submissions.services import submission_return

    item = submitted[0]
    submission_return(submission=item, user=office, comment="请核对")
    client = login("office_wuhan")
    assert shown_ids(client.get(QUEUE, {"state": "returned"})) == {item.pk}
    assert item.pk not in shown_ids(client.get(QUEUE))


def test_an_unknown_filter_value_is_said_and_lists_nothing(login, submitted):
    client = login("office_wuhan")
    response = client.get(QUEUE, {"kind": "nonsense", "agency": "999999"})
    assert response.status_code == 200
    assert shown_ids(response) == set()
    errors = (
        response.content.decode()
        .split('class="alert alert-warning filter-errors">')[1]
        .split("</div></div>")[0]
    )
    assert "类别" in errors and "填报单位" in errors and "有效" in errors


def test_approve_goes_to_the_next_item_of_the_filtered_queue(login, submitted, kjj):
    first, second = [i for i in submitted if i.agency_id == kjj.pk]
    client = login("office_wuhan")
    page = client.get(f"{first.get_absolute_url()}?agency={kjj.pk}&state=submitted").content.decode()
    assert 'name="queue"' in page
    query = f"agency={kjj.pk}&state=submitted"
    response = client.post(
        reverse("submissions:submission_action", args=[first.pk, "approve"]), {"queue": query}
    )
    assert response.status_code == 302
    assert response.url == f"{second.get_absolute_url()}?{query}"
    first.refresh_from_db()
    assert first.state == "approved"

    # returning the last one of the filter goes back to the filtered queue
    response = client.post(
        reverse("submissions:submission_action", args=[second.pk, "return"]),
        {"queue": query, "comment": "请补充佐证材料"},
    )
    assert response.url == f"{QUEUE}?{query}"
    second.refresh_from_db()
    assert second.state == "returned" and second.review_comment == "请补充佐证材料"


def test_approve_without_the_queue_stays_on_the_item(login, submitted):
    item = submitted[0]
    client = login("office_wuhan")
    assert 'name="queue"' not in client.get(item.get_absolute_url()).content.decode()
    response = client.post(reverse("submissions:submission_action", args=[item.pk, "approve"]))
    assert response.url == item.get_absolute_url()


def test_bulk_approve_without_confirmation_changes_nothing(login, submitted):
    client = login("office_wuhan")
    chosen = submitted[:2]
    before = list(Submission.objects.order_by("pk").values_list("pk", "state"))
    events = SubmissionEvent.objects.count()
    response = client.post(QUEUE, {"ids": [i.pk for i in chosen]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "确认批量审核通过" in page and 'id="confirm-approve"' in page
    assert page.count('class="to-approve"') == 2
    assert set(map(int, re.findall(r'name="ids" value="(\d+)"', page))) == {i.pk for i in chosen}
    assert list(Submission.objects.order_by("pk").values_list("pk", "state")) == before
    assert SubmissionEvent.objects.count() == events


def test_bulk_approve_with_confirmation_approves_exactly_the_listed_ones(login, submitted):
    client = login("office_wuhan")
    chosen, left = submitted[:2], submitted[2]
    response = client.post(f"{QUEUE}?kind=statistics", {"ids": [i.pk for i in chosen], "confirmed": "1"})
    assert response.status_code == 302 and response.url == f"{QUEUE}?kind=statistics&state=submitted"
    assert set(Submission.objects.filter(state="approved").values_list("pk", flat=True)) == {
        i.pk for i in chosen
    }
    left.refresh_from_db()
    assert left.state == "submitted"
    assert "已审核通过 2 项" in client.get(response.url).content.decode()


def test_bulk_approve_ignores_items_of_another_city(login, submitted):
    client = login("office_harbin")
    response = client.post(QUEUE, {"ids": [i.pk for i in submitted], "confirmed": "1"})
    assert response.status_code == 302
    assert not Submission.objects.filter(state="approved").exists()
