"""Validation rules between statistics (issue 10 item 8): checked in the web form, the
upload and the write API by the one row validator, with the rule named in the message;
errors save nothing, warnings need confirmation; the office edits rules (audited)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from indicators.models import StatisticValue, ValidationRule
from indicators.validation.services import (
    validation_rule_defaults,
    validation_rule_save,
    validation_rules_ensure_defaults,
)
from programmes.models import Programme
from submissions.services import round_open, statistics_form_save, statistics_upload_import
from tests.submissions.conftest import codes_of, fill, filled, snapshot, template_bytes

pytestmark = pytest.mark.django_db

GRANT_RULE = "发明专利授权量一般不超过发明专利申请量"  # a default rule (warning)
VALID_RULE = "有效发明专利拥有量较上季度下降不超过10%"


@pytest.fixture
def office(db):
    return get_user_model().objects.get(username="office_wuhan")


@pytest.fixture
def kjj_user(db):
    return get_user_model().objects.get(username="reporter_wuhan_kjj")


@pytest.fixture
def kjj(kjj_user):
    return kjj_user.profile.agency


@pytest.fixture
def gsj_user(db):
    return get_user_model().objects.get(username="reporter_wuhan_gsj")


@pytest.fixture
def round_q1(wuhan, office):
    return round_open(
        programme=wuhan, year=2020, quarter=1, due_date=timezone.localdate() + timedelta(days=10), user=office
    )


def grant_rule(wuhan, office, severity="error"):
    rule = ValidationRule.objects.get(programme=wuhan, name=GRANT_RULE)
    rule.severity = severity
    return validation_rule_save(rule=rule, programme=wuhan, user=office)


def form_data(round, agency, values: dict) -> dict:
    """The web form's fields: the given codes filled, the others left blank."""
    rows = codes_of(template_bytes(round, agency))
    data = {f"v{i}": "" for i in range(len(rows))}
    for code, value in values.items():
        data[f"v{rows.index(code)}"] = str(value)
    return {**data, "save": "1"}


def form_url(round, agency):
    return reverse("submissions:statistics_form", args=[round.programme.slug, round.period, agency.pk])


def q1_values():
    return StatisticValue.objects.filter(year=2020, quarter=1)


def test_the_default_set_is_on_every_seed_programme_and_loading_again_adds_nothing(office):
    keys = {entry["key"] for entry in validation_rule_defaults()}
    assert len(keys) == 8
    for programme in Programme.objects.filter(slug__in=["wuhan-2017", "harbin-2016", "anshan-2015"]):
        rules = ValidationRule.objects.filter(programme=programme)
        assert set(rules.values_list("default_key", flat=True)) == keys
        assert rules.filter(is_active=True).count() == 8
    wuhan = Programme.objects.get(slug="wuhan-2017")
    change = ValidationRule.objects.get(programme=wuhan, default_key="inv_valid_drop_10")
    assert (change.kind, change.left, change.max_drop_pct, change.severity) == (
        "change",
        "INV_VALID",
        Decimal("10"),
        "warning",
    )
    before = ValidationRule.objects.count()
    assert validation_rules_ensure_defaults(programme=wuhan, user=office) == []
    assert ValidationRule.objects.count() == before


def test_form_with_grants_above_applications_is_refused_naming_the_rule(login, wuhan, office, round_q1, kjj):
    grant_rule(wuhan, office, severity="error")
    before = snapshot()
    response = login("reporter_wuhan_kjj").post(
        form_url(round_q1, kjj), form_data(round_q1, kjj, {"INV_APP": 100, "INV_GRANT": 120})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"未通过校验规则“{GRANT_RULE}”" in page
    assert "发明专利授权量(INV_GRANT) = 120" in page and "发明专利申请量(INV_APP) = 100" in page
    assert "“发明专利授权量”(全市)" in page  # the form's row
    assert snapshot() == before
    assert not q1_values().exists()
    # the same figures with grants within applications are saved
    ok = login("reporter_wuhan_kjj").post(
        form_url(round_q1, kjj), form_data(round_q1, kjj, {"INV_APP": 100, "INV_GRANT": 90})
    )
    assert ok.status_code == 302
    assert q1_values().get(statistic__code="INV_GRANT").value == 90


def test_upload_with_grants_above_applications_names_the_rule_at_sheet_row_column(
    wuhan, office, round_q1, kjj, kjj_user
):
    grant_rule(wuhan, office, severity="error")
    data = fill(filled(round_q1, kjj, value=100), values={"INV_GRANT": 150})
    sheet = load_workbook(io.BytesIO(data))["统计数据"]
    grant_row = next(
        r for r in range(4, sheet.max_row + 1) if sheet.cell(row=r, column=3).value == "INV_GRANT"
    )
    before = snapshot()
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="q1.xlsx", data=data, user=kjj_user
    )
    assert outcome.status == "rejected"
    [problem] = [p for p in outcome.errors if GRANT_RULE in p.message]
    assert (problem.sheet, problem.row, problem.column, problem.cell) == (
        "统计数据",
        grant_row,
        "H",
        f"H{grant_row}",
    )
    assert "发明专利授权量(INV_GRANT) = 150" in str(problem) and "本季度数值" in str(problem)
    assert snapshot() == before


