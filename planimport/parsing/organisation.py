"""Leading group, member duties, funding rules, goals and the agency list."""

from __future__ import annotations

import re

from .indicator_words import context_area
from .model import MEDIUM, Confidence, Duty, FundingRule, LeadingGroupMember, ParsedGoal, ParsedTask, Span
from .normalize import Line
from .outline import Region
from .tasks import split_agencies
from .text import first_sentence, split_outside_brackets

_ROLE_PREFIX_RE = re.compile(
    r"^(?P<role>常务副组长|执行组长|副\s*组\s*长|组\s*长|成\s*员|顾\s*问|长|员|办公室主任)\s*[:：]\s*"
)
_POSITION_TITLES = sorted(
    [
        "常务副主任",
        "常务副部长",
        "常务副局长",
        "常务副市长",
        "党组副书记",
        "党组书记",
        "副秘书长",
        "秘书长",
        "副检察长",
        "检察长",
        "副院长",
        "院长",
        "副局长",
        "局长",
        "副主任",
        "主任",
        "副市长",
        "市长",
        "副区长",
        "区长",
        "副县长",
        "县长",
        "副关长",
        "关长",
        "副行长",
        "行长",
        "副部长",
        "部长",
        "副书记",
        "书记",
        "副主席",
        "主席",
        "副处长",
        "处长",
        "副校长",
        "校长",
        "副社长",
        "社长",
        "总经理",
        "董事长",
        "副台长",
        "台长",
        "副馆长",
        "馆长",
        "主要负责同志",
        "分管负责同志",
        "负责同志",
        "副州长",
        "州长",
        "巡视员",
        "副巡视员",
        "调研员",
        "总工程师",
        "总经济师",
    ],
    key=len,
    reverse=True,
)
_AGENCY_HINT = re.compile(
    r"局|委|办|政府|院|厅|部|中心|海关|支行|分局|法院|检察|党校|协|会|社|所|站|公司|银行|集团"
)


def _is_name_token(tok: str) -> bool:
    return (
        1 <= len(tok) <= 3
        and not _AGENCY_HINT.search(tok)
        and not tok.startswith(("市", "区", "县", "省", "各"))
    )


_MAYOR_RE = re.compile(r"(?:常务)?副?(?:市长|区长|县长|州长|盟长)$")


def split_position(s: str) -> tuple[str | None, str | None]:
    """ "市科技局(市知识产权局)局长" -> ("市科技局(市知识产权局)", "局长");
    "市政府常务副市长" -> ("市人民政府", "常务副市长")."""
    s = re.sub(r"\s+", "", s)
    if not s:
        return None, None
    note = ""
    m = re.search(r"[(（][^()（）]*[)）]$", s)
    if m and not re.search(r"局|委|办|政府", s[: m.start()][-2:] or ""):
        # "副主任(汉南区人民政府副区长)": the bracket belongs to the position.
        note, s = s[m.start() :], s[: m.start()]
    last = split_outside_brackets(s, "、")[-1]
    for title in _POSITION_TITLES:
        if not last.endswith(title):
            continue
        agency = last[: -len(title)]
        if agency and not _AGENCY_HINT.search(agency):
            title, agency = agency + title, ""  # "分管副市长", "常务副市长"
        full_title = (s if "、" in s else title) + note
        if _MAYOR_RE.search(title) and agency in ("", "市人民政府", "市政府", "人民政府", "政府"):
            agency = "市人民政府" if "市长" in title else agency
        return agency or None, full_title
    return s + note if s else None, None


_ROLE_WORD_RE = re.compile(r"^(?:组\s*长|副\s*组\s*长|常务副组长|成\s*员|组\s*员|办公室主任)$")


def _member(line: Line, rest: str, role: str) -> LeadingGroupMember:
    tokens = rest.split()
    if len(tokens) > 1 and _ROLE_WORD_RE.match(tokens[0]):
        # a table row: "副组长  李四  副市长"
        role = _role(tokens.pop(0).replace("组员", "成员"))
    person_parts: list[str] = []
    while (
        tokens
        and _is_name_token(tokens[0])
        and len("".join(person_parts) + tokens[0]) <= 4
        and len(tokens) > 1
    ):
        person_parts.append(tokens.pop(0))
    person = "".join(person_parts) or None
    agency, title = split_position("".join(tokens))
    conf = Confidence()
    if person is None:
        conf.lower(MEDIUM, "名单中未印姓名。")
    if agency is None:
        conf.lower(MEDIUM, "未读出所代表的单位。")
    return LeadingGroupMember(agency, role, person, title, Span(line.start, line.end), conf)


