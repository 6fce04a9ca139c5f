"""The write API: a statistics bureau's system pushes a quarter with a token of its agency,
through the upload service (same checks, versions, review flow), idempotent on its key."""

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_issue, api_token_revoke
from indicators.models import StatisticUpload, StatisticValue
from submissions.models import Submission
from submissions.selectors import owned_statistics, review_queue_for_user

pytestmark = pytest.mark.django_db

URL = "/api/statistic-values/"


@pytest.fixture
def kjj_key(kjj, office):
    return api_token_issue(agency=kjj, name="市科技局数据平台", user=office)


def client_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def quarter(wuhan, agency, value="120"):
    return [
        {"code": o.statistic.code, "area": o.area, "value": value}
        for o in owned_statistics(programme=wuhan, agency=agency)
    ]


def test_schema_documents_a_post_for_statistic_values(login):
    response = login("office_wuhan").get("/api/schema/", {"format": "json"})
    schema = response.json()
    operation = schema["paths"]["/api/statistic-values/"]["post"]
    assert operation["operationId"] == "statistic_values_push"
    assert {"201", "400", "403", "409", "422"} <= set(operation["responses"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_pushed_quarter_is_written_as_api_versions_and_waits_in_the_review_queue(
    wuhan, round_q1, kjj, office, kjj_key
):
    token, key = kjj_key
    body = {"programme": "wuhan-2017", "period": "2020Q1", "submit": True, "values": quarter(wuhan, kjj)}
    response = client_with(key).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "accepted" and data["submission"]["state"] == "submitted"
    assert data["values_written"] == len(body["values"]) > 0
    values = StatisticValue.objects.filter(programme=wuhan, agency=kjj, year=2020, quarter=1, is_current=True)
    assert values.count() == len(body["values"])
    assert set(values.values_list("source", flat=True)) == {StatisticValue.Source.API}
    assert set(values.values_list("reported_by", flat=True)) == {token.user_id}
    assert StatisticUpload.objects.get(pk=data["upload_id"]).channel == StatisticUpload.Channel.API
    queue = review_queue_for_user(user=office)
    assert queue.filter(agency=kjj, kind=Submission.Kind.STATISTICS, round=round_q1).exists()


def test_a_correction_is_a_new_version(wuhan, round_q1, kjj, kjj_key):
    _token, key = kjj_key
    client = client_with(key)
    assert (
        client.post(
            URL, {"programme": "wuhan-2017", "period": "2020Q1", "values": quarter(wuhan, kjj)}, format="json"
        ).status_code
        == 201
    )
    changed = quarter(wuhan, kjj)
    changed[0]["value"] = "121"
    response = client.post(
        URL,
        {"programme": "wuhan-2017", "period": "2020Q1", "values": changed, "confirm_warnings": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["values_written"] == 1
    latest = StatisticValue.objects.get(
        programme=wuhan,
        agency=kjj,
        year=2020,
        quarter=1,
        is_current=True,
        statistic__code=changed[0]["code"],
        area=changed[0]["area"],
    )
    assert latest.version == 2 and latest.supersedes is not None


def test_a_token_of_another_agency_gets_403_and_nothing_is_written(wuhan, round_q1, kjj, gsj, office):
    _token, gsj_key = api_token_issue(agency=gsj, name="工商局接口", user=office)
    body = {"programme": "wuhan-2017", "period": "2020Q1", "agency": kjj.pk, "values": quarter(wuhan, kjj)}
    response = client_with(gsj_key).post(URL, body, format="json")
    assert response.status_code == 403
    assert "本单位" in response.json()["detail"]
    assert not StatisticValue.objects.filter(programme=wuhan, year=2020, quarter=1).exists()
    assert not StatisticUpload.objects.filter(channel=StatisticUpload.Channel.API).exists()


def test_same_key_same_body_is_answered_from_the_first_push_other_body_is_409(wuhan, round_q1, kjj, kjj_key):
    _token, key = kjj_key
    client = client_with(key)
    body = {
        "programme": "wuhan-2017",
        "period": "2020Q1",
        "idempotency_key": "kjj-2020Q1-a",
        "values": quarter(wuhan, kjj),
    }
    first = client.post(URL, body, format="json")
    again = client.post(URL, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replayed"] is True and again.json()["upload_id"] == first.json()["upload_id"]
    assert StatisticUpload.objects.filter(channel=StatisticUpload.Channel.API).count() == 1
    other = client.post(URL, {**body, "values": quarter(wuhan, kjj, value="130")}, format="json")
    assert other.status_code == 409
    assert "kjj-2020Q1-a" in other.json()["detail"]
    assert set(
        StatisticValue.objects.filter(year=2020, quarter=1, agency=kjj).values_list("value", flat=True)
    ) == {120}


def test_bad_values_are_400_with_their_index_and_nothing_is_written(wuhan, round_q1, kjj, kjj_key):
    _token, key = kjj_key
    values = quarter(wuhan, kjj)
    values[1]["value"] = "约300"
    response = client_with(key).post(
        URL, {"programme": "wuhan-2017", "period": "2020Q1", "values": values}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["index"] == 1 and "不是数字" in e["message"] for e in errors)
    assert not StatisticValue.objects.filter(programme=wuhan, year=2020, quarter=1).exists()


def test_wrong_period_format_and_missing_round_are_clear(wuhan, kjj, kjj_key):
    _token, key = kjj_key
    client = client_with(key)
    bad = client.post(
        URL, {"programme": "wuhan-2017", "period": "Q1-2020", "values": quarter(wuhan, kjj)}, format="json"
    )
    assert bad.status_code == 400 and "2024Q1" in bad.json()["period"][0]
    none = client.post(
        URL, {"programme": "wuhan-2017", "period": "2020Q1", "values": quarter(wuhan, kjj)}, format="json"
    )
    assert none.status_code == 404 and none.json()["status"] == "no_round"
    assert not StatisticValue.objects.filter(programme=wuhan, year=2020, quarter=1).exists()


def test_revoked_or_unknown_token_is_401(wuhan, round_q1, kjj, office, kjj_key):
    token, key = kjj_key
    api_token_revoke(token=token, user=office)
    body = {"programme": "wuhan-2017", "period": "2020Q1", "values": quarter(wuhan, kjj)}
    assert client_with(key).post(URL, body, format="json").status_code == 401
    assert client_with("ipc_nonsense").post(URL, body, format="json").status_code == 401
    assert not StatisticValue.objects.filter(programme=wuhan, year=2020, quarter=1).exists()


def test_a_person_cannot_push_and_another_citys_office_cannot_issue(wuhan, round_q1, kjj, login):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    client = login("reporter_wuhan_kjj")
    body = {"programme": "wuhan-2017", "period": "2020Q1", "values": quarter(wuhan, kjj)}
    assert client.post(URL, body, content_type="application/json").status_code == 403
    with pytest.raises(PermissionDenied):
        api_token_issue(agency=kjj, name="x", user=get_user_model().objects.get(username="office_harbin"))
    assert not StatisticValue.objects.filter(programme=wuhan, year=2020, quarter=1).exists()
