"""Versioned statistic values: a change is a new version superseding the old one, written in
bulk (COPY on PostgreSQL) because an upload may hold 100,000 figures."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import StatisticUpload, StatisticValue
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


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value).translate(_COPY_ESCAPES)


def _copy_line(row: tuple) -> str:
    """One value row as a line of COPY text; only the free-text fields need escaping."""
    (
        prog,
        stat,
        agency,
        area,
        year,
        quarter,
        value,
        version,
        supersedes,
        current,
        source,
        upload,
        user,
        at,
        note,
    ) = row
    return (
        f"{prog}\t{stat}\t{agency}\t{area.translate(_COPY_ESCAPES)}\t{year}\t{quarter}\t{value}\t{version}\t"
        f"{_copy_field(supersedes)}\t{'t' if current else 'f'}\t{source}\t{_copy_field(upload)}\t"
        f"{_copy_field(user)}\t{at}\t{note.translate(_COPY_ESCAPES)}\n"
    )


def _values_insert(rows: list[tuple]) -> None:
    """Insert value rows in as few statements as the database allows.

    An upload may hold 100,000 figures: building that many model instances and letting the
    ORM render them in 999-parameter batches (SQLite) costs ten times the file read. The
    rows are checked and adapted before they get here; this only writes them."""
    if not rows:
        return
    table = connection.ops.quote_name(StatisticValue._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in VALUE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY (text format: tab-separated, \N for NULL) is PostgreSQL's bulk path.
            buffer = io.StringIO("".join(map(_copy_line, rows)))
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        else:
            placeholders = ", ".join(["%s"] * len(VALUE_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


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
    now = ops.adapt_datetimefield_value(timezone.now())
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
