"""Give every statistic an office added (not built in) the city whose plans use it.

Used by one city: it becomes that city's. Used by several (Harbin and Wuhan both declared
FAKE_PAT_ACCEPTED): the first city keeps the row and every other city gets its own copy,
with its programmes' values, owners and totals moved to the copy, so no city can change
what another reports against. Used by none: it stays national (read-only to offices)."""

import re

from django.db import migrations

CODE_RE = re.compile(r"\b[A-Z][A-Z0-9_]*\b")


def forwards(apps, schema_editor):
    Statistic = apps.get_model("indicators", "Statistic")
    StatisticValue = apps.get_model("indicators", "StatisticValue")
    StatisticOwner = apps.get_model("indicators", "StatisticOwner")
    StatisticTotal = apps.get_model("indicators", "StatisticTotal")
    Indicator = apps.get_model("indicators", "Indicator")

    formula_cities: dict[str, set[int]] = {}
    for formula, city_id in Indicator.objects.exclude(formula__isnull=True).values_list(
        "formula", "programme__city_id"
    ):
        for code in CODE_RE.findall(formula or ""):
            formula_cities.setdefault(code, set()).add(city_id)

    for stat in Statistic.objects.filter(is_builtin=False, city__isnull=True).order_by("pk"):
        cities = set(formula_cities.get(stat.code, set()))
        for model in (StatisticValue, StatisticOwner, StatisticTotal):
            cities |= set(model.objects.filter(statistic=stat).values_list("programme__city_id", flat=True))
        if not cities:
            continue
        first, *others = sorted(cities)
        stat.city_id = first
        stat.save(update_fields=["city"])
        for city_id in others:
            copy = Statistic.objects.create(
                city_id=city_id,
                code=stat.code,
                name=stat.name,
                unit=stat.unit,
                aggregation=stat.aggregation,
                description=stat.description,
                min_value=stat.min_value,
                max_value=stat.max_value,
                is_builtin=False,
            )
            for model in (StatisticValue, StatisticOwner, StatisticTotal):
                model.objects.filter(statistic=stat, programme__city_id=city_id).update(statistic=copy)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_statistic_city_and_archive")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
