"""The upload checker's vocabulary: what a cell of an uploaded statistics file holds (blank,
text, a number, and whether more than 4 decimal places are rounded), the `Problem` naming
the sheet, row, column and cell of each thing wrong, the `CheckResult` collecting them, the
rows a file yields and the `RoundContext` it is checked against.

Pure: nothing here reads files or the database."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from django.utils.translation import gettext as _

from indicators.validation.checks import RuleInputs

MAX_PROBLEMS_LISTED = 500  # a file with more problems lists the first ones and a count
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


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
