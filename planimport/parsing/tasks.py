"""Tasks: numbered items of the task part, with their lead and supporting agencies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import LOW, MEDIUM, Confidence, ParsedTask, Span
from .normalize import Line
from .outline import Block, Region
from .text import first_sentence, matching_open_index, split_outside_brackets

LEAD_LABELS = r"牵头单位|牵头部门|主责单位|主责部门|主办单位|牵头"
RESP_LABELS = r"责任单位|责任部门|负责单位|负责部门|实施单位|承办单位|工作单位"
SUPPORT_LABELS = r"配合单位|配合部门|协办单位|协同单位|协助单位|参与单位|参加单位|支持单位|配合"
_ANY_LABEL_RE = re.compile(rf"({LEAD_LABELS}|{RESP_LABELS}|{SUPPORT_LABELS})\s*[:：]")
# "(市科技局牵头,市财政局、市教育局配合)"
_VERB_FORM_RE = re.compile(
    r"^(?P<lead>[^;；，,]+?)牵头(?:[，,；;]\s*(?P<support>.+?)(?:配合|参与|协助|协同))?$"
)


@dataclass
class Assignment:
    lead: list[str]
    support: list[str]
    start: int  # offset within the item text where the assignment begins
    end: int


def split_agencies(s: str) -> list[str]:
    """Split an agency list on 、 , ， ; (not inside 〔〕〈〉()（）《》)."""
    out = []
    for part in split_outside_brackets(s, "、,，;；"):
        name = re.sub(r"\s+", "", part).strip("。.:：")
        name = re.sub(r"^(?:和|及|以及)", "", name)
        if name.endswith("等") and len(name) > 2:
            name = name[:-1]
        if name:
            out.append(name)
    return out


LEAD_MARK_RE = re.compile(r"\s*[（(]牵头[）)]")


def split_responsible(names: list[str]) -> tuple[list[str], list[str]]:
    """责任单位 A、B、C -> lead [A], support [B, C]; a unit marked "（牵头）" leads wherever
    it stands (A、B（牵头）、C -> lead [B])."""
    marked = [LEAD_MARK_RE.sub("", n) for n in names if LEAD_MARK_RE.search(n)]
    names = [LEAD_MARK_RE.sub("", n) for n in names]
    lead = marked or names[:1]
    return lead, [n for n in names if n not in lead]


def parse_assignment_body(body: str) -> tuple[list[str], list[str]] | None:
    """The inside of a unit parenthetical -> (lead, support), or None if it is not one.

    Handles "牵头单位:A、B;配合单位:C", labels separated by spaces or line breaks,
    "责任单位:A、B、C" (A leads) and "A牵头,B、C配合"."""
    body = body.strip()
    labels = list(_ANY_LABEL_RE.finditer(body))
    lead: list[str] = []
    support: list[str] = []
    responsible: list[str] = []
    if labels and not body[: labels[0].start()].strip(" \n;；，,"):
        for k, m in enumerate(labels):
            end = labels[k + 1].start() if k + 1 < len(labels) else len(body)
            names = split_agencies(body[m.end() : end].replace("\n", "、"))
            label = m.group(1)
            if re.fullmatch(LEAD_LABELS, label):
                lead.extend(names)
            elif re.fullmatch(RESP_LABELS, label):
                responsible.extend(names)
            else:
                support.extend(names)
    else:
        squashed = re.sub(r"\s+", "", body)
        vm = _VERB_FORM_RE.match(squashed)
        rm = re.fullmatch(r"([^;；]+?)(?:按职责)?(?:分工)?负责", squashed)
        if vm:
            lead.extend(split_agencies(vm.group("lead")))
            if vm.group("support"):
                support.extend(split_agencies(vm.group("support")))
        elif rm and all(_looks_like_agency(n) for n in split_agencies(rm.group(1))):
            responsible.extend(split_agencies(rm.group(1)))  # "(市科技局、市财政局负责)"
        else:
            return None
    if responsible:
        first, rest = split_responsible(responsible)
        if lead:
            support = first + rest + support
        else:
            lead, support = first, rest + support
    if not lead and not support:
        return None
    return lead, support


_AGENCY_WORD_RE = re.compile(
    r"局|委|办|政府|院|厅|部|中心|海关|支行|分局|法院|检察|党校|协会|会|社|所|公司|银行|集团|总局|署"
)


def _looks_like_agency(name: str) -> bool:
    return 2 <= len(name) <= 40 and bool(_AGENCY_WORD_RE.search(name))


def find_assignment(text: str) -> Assignment | None:
    """A unit parenthetical (or "责任单位:…" lines) closing an item, or closing one of
    its paragraphs when sub-items follow it."""
    found = _trailing_assignment(text)
    if found:
        return found
    # "1.… (牵头单位:…)\n(1)…\n(2)…": the assignment ends the item's first paragraph.
    offset = 0
    for para in text.split("\n")[:-1]:
        a = _trailing_assignment(para)
        if a:
            return Assignment(a.lead, a.support, offset + a.start, offset + a.end)
        offset += len(para) + 1
    return None


def _trailing_assignment(text: str) -> Assignment | None:
    t = text.rstrip()
    t_stripped = t.rstrip("。.;；")
    if t_stripped and t_stripped[-1] in ")）":
        close = len(t_stripped) - 1
        open_ = matching_open_index(t_stripped, close)
        if open_ is not None:
            parsed = parse_assignment_body(t_stripped[open_ + 1 : close])
            if parsed:
                return Assignment(parsed[0], parsed[1], open_, len(t))
    # Labels without brackets after the last sentence or on the last lines.
    for m in _ANY_LABEL_RE.finditer(t):
        start = m.start()
        before = t[:start].rstrip(" ")
        if not before or before[-1] in "。\n；;":
            parsed = parse_assignment_body(t[start:].rstrip("。"))
            if parsed:
                return Assignment(parsed[0], parsed[1], start, len(t))
            break
    return None


def _clean_section(head: str) -> str:
    s = head.strip()
    s = re.sub(r"[。．.:：；;，,]+$", "", s)
    return re.sub(r"\s+", "", s)


def extract_tasks(lines: list[Line], regions: list[Region]) -> tuple[list[ParsedTask], list[str]]:
    warnings: list[str] = []
    task_regions = [r for r in regions if r.kind == "tasks"]
    if not task_regions:
        # No part is headed as tasks: use the part with the most numbered items that
        # carry unit assignments, if any.
        scored = []
        for r in regions:
            if r.kind in ("preamble", "annex", "phases", "guidance", "goals"):
                continue
            n = sum(1 for b in r.blocks if b.level in (2, 3))
            if n >= 3:
                scored.append((n, r))
        if scored:
            scored.sort(key=lambda x: -x[0])
            task_regions = [scored[0][1]]
            warnings.append("未找到“重点任务/工作任务/工作措施”等标题,已按编号条目推断任务部分,请核对。")
        else:
            return [], warnings
    tasks: list[ParsedTask] = []
    for region in task_regions:
        tasks.extend(_tasks_in_region(lines, region))
    _flag_numbering(tasks)
    return tasks, warnings


CLOSING_RE = re.compile(
    r"^(?:本|此)(?:方案|办法|计划|意见|规划|细则|通知)[^。]{0,30}(?:施行|执行|实施|解释|负责)|^有效期|^(?:抄送|抄报)\s*[:：]"
)


def _item_text(
    lines: list[Line], block: Block, end_line: int
) -> tuple[str, int, int, str | None, int | None]:
    """(text, start offset, end offset, heading line or None, heading start offset)."""
    for k in range(block.line_index + 1, end_line):
        if CLOSING_RE.match(lines[k].text):
            end_line = k
            break
    first = lines[block.line_index]
    heading = None
    heading_start = None
    body_lines: list[Line] = []
    if block.bare:
        nxt = block.line_index + 1
        if nxt < end_line:
            heading = lines[nxt].text
            heading_start = lines[nxt].start
            body_lines = lines[nxt + 1 : end_line]
        text_start = body_lines[0].start if body_lines else first.end
    else:
        head = first.text[block.content_start - first.start :]
        rest = lines[block.line_index + 1 : end_line]
        if rest and "。" not in head and len(head) <= 40 and not head.rstrip().endswith(("，", ",")):
            # "1.加强组织领导" on its own line, the body below it.
            heading = head.rstrip("。.:：")
            heading_start = block.content_start
            body_lines = rest
            text_start = rest[0].start
        else:
            body_lines = [Line(head, block.content_start, first.end), *rest]
            text_start = block.content_start
    text = "\n".join(ln.text for ln in body_lines)
    end = body_lines[-1].end if body_lines else first.end
    return text, text_start, end, heading, heading_start


def _tasks_in_region(lines: list[Line], region: Region) -> list[ParsedTask]:
    blocks = [b for b in region.blocks if b.level >= 2]
    if not blocks:
        return []
    by_level: dict[int, list[Block]] = {}
    for b in blocks:
        by_level.setdefault(b.level, []).append(b)

    def assignments_at(level: int) -> int:
        n = 0
        bl = by_level.get(level, [])
        for k, b in enumerate(bl):
            end = _block_end(region, b)
            text, *_ = _item_text(lines, b, end)
            if find_assignment(text):
                n += 1
            if k > 40:
                break
        return n

    candidates = [lv for lv in (3, 2, 4) if len(by_level.get(lv, [])) >= 2]
    if not candidates:
        candidates = [lv for lv in (3, 2, 4) if by_level.get(lv)]
    if not candidates:
        return []
    item_level = candidates[0]
    if item_level == 3 and 2 in candidates:
        # "(一)…" are sections only if most of them hold numbered items; otherwise the
        # "1." lines are sub-points of "(一)" tasks.
        l2 = by_level[2]
        with_children = sum(
            1
            for b in l2
            if any(c.level == 3 and b.line_index < c.line_index < _block_end(region, b) for c in blocks)
        )
        if with_children < 0.6 * len(l2):
            item_level = 2
    counts = {lv: assignments_at(lv) for lv in candidates}
    best = max(counts, key=lambda lv: counts[lv])
    if counts[best] > counts[item_level]:
        item_level = best
    section_level = item_level - 1 if item_level >= 3 and by_level.get(item_level - 1) else None

    tasks: list[ParsedTask] = []
    section: Block | None = None
    for b in blocks:
        if section_level is not None and b.level == section_level:
            section = b
            continue
        if b.level != item_level:
            continue
        end_line = _block_end(region, b)
        text, start, end, heading, heading_start = _item_text(lines, b, end_line)
        conf = Confidence()
        assignment = find_assignment(text)
        lead: list[str] = []
        support: list[str] = []
        if assignment:
            lead, support = assignment.lead, assignment.support
            text = (text[: assignment.start].rstrip() + text[assignment.end :]).rstrip()
        text = text.strip()
        if heading:
            title = re.sub(r"\s+", "", heading).rstrip("。")
            title_span = Span(heading_start, heading_start + len(heading))
        else:
            title, _ = first_sentence(text.split("\n")[0])
            title = title.strip()
            title_span = Span(start, start + len(title))
            if len(title) > 60:
                conf.lower(MEDIUM, "标题取自首句,首句较长,请核对是否需要缩短。")
        if not text:
            text = title
        if section is not None:
            number = f"{section.ordinal_text}.{b.ordinal}"
            section_name = _clean_section(
                lines[section.line_index].text[section.content_start - lines[section.line_index].start :]
            )
        else:
            number = str(b.ordinal)
            section_name = None
        tasks.append(
            ParsedTask(
                number=number,
                section=section_name,
                title=title,
                text=text,
                lead=lead,
                support=support,
                span=Span(lines[b.line_index].start, end),
                title_span=title_span,
                confidence=conf,
            )
        )
    if any(t.lead or t.support for t in tasks):
        for t in tasks:
            if not (t.lead or t.support):
                t.confidence.lower(MEDIUM, "未找到本任务的责任单位,请补充。")
    return tasks


def _block_end(region: Region, block: Block) -> int:
    for b in region.blocks:
        if b.line_index > block.line_index and b.level <= block.level:
            return b.line_index
    return region.end_line


def _flag_numbering(tasks: list[ParsedTask]) -> None:
    prev_item: int | None = None
    prev_section: str | None = None
    for t in tasks:
        item = int(t.number.split(".")[-1])
        if prev_item is not None:
            ok = item == prev_item + 1 or (t.section != prev_section and item == 1)
            if not ok:
                t.confidence.lower(LOW, f"任务编号不连续(前一项为 {prev_item}),可能有漏读或多读的条目。")
        prev_item, prev_section = item, t.section