def _role(raw: str) -> str:
    raw = re.sub(r"\s+", "", raw)
    if raw.startswith("副"):
        return "副组长"
    if raw in ("组长", "长", "常务副组长", "执行组长"):
        return "组长" if raw in ("组长", "长", "执行组长") else "副组长"
    if raw == "办公室主任":
        return "办公室"
    return "成员"


def extract_leading_group(lines: list[Line], text: str) -> list[LeadingGroupMember]:
    members: list[LeadingGroupMember] = []
    heads = [
        k
        for k, ln in enumerate(lines)
        if re.search(r"领导小组|工作小组|委员会", ln.text)
        and re.search(r"名单|组成人员|成员", ln.text)
        and "。" not in ln.text
        and len(ln.text) <= 50
        and not re.match(r"^附\s*件\s*\d*\s*[:：]", ln.text)
    ]
    if heads:
        role = "成员"
        for ln in lines[heads[-1] + 1 :]:
            t = re.sub(r"\s*｜\s*", "  ", ln.text).strip()  # a Word table row: cells as spaced text
            if re.match(r"^(抄送|抄报|附件|[一二三四五六七八九十]+、)", t) or re.search(
                r"\d{4}年\d{1,2}月\d{1,2}日印发", t
            ):
                break
            if "。" in t or "办公室设在" in t or len(t) > 60:
                if "办公室" in t:
                    continue
                break
            m = _ROLE_PREFIX_RE.match(t)
            if m:
                role = _role(m.group("role"))
                t = t[m.end() :]
            if not t:
                continue
            members.append(_member(ln, t, role))
    if not members:
        members.extend(_prose_members(lines))
    office = _office(lines)
    if office:
        members.append(office)
    return members


def _prose_members(lines: list[Line]) -> list[LeadingGroupMember]:
    """ "由市政府市长任组长、市政府常务副市长和分管副市长任副组长,A、B…主要负责同志为成员"."""
    out: list[LeadingGroupMember] = []
    for ln in lines:
        t = ln.text
        if "领导小组" not in t or "组长" not in t:
            continue
        span = Span(ln.start, ln.end)
        m = re.search(r"由([^，,；;。]+?)(?:担任|任)组长", t) or re.search(r"以([^，,；;。]+?)为组长", t)
        if m:
            for who in re.split(r"[和、及]", m.group(1)):
                agency, title = split_position(who)
                out.append(LeadingGroupMember(agency, "组长", None, title, span))
        m = re.search(r"(?:担任|任)组长[、，,]([^；;。]+?)(?:担任|任)副组长", t) or re.search(
            r"[，,、]([^，,；;。]+?)(?:担任|任)副组长", t
        )
        if m:
            prev_agency = None
            for who in re.split(r"[和、及]", m.group(1)):
                agency, title = split_position(who)
                agency = agency or prev_agency
                prev_agency = agency
                out.append(LeadingGroupMember(agency, "副组长", None, title, span))
        m = re.search(r"[，,]([^，,；;。]+?)(主要负责同志|负责同志|分管负责同志|主要负责人|负责人)?为成员", t)
        if m:
            for name in split_agencies(m.group(1)):
                out.append(LeadingGroupMember(name, "成员", None, m.group(2), span))
        if out:
            break
    return out


def _office(lines: list[Line]) -> LeadingGroupMember | None:
    found = [m for ln in lines if (m := _office_in(ln)) is not None]
    if not found:
        return None
    return next((m for m in found if m.person), None) or next((m for m in found if m.title), None) or found[0]


def _office_in(ln: Line) -> LeadingGroupMember | None:
    t = ln.text
    m = re.search(r"办公室设在([^，,。；;]+?)(?=[，,。；;]|$)", t) or re.search(
        r"下设办公室[，,]?(?:办公室)?(?:设)?在([^，,。；;]+?)办公", t
    )
    if not m:
        return None
    agency = m.group(1).strip()
    person = title = None
    pm = re.search(r"办公室主任\s*[:：]\s*([\u4e00-\u9fff]{2,4}?)\s*([(（]兼[)）])?(?=[。，,；;]|$)", t)
    if pm:
        person, title = pm.group(1), "办公室主任" + (pm.group(2) or "")
    else:
        tm = re.search(
            r"由[^，,。]*?(局长|主任|主要负责同志|负责同志|分管负责同志|副局长|主要负责人)(兼任|担任)办公室主任",
            t,
        )
        if tm:
            title = tm.group(1) + tm.group(2) + "办公室主任"
        else:
            tm = re.search(
                r"办公室主任由[^，,。]*?(局长|主任|主要负责同志|负责同志|分管负责同志|副局长|主要负责人)(兼任|担任)",
                t,
            )
            if tm:
                title = tm.group(1) + tm.group(2) + "办公室主任"
    return LeadingGroupMember(agency, "办公室", person, title, Span(ln.start + m.start(), ln.end))


