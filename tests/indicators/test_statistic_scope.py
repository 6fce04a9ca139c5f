"""Statistics a city defines belong to that city: another city's office cannot see or
change them (404), built-in national codes are read-only to offices (403), a code is fixed
once values or formulas use it, every change is audited, and formulas resolve codes within
the programme's city only (issue 9 item 2)."""

import importlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Statistic, StatisticValue
from indicators.services import indicator_formula_validate, statistic_catalogue
from tests.indicators.factories import report

pytestmark = pytest.mark.django_db


def wuhan_fund(wuhan):
    return Statistic.objects.get(code="IP_SPECIAL_FUND", city=wuhan.city)


def state(stat):
    stat.refresh_from_db()
    return (
        stat.code,
        stat.name,
        stat.unit,
        stat.aggregation,
        stat.max_value,
        stat.city_id,
        stat.history.count(),
    )


def post_data(stat, **changes):
    data = {
        "code": stat.code,
        "name": stat.name,
        "unit": stat.unit,
        "aggregation": stat.aggregation,
        "description": stat.description,
        "min_value": "" if stat.min_value is None else stat.min_value,
        "max_value": "" if stat.max_value is None else stat.max_value,
    }
    data.update(changes)
    return data


def test_the_seeded_custom_statistic_is_wuhans_and_a_shared_code_is_one_row_per_city(wuhan, harbin):
    fund = wuhan_fund(wuhan)
    assert fund.city == wuhan.city and not fund.is_builtin
    # Harbin and Wuhan both declare FAKE_PAT_ACCEPTED: each city has its own row
    rows = Statistic.objects.filter(code="FAKE_PAT_ACCEPTED")
    assert sorted(r.city.name for r in rows) == sorted([wuhan.city.name, harbin.city.name])
    assert Statistic.objects.get(code="PAT_APP").city is None