def test_api_push_with_grants_above_applications_is_400_naming_the_rule(wuhan, office, round_q1, kjj):
    grant_rule(wuhan, office, severity="error")
    _token, key = api_token_issue(agency=kjj, name="市科技局数据平台", user=office)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    codes = codes_of(template_bytes(round_q1, kjj))
    values = [{"code": c, "area": "", "value": "150" if c == "INV_GRANT" else "100"} for c in codes]
    response = client.post(
        "/api/statistic-values/",
        {"programme": wuhan.slug, "period": "2020Q1", "values": values},
        format="json",
    )
    assert response.status_code == 400
    [error] = [e for e in response.json()["errors"] if GRANT_RULE in e["message"]]
    assert error["index"] == codes.index("INV_GRANT")
    assert not q1_values().exists()


def test_a_warning_rule_needs_confirmation_and_saves_after_it(login, round_q1, kjj, kjj_user):
    client = login("reporter_wuhan_kjj")
    data = form_data(round_q1, kjj, {"INV_APP": 100, "INV_GRANT": 120})
    page = client.post(form_url(round_q1, kjj), data).content.decode()
    assert f"未通过校验规则“{GRANT_RULE}”" in page and "我已核实" in page
    assert not q1_values().exists()
    response = client.post(form_url(round_q1, kjj), {**data, "confirm_warnings": "on"})
    assert response.status_code == 302
    assert q1_values().get(statistic__code="INV_GRANT").value == 120
    # the upload goes the same way: needs confirmation, then written
    upload = fill(filled(round_q1, kjj, value=100), values={"INV_GRANT": 130})
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="q1.xlsx", data=upload, user=kjj_user
    )
    assert outcome.status == "needs_confirmation"
    assert any(GRANT_RULE in p.message and p.cell for p in outcome.warnings)
    assert q1_values().get(statistic__code="INV_GRANT", is_current=True).value == 120
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="q1.xlsx", data=upload, user=kjj_user, confirm_warnings=True
    )
    assert outcome.accepted
    assert q1_values().get(statistic__code="INV_GRANT", is_current=True).value == 130


def test_a_stock_falling_more_than_ten_percent_on_last_quarter_is_a_warning(
    wuhan, office, round_q1, kjj, kjj_user
):
    q4 = round_open(programme=wuhan, year=2019, quarter=4, due_date=timezone.localdate(), user=office)
    statistics_form_save(round=q4, agency=kjj, values={"INV_VALID|": Decimal(1000)}, notes={}, user=kjj_user)
    fine = statistics_form_save(
        round=round_q1, agency=kjj, values={"INV_VALID|": Decimal(950)}, notes={}, user=kjj_user
    )
    assert fine.status == "needs_confirmation"  # the stock warning of the form (any fall)…
    assert not any(VALID_RULE in p.message for p in fine.warnings)  # …but 5 % is within the rule
    outcome = statistics_form_save(
        round=round_q1, agency=kjj, values={"INV_VALID|": Decimal(800)}, notes={}, user=kjj_user
    )
    [warning] = [p for p in outcome.warnings if VALID_RULE in p.message]
    assert "本季度 800,比上季度 1000 下降 20%,超过允许的 10%" in warning.message
    assert not q1_values().exists()


def test_a_rule_whose_other_value_is_missing_is_not_checked_and_a_stored_one_is_used(
    wuhan, office, round_q1, kjj, kjj_user, gsj_user
):
    # 按期结案量 ≤ 结案量 (error): Wuhan reports no 结案量, so the rule is not checked
    saved = statistics_form_save(
        round=round_q1, agency=kjj, values={"CASE_CLOSED_ONTIME|": Decimal(50)}, notes={}, user=kjj_user
    )
    assert saved.status == "saved" and saved.warnings == []
    # a rule across agencies: 发明专利申请量 ≤ 商标注册申请量 (市工商局's)
    cross = validation_rule_save(
        rule=ValidationRule(
            name="测试:发明专利申请量不超过商标注册申请量", left="INV_APP", operator="<=", right="TM_APP"
        ),
        programme=wuhan,
        user=office,
    )
    assert (
        statistics_form_save(
            round=round_q1, agency=kjj, values={"INV_APP|": Decimal(100)}, notes={}, user=kjj_user
        ).status
        == "saved"
    )  # no 商标注册申请量 yet: not checked
    gsj = gsj_user.profile.agency
    # 市工商局's figure is checked against 市科技局's stored one, and the message says so
    with pytest.raises(ValidationError) as refused:
        statistics_form_save(
            round=round_q1, agency=gsj, values={"TM_APP|": Decimal(60)}, notes={}, user=gsj_user
        )
    assert cross.name in str(refused.value) and "INV_APP 取系统中已保存的本季度数值" in str(refused.value)
    assert not q1_values().filter(statistic__code="TM_APP").exists()
    statistics_form_save(
        round=round_q1, agency=gsj, values={"TM_APP|": Decimal(150)}, notes={}, user=gsj_user
    )
    with pytest.raises(ValidationError) as refused:
        statistics_form_save(
            round=round_q1, agency=kjj, values={"INV_APP|": Decimal(200)}, notes={}, user=kjj_user
        )
    assert "TM_APP 取系统中已保存的本季度数值" in str(refused.value)
    assert q1_values().get(statistic__code="INV_APP").value == 100