def extract_duties(
    lines: list[Line], regions: list[Region], tasks: list[ParsedTask], city: str | None = None
) -> list[Duty]:
    heading = next(
        (k for k, ln in enumerate(lines) if "职责" in ln.text and len(ln.text) <= 50 and "。" not in ln.text),
        None,
    )
    if heading is None:
        return []
    duties: list[Duty] = []
    for ln in lines[heading + 1 :]:
        m = re.match(r"^([^:：，,。]{2,30}?)\s*[:：]\s*(.+)$", ln.text)
        if not m or not _AGENCY_HINT.search(m.group(1)):
            if duties:
                break
            continue
        agency, body = m.group(1).strip(), m.group(2).strip()
        numbers = [t.number for t in tasks if _assigned(agency, t, city)]
        duties.append(Duty(agency, body, numbers, Span(ln.start, ln.end)))
    return duties


def _base(name: str) -> str:
    return re.sub(r"[(（〔〈【][^()（）〔〕〈〉【】]*[)）〕〉】]", "", name)


def _assigned(agency: str, task: ParsedTask, city: str | None) -> bool:
    key = _agency_key(_base(agency), city)
    return any(agency == n or key == _agency_key(_base(n), city) for n in task.lead + task.support)


def extract_funding_rules(lines: list[Line]) -> list[FundingRule]:
    out: list[FundingRule] = []
    seen = set()
    for ln in lines:
        for m in re.finditer(
            r"([^，,；;。“”:：]{2,60}?的?(?:资金(?:比例|占比)|资金[^，,；;。“”]{2,40}?的比例))\s*(?:不得|不应|应)?(?:少于|低于|不少于|不低于|达到)\s*(\d+(?:\.\d+)?)\s*%",
            ln.text,
        ):
            clause = m.group(0)
            category = re.sub(r"^.*?资金(?=用于|支持|投向)", "", m.group(1))
            category = re.sub(r"^(?:用于|支持|投向)+|知识产权|区域|的?(?:资金)?(?:比例|占比)$", "", category)
            category = category.strip() or None
            key = ("min_share", category, m.group(2))
            if key in seen:
                continue
            seen.add(key)
            out.append(
                FundingRule(
                    name=(category or "专项资金") + "资金比例",
                    kind="min_share",
                    category=category,
                    threshold=_num(m.group(2)),
                    unit="%",
                    source_sentence=clause,
                    span=Span(ln.start + m.start(), ln.start + m.end()),
                )
            )
        for m in re.finditer(
            r"每年([^，,；;。]{0,30}?(?:投入|经费|资金|补助))[^，,；;。\d]{0,6}?"
            r"(?:(?:不少于|不低于|保持在|达到|为)\s*(?P<a>\d+(?:\.\d+)?)\s*(?P<u>万元|亿元)(?:以上)?"
            r"|(?P<b>\d+(?:\.\d+)?)\s*(?P<v>万元|亿元)以上)",
            ln.text,
        ):
            name = re.sub(r"^(?:用于|统筹安排|安排|统筹|列支|设立)+", "", m.group(1))
            amount, unit = (m.group("a"), m.group("u")) if m.group("a") else (m.group("b"), m.group("v"))
            category = (
                None
                if re.search(r"全市|全区|全县|总|工作投入|财政投入|^(?:知识产权)?专项资金$", name)
                else re.sub(r"的?(?:经费|资金|投入)$", "", name)
            )
            key = ("min_yearly_amount", name, amount)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                FundingRule(
                    name=name,
                    kind="min_yearly_amount",
                    category=category,
                    threshold=_num(amount),
                    unit=unit,
                    source_sentence=m.group(0),
                    span=Span(ln.start + m.start(), ln.start + m.end()),
                )
            )
    return out


def _num(s: str):
    v = float(s)
    return int(v) if v.is_integer() else v


