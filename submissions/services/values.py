"""Versioned statistic values: a change is a new version superseding the old one, written in
bulk (COPY on PostgreSQL) because an upload may hold 100,000 figures."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import StatisticUpload, StatisticValue
from ipcity.core.bulk import insert_rows
from programmes.models import Agency, Programme

from ..selectors import (
    current_values,
)

# --- versioned values -----------------------------------------------------------------------


VALUE_COLUMNS = [
    "programme_id",
    "statistic_id",
    "agency_id",
    "area",
    "year",
    "quarter",
    "value",
    "version",
    "supersedes_id",
    "is_current",
    "source",
    "upload_id",
    "reported_by_id",
    "reported_at",
    "note",
]


LARGEST_VALUE = Decimal("1e16")  # DecimalField(max_digits=20, decimal_places=4)


def _values_insert(rows: list[tuple]) -> None:
    """Insert value rows (VALUE_COLUMNS order, checked and adapted) in bulk: an upload may
    hold 100,000 figures."""
    insert_rows(StatisticValue, VALUE_COLUMNS, rows)


def _values_retire(pks: list[int]) -> None:
    """Mark superseded versions as no longer current (before their successors are inserted:
    one current row per key is a constraint). Plain SQL for the same reason as the insert."""
    table = connection.ops.quote_name(StatisticValue._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if pks:
                cursor.execute(f"UPDATE {table} SET is_current = false WHERE id = ANY(%s)", [pks])
            return
        for start in range(0, len(pks), 900):  # under SQLite's smallest parameter limit
            chunk = pks[start : start + 900]
            cursor.execute(
                f"UPDATE {table} SET is_current = %s WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                [False, *chunk],
            )


def statistic_values_record(
    *,
    programme: Programme,
    agency: Agency,
    year: int,
    quarter: int,
    entries: list[tuple[int, str, Decimal, str]],
    source: str,
    user,
    upload: StatisticUpload | None = None,
) -> dict:
    """Write (statistic id, area, value, note) entries as new versions where they differ from
    the current value; unchanged values write nothing. Call inside a transaction."""
    current = current_values(
        programme=programme, year=year, quarter=quarter, statistic_ids={e[0] for e in entries}
    )
    ops = connection.ops
    now = str(ops.adapt_datetimefield_value(timezone.now()))  # once, not on every row of the COPY
    user_id = user.pk if user else None
    upload_id = upload.pk if upload else None
    superseded, rows = [], []
    for stat_id, area, value, note in entries:
        old = current.get((stat_id, area))
        if old is not None and old[1] == value:
            continue
        if old is not None:
            superseded.append(old[0])
        if abs(value) >= LARGEST_VALUE:
            raise ValidationError(_("数值过大。"))
        rows.append(
            (
                programme.pk,
                stat_id,
                agency.pk,
                area,
                year,
                quarter,
                ops.adapt_decimalfield_value(value, 20, 4),
                (old[2] + 1) if old else 1,
                old[0] if old else None,
                True,
                source,
                upload_id,
                user_id,
                now,
                note,
            )
        )
    _values_retire(superseded)
    _values_insert(rows)
    return {"created": len(rows), "unchanged": len(entries) - len(rows), "corrected": len(superseded)}