def test_office_edits_and_deactivates_a_rule_audited_with_the_user(
    login, wuhan, office, round_q1, kjj, kjj_user, django_assert_max_num_queries
):
    rule = ValidationRule.objects.get(programme=wuhan, name=GRANT_RULE)
    client = login("office_wuhan")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("indicators:validation_rule_list", args=[wuhan.slug])).content.decode()
    assert GRANT_RULE in page and "INV_GRANT &lt;= INV_APP" in page
    edit = reverse("indicators:validation_rule_edit", args=[wuhan.slug, rule.pk])
    body = {
        "name": "发明专利授权量不超过发明专利申请量",
        "kind": "compare",
        "left": "INV_GRANT",
        "operator": "<=",
        "right": "INV_APP",
        "severity": "error",
        "is_active": "on",
    }
    assert client.post(edit, body).status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.severity) == ("发明专利授权量不超过发明专利申请量", "error")
    assert rule.history.latest().history_user == office
    with pytest.raises(ValidationError, match="发明专利授权量不超过发明专利申请量"):
        statistics_form_save(
            round=round_q1,
            agency=kjj,
            values={"INV_APP|": Decimal(1), "INV_GRANT|": Decimal(2)},
            notes={},
            user=kjj_user,
        )
    active = reverse("indicators:validation_rule_active", args=[wuhan.slug, rule.pk])
    assert client.post(active).status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active and rule.history.latest().history_user == office
    saved = statistics_form_save(
        round=round_q1,
        agency=kjj,
        values={"INV_APP|": Decimal(1), "INV_GRANT|": Decimal(2)},
        notes={},
        user=kjj_user,
    )
    assert saved.status == "saved"  # a deactivated rule is not checked


def test_a_bad_rule_is_refused_at_its_field_and_nothing_is_saved(login, wuhan):
    before = ValidationRule.objects.count()
    client = login("office_wuhan")
    add = reverse("indicators:validation_rule_add", args=[wuhan.slug])
    body = {
        "name": "新规则",
        "kind": "compare",
        "left": "INV_GRNT",
        "operator": "<=",
        "right": "",
        "severity": "error",
    }
    page = client.post(add, body).content.decode()
    assert "未知的统计数据代码“INV_GRNT”" in page and "是否应为 INV_GRANT" in page
    assert "请填写右侧的代码、算式或数字" in page
    page = client.post(add, {**body, "left": "yoy(INV_GRANT)", "right": "INV_APP"}).content.decode()
    assert "不能使用函数 yoy()" in page
    page = client.post(add, {**body, "kind": "change", "left": "INV_VALID"}).content.decode()
    assert "请填写允许下降的百分比" in page
    assert ValidationRule.objects.count() == before
    ok = client.post(add, {**body, "left": "INV_GRANT + PCT_APP", "right": "INV_APP * 2"})
    assert ok.status_code == 302
    assert ValidationRule.objects.get(programme=wuhan, name="新规则").right == "INV_APP * 2"


def test_another_citys_office_gets_404_and_a_reporter_403_and_nothing_changes(login, wuhan):
    rule = ValidationRule.objects.get(programme=wuhan, name=GRANT_RULE)
    edit = reverse("indicators:validation_rule_edit", args=[wuhan.slug, rule.pk])
    active = reverse("indicators:validation_rule_active", args=[wuhan.slug, rule.pk])
    add = reverse("indicators:validation_rule_add", args=[wuhan.slug])
    body = {
        "name": "改名",
        "kind": "compare",
        "left": "INV_GRANT",
        "operator": "<",
        "right": "INV_APP",
        "severity": "error",
    }
    before = list(ValidationRule.objects.order_by("pk").values())
    for persona, status in (("office_harbin", 404), ("reporter_wuhan_kjj", 403)):
        client = login(persona)
        assert client.get(edit).status_code == status
        assert client.post(edit, body).status_code == status
        assert client.post(active).status_code == status
        assert client.post(add, body).status_code == status
    assert (
        login("reporter_wuhan_kjj")
        .get(reverse("indicators:validation_rule_list", args=[wuhan.slug]))
        .status_code
        == 200
    )
    assert list(ValidationRule.objects.order_by("pk").values()) == before