def extract_goals(lines: list[Line], regions: list[Region]) -> list[ParsedGoal]:
    goals: list[ParsedGoal] = []
    for region in (r for r in regions if r.kind == "goals"):
        heading_text = re.sub(r"\s", "", region.heading.head) if region.heading else ""
        items = [b for b in region.blocks if b.level >= 2]
        sub_heads = [
            b
            for b in items
            if re.fullmatch(r"(?:总体|具体|主要|工作|发展)?(?:目标|指标)[。.]?", b.head.strip())
        ]
        item_blocks = [b for b in items if b not in sub_heads]
        levels = sorted({b.level for b in item_blocks})
        item_level = levels[-1] if len(levels) > 1 else (levels[0] if levels else None)
        item_blocks = [b for b in item_blocks if b.level == item_level]
        first_item = item_blocks[0].line_index if item_blocks else region.end_line
        # The overall goal: prose before the first numbered item.
        pending_title = "总体目标" if ("总体" in heading_text or not item_blocks or sub_heads) else "总体目标"
        for k in range(region.start_line, first_item):
            ln = lines[k]
            if any(b.line_index == k for b in sub_heads):
                continue
            if re.fullmatch(r"(?:到|至|截至)?\s*\d{4}\s*年(?:\d{1,2}\s*月)?(?:底|末|前)?", ln.text):
                pending_title = ln.text
                continue
            goals.append(ParsedGoal("综合", pending_title, ln.text, Span(ln.start, ln.end)))
            pending_title = "总体目标"
        for idx, b in enumerate(item_blocks):
            end = item_blocks[idx + 1].line_index if idx + 1 < len(item_blocks) else region.end_line
            end = next((h.line_index for h in sub_heads if b.line_index < h.line_index < end), end)
            head = lines[b.line_index].text[b.content_start - lines[b.line_index].start :]
            body = "\n".join([head] + [lines[k].text for k in range(b.line_index + 1, end)])
            title, cut = first_sentence(head)
            rest = body[cut:].strip()
            area = context_area(title) or "综合"
            goals.append(
                ParsedGoal(
                    area, title.strip(), rest or body, Span(lines[b.line_index].start, lines[end - 1].end)
                )
            )
    return goals


def build_agencies(
    tasks: list[ParsedTask], members: list[LeadingGroupMember], duties: list[Duty], city: str | None = None
) -> list[dict]:
    """One agency per real unit: the fullest printed form as ``name``, the other printed
    forms (and the short forms inside its brackets) as aliases."""
    names: list[str] = []
    for t in tasks:
        names.extend(t.lead + t.support)
    names.extend(m.agency for m in members if m.agency)
    names.extend(d.agency for d in duties)
    ordered: list[str] = []
    for n in names:
        if n not in ordered:
            ordered.append(n)
    groups: list[dict] = []
    index: dict[str, dict] = {}
    # Fullest forms first so that short forms join them.
    for name in sorted(ordered, key=lambda n: (-len(n), ordered.index(n))):
        keys = [_agency_key(k, city) for k in [name, *_short_forms(name)]]
        target = next((index[k] for k in keys if k in index), None)
        if target is None:
            target = {
                "name": name,
                "aliases": [],
                "collective": name.startswith("各"),
                "_order": ordered.index(name),
            }
            groups.append(target)
            for short in _short_forms(name):
                if short not in target["aliases"]:
                    target["aliases"].append(short)
        elif name != target["name"] and name not in target["aliases"]:
            target["aliases"].append(name)
        target["_order"] = min(target["_order"], ordered.index(name))
        for k in keys:
            index.setdefault(k, target)
    groups.sort(key=lambda g: g["_order"])
    for g in groups:
        g.pop("_order")
    return groups


def _agency_key(name: str, city: str | None) -> str:
    key = name
    if city:
        bare = re.sub(r"(市|州|县|区|盟)$", "", city)
        key = key.replace(city, "市").replace(bare, "")
    key = key.replace("人民政府", "政府")
    return key


def _short_forms(name: str) -> list[str]:
    out = []
    m = re.match(r"^(.+?)[(（〔〈【]([^()（）〔〕〈〉【】]+)[)）〕〉】]$", name)
    if m:
        outer, inner = m.group(1), m.group(2)
        out.append(outer)
        if _AGENCY_HINT.search(inner) and not re.search(r"[，,]|下同|含", inner):
            out.append("市" + inner if outer.startswith("市") and not inner.startswith("市") else inner)
    return out
