"""What office staff see on the programme pages, with bounded queries."""

import pytest
from django.urls import reverse

from programmes.canonical import validate_canonical


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "max_queries", "expected"),
    [
        ("programme_detail", 20, ["武政〔2017〕30号", "领导小组", "李记泽", "办公室"]),
        ("programme_indicators", 12, ["每万人口发明专利拥有量", "INV_VALID / POP", "力争到2020年"]),
        (
            "programme_tasks",
            12,
            ["深入推进知识产权行政执法与司法保护有机衔接", "牵头 · 市科技局", "配合 · 市中级人民法院"],
        ),
        ("programme_matrix", 12, ["市科技局(市知识产权局)", "任务分工矩阵"]),
        ("programme_funding", 30, ["年度预算", "资金使用台账", "项目经费"]),
    ],
)
def test_programme_pages_show_the_plan_with_bounded_queries(
    login, wuhan, django_assert_max_num_queries, name, max_queries, expected
):
    client = login("office_wuhan")
    with django_assert_max_num_queries(max_queries):
        response = client.get(reverse(f"programmes:{name}", args=[wuhan.slug]))
    html = response.content.decode()
    for text in expected:
        assert text in html, text


@pytest.mark.django_db
def test_the_programme_list_is_searchable_and_paginated(login, django_assert_max_num_queries):
    client = login("admin")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("programmes:programme_list"), {"q": "武汉"})
    rows = list(response.context["page"])
    assert [p.slug for p in rows] == ["wuhan-2017"]
    response = client.get(reverse("programmes:programme_list"), {"q": "鞍政发"})
    assert [p.slug for p in response.context["page"]] == ["anshan-2015"]


@pytest.mark.django_db
def test_the_programme_list_counts_each_plans_tasks_and_indicators_once(login):
    """The counts in the list's columns: Wuhan's plan has 33 numbered tasks and 20
    indicators (counted jointly, one relation would multiply the other: 660)."""
    from programmes.models import Programme

    response = login("admin").get(reverse("programmes:programme_list"), {"q": "武汉"})
    (row,) = response.context["page"]
    wuhan = Programme.objects.get(slug="wuhan-2017")
    assert (row.task_count, row.indicator_count) == (wuhan.tasks.count(), wuhan.indicators.count())
    assert (row.task_count, row.indicator_count) == (33, 20)
    html = response.content.decode()
    assert '<td class="text-end">33</td><td class="text-end">20</td>' in html


@pytest.mark.django_db
def test_the_agency_page_lists_tasks_as_lead_and_as_support(login, wuhan, django_assert_max_num_queries):
    from programmes.models import Agency

    gsj = Agency.objects.get(city=wuhan.city, name="市工商局")
    client = login("office_wuhan")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programmes:agency_detail", args=[gsj.pk]))
    assert len(response.context["lead"]) == 4
    assert len(response.context["support"]) == 14


@pytest.mark.django_db
def test_the_agency_list_searches_aliases(login):
    response = login("office_wuhan").get(reverse("programmes:agency_list"), {"q": "市知识产权局"})
    assert [a.name for a in response.context["page"]] == ["市科技局(市知识产权局)"]


@pytest.mark.django_db
def test_the_ui_is_chinese_even_for_an_english_browser_and_english_on_request(login, wuhan):
    client = login("office_wuhan")
    response = client.get(reverse("programmes:programme_list"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "建设方案" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("programmes:programme_list"))
    assert response.headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_admin_lists_every_model_for_a_superuser(login):
    from django.contrib import admin

    client = login("admin")
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("bad", [42, None, [], {}, "x", [1, 2], {"a": 1}])
def test_the_canonical_validator_reports_instead_of_crashing_on_any_shape(bad):
    import json

    from django.conf import settings

    base = json.loads((settings.SEED_DATA_DIR / "yichang-2020.json").read_text(encoding="utf-8"))
    for key in list(base):
        doc = {**base, key: bad}
        errors = validate_canonical(doc)
        assert isinstance(errors, list)
        for item_key in ("indicators", "tasks", "phases", "leading_group", "duties", "agencies", "reporting"):
            if isinstance(base.get(item_key), list) and base[item_key]:
                for field in base[item_key][0]:
                    items = [dict(base[item_key][0], **{field: bad})] + base[item_key][1:]
                    assert isinstance(validate_canonical({**base, item_key: items}), list)
