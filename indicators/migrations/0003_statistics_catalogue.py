import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "statistics.json"


def load_catalogue(apps, schema_editor):
    Statistic = apps.get_model("indicators", "Statistic")
    for row in json.loads(CATALOGUE.read_text(encoding="utf-8")):
        Statistic.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"], "unit": row["unit"], "aggregation": row["aggregation"],
                "description": row.get("description", ""), "is_builtin": True,
                "max_value": Decimal(str(row["max_value"])) if row.get("max_value") is not None else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
