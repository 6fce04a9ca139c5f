"""The one .xlsx writer (ipcity.core.xlsx): text that looks like a formula stays text."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from ipcity.core.xlsx import safe_cell, safe_row, workbook_bytes

RISKY = ['=HYPERLINK("http://evil.example","点此")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize("text", RISKY)
def test_risky_text_is_written_as_quoted_text(text):
    wb = Workbook()
    safe_cell(wb.active["A1"], text)
    safe_row(wb.active, [text, 5, -5, "普通文字"])
    data = workbook_bytes(wb)
    assert "<f>" not in sheet_xml(data)
    ws = load_workbook(io.BytesIO(data)).active
    for ref in ("A1", "A2"):
        assert ws[ref].data_type == "s" and ws[ref].value == text and ws[ref].quotePrefix
    assert (ws["B2"].value, ws["C2"].value, ws["D2"].value) == (5, -5, "普通文字")
    assert not ws["D2"].quotePrefix


def test_a_cell_set_any_other_way_is_neutralised_on_save():
    wb = Workbook()
    wb.active["A1"] = "=1+1"  # plain openpyxl: a live formula
    assert wb.active["A1"].data_type == "f"
    ws = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    assert ws["A1"].data_type == "s" and ws["A1"].value == "=1+1"
