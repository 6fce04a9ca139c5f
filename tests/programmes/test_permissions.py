"""Every foundation URL × every persona → the status a user would see.

Anonymous API calls get 403 (session authentication comes first, so browsers are not
shown a Basic-auth prompt); anonymous pages redirect to the login page."""

import pytest
from django.urls import reverse

from programmes.models import Agency
from tests.conftest import PERSONAS
from tests.permissions import assert_matrix, status_for

LOGIN = 302  # anonymous users are sent to the login page


def read(office_other=404, gsj=200, evaluator_harbin=404):
    """A Wuhan page: its office, reporters and assigned evaluator read it; others don't see it."""
    return {
        "anonymous": LOGIN,
        "office_wuhan": 200,
        "office_harbin": office_other,
        "reporter_wuhan_kjj": 200,
        "reporter_wuhan_gsj": gsj,
        "evaluator": 200,
        "evaluator_harbin": evaluator_harbin,
        "reporter_yichang_tjj": 404,  # a reporter of another city
    }


WRITE = {
    "anonymous": LOGIN,
    "office_wuhan": 200,
    "office_harbin": 404,
    "reporter_wuhan_kjj": 403,
    "reporter_wuhan_gsj": 403,
    "evaluator": 403,
    "evaluator_harbin": 404,
    "reporter_yichang_tjj": 404,
}
EVERYONE = {p: (LOGIN if p == "anonymous" else 200) for p in PERSONAS}


@pytest.mark.django_db
def test_programme_pages_matrix(wuhan):
    slug = wuhan.slug
    task = wuhan.tasks.get(number="二.3")
    indicator = wuhan.indicators.first()
    create = {**WRITE, "office_harbin": 200, "evaluator_harbin": 403, "reporter_yichang_tjj": 403}
    rows = [
        ("GET", reverse("programmes:programme_list"), EVERYONE),
        ("GET", reverse("programmes:programme_create"), create),
    ]
    for name in [
        "programme_detail",
        "programme_indicators",
        "programme_tasks",
        "programme_matrix",
        "programme_funding",
    ]:
        rows.append(("GET", reverse(f"programmes:{name}", args=[slug]), read()))
    rows.append(("GET", reverse("tasks:task_detail", args=[slug, task.pk]), read()))
    rows.append(("GET", reverse("programmes:programme_edit", args=[slug]), WRITE))
    for kind in ["goal", "phase", "member", "duty", "indicator", "task", "rule", "budget", "expense"]:
        rows.append(("GET", reverse("programmes:plan_object_add", args=[slug, kind]), WRITE))
    rows.append(
        ("GET", reverse("programmes:plan_object_edit", args=[slug, "indicator", indicator.pk]), WRITE)
    )
    rows.append(("GET", reverse("programmes:plan_object_edit", args=[slug, "task", task.pk]), WRITE))
    rows.append(
        ("GET", reverse("programmes:plan_object_delete", args=[slug, "indicator", indicator.pk]), WRITE)
    )
    assert_matrix(rows, PERSONAS)


@pytest.mark.django_db
def test_deletes_by_anyone_but_the_citys_office_change_nothing(wuhan):
    indicator = wuhan.indicators.first()
    url = reverse("programmes:plan_object_delete", args=[wuhan.slug, "indicator", indicator.pk])
    for persona in [p for p in PERSONAS if p != "office_wuhan"]:
        assert status_for(persona, "POST", url) == WRITE[persona], persona
        assert wuhan.indicators.filter(pk=indicator.pk).exists()
    assert status_for("office_wuhan", "POST", url) == 302
    assert not wuhan.indicators.filter(pk=indicator.pk).exists()


@pytest.mark.django_db
def test_agency_pages_matrix(wuhan):
    kjj = Agency.objects.get(city=wuhan.city, name="市科技局(市知识产权局)")
    rows = [
        ("GET", reverse("programmes:agency_list"), EVERYONE),
        ("GET", reverse("programmes:agency_detail", args=[kjj.pk]), read(gsj=404)),
        (
            "GET",
            reverse("programmes:agency_edit", args=[kjj.pk]),
            {**WRITE, "reporter_wuhan_gsj": 404, "evaluator_harbin": 404},
        ),
        (
            "GET",
            reverse("programmes:agency_add"),
            {**WRITE, "office_harbin": 200, "evaluator_harbin": 403, "reporter_yichang_tjj": 403},
        ),
    ]
    assert_matrix(rows, PERSONAS)


@pytest.mark.django_db
def test_api_matrix(wuhan):
    rows = [
        ("GET", "/api/programmes/", {p: (403 if p == "anonymous" else 200) for p in PERSONAS}),
        ("GET", f"/api/programmes/{wuhan.slug}/", {**read(), "anonymous": 403}),
        ("GET", f"/api/programmes/{wuhan.slug}/export/", {**read(), "anonymous": 403}),
        ("GET", f"/api/programmes/{wuhan.slug}/tasks/", {**read(), "anonymous": 403}),
        ("GET", "/api/schema/", {p: (403 if p == "anonymous" else 200) for p in PERSONAS}),
        ("GET", "/api/docs/", {p: (403 if p == "anonymous" else 200) for p in PERSONAS}),
    ]
    assert_matrix(rows, PERSONAS)


@pytest.mark.django_db
def test_admin_is_for_staff_only():
    rows = [("GET", "/admin/", {p: 302 for p in PERSONAS})]
    assert_matrix(rows, PERSONAS)


@pytest.mark.django_db
def test_api_lists_only_what_the_user_may_see(login):
    response = login("office_harbin").get("/api/programmes/")
    assert [p["slug"] for p in response.json()["results"]] == ["harbin-2016"]
    response = login("evaluator").get("/api/programmes/")
    assert [p["slug"] for p in response.json()["results"]] == ["wuhan-2017", "yichang-2020"]


@pytest.mark.django_db
def test_a_reporter_sees_only_its_own_agency_in_the_matrix(login, wuhan):
    response = login("reporter_wuhan_gsj").get(reverse("programmes:programme_matrix", args=[wuhan.slug]))
    names = [row["agency"].name for row in response.context["matrix"]["rows"]]
    assert names == ["市工商局"]
