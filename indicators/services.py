"""Writes to the statistics catalogue."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .models import Statistic

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
        stat = Statistic.objects.filter(code=row["code"]).first()
        if stat is None:
            Statistic.objects.create(code=row["code"], **values)
        elif any(getattr(stat, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(stat, k, v)
            stat.save()
    return len(rows)
