"""Formulas are parsed with a whitelist, never evaluated; a bad one is refused when saved,
with a Chinese message pointing at the column and the token."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.formulas import FormulaError, parse
from indicators.models import Indicator
from indicators.services import indicator_formula_validate

CATALOGUE = {"INV_APP": "flow", "PAT_APP": "flow", "POP": "stock", "INV_VALID": "stock", "CERT_ENT": "flow"}


@pytest.mark.parametrize(
    "text, codes, functions",
    [
        ("INV_VALID / POP", ("INV_VALID", "POP"), set()),
        ("INV_APP / PAT_APP * 100", ("INV_APP", "PAT_APP"), set()),
        ("yoy(PAT_APP)", ("PAT_APP",), {"yoy"}),
        ("cagr(INV_APP)", ("INV_APP",), {"cagr"}),
        ("cumulative(CERT_ENT)", ("CERT_ENT",), {"cumulative"}),
        ("cumulative(INV_APP) / cumulative(CERT_ENT)", ("INV_APP", "CERT_ENT"), {"cumulative"}),
        ("-(INV_APP - PAT_APP) / 2.5", ("INV_APP", "PAT_APP"), set()),
    ],
)
def test_the_dhis2_style_formulas_parse(text, codes, functions):
    formula = parse(text, statistics=CATALOGUE)
    assert formula.codes == codes
    assert formula.functions == functions


def test_full_width_operators_typed_in_chinese_are_normalised():
    assert parse("INV_APP ÷ PAT_APP × 100", statistics=CATALOGUE).text == "INV_APP / PAT_APP * 100"
    assert parse("（INV_APP＋PAT_APP）／POP", statistics=CATALOGUE).text == "(INV_APP+PAT_APP)/POP"


@pytest.mark.parametrize(
    "text, column, token, message",
    [
        ("INV_VALD / POP", 1, "INV_VALD", "第1列:未知的统计数据代码“INV_VALD”。是否应为 INV_VALID?"),
        ("INV_VALID / POPULATION", 13, "POPULATION", "第13列:未知的统计数据代码“POPULATION”。"),
        ("inv_app / POP", 1, "inv_app", "是否应为 INV_APP?"),
        ("avg(INV_APP)", 1, "avg", "第1列:不支持的函数“avg”,只能使用 yoy()、cagr()、cumulative()。"),
        ("INV_APP / sum(POP)", 11, "sum", "不支持的函数“sum”"),
        ("INV_APP / 0", 11, "0", "第11列:除数“0”恒等于0。"),
        ("INV_APP / (2 - 2)", 12, "2 - 2", "第12列:除数“2 - 2”恒等于0。"),
        ("INV_APP / (POP", 11, "(", "第11列:左括号“(”没有对应的右括号。"),
        ("INV_APP / POP)", 14, ")", "第14列:多余的右括号“)”。"),
        ("INV_APP +", 9, "+", "第9列:运算符“+”后面缺少数字或统计数据代码。"),
        ("INV_APP POP", 9, "P", "第9列附近“P”:公式语法错误"),
        ("INV_APP ** 2", 9, "**", "第9列:不支持的运算符“**”,只能使用 + - * /。"),
        ("INV_APP // 2", 9, "//", "不支持的运算符“//”"),
        ("INV_APP % 2", 9, "%", "第9列:无法识别的字符“%”"),
        ("专利 / POP", 1, "专", "无法识别的字符“专”"),
        ("__import__('os')", 12, "'", "无法识别的字符“'”"),
        ("INV_APP.real", 1, "INV_APP.real", "不支持的写法"),
        ("yoy(INV_APP, POP)", 1, "yoy", "第1列:函数 yoy() 需要且只能有一个参数"),
        ("yoy(cagr(INV_APP))", 5, "cagr", "第5列:函数的参数中不能再使用函数“cagr”。"),
        ("cumulative(POP)", 12, "POP", "cumulative() 只能用于按季累加的流量统计,“POP”是存量"),
        ("100 * 2", 1, "", "公式至少要引用一个统计数据代码。"),
        ("   ", 1, "", "公式不能为空。"),
        ("  INV_VALD / POP", 3, "INV_VALD", "第3列:未知的统计数据代码"),
    ],
)
def test_a_bad_formula_points_at_the_token(text, column, token, message):
    with pytest.raises(FormulaError) as caught:
        parse(text, statistics=CATALOGUE)
    error = caught.value
    assert (error.column, error.token) == (column, token)
    assert message in error.message


def test_the_pointer_puts_a_caret_under_the_column():
    with pytest.raises(FormulaError) as caught:
        parse("INV_APP / 0", statistics=CATALOGUE)
    assert caught.value.pointer("INV_APP / 0") == "INV_APP / 0\n          ^"


def test_parsing_never_evaluates(monkeypatch):
    import builtins

    monkeypatch.setattr(builtins, "eval", lambda *a, **k: pytest.fail("eval was called"))
    parse("INV_APP / PAT_APP * 100", statistics=CATALOGUE)


@pytest.mark.django_db
def test_validation_uses_the_catalogue_in_the_database():
    assert indicator_formula_validate(formula="PAT_APP ÷ POP", kind="level") == "PAT_APP / POP"
    with pytest.raises(ValidationError) as caught:
        indicator_formula_validate(formula="PAT_APP / NO_SUCH", kind="level")
    assert caught.value.message_dict["formula"] == ["第11列:未知的统计数据代码“NO_SUCH”。"]
    with pytest.raises(ValidationError) as caught:
        indicator_formula_validate(formula="PAT_APP", kind="milestone")
    assert "里程碑" in caught.value.message_dict["formula"][0]
    assert indicator_formula_validate(formula="", kind="level") is None


@pytest.mark.django_db
def test_the_model_refuses_a_bad_formula_on_full_clean(wuhan):
    indicator = wuhan.indicators.get(name="每万人口发明专利拥有量")
    indicator.formula = "INV_VALID / (POP - POP) / 0"
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert caught.value.message_dict["formula"] == ["第27列:除数“0”恒等于0。"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "formula, message",
    [
        ("INV_VALID / POPP", "第13列:未知的统计数据代码“POPP”。是否应为 POP?"),
        ("median(INV_APP)", "第1列:不支持的函数“median”"),
        ("INV_APP / 0", "第11列:除数“0”恒等于0。"),
        ("INV_APP / (PAT_APP", "第11列:左括号“(”没有对应的右括号。"),
    ],
)
def test_the_indicator_form_refuses_a_bad_formula_at_its_field(login, wuhan, formula, message):
    indicator = wuhan.indicators.get(name="发明专利申请量")
    before = indicator.formula
    data = {
        "order": indicator.order,
        "name": indicator.name,
        "area": indicator.area,
        "kind": indicator.kind,
        "comparator": indicator.comparator,
        "target": "32000",
        "target_max": "",
        "unit": indicator.unit,
        "deadline": indicator.deadline,
        "formula": formula,
        "baseline_value": "",
        "baseline_year": "",
        "source_sentence": indicator.source_sentence,
    }
    url = reverse("programmes:plan_object_edit", args=[wuhan.slug, "indicator", indicator.pk])
    response = login("office_wuhan").post(url, data)
    assert response.status_code == 200
    errors = [str(e) for e in response.context["form"].errors["formula"]]
    assert len(errors) == 1 and message in errors[0]
    assert message in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.formula == before


@pytest.mark.django_db
def test_the_indicator_form_saves_a_good_formula_normalised(login, wuhan):
    indicator = wuhan.indicators.get(name="发明专利申请量")
    data = {
        "order": indicator.order,
        "name": indicator.name,
        "area": indicator.area,
        "kind": indicator.kind,
        "comparator": indicator.comparator,
        "target": "32000",
        "target_max": "",
        "unit": indicator.unit,
        "deadline": indicator.deadline,
        "formula": "INV_APP × 1",
        "baseline_value": "",
        "baseline_year": "",
        "source_sentence": indicator.source_sentence,
    }
    url = reverse("programmes:plan_object_edit", args=[wuhan.slug, "indicator", indicator.pk])
    response = login("office_wuhan").post(url, data)
    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).formula == "INV_APP * 1"


@pytest.mark.django_db
def test_every_seed_formula_is_valid():
    from indicators.models import Statistic

    catalogue = dict(Statistic.objects.values_list("code", "aggregation"))
    for indicator in Indicator.objects.exclude(kind="milestone"):
        parse(indicator.formula, statistics=catalogue)
    assert not Indicator.objects.filter(kind="milestone", formula__isnull=False).exclude(formula="").exists()
