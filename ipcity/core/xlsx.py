"""The one way the project writes an .xlsx: text is always text.

Anything a person typed into the portal (a note, a task's work, a name) may start with
= + - @ (or a tab / CR). Written as-is, Excel takes `=HYPERLINK(...)` or `=cmd|' /C calc'!A0`
for a formula when office staff open the file (formula / CSV injection). `safe_cell` writes
such text as a plain string cell with Excel's quote prefix, and `workbook_bytes` — the only
place a workbook is saved — passes every cell through the same rule first, so a cell set any
other way (or a formula inside an uploaded workbook sent back marked) cannot slip through.
The report workbook, the statistics template and the marked error copy all go through here."""

from __future__ import annotations

import io

from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _as_text(cell) -> None:
    value = cell.value
    if not isinstance(value, str):  # an array / data-table formula object
        value = getattr(value, "text", None) or str(value)
    cell.value = value
    cell.data_type = "s"  # openpyxl takes a leading = for a formula: keep it a string
    cell.quotePrefix = True  # and Excel does not turn it into one on edit either


def safe_cell(cell, value):
    """Put `value` in `cell`; text that looks like a formula stays text. Returns the cell."""
    cell.value = value
    if cell.data_type == "f" or is_risky(value):
        _as_text(cell)
    return cell


def safe_row(ws, values) -> None:
    """`ws.append(values)` with every value through `safe_cell`."""
    ws.append([None] * len(values) if values else [])
    row = ws.max_row
    for column, value in enumerate(values, start=1):
        safe_cell(ws.cell(row=row, column=column), value)


def neutralise(wb: Workbook) -> int:
    """Turn every formula and formula-like text in the workbook into quoted text; returns
    how many cells were changed. Read-only and write-only workbooks are not supported."""
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (is_risky(cell.value) and not cell.quotePrefix):
                    _as_text(cell)
                    changed += 1
    return changed


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, with no live formula in any cell."""
    neutralise(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
