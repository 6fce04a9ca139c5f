"""Reading an uploaded statistics file (the portal's .xlsx template, or a .csv with the same
columns) into rows, and checking every row against the round it is uploaded to.

Pure functions: nothing here writes to the database or to storage. Every problem found is a
`Problem` naming the sheet, the row, the column and the cell (Excel's `H7`), what is wrong
and what is expected, in Chinese. Formulas are never evaluated: a formula cell's cached
value is used (with a warning) when the file has one, else the cell is rejected.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import pandas as pd
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.validation.checks import RuleInputs
from indicators.validation.checks import check as rules_check
from ipcity.core.uploads import filename_problem, zip_bomb_check

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PROBLEMS_LISTED = 500  # a file with more problems lists the first ones and a count

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
BLANK_CHARS = " \t\r\n\u3000\u00a0\u200b\u200c\u200d\ufeff"
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d+)?|\.\d+)$")
THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
MAX_ABS_VALUE = Decimal("1e15")
MAX_WHOLE = 10**15


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (Excel's column names)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Problem:
    """One thing wrong (error) or worth a second look (warning), located in the file."""

    level: str  # "error" | "warning"
    message: str
    sheet: str = ""
    row: int | None = None  # Excel row, 1-based
    column: str = ""  # Excel column letter
    field: str = ""  # the column's header

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}" if self.column and self.row else ""

    @property
    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("工作表“%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            parts.append(_("第%(row)s行") % {"row": self.row})
        if self.column:
            parts.append(_("%(col)s列(%(field)s)") % {"col": self.column, "field": self.field or self.column})
        if self.cell:
            parts.append(_("单元格 %(cell)s") % {"cell": self.cell})
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}:{self.message}" if self.location else self.message

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "field": self.field,
            "message": self.message,
            "text": str(self),
        }


@dataclass(slots=True)
class StatRow:
    row: int
    code: str
    area: str
    value: Decimal | None
    note: str
    cells: dict  # key → column letter


@dataclass
class TaskRow:
    row: int
    number: str
    status: str  # TaskReport.Status value
    work_done: str
    problems: str
    next_steps: str
    cells: dict


@dataclass
class RoundContext:
    """What an upload is checked against: the round, the agency and what it owes."""

    programme_slug: str
    programme_title: str
    agency_id: int
    agency_names: set  # the agency's name and aliases
    agency_name: str
    year: int
    quarter: int
    catalogue: dict  # code → statistic info dict (id, name, unit, aggregation, min, max)
    owned: dict  # (code, area) → statistic info dict
    tasks: dict  # task number → {"id", "title", "role"}
    previous: dict  # (statistic_id, area) → Decimal (previous quarter's current value)
    status_labels: dict  # Chinese label → TaskReport.Status value
    rules: RuleInputs | None = None  # the programme's validation rules (indicators.validation)

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}"


@dataclass
class CheckResult:
    kind: str = ""  # "xlsx" | "csv"
    stat_rows: list = field(default_factory=list)
    task_rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    blank_rows: int = 0
    error_count: int = 0
    warning_count: int = 0

    def error(self, message, **where):
        self.error_count += 1
        if len(self.errors) < MAX_PROBLEMS_LISTED:
            self.errors.append(Problem("error", message, **where))

    def warn(self, message, **where):
        self.warning_count += 1
        if len(self.warnings) < MAX_PROBLEMS_LISTED:
            self.warnings.append(Problem("warning", message, **where))

    @property
    def ok(self) -> bool:
        return self.error_count == 0


# --- cell values -------------------------------------------------------------------------


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip(BLANK_CHARS):
        return True
    return value is pd.NaT


def text_of(value) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip(BLANK_CHARS)


def number_of(value) -> tuple[Decimal | None, str]:
    """(number, "") or (None, why not) for a value cell; (None, "") when blank."""
    kind = type(value)
    if kind is int and -MAX_WHOLE < value < MAX_WHOLE:
        return Decimal(value), ""  # the usual case: a whole number typed in a cell
    if kind is float and value.is_integer() and -MAX_WHOLE < value < MAX_WHOLE:
        return Decimal(int(value)), ""
    if is_blank(value):
        return None, ""
    if isinstance(value, bool):
        return None, _("“%(v)s”不是数字") % {"v": value}
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return None, _("这是日期而不是数字")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None, _("不是有效数字")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        raw = str(value)
        text = unicodedata.normalize("NFKC", raw).strip(BLANK_CHARS)
        if NUMBER_RE.match(text):
            number = Decimal(text)
        elif THOUSANDS_RE.match(text):
            number = Decimal(text.replace(",", ""))
        elif re.match(r"^[+-]?\d+(,\d+)+$", text):
            return None, _("“%(v)s”不是数字:逗号只能作千位分隔符(如 1,200),小数请用小数点(如 1.2)") % {
                "v": raw
            }
        else:
            return None, _("“%(v)s”不是数字") % {"v": raw}
    if abs(number) >= MAX_ABS_VALUE:
        return None, _("数值过大")
    if number.as_tuple().exponent < -4:
        number = number.quantize(Decimal("0.0001"))
    return number, ""


STORED_PLACES = 4  # StatisticValue.value keeps 4 decimal places


def rounding_note(raw, number: Decimal | None) -> str:
    """Why a stored figure differs from what was typed: more than 4 decimal places are
    rounded (1.23456789 is kept as 1.2346), and the row says so instead of doing it silently."""
    kind = type(raw)
    if kind is int or (kind is float and raw.is_integer()):
        return ""  # the usual cell: a whole number has no decimal places to lose
    if number is None or is_blank(raw) or isinstance(raw, bool):
        return ""
    text = repr(raw) if isinstance(raw, float) else unicodedata.normalize("NFKC", str(raw)).strip(BLANK_CHARS)
    try:
        typed = Decimal(text.replace(",", ""))
    except ArithmeticError:
        return ""
    if typed == number or typed.as_tuple().exponent >= -STORED_PLACES:
        return ""
    return _("“%(v)s”超过%(n)s位小数,按 %(kept)s 保存") % {"v": text, "n": STORED_PLACES, "kept": number}


NUMBER_EXPECTED = _("应填写阿拉伯数字,如 300 或 12.5,不带“约”、单位、空格或说明文字;说明请写在“备注”列")


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


# --- checking ----------------------------------------------------------------------------


def _find_header(rows: list[list], columns: list[tuple[str, str]], required: set[str]):
    """(index of the header row, key → column index) in the first rows, or None."""
    wanted = {header: key for key, header in columns}
    for index, row in enumerate(rows[:10]):
        found = {}
        for col, cell in enumerate(row):
            key = wanted.get(text_of(cell).replace(" ", ""))
            if key and key not in found:
                found[key] = col
        if required <= set(found):
            return index, found
    return None


def _meta_of(rows: list[list]) -> dict:
    meta = {}
    for row in rows:
        if len(row) >= 2 and not is_blank(row[0]):
            meta[text_of(row[0])] = text_of(row[1])
    return meta


def check_file(*, data: bytes, filename: str, ctx: RoundContext) -> CheckResult:
    """Everything wrong with an uploaded file for this round and agency, and its rows."""
    result = CheckResult()
    name_problem = filename_problem(filename)
    if name_problem:
        result.error(name_problem)
        return result
    if len(data) > MAX_UPLOAD_BYTES:
        result.error(
            _("文件大小为 %(size).1f MB,超过 10 MB 的上限。模板文件通常只有几十 KB,请检查是否上传错了文件。")
            % {"size": len(data) / 1024 / 1024}
        )
        return result
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in {"xlsm", "xltm", "xlam", "xlsb"}:
        result.error(
            _("不接受启用宏的工作簿(.%(ext)s)。请下载本平台的 .xlsx 模板填写后上传。") % {"ext": extension}
        )
        return result
    if extension not in {"xlsx", "csv"}:
        result.error(
            _("不支持“.%(ext)s”文件。请上传本平台下载的 .xlsx 模板,或相同列的 .csv 文件(UTF-8 或 GBK 编码)。")
            % {"ext": extension or "?"}
        )
        return result
    if extension == "xlsx":
        # Before any parser sees it, and before it is kept for a marked copy: nothing of a
        # decompression bomb is read or stored.
        bomb = zip_bomb_check(data, name=filename)
        if bomb:
            result.error(bomb)
            return result
    try:
        if extension == "xlsx":
            result.kind = "xlsx"
            _check_xlsx(data, ctx, result)
        else:
            result.kind = "csv"
            rows = read_csv(data)
            _check_stat_rows(rows, CSV_SHEET, ctx, result, formulas={}, csv=True)
    except NotReadable as exc:
        result.error(str(exc))
        return result
    if result.ok and not result.stat_rows and not result.task_rows:
        result.error(
            _("文件中没有任何填报数据(%(n)s 行看似有内容,实际全为空白)。") % {"n": result.blank_rows}
            if result.blank_rows
            else _("文件中没有任何填报数据。")
        )
    if result.ok:
        _check_rules(ctx, result)
        _check_warnings(ctx, result)
    return result


def _check_xlsx(data: bytes, ctx: RoundContext, result: CheckResult) -> None:
    zf, parts = xlsx_open(data)
    if DATA_SHEET not in parts or META_SHEET not in parts:
        raise NotReadable(
            _(
                "该文件不是本平台的填报模板(缺少“%(sheet)s”工作表或模板信息)。请在填报页面下载模板,在模板中填写后上传。"
            )
            % {"sheet": DATA_SHEET}
        )
    wanted = [DATA_SHEET, META_SHEET] + ([TASK_SHEET] if TASK_SHEET in parts else [])
    try:
        sheets = read_sheets(data, wanted)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a file the user must fix
        raise NotReadable(_("无法读取工作簿的内容,文件可能已损坏。")) from exc
    meta = _meta_of(sheets[META_SHEET])
    if meta.get("template") != TEMPLATE_MARK:
        raise NotReadable(_("该文件不是本平台的填报模板(模板信息缺失或被修改)。请重新下载模板。"))
    if meta.get("programme") != ctx.programme_slug:
        result.error(
            _("模板属于另一个方案(%(got)s),与本次填报的方案“%(want)s”不一致。请在本方案的填报页面下载模板。")
            % {"got": meta.get("programme") or "?", "want": ctx.programme_title},
            sheet=META_SHEET,
        )
    if meta.get("period") != ctx.period:
        result.error(
            _("模板的报告期为 %(got)s,与本次填报轮次 %(want)s 不一致。请下载本轮次的模板。")
            % {"got": meta.get("period") or "?", "want": ctx.period},
            sheet=META_SHEET,
        )
    if meta.get("agency_id") != str(ctx.agency_id):
        result.error(
            _("模板的填报单位为“%(got)s”,与本次填报单位“%(want)s”不一致。请下载本单位的模板。")
            % {"got": meta.get("agency") or "?", "want": ctx.agency_name},
            sheet=META_SHEET,
        )
    _check_stat_rows(
        sheets[DATA_SHEET], DATA_SHEET, ctx, result, formulas=formula_cells(zf, parts[DATA_SHEET])
    )
    if TASK_SHEET in sheets:
        _check_task_rows(sheets[TASK_SHEET], ctx, result, formula_cells(zf, parts[TASK_SHEET]))


def _check_row_scope(row, index_of, excel_row, sheet, ctx, result, columns, seen_ok=None) -> None:
    """The row's own 报告期 / 填报单位 cells, when present, must match the round.

    `seen_ok` remembers raw cell values already found right (they repeat on every row)."""
    if seen_ok is not None:
        raw = tuple(
            row[index_of[k]] if k in index_of and index_of[k] < len(row) else None
            for k in ("period", "agency")
        )
        if raw in seen_ok:
            return
        errors_before = result.error_count
    headers = dict(columns)
    if "period" in index_of:
        got = text_of(row[index_of["period"]]) if index_of["period"] < len(row) else ""
        if got and got.upper().replace(" ", "") != ctx.period:
            result.error(
                _("报告期“%(got)s”与本次填报轮次 %(want)s 不一致") % {"got": got, "want": ctx.period},
                sheet=sheet,
                row=excel_row,
                column=column_letter(index_of["period"]),
                field=headers["period"],
            )
    if "agency" in index_of:
        got = text_of(row[index_of["agency"]]) if index_of["agency"] < len(row) else ""
        if got and got not in ctx.agency_names:
            result.error(
                _("填报单位“%(got)s”与本次填报单位“%(want)s”不一致") % {"got": got, "want": ctx.agency_name},
                sheet=sheet,
                row=excel_row,
                column=column_letter(index_of["agency"]),
                field=headers["agency"],
            )
    if seen_ok is not None and result.error_count == errors_before:
        seen_ok.add(raw)


def _check_stat_rows(rows, sheet, ctx: RoundContext, result: CheckResult, *, formulas, csv=False) -> None:
    found = _find_header(rows, STAT_COLUMNS, {"code", "value"})
    if found is None:
        raise NotReadable(
            _("在“%(sheet)s”中找不到表头(需要“代码”和“本季度数值”两列)。该文件不是本平台的填报模板。")
            % {"sheet": sheet}
        )
    header_index, index_of = found
    headers = dict(STAT_COLUMNS)
    value_col, code_col = index_of["value"], index_of["code"]
    area_col, note_col = index_of.get("area"), index_of.get("note")
    value_letter, code_letter = column_letter(value_col), column_letter(code_col)
    value_field = headers["value"]
    seen: dict[tuple[str, str], int] = {}
    scope_ok: set = set()
    texts: dict = {}  # raw cell → normalised text: codes and areas repeat on many rows

    def text(value) -> str:
        try:
            return texts[value]
        except KeyError:
            texts[value] = text_of(value)
            return texts[value]
        except TypeError:  # unhashable: never from a sheet, but be safe
            return text_of(value)

    scope_cols = [index_of[k] for k in ("period", "agency") if k in index_of]
    last_scope = None
    for offset, row in enumerate(rows[header_index + 1 :]):
        excel_row = header_index + 2 + offset
        code = text(row[code_col]).upper() if code_col < len(row) else ""
        if not code and all(is_blank(cell) for cell in row):
            if any(isinstance(cell, str) and cell for cell in row):
                result.blank_rows += 1
            continue
        area = text(row[area_col]) if area_col is not None and area_col < len(row) else ""
        area = "" if area == CITY_AREA_LABEL else area
        where = {"sheet": sheet, "row": excel_row}
        if not code:
            if is_blank(row[value_col] if value_col < len(row) else None):
                result.blank_rows += 1
                continue
            result.error(
                _("代码为空:每一行都要有统计数据项的代码(如 INV_APP)"),
                column=code_letter,
                field=headers["code"],
                **where,
            )
            continue
        scope = [row[c] if c < len(row) else None for c in scope_cols]
        if scope != last_scope:  # the same 报告期 / 填报单位 repeat on every row
            errors_before = result.error_count
            _check_row_scope(row, index_of, excel_row, sheet, ctx, result, STAT_COLUMNS, scope_ok)
            last_scope = scope if result.error_count == errors_before else None
        key = (code, area)
        area_label = area or CITY_AREA_LABEL
        if key not in ctx.owned:
            if code not in ctx.catalogue:
                message = _("代码“%(code)s”不在统计数据目录中,请核对代码(不要修改模板中的代码)") % {
                    "code": code
                }
            elif any(c == code for c, _a in ctx.owned):
                message = _("本单位不负责填报“%(code)s”在“%(area)s”的数据,请核对区域") % {
                    "code": code,
                    "area": area_label,
                }
            else:
                message = _("代码“%(code)s”(%(name)s)不由本单位填报,请删除该行或联系领导小组办公室") % {
                    "code": code,
                    "name": ctx.catalogue[code]["name"],
                }
            result.error(message, column=code_letter, field=headers["code"], **where)
            continue
        if key in seen:
            result.error(
                _("重复的行:“%(code)s”(%(area)s)已在第%(first)s行填报过,每项只能填一行")
                % {"code": code, "area": area_label, "first": seen[key]},
                column=code_letter,
                field=headers["code"],
                **where,
            )
            continue
        seen[key] = excel_row
        stat = ctx.owned[key]
        raw = row[value_col] if value_col < len(row) else None
        cell = f"{value_letter}{excel_row}"
        value_where = {"column": value_letter, "field": value_field, **where}
        if formulas and cell in formulas:
            if not formulas[cell] or is_blank(raw):
                result.error(
                    _(
                        "该单元格是公式,且文件中没有保存计算结果。系统不会计算公式:请在 Excel 中把它“粘贴为数值”后重新上传"
                    ),
                    **value_where,
                )
                continue
            result.warn(
                _("该单元格是公式,已采用文件中保存的计算结果 %(v)s(系统不会重新计算公式),请确认")
                % {"v": raw},
                **value_where,
            )
        value, why = number_of(raw)
        if why:
            result.error(f"{why};{NUMBER_EXPECTED}", **value_where)
            continue
        note = rounding_note(raw, value)
        if note:
            result.warn(note, **value_where)
        if value is None:
            result.error(
                _("缺少“%(name)s”的数值:本项为必填,请填写本季度数值(没有发生请填 0)")
                % {"name": stat["name"]},
                **value_where,
            )
            continue
        minimum = stat.get("min_value")
        if minimum is not None and value < minimum:
            result.error(
                _("“%(name)s”不能为负数(填写的是 %(v)s),应为不小于 %(min)s 的数")
                % {"name": stat["name"], "v": raw, "min": _plain(minimum)}
                if minimum == 0
                else _("“%(name)s”不能小于 %(min)s(填写的是 %(v)s)")
                % {"name": stat["name"], "v": raw, "min": _plain(minimum)},
                **value_where,
            )
            continue
        if stat["unit"] == "%" and value > 100:
            result.error(
                _("“%(name)s”是占比,不能超过100(填写的是 %(v)s);应填 0 到 100 之间的百分数,不带 %% 号")
                % {"name": stat["name"], "v": raw},
                **value_where,
            )
            continue
        maximum = stat.get("max_value")
        if maximum is not None and value > maximum:
            result.error(
                _("“%(name)s”为 %(v)s%(unit)s,超过合理上限 %(max)s%(unit)s,请检查单位(应以“%(unit)s”为单位)")
                % {"name": stat["name"], "v": raw, "max": _plain(maximum), "unit": stat["unit"]},
                **value_where,
            )
            continue
        note = text(row[note_col]) if note_col is not None and note_col < len(row) else ""
        result.stat_rows.append(
            StatRow(row=excel_row, code=code, area=area, value=value, note=note[:500], cells={"value": cell})
        )
    missing = [key for key in ctx.owned if key not in seen]
    if missing and seen:
        for code, area in missing[:MAX_PROBLEMS_LISTED]:
            result.error(
                _("缺少“%(code)s”(%(name)s,%(area)s)这一行:本单位必须填报该项,请使用模板中的全部行")
                % {"code": code, "name": ctx.owned[(code, area)]["name"], "area": area or CITY_AREA_LABEL},
                sheet=sheet,
            )


def _check_task_rows(rows, ctx: RoundContext, result: CheckResult, formulas) -> None:
    found = _find_header(rows, TASK_COLUMNS, {"number", "status"})
    if found is None:
        result.error(_("“任务进展”工作表的表头被修改,找不到“任务编号”和“进展状态”两列。"), sheet=TASK_SHEET)
        return
    header_index, index_of = found
    headers = dict(TASK_COLUMNS)
    seen = {}
    for offset, row in enumerate(rows[header_index + 1 :]):
        excel_row = header_index + 2 + offset

        def cell(key, row=row):
            col = index_of.get(key)
            return text_of(row[col]) if col is not None and col < len(row) else ""

        number = cell("number")
        status_label = cell("status")
        texts = {k: cell(k) for k in ("work_done", "problems", "next_steps")}
        if not number and not status_label and not any(texts.values()):
            if not all(is_blank(c) for c in row):
                result.blank_rows += 1
            continue
        where = {"sheet": TASK_SHEET, "row": excel_row}
        if not status_label and not any(texts.values()):
            continue  # a task row left empty: not reported in this file
        if number not in ctx.tasks:
            result.error(
                _("任务编号“%(n)s”不是本单位在本轮需要报告的任务") % {"n": number},
                column=column_letter(index_of["number"]),
                field=headers["number"],
                **where,
            )
            continue
        if number in seen:
            result.error(
                _("重复的行:任务 %(n)s 已在第%(first)s行填报过") % {"n": number, "first": seen[number]},
                column=column_letter(index_of["number"]),
                field=headers["number"],
                **where,
            )
            continue
        seen[number] = excel_row
        _check_row_scope(row, index_of, excel_row, TASK_SHEET, ctx, result, TASK_COLUMNS)
        for key in ("status", "work_done", "problems", "next_steps"):
            col = index_of.get(key)
            if col is not None and f"{column_letter(col)}{excel_row}" in formulas:
                result.error(
                    _("该单元格是公式,请直接填写文字"), column=column_letter(col), field=headers[key], **where
                )
        status = ctx.status_labels.get(status_label)
        if status is None:
            result.error(
                _("进展状态“%(s)s”无效,应从下拉列表中选择:%(choices)s")
                % {"s": status_label or _("(空)"), "choices": "、".join(ctx.status_labels)},
                column=column_letter(index_of["status"]),
                field=headers["status"],
                **where,
            )
            continue
        result.task_rows.append(
            TaskRow(
                row=excel_row,
                number=number,
                status=status,
                work_done=texts["work_done"],
                problems=texts["problems"],
                next_steps=texts["next_steps"],
                cells={"number": column_letter(index_of["number"])},
            )
        )


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _check_warnings(ctx: RoundContext, result: CheckResult) -> None:
    """Values that may be right but deserve a second look; accepted after confirmation."""
    if not ctx.previous:
        return
    for row in result.stat_rows:
        stat = ctx.owned[(row.code, row.area)]
        previous = ctx.previous.get((stat["id"], row.area))
        if previous is None or row.value is None:
            continue
        column, row_number = re.match(r"([A-Z]+)(\d+)", row.cells["value"]).groups()
        where = {
            "sheet": DATA_SHEET if result.kind == "xlsx" else CSV_SHEET,
            "row": row.row,
            "column": column,
        }
        where["field"] = dict(STAT_COLUMNS)["value"]
        if stat["aggregation"] == "stock" and row.value < previous:
            result.warn(
                _("“%(name)s”是存量,本季度 %(v)s 低于上季度 %(p)s(存量一般不会减少),请确认")
                % {"name": stat["name"], "v": _plain(row.value), "p": _plain(previous)},
                **where,
            )
        elif previous > 0 and abs(row.value - previous) / previous > Decimal("0.5"):
            result.warn(
                _("“%(name)s”本季度 %(v)s 与上季度 %(p)s 相差 %(pct)s%%,超过50%%,请确认")
                % {
                    "name": stat["name"],
                    "v": _plain(row.value),
                    "p": _plain(previous),
                    "pct": round(abs(row.value - previous) / previous * 100),
                },
                **where,
            )


def _check_rules(ctx: RoundContext, result: CheckResult) -> None:
    """The programme's validation rules between statistics (indicators.validation.checks):
    an error or a warning at the row of the statistic the rule is about, naming the rule."""
    rows = {(r.code, r.area): r for r in result.stat_rows if r.value is not None}
    names = {code: info["name"] for code, info in ctx.catalogue.items()}
    for violation in rules_check(ctx.rules, {key: r.value for key, r in rows.items()}, names):
        row = rows[(violation.code, violation.area)]
        where = {}
        if result.kind in ("xlsx", "csv"):
            column = re.match(r"([A-Z]+)", row.cells["value"]).group(1)
            where = {
                "sheet": DATA_SHEET if result.kind == "xlsx" else CSV_SHEET,
                "row": row.row,
                "column": column,
                "field": dict(STAT_COLUMNS)["value"],
            }
        message = violation.message
        if not where:  # the web form: name the field instead of a cell
            message = f"“{names.get(violation.code, violation.code)}”({violation.area or CITY_AREA_LABEL}):{message}"
        (result.error if violation.level == "error" else result.warn)(message, **where)


def value_warnings(ctx: RoundContext, values: dict) -> list[Problem]:
    """The same warnings for the web form: values is (code, area) → Decimal.

    A validation rule of severity error broken by the values raises ValidationError naming
    the rule and the statistic: the form saves nothing."""
    result = CheckResult(kind="form")
    for (code, area), value in values.items():
        result.stat_rows.append(
            StatRow(row=0, code=code, area=area, value=value, note="", cells={"value": "A0"})
        )
    _check_rules(ctx, result)
    if result.errors:
        raise ValidationError([p.message for p in result.errors])
    _check_warnings(ctx, result)
    for problem in result.warnings:
        problem.sheet, problem.row, problem.column, problem.field = "", None, "", ""
    return result.warnings
