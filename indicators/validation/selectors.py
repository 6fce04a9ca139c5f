"""Reads of validation rules: the programme's list and what a round's check needs."""

from __future__ import annotations

from django.db.models import QuerySet

from programmes.models import Programme

from .checks import RuleInputs, rule_spec
from .models import ValidationRule


def validation_rules_of(*, programme: Programme) -> QuerySet[ValidationRule]:
    return ValidationRule.objects.filter(programme=programme).order_by("-is_active", "name")


def _previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def _current(programme: Programme, year: int, quarter: int, codes) -> dict:
    from indicators.models import StatisticValue

    rows = StatisticValue.objects.filter(
        programme=programme, year=year, quarter=quarter, is_current=True, statistic__code__in=codes
    ).values_list("statistic__code", "area", "value")
    return {(code, area): value for code, area, value in rows}


def rule_inputs(*, programme: Programme, year: int, quarter: int) -> RuleInputs:
    """The programme's active rules, and the stored values of their codes for the quarter
    (and the previous quarter, for change rules). Two or three queries."""
    specs = [
        spec
        for spec in map(rule_spec, ValidationRule.objects.filter(programme=programme, is_active=True))
        if spec is not None
    ]
    if not specs:
        return RuleInputs()
    codes = {code for spec in specs for code in spec.codes}
    change_codes = {code for spec in specs if spec.kind == ValidationRule.Kind.CHANGE for code in spec.codes}
    previous = {}
    if change_codes:
        previous = _current(programme, *_previous_quarter(year, quarter), change_codes)
    return RuleInputs(rules=specs, stored=_current(programme, year, quarter, codes), previous=previous)
