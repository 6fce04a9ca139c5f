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

from .normalize import Line

CELL_SEP = "｜"
_SPLIT_RE = re.compile(r"\s*[|｜]\s*|\s{2,}")
_AGENCY_END_RE = re.compile(
    r"(局|委|办|厅|院|部|府|会|行|室|中心|处|所|队|分局|支行|海关|公司|大学|学院|集团|协会|银行|法院|检察院|）|\))$"
)
_SECTION_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
_EMPTY_CELLS = {"", "—", "-", "–", "/", "无", "——"}

# column roles by the words of their headings
COLUMN_WORDS: list[tuple[str, re.Pattern]] = [
    ("number", re.compile(r"^(序号|序|编号|No\.?)$")),
    ("category", re.compile(r"^(类别|领域|分类|类型|一级指标)$")),
    ("lead", re.compile(r"牵头(单位|部门)|主责单位")),
    ("responsible", re.compile(r"^(责任单位|责任部门|责任主体|承担单位)")),
    ("support", re.compile(r"(配合|协办|参与|协助)(单位|部门)")),
    ("deadline", re.compile(r"完成(时限|时间|期限)|时间(节点|安排|要求)|^时限$|进度安排")),
    ("unit", re.compile(r"^(计量)?单位$")),
    ("baseline", re.compile(r"基期|基准|基数|现状|现值|基础值")),
    ("target", re.compile(r"目标|预期值")),
    ("attribute", re.compile(r"属性")),
    ("indicator", re.compile(r"指标(名称)?$|^名称$|^指标")),
    ("task", re.compile(r"任务|工作内容|具体措施|工作措施|事项|举措")),
    ("note", re.compile(r"^备注$|^说明$")),
]


def column_role(heading: str) -> str | None:
    h = re.sub(r"\s", "", heading)
    for role, pattern in COLUMN_WORDS:
        if pattern.search(h):
            return role
    return None


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


def _header_roles(cells: list[str]) -> tuple[str | None, list[str | None]]:
    roles = [column_role(c) for c in cells]
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
    while j < len(lines):
        if numbered:
            if not _is_number(lines[j].text):
                break
            end = j + 1
            while end < len(lines) and end - j < n and not _is_number(lines[end].text):
                end += 1
            chunk = lines[j:end]
        else:
            chunk = lines[j : j + n]
            if len(chunk) < n or any(re.search(r"[。]$", c.text) for c in chunk):
                break
        cells = [Cell(c.text, c.start, c.end) for c in chunk]
        aligned = _align(cells, table) if len(cells) != n else cells
        if aligned is None:
            break
        table.rows.append(aligned)
        table.sections.append(None)
        table.end = chunk[-1].end
        j += len(chunk)
    if not table.rows:
        return None
    return table, j


def cell_value(cell: Cell | None) -> str | None:
    if cell is None:
        return None
    text = cell.text.strip()
    return None if text in _EMPTY_CELLS else text
