"""The statistics catalogue of the indicators room: the built-in codes shipped with the
portal, the codes a city's programmes see, and the checks a formula or a reported figure
must pass against them. Re-exported by `indicators.services`."""

import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import engine, formulas
from . import progress as rules
from .models import Indicator, Statistic

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "statistics.json"


@transaction.atomic
def statistic_catalogue_load(*, path: Path = CATALOGUE_FILE) -> int:
    """Ship the built-in catalogue of DOMAIN.md (idempotent); offices add more codes."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        values = {
            "name": row["name"],
            "unit": row["unit"],
            "aggregation": row["aggregation"],
            "description": row.get("description", ""),
            "max_value": Decimal(str(row["max_value"])) if row.get("max_value") is not None else None,
            "is_builtin": True,
        }
        stat = Statistic.objects.filter(code=row["code"], city__isnull=True).first()
        if stat is None:
            Statistic.objects.create(code=row["code"], **values)
        elif any(getattr(stat, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(stat, k, v)
            stat.save()
    return len(rows)


# --- formulas and range checks --------------------------------------------------------------


def statistic_catalogue(*, city=None) -> dict[str, engine.StatMeta]:
    """Code → StatMeta of the catalogue a city's programmes see: the national codes and the
    city's own (`Statistic.objects.for_city`); None: the national codes only."""
    return {
        s.code: engine.StatMeta(
            code=s.code,
            aggregation=s.aggregation,
            unit=s.unit,
            name=s.name,
            min_value=None if s.min_value is None else float(s.min_value),
            max_value=None if s.max_value is None else float(s.max_value),
            id=s.pk,
        )
        for s in Statistic.objects.for_city(city)
    }


def indicator_formula_validate(*, formula: str | None, kind: str | None = None, city=None) -> str | None:
    """The formula, normalised (full-width ×÷() become * / ( )), or ValidationError at
    `formula` whose message names the column and the token. Milestones take no formula."""
    text = (formula or "").strip()
    if kind == Indicator.Kind.MILESTONE:
        if text:
            raise ValidationError({"formula": _("里程碑指标以完成情况和证明材料认定,不填写公式。")})
        return None
    if not text:
        return None  # allowed: the indicator shows "no data: no formula yet" until one is set
    # A code resolves within the programme's city: national codes and the city's own.
    catalogue = dict(Statistic.objects.for_city(city).values_list("code", "aggregation"))
    try:
        return formulas.parse(text, statistics=catalogue).text
    except formulas.FormulaError as exc:
        raise ValidationError({"formula": exc.message}, code="formula") from exc


def statistic_value_range_error(*, statistic: Statistic, value) -> str | None:
    """Why a reported figure is outside the statistic's plausible range (a population of
    12,000,000 where the unit is 万人), or None. The same check flags totals in the engine."""
    if value is None:
        return None
    number = Decimal(str(value))
    unit = statistic.unit
    if statistic.max_value is not None and number > statistic.max_value:
        return _(
            "%(name)s(%(code)s)的填报值 %(value)s 超过合理上限 %(max)s%(unit)s,可能是单位错误:请按“%(unit)s”填报。"
        ) % {
            "name": statistic.name,
            "code": statistic.code,
            "value": rules.fmt(float(number)),
            "max": rules.fmt(float(statistic.max_value)),
            "unit": unit,
        }
    if statistic.min_value is not None and number < statistic.min_value:
        return _("%(name)s(%(code)s)的填报值 %(value)s 低于合理下限 %(min)s%(unit)s。") % {
            "name": statistic.name,
            "code": statistic.code,
            "value": rules.fmt(float(number)),
            "min": rules.fmt(float(statistic.min_value)),
            "unit": unit,
        }
    return None
