"""The skeleton of a plan: numbered headings/items and the regions they open.

Numbering conventions of Chinese government documents (GB/T 9704): 一、 for parts,
(一) for sections, 1. for items, (1) for sub-items; some web copies print an item's
number alone on a line followed by its heading (Fuzhou). Parts are recognised by their
heading vocabulary (重点任务, 实施步骤, 保障措施 …), whether numbered or not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalize import Line
from .text import cn_to_int

_CN = "一二三四五六七八九十百零〇"

_LEVEL_RES: list[tuple[int, re.Pattern]] = [
    (0, re.compile(rf"^第([{_CN}\d]+)[章部](?:分)?\s*")),
    (1, re.compile(rf"^([{_CN}]+)\s*[、．.，,]\s*")),
    (2, re.compile(rf"^[(（]\s*([{_CN}]+)\s*[)）]\s*[、.．]?\s*")),
    (3, re.compile(r"^(\d{1,3})\s*[．.、](?!\d)\s*")),
    (4, re.compile(r"^[(（]\s*(\d{1,3})\s*[)）]\s*")),
    (5, re.compile(r"^([①-⑳])\s*")),
]
_BARE_NUMBER_RE = re.compile(r"^(\d{1,3})$")

REGION_VOCAB: list[tuple[str, re.Pattern]] = [
    ("annex", re.compile(r"^附\s*件")),
    (
        "safeguards",
        re.compile(
            r"保障措施|保障机制|组织保障|组织实施|工作要求|实施保障|保障体系|工作保障|有关要求|保障条件"
        ),
    ),
    (
        "phases",
        re.compile(
            r"实施步骤|进度安排|实施进度|时间安排|步骤安排|工作步骤|阶段安排|实施阶段|推进步骤|工作进度|时间节点|进度计划|实施计划|工作安排"
        ),
    ),
    ("leading", re.compile(r"领导机构|组织机构|领导体制")),
    (
        "guidance",
        re.compile(
            r"指导思想|基本原则|工作原则|总体要求|工作思路|总体思路|基本思路|建设原则|编制依据|重要意义|发展基础|现状"
        ),
    ),
    ("goals", re.compile(r"目标|指标")),
    (
        "tasks",
        re.compile(
            r"任务|措施|举措|重点工作|主要工作|工作内容|建设内容|重点项目|主要内容|重点领域|行动|工程"
        ),
    ),
]
# Unnumbered part headings (web copies drop the 一、): a short line made of these words.
_BARE_HEADING_RE = re.compile(
    r"^(?:主要|总体|具体|工作|发展|建设|重点|基本)?(?:目标|指标|任务|措施|举措|原则|思想|要求|步骤|保障措施|组织保障|"
    r"实施步骤|进度安排|保障|任务及措施|目标任务|重点任务|主要任务|工作任务|主要目标|工作目标|总体目标|指导思想|"
    r"基本原则|工作原则|总体要求|组织实施)$"
)


@dataclass
class Block:
    """A line that opens a heading or item, with the lines that belong to it."""

    level: int
    ordinal: int | None
    ordinal_text: str | None
    line_index: int
    content_start: int  # offset in the normalised text where the text after the number begins
    head: str  # the line's text after the number
    bare: bool = False  # number alone on its line (heading on the next line)
    vocab: bool = False  # unnumbered part heading recognised by its vocabulary


@dataclass
class Region:
    kind: str  # tasks | goals | phases | safeguards | guidance | annex | leading | other | preamble
    heading: Block | None
    start_line: int  # first line index after the heading line
    end_line: int  # exclusive
    blocks: list[Block] = field(default_factory=list)


def classify_heading(text: str) -> str:
    t = re.sub(r"[。.:：\s]", "", text)
    for kind, pattern in REGION_VOCAB:
        if pattern.search(t):
            return kind
    return "other"


def detect_block(lines: list[Line], i: int) -> Block | None:
    line = lines[i]
    s = line.text
    m = _BARE_NUMBER_RE.match(s)
    if m:
        return Block(3, int(m.group(1)), m.group(1), i, line.end, "", bare=True)
    for level, pattern in _LEVEL_RES:
        m = pattern.match(s)
        if not m:
            continue
        tok = m.group(1)
        if level in (0, 1, 2):
            ordinal = cn_to_int(tok) if not tok.isdigit() else int(tok)
            if ordinal is None:
                continue
            if level == 1 and s[len(tok) : len(tok) + 1] in "，," and not _looks_like_heading(s[m.end() :]):
                continue  # "一,是…" in running text
        elif level == 5:
            ordinal = ord(tok) - 0x2460 + 1
        else:
            ordinal = int(tok)
        return Block(level, ordinal, tok, i, line.start + m.end(), s[m.end() :])
    core = re.sub(r"[。：:\s]", "", s)
    if len(core) <= 12 and _BARE_HEADING_RE.match(core):
        return Block(1, None, None, i, line.start, s, vocab=True)
    if re.match(r"^附\s*件\s*\d*\s*[:：]?", s) and len(s) <= 60:
        return Block(1, None, None, i, line.start, s, vocab=True)
    return None


def _looks_like_heading(rest: str) -> bool:
    return len(rest) <= 20 and "。" not in rest


def build_outline(lines: list[Line]) -> list[Block]:
    return [b for i in range(len(lines)) if (b := detect_block(lines, i)) is not None]


def part_level(blocks: list[Block]) -> int:
    """The level used for a plan's parts: 1 (一、) normally, 2 when a plan numbers its
    parts (一) and has no 一、 headings."""
    levels = {b.level for b in blocks if not b.vocab}
    if 0 in levels and 1 not in levels:
        return 0
    if 1 in levels or any(b.vocab for b in blocks):
        return 1
    return 2 if 2 in levels else 1


def build_regions(lines: list[Line], blocks: list[Block]) -> list[Region]:
    """Cut the document into parts at part-level headings; classify each by its heading."""
    top = part_level(blocks)
    heads = [b for b in blocks if b.level <= top or b.vocab]
    regions: list[Region] = []
    first = heads[0].line_index if heads else len(lines)
    regions.append(Region("preamble", None, 0, first))
    for k, h in enumerate(heads):
        end = heads[k + 1].line_index if k + 1 < len(heads) else len(lines)
        kind = "annex" if re.match(r"^附\s*件", lines[h.line_index].text) else classify_heading(h.head)
        regions.append(Region(kind, h, h.line_index + 1, end))
    for r in regions:
        r.blocks = [b for b in blocks if r.start_line <= b.line_index < r.end_line]
    _merge_annex_continuations(regions)
    regions.extend(_nested_goal_regions(lines, regions))
    return regions


_GOAL_HEAD_RE = re.compile(r"^(?:主要|总体|具体|工作|发展|建设|预期|主要发展)?(?:目标|指标)(?:任务)?$")


def _nested_goal_regions(lines: list[Line], regions: list[Region]) -> list[Region]:
    """ "一、总体要求 … (二)主要目标。到2025年,…": a goal section inside another part."""
    extra: list[Region] = []
    for r in regions:
        if r.kind in ("goals", "tasks", "annex", "phases"):
            continue
        subs = [b for b in r.blocks if b.level == min((x.level for x in r.blocks), default=0)]
        for k, b in enumerate(subs):
            head = re.split(r"[。．.:：；;，,]", b.head.strip())[0]
            if not _GOAL_HEAD_RE.match(re.sub(r"\s", "", head)):
                continue
            end = subs[k + 1].line_index if k + 1 < len(subs) else r.end_line
            g = Region("goals", None, b.line_index, end)
            g.blocks = [x for x in r.blocks if b.line_index < x.line_index < end]
            extra.append(g)
    return extra


def _merge_annex_continuations(regions: list[Region]) -> None:
    """After an 附件 heading, following part headings belong to the annex."""
    seen_annex = False
    for r in regions:
        if r.kind == "annex":
            seen_annex = True
        elif seen_annex and r.kind in ("other",):
            r.kind = "annex"
