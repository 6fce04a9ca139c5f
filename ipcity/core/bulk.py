"""Bulk inserts below the ORM, for the two writes that carry tens of thousands of rows: an
upload's statistic values and a recompute's derived rows. Building that many model
instances and letting the ORM render them in 999-parameter batches (SQLite) would cost more
than reading the file or computing the indicators.

Rows are plain tuples in `columns` order, already checked and adapted by the caller with
`connection.ops` as the ORM would (dates, decimals). Call inside a transaction."""

from __future__ import annotations

import csv
import io

from django.db import connection


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert rows into `model`'s table in as few statements as the database allows: COPY
    on PostgreSQL, one executemany elsewhere.

    COPY reads csv written by the csv module (C, quoting only what needs it). csv writes None
    and "" alike, as an empty unquoted field; COPY reads that as NULL, except in the columns
    that cannot be NULL (FORCE_NOT_NULL), where it is "". So a nullable column cannot keep
    "" apart from NULL here: Django's text fields are NOT NULL, and the models written this
    way have no nullable text."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            not_null = ", ".join(quote(c) for c in columns if not model._meta.get_field(c).null)
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            buffer.seek(0)
            options = f"FORMAT csv, FORCE_NOT_NULL ({not_null})" if not_null else "FORMAT csv"
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH ({options})", buffer)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
