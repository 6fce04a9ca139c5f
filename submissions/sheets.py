"""The statistics file's layout and reading it: the template's sheets and columns (the
template is written by `submissions.workbook`), a workbook opened as a zip without any
parser (macros refused), the cells that hold formulas, and the sheets or a .csv read into
rows with pandas.

Nothing here checks what the rows say: that is `submissions.ingest`. A file that cannot be
read at all raises `NotReadable`, whose message says why, in Chinese."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pandas as pd
from django.utils.translation import gettext as _

TEMPLATE_MARK = "ipcity-statistics-template"
TEMPLATE_VERSION = "1"
DATA_SHEET = "统计数据"
TASK_SHEET = "任务进展"
INFO_SHEET = "填报说明"
META_SHEET = "_meta"
CSV_SHEET = "CSV"

# (key, header) in template order; uploads are matched by header text, not position.
STAT_COLUMNS = [
    ("period", "报告期"),
    ("agency", "填报单位"),
    ("code", "代码"),
    ("name", "统计数据项"),
    ("area", "区域"),
    ("unit", "单位"),
    ("previous", "上季度数值"),
    ("value", "本季度数值"),
    ("note", "备注"),
]
TASK_COLUMNS = [
    ("period", "报告期"),
    ("agency", "填报单位"),
    ("number", "任务编号"),
    ("title", "任务名称"),
    ("role", "本单位角色"),
    ("status", "进展状态"),
    ("work_done", "已完成工作"),
    ("problems", "存在问题"),
    ("next_steps", "下一步工作"),
]
CITY_AREA_LABEL = "全市"


# --- reading files -----------------------------------------------------------------------


class NotReadable(Exception):
    """The file cannot be read at all; the message says why, in Chinese."""


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the part holding its XML, from workbook.xml and its relationships."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in workbook.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"), "")
        target = target.lstrip("/")
        out[sheet.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
    return out


CELL_RE = re.compile(rb"<c\b((?:[^>/]|/(?!>))*)>(.*?)</c>", re.S)


def formula_cells(zf: zipfile.ZipFile, part: str) -> dict[str, bool]:
    """Cells of a sheet that hold a formula → whether a cached value is stored with it.

    A byte scan, cheap when (as usual) the sheet has no formula at all."""
    try:
        data = zf.read(part)
    except KeyError:
        return {}
    if b"<f" not in data:
        return {}
    out = {}
    for match in CELL_RE.finditer(data):
        inner = match.group(2)
        if b"<f" not in inner:
            continue
        ref = re.search(rb'\br="([A-Z]+\d+)"', match.group(1))
        if ref:
            out[ref.group(1).decode()] = bool(re.search(rb"<v>[^<]", inner))
    return out


def xlsx_open(data: bytes) -> tuple[zipfile.ZipFile, dict[str, str]]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotReadable(_("文件不是有效的 Excel 工作簿(.xlsx),可能已损坏或只是改了扩展名。")) from exc
    content_types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        raise NotReadable(
            _("文件包含宏(VBA)。为安全起见不接受带宏的文件,请另存为不含宏的 .xlsx 后重新上传。")
        )
    if "xl/workbook.xml" not in names:
        raise NotReadable(_("文件不是有效的 Excel 工作簿(.xlsx)。"))
    try:
        return zf, _sheet_paths(zf)
    except (KeyError, ElementTree.ParseError) as exc:
        raise NotReadable(_("无法读取工作簿的结构,文件可能已损坏。")) from exc


def read_sheets(data: bytes, sheets: list[str]) -> dict[str, list[list]]:
    """The named sheets as lists of rows (every cell, blank rows kept so row numbers hold),
    read with pandas and the calamine engine."""
    # keep_default_na=False: "N/A", "NA", "null" are what the reporter typed, not blanks.
    frames = pd.read_excel(
        io.BytesIO(data),
        engine="calamine",
        sheet_name=sheets,
        header=None,
        dtype=object,
        keep_default_na=False,
    )
    return {name: frame.to_numpy(dtype=object).tolist() for name, frame in frames.items()}


def decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotReadable(_("无法识别 CSV 文件的编码,请保存为 UTF-8 或 GBK 编码。"))


def read_csv(data: bytes) -> list[list]:
    text = decode_csv(data)
    if "\x00" in text:
        raise NotReadable(_("CSV 文件中含有二进制内容,不是文本文件。"))
    frame = pd.read_csv(
        io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False, engine="c"
    )
    return frame.to_numpy(dtype=object).tolist()
