"""Tables of a plan, in every form a user brings, as rows of cells with their spans.

The readers render a Word or PDF table row by row as one line whose cells are separated by
``CELL_SEP`` (``｜``, a full-width bar, shown as it is in the source view); text pasted
from a web page or a PDF comes with tabs (turned into ``｜`` by the normaliser), bars, runs
of two or more spaces, or one cell per line. ``find_tables`` reads all of these back from
the normalised lines into ``Table`` objects whose header is recognised by its vocabulary
(指标 / 单位 / 基期值 / 目标值 / 属性, 任务 / 牵头单位 / 配合单位 / 责任单位 / 完成时限),
wherever the columns stand. A row whose header is not recognised is not a table row here:
it stays a line of text and is shown as such on the review page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .columns import COLUMN_WORDS, column_role  # noqa: F401  (re-exported)
from .normalize import Line

CELL_SEP = "｜"
_SPLIT_RE = re.compile(r"\s*[|｜]\s*|\s{2,}")
_AGENCY_END_RE = re.compile(
    r"(局|委|办|厅|院|部|府|会|行|室|中心|处|所|队|分局|支行|海关|公司|大学|学院|集团|协会|银行|法院|检察院|）|\))$"
)
_SECTION_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
_EMPTY_CELLS = {"", "—", "-", "–", "/", "无", "——"}


@dataclass
class Cell:
    text: str
    start: int  # span in the normalised text
    end: int


@dataclass
class Table:
    kind: str  # "indicators" | "tasks"
    header: list[str]
    roles: list[str | None]
    rows: list[list[Cell]] = field(default_factory=list)
    start: int = 0
    end: int = 0
    header_line: int = 0
    sections: list[str | None] = field(default_factory=list)  # per row: a spanning row above it

    def col(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None


def render_cell(parts: list[str]) -> str:
    """A cell's paragraphs (or a PDF cell's lines) as one cell text: a list of agency
    names is joined with 、, a line wrapped inside a word or sentence is glued back."""
    parts = [p.strip() for p in parts if p and p.strip()]
    if not parts:
        return "—"
    out = parts[0]
    for p in parts[1:]:
        if _AGENCY_END_RE.search(out) and _AGENCY_END_RE.search(p) and not out.endswith(("、", "，")):
            out += "、" + p
        else:
            out += p
    return out.replace(CELL_SEP, "|")


def render_row(cells: list[list[str]]) -> str:
    return f" {CELL_SEP} ".join(render_cell(c) for c in cells)


def _cells_of(line: Line) -> list[Cell]:
    """A line's cells with their spans (bars, tabs or two or more spaces between them)."""
    text = line.text
    out: list[Cell] = []
    pos = 0
    for m in list(_SPLIT_RE.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(
                Cell(chunk.strip(), line.start + pos + lead, line.start + pos + lead + len(chunk.strip()))
            )
        pos = m.end() if m else len(text)
    return out


_YEAR_HEAD_RE = re.compile(r"^(20\d\d)\s*年?(?:底|末)?(?:值)?$")


def _year_columns(cells: list[str], roles: list[str | None]) -> None:
    """Columns headed by a year only (2020年 | 2025年): the latest is the target, the
    earlier ones the baseline, when the header names no target (or baseline) itself."""
    years = [
        (int(m.group(1)), i) for i, c in enumerate(cells) if (m := _YEAR_HEAD_RE.match(re.sub(r"\s", "", c)))
    ]
    if not years or roles[years[0][1]] is not None or "indicator" not in roles:
        return
    years.sort()
    if "target" not in roles:
        roles[years[-1][1]] = "target"
        years = years[:-1]
    if years and "baseline" not in roles:
        roles[years[0][1]] = "baseline"


def _header_roles(cells: list[str]) -> tuple[str | None, list[str | None]]:
    roles = [column_role(c) for c in cells]
    _year_columns(cells, roles)
    known = {r for r in roles if r}
    if {"indicator", "target"} <= known or ({"indicator"} <= known and known & {"unit", "baseline"}):
        return "indicators", roles
    if "task" in known and known & {"lead", "responsible", "support"}:
        return "tasks", roles
    if {"lead", "support"} <= known or ("responsible" in known and known & {"deadline", "number"}):
        # a task column with another heading (工作内容, 主要工作 …): the widest unnamed one
        for i, r in enumerate(roles):
            if r is None:
                roles[i] = "task"
                return "tasks", roles
    return None, roles


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}|[一二三四五六七八九十]{1,3}", text))


def _align(cells: list[Cell], table: Table) -> list[Cell] | None:
    """Cells of a row placed under the header: a row short by leading columns had them
    merged with the row above (a category, a lead unit spanning rows): copy them down."""
    n = len(table.header)
    if len(cells) == n:
        return cells
    if len(cells) > n or not table.rows:
        return None
    missing = n - len(cells)
    previous = table.rows[-1]
    return previous[:missing] + cells


def _is_table_line(line: Line) -> bool:
    return CELL_SEP in line.text or "|" in line.text or "  " in line.text


