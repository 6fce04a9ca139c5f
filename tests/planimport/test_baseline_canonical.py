"""The baseline (基期值 with its year) and the 预期性/约束性 attribute an indicator table prints
travel in the canonical JSON as optional keys and are kept on the programme's indicator
(issue 12); documents without them (the seeds) are unchanged."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.conf import settings

from planimport.parsing import parse_plan
from programmes.canonical import INDICATOR_KEYS, ordered, validate_canonical
from programmes.models import Programme
from tests.planimport.test_command import run
from tests.planimport.test_plan_styles import PLAN


def test_table_rows_carry_baseline_year_and_attribute_prose_targets_do_not():
    data = parse_plan(PLAN + "\n").to_canonical()
    rows = {i["name"]: i for i in data["indicators"]}
    first = rows["每万人口发明专利拥有量"]
    assert (first["baseline"], first["baseline_year"], first["attribute"]) == (3.1, 2020, "预期性")
    assert list(first) == [k for k in INDICATOR_KEYS if k in first]  # the canonical key order
    closed = rows["专利侵权纠纷结案率"]  # baseline “—”: not printed, so no key
    assert "baseline" not in closed and closed["attribute"] == "约束性"


def _doc(**indicator) -> dict:
    seed = json.loads((settings.SEED_DATA_DIR / "harbin-2016.json").read_text(encoding="utf-8"))
    seed["indicators"][0].update(indicator)
    return seed


@pytest.mark.parametrize(
    "extra, path, message",
    [
        ({"baseline": "1.06"}, "$.indicators[0].baseline", "应为数字"),
        ({"baseline": -1}, "$.indicators[0].baseline", "不能为负数"),
        ({"baseline_year": "2020"}, "$.indicators[0].baseline_year", "四位年份"),
        ({"baseline_year": 20}, "$.indicators[0].baseline_year", "四位年份"),
        ({"attribute": "重要"}, "$.indicators[0].attribute", "不在"),
        ({"baseline_value": 1}, "$.indicators[0].baseline_value", "未知的字段"),
    ],
)
def test_bad_optional_indicator_keys_are_errors_at_their_path(extra, path, message):
    errors = validate_canonical(_doc(**extra))
    assert [(e.path, message in e.message) for e in errors] == [(path, True)]


def test_the_optional_keys_are_valid_and_a_seed_without_them_is_unchanged():
    assert validate_canonical(_doc(baseline=1.06, baseline_year=2020, attribute="约束性")) == []
    seed = json.loads((settings.SEED_DATA_DIR / "harbin-2016.json").read_text(encoding="utf-8"))
    assert ordered(seed) == seed and validate_canonical(seed) == []


@pytest.mark.django_db
def test_an_imported_table_keeps_its_baselines_on_the_programme(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    run(path, "--city", "哈尔滨市", "--slug", "harbin-145-table", "--period", "2021-01:2025-12")
    programme = Programme.objects.get(slug="harbin-145-table")
    first = programme.indicators.get(name="每万人口发明专利拥有量")
    assert (first.baseline_value, first.baseline_year) == (Decimal("3.1"), 2020)
    closed = programme.indicators.get(name="专利侵权纠纷结案率")
    assert (closed.baseline_value, closed.baseline_year) == (None, 2020)
