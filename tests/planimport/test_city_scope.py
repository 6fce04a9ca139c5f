"""The importer imports into the office's own city only (issue 9, item 4): another city's
plan is refused (a superuser chooses the city), agencies are matched within that city
only, and agencies that would be created are listed and need confirmation first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from planimport.models import PlanImportDraft
from programmes.models import Agency, AgencyAlias, City, Programme
from programmes.services import agency_resolve
from tests.planimport.test_review import draft_from, edit, item, task_form

TEXTS = Path(__file__).resolve().parents[2] / "programmes" / "seed_data" / "texts"


def _counts():
    return (
        PlanImportDraft.objects.count(),
        Programme.objects.count(),
        Agency.objects.count(),
        AgencyAlias.objects.count(),
    )


def _harbin_text() -> str:
    return (TEXTS / "harbin_2016.txt").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_an_office_pasting_another_citys_plan_is_refused_and_nothing_is_stored(login):
    client = login("office_wuhan")
    before = _counts()
    response = client.post(reverse("planimport:start"), {"text": _harbin_text(), "slug": "h"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "原文是哈尔滨市的方案,不能导入到武汉市" in html and 'data-field="text"' in html
    assert _counts() == before


@pytest.mark.django_db
def test_a_superuser_chooses_the_city_and_agencies_match_within_that_city_only(login):
    """Wuhan's plan put into Harbin by a superuser: its 市知识产权局 never becomes Wuhan's agency."""
    client = login("admin")
    harbin, wuhan = City.objects.get(name="哈尔滨市"), City.objects.get(name="武汉市")
    assert agency_resolve(city=wuhan, name="市知识产权局") is not None
    wuhan_agencies = list(Agency.objects.filter(city=wuhan).order_by("pk").values_list("pk", "name"))
    text = (TEXTS / "wuhan_2017.txt").read_text(encoding="utf-8")
    response = client.post(
        reverse("planimport:start"), {"text": text, "slug": "wuhan-in-harbin", "city": harbin.pk}
    )
    assert response.status_code == 302
    draft = PlanImportDraft.objects.get()
    assert draft.city == harbin
    assert "原文的城市是武汉市,将导入到哈尔滨市" in client.get(draft.get_absolute_url()).content.decode()

    response = client.post(reverse("planimport:confirm", args=[draft.pk]), {"create_agencies": "1"})
    assert response.status_code == 302
    programme = Programme.objects.get(slug="wuhan-in-harbin")
    agencies = Agency.objects.filter(assignments__task__programme=programme).distinct()
    assert agencies.exists() and set(agencies.values_list("city", flat=True)) == {harbin.pk}
    assert list(Agency.objects.filter(city=wuhan).order_by("pk").values_list("pk", "name")) == wuhan_agencies


@pytest.mark.django_db
def test_agencies_to_be_created_are_listed_and_need_confirmation(login):
    client = login("office_harbin")
    response = client.post(reverse("planimport:start"), {"text": _harbin_text(), "slug": "harbin-new"})
    draft = draft_from(response)
    task = item(draft, "tasks", number="3")
    edit(client, draft, "task", task["_id"], task_form(task, lead="市新设数据局"))
    page = client.get(draft.get_absolute_url()).content.decode()
    listed = re.search(r'for="create-agencies-box">(.*?)</label>', page, flags=re.S).group(1)
    assert "市新设数据局" in listed

    before = _counts()
    names_before = set(Agency.objects.filter(city__name="哈尔滨市").values_list("name", flat=True))
    response = client.post(reverse("planimport:confirm", args=[draft.pk]))
    assert response.status_code == 400
    assert "“市新设数据局”不是本市现有单位,将作为新单位创建" in response.content.decode()
    assert _counts() == before
    draft.refresh_from_db()
    assert draft.status == PlanImportDraft.Status.OPEN

    response = client.post(reverse("planimport:confirm", args=[draft.pk]), {"create_agencies": "1"})
    assert response.status_code == 302
    created = set(Agency.objects.filter(city__name="哈尔滨市").values_list("name", flat=True)) - names_before
    assert "市新设数据局" in created and all(name in listed for name in created)