def find_tables(lines: list[Line]) -> tuple[list[Table], list[int]]:
    """Indicator tables and task-division tables found in the lines, and the indexes of
    lines that look like table rows (cells separated) but belong to no recognised table."""
    tables: list[Table] = []
    stray: list[int] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        cells = _cells_of(line) if _is_table_line(line) else []
        kind, roles = _header_roles([c.text for c in cells]) if len(cells) >= 3 else (None, [])
        if kind is None:
            one = _one_cell_per_line(lines, k)
            if one is not None:
                table, k = one
                tables.append(table)
                continue
            if len(cells) >= 3 and not re.search(r"[。；;]", line.text):
                stray.append(k)
            k += 1
            continue
        table = Table(kind, [c.text for c in cells], roles, start=line.start, end=line.end, header_line=k)
        section = None
        k += 1
        while k < len(lines):
            row_line = lines[k]
            row = _cells_of(row_line) if _is_table_line(row_line) else []
            if len(row) <= 1 and _SECTION_RE.match(row_line.text):  # a row spanning the table
                section = _SECTION_RE.sub("", row_line.text).strip()
                table.end = row_line.end
                k += 1
                continue
            if not row:
                if table.rows and _continues(row_line, table):
                    last = table.rows[-1][-1 if table.kind == "indicators" else _widest(table)]
                    last.text += row_line.text
                    last.end = row_line.end
                    table.end = row_line.end
                    k += 1
                    continue
                break
            if [c.text for c in row] == table.header:  # the header repeated on a new page
                k += 1
                continue
            aligned = _align(row, table)
            if aligned is None:
                break
            table.rows.append(aligned)
            table.sections.append(section)
            table.end = row_line.end
            k += 1
        tables.append(table)
    return tables, stray


def _widest(table: Table) -> int:
    col = table.col("task")
    return col if col is not None else 0


def _continues(line: Line, table: Table) -> bool:
    """A line without cell separators that continues a multi-line cell of the row above."""
    text = line.text
    return (
        len(text) <= 40
        and not re.search(r"[。；;]$", text)
        and not re.match(r"^(附件|注|[一二三四五六七八九十]+、)", text)
    )


def _one_cell_per_line(lines: list[Line], k: int) -> tuple[Table, int] | None:
    """A table pasted with one cell per line: three or more heading lines in a row, then
    rows of as many lines (a row starts at its 序号 when the table has one)."""
    heads = []
    j = k
    while j < len(lines) and len(lines[j].text) <= 12 and column_role(lines[j].text):
        heads.append(lines[j])
        j += 1
    # a short title above the headings ("重点任务分工") reads as a heading: the one whose
    # role comes again below it is the title
    while len(heads) > 3 and column_role(heads[0].text) in [column_role(h.text) for h in heads[1:]]:
        heads.pop(0)
        k += 1
    if len(heads) < 3:
        return None
    kind, roles = _header_roles([h.text for h in heads])
    if kind is None:
        return None
    table = Table(
        kind, [h.text for h in heads], roles, start=heads[0].start, end=heads[-1].end, header_line=k
    )
    n = len(heads)
    numbered = roles[0] == "number"
    section = None
    while j < len(lines):
        if numbered:
            if _SECTION_RE.match(lines[j].text) and j + 1 < len(lines) and _is_number(lines[j + 1].text):
                section = _SECTION_RE.sub("", lines[j].text).strip()  # a row spanning the table
                table.end = lines[j].end
                j += 1
                continue
            if not _is_number(lines[j].text):
                break
            end = j + 1
            while (
                end < len(lines)
                and end - j < n
                and not _is_number(lines[end].text)
                and not (_SECTION_RE.match(lines[end].text) and end - j >= n - 1)
            ):
                end += 1
            chunk = lines[j:end]
        else:
            chunk = lines[j : j + n]
            if len(chunk) < n or any(re.search(r"[。]$", c.text) for c in chunk):
                break
        cells = [Cell(c.text, c.start, c.end) for c in chunk]
        aligned = _with_empty_cells(cells, table) if len(cells) != n else cells
        if aligned is None:
            break
        table.rows.append(aligned)
        table.sections.append(section)
        table.end = chunk[-1].end
        j += len(chunk)
    if not table.rows:
        return None
    return table, j


_DEADLINE_CELL_RE = re.compile(r"\d{4}\s*年|长期|持续|每年|年底|月底")


def _with_empty_cells(cells: list[Cell], table: Table) -> list[Cell] | None:
    """A row pasted one cell per line whose empty cell left no line (or an empty one that
    the paste dropped): when its last cell is the 完成时限, the missing cells are the ones
    just before it (an empty 配合单位); otherwise merged leading cells as in ``_align``."""
    n = len(table.header)
    if len(cells) < n and table.roles[-1] == "deadline" and _DEADLINE_CELL_RE.search(cells[-1].text):
        at = cells[-1].start
        return cells[:-1] + [Cell("", at, at) for _ in range(n - len(cells))] + cells[-1:]
    return _align(cells, table)


def cell_value(cell: Cell | None) -> str | None:
    if cell is None:
        return None
    text = cell.text.strip()
    return None if text in _EMPTY_CELLS else text