def test_another_citys_office_gets_404_on_get_and_post_and_nothing_changes(login, wuhan):
    fund = wuhan_fund(wuhan)
    before = state(fund)
    client = login("office_harbin")
    url = reverse("submissions:statistic_edit", args=[fund.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, post_data(fund, max_value="1", code="HARBIN_TOOK_IT"))
    assert response.status_code == 404
    assert state(fund) == before


def test_another_citys_statistics_are_not_listed(login, wuhan, harbin):
    page = login("office_harbin").get(reverse("submissions:statistic_list")).content.decode()
    assert "PAT_APP" in page  # national
    assert "PAT_CASE_HANDLED" in page  # Harbin's own
    assert "IP_SPECIAL_FUND" not in page and "知识产权专项工作经费投入" not in page  # Wuhan's
    wuhan_page = login("office_wuhan").get(reverse("submissions:statistic_list")).content.decode()
    assert "IP_SPECIAL_FUND" in wuhan_page and "PAT_CASE_HANDLED" not in wuhan_page


def test_an_office_editing_a_national_builtin_code_gets_403_and_nothing_changes(login):
    builtin = Statistic.objects.get(code="PAT_APP")
    before = state(builtin)
    client = login("office_wuhan")
    url = reverse("submissions:statistic_edit", args=[builtin.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, post_data(builtin, max_value="1")).status_code == 403
    assert state(builtin) == before


def test_renaming_a_code_that_has_values_is_a_field_error_and_nothing_changes(login, wuhan):
    fund = wuhan_fund(wuhan)
    report(wuhan, "IP_SPECIAL_FUND", 2018, 4, 3)
    values = StatisticValue.objects.filter(statistic=fund).count()
    before = state(fund)
    response = login("office_wuhan").post(
        reverse("submissions:statistic_edit", args=[fund.pk]), post_data(fund, code="IP_FUND_RENAMED")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["code"]
    assert any("IP_SPECIAL_FUND" in e and "条统计数据" in e and "不能修改" in e for e in errors), errors
    assert state(fund) == before
    assert StatisticValue.objects.filter(statistic=fund).count() == values
    assert not Statistic.objects.filter(code="IP_FUND_RENAMED").exists()


def test_renaming_a_code_a_formula_uses_is_refused_even_without_values(login, wuhan):
    fund = wuhan_fund(wuhan)
    assert not StatisticValue.objects.filter(statistic=fund).exists()
    before = state(fund)
    response = login("office_wuhan").post(
        reverse("submissions:statistic_edit", args=[fund.pk]), post_data(fund, code="IP_FUND_RENAMED")
    )
    assert "1 个指标公式" in " ".join(response.context["form"].errors["code"])
    assert state(fund) == before


def test_the_owning_office_changes_its_statistic_and_the_change_is_audited(login, wuhan):
    fund = wuhan_fund(wuhan)
    history = fund.history.count()
    response = login("office_wuhan").post(
        reverse("submissions:statistic_edit", args=[fund.pk]),
        post_data(fund, name="知识产权专项经费", max_value="50"),
    )
    assert response.status_code == 302
    fund.refresh_from_db()
    assert (fund.name, fund.max_value, fund.code, fund.city_id) == (
        "知识产权专项经费",
        Decimal("50"),
        "IP_SPECIAL_FUND",
        wuhan.city_id,
    )
    latest = fund.history.first()
    assert fund.history.count() == history + 1 and latest.history_user.username == "office_wuhan"


def test_a_new_statistic_belongs_to_the_offices_city_and_may_not_shadow_a_national_code(login, harbin):
    client = login("office_harbin")
    url = reverse("submissions:statistic_add")
    shadow = client.post(url, {"code": "PAT_APP", "name": "假的", "unit": "件", "aggregation": "flow"})
    assert shadow.status_code == 200 and "全国统一" in " ".join(shadow.context["form"].errors["code"])
    assert Statistic.objects.filter(code="PAT_APP").count() == 1
    made = client.post(url, {"code": "HRB_NEW", "name": "哈尔滨新增", "unit": "件", "aggregation": "flow"})
    assert made.status_code == 302
    assert Statistic.objects.get(code="HRB_NEW").city == harbin.city


def test_a_reporter_cannot_add_statistics(login):
    client = login("reporter_wuhan_kjj")
    response = client.post(
        reverse("submissions:statistic_add"),
        {"code": "KJJ_X", "name": "x", "unit": "件", "aggregation": "flow"},
    )
    assert response.status_code == 403 and not Statistic.objects.filter(code="KJJ_X").exists()


def test_formulas_resolve_codes_within_the_programmes_city(wuhan, harbin):
    assert indicator_formula_validate(formula="IP_SPECIAL_FUND", kind="annual_flow", city=wuhan.city_id)
    with pytest.raises(ValidationError) as exc:
        indicator_formula_validate(formula="IP_SPECIAL_FUND", kind="annual_flow", city=harbin.city_id)
    assert "IP_SPECIAL_FUND" in str(exc.value)
    assert "IP_SPECIAL_FUND" in statistic_catalogue(city=wuhan.city_id)
    assert "IP_SPECIAL_FUND" not in statistic_catalogue(city=harbin.city_id)
    assert "PAT_APP" in statistic_catalogue(city=harbin.city_id)
    # the engine's catalogue for each city resolves the shared code to that city's own row
    assert (
        statistic_catalogue(city=harbin.city_id)["FAKE_PAT_ACCEPTED"].id
        != statistic_catalogue(city=wuhan.city_id)["FAKE_PAT_ACCEPTED"].id
    )


def test_an_indicator_form_in_harbin_refuses_wuhans_code(login, harbin):
    before = harbin.indicators.count()
    response = login("office_harbin").post(
        reverse("programmes:plan_object_add", args=[harbin.slug, "indicator"]),
        {
            "order": 99,
            "name": "借用武汉的代码",
            "area": "管理",
            "kind": "annual_flow",
            "comparator": ">=",
            "target": "1",
            "unit": "亿元",
            "deadline": "2018",
            "formula": "IP_SPECIAL_FUND",
        },
    )
    assert response.status_code == 200
    assert "IP_SPECIAL_FUND" in " ".join(response.context["form"].errors["formula"])
    assert harbin.indicators.count() == before


def test_the_data_migration_gives_custom_statistics_the_city_that_uses_them(wuhan, harbin):
    migration = importlib.import_module("indicators.migrations.0007_statistic_city_data")
    Statistic.objects.create(code="SHARED_OLD", name="旧的共用项", unit="件", aggregation="flow")
    unused = Statistic.objects.create(code="UNUSED_OLD", name="没人用", unit="件", aggregation="flow")
    report(wuhan, "SHARED_OLD", 2018, 1, 5)
    report(harbin, "SHARED_OLD", 2016, 1, 7)
    from django.apps import apps

    migration.forwards(apps, None)
    rows = {s.city_id: s for s in Statistic.objects.filter(code="SHARED_OLD")}
    assert set(rows) == {wuhan.city_id, harbin.city_id}
    assert (
        StatisticValue.objects.get(programme=wuhan, statistic__code="SHARED_OLD").statistic
        == rows[wuhan.city_id]
    )
    assert (
        StatisticValue.objects.get(programme=harbin, statistic__code="SHARED_OLD").statistic
        == rows[harbin.city_id]
    )
    unused.refresh_from_db()
    assert unused.city is None
