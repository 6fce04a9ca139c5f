"""Quantitative targets: every number with a unit (or a countable deliverable) in the
goal and task parts, with comparator, kind, deadline and source clause."""

from __future__ import annotations

import re

from .model import LOW, MEDIUM, Confidence, ParsedIndicator, ParsedTask, Span
from .normalize import Line
from .outline import Region
from .tasks import find_assignment
from .text import (
    longest_common_substring,
    split_outside_brackets,
    split_spans_outside_brackets,
)

UNITS = sorted(
    [
        "万人次",
        "人次",
        "个百分点",
        "百分点",
        "万件",
        "万项",
        "万家",
        "万亿元",
        "亿元",
        "万元",
        "千元",
        "元",
        "万人",
        "人",
        "件",
        "项",
        "家",
        "个",
        "名",
        "所",
        "单",
        "次",
        "篇",
        "场",
        "期",
        "部",
        "套",
        "台",
        "座",
        "条",
        "批",
        "%",
        "‰",
        "倍",
        "个工作日",
        "工作日",
        "个月",
        "天",
        "小时",
        "户",
        "支",
        "位",
        "款",
        "种",
        "亿",
        "分",
    ],
    key=len,
    reverse=True,
)
_UNIT_ALT = "|".join(re.escape(u) for u in UNITS)
_NUM = r"\d+(?:\.\d+)?"
_RANGE_SEP = r"\s*(?:—+|－|-|–|~|～|至|到)\s*"
Q_RE = re.compile(
    rf"(?P<num>{_NUM})(?:{_RANGE_SEP}(?P<num2>{_NUM}))?\s*(?P<unit>{_UNIT_ALT})(?P<post>及以上|以上|以下|以内|左右)?"
)
PER_YEAR_RE = re.compile(rf"(?P<num>{_NUM})\s*/\s*年")

_PREFIXES = [
    (
        ">=",
        "不低于|不少于|不小于|不下于|至少|最少|达到|达|突破|提高到|提高至|提升到|提升至|增至|增加到|增加至|增长到|扩大到|保持在|稳定在|实现|为|在",
    ),
    (">", "超过|多于|高于|大于"),
    ("<=", "不高于|不超过|不多于|控制在|压缩至|压缩到|降低到|降低至|降至|缩短至|缩短到"),
    ("<", "低于|少于|小于"),
]
_PREFIX_RE = re.compile(
    "(?:" + "|".join(f"(?P<c{k}>{words})" for k, (_, words) in enumerate(_PREFIXES)) + r")\s*各?\s*$"
)
# Words after a count that make it a description, not a target ("5个方面").
_NOT_TARGET_AFTER = re.compile(r"^(?:方面|环节|维度|层面|阶段|步骤|部分|年|月|日|号|级|大类|板块|领域|维)")
_QUALIFIER_AFTER = re.compile(r"^(?:的|之)")
_NOT_TARGET_BEFORE = re.compile(r"(?:第|前|近|后|每|约|共计?)$")

_LEAD_FILLER = re.compile(
    r"^(?:(?:力争|争取|确保|努力|预计|其中|同时|并|且|使|通过|实现|到|至|截至|截止到?|于)\s*)*"
    r"(?:\d{4}\s*年(?:底|末|前)?[，,]?\s*)?"
    r"(?:(?:全市|全省|全区|全县|我市|本市|市级|三年内|五年内|两年内|[一二三四五六七八九十]年内|每年|年均|累计|三年|五年)\s*)*"
)
_TRAIL_VERB = re.compile(
    r"(?:年均)?(?:保持在|稳定在|达到|达|不低于|不少于|超过|突破|提高到|提高至|提升到|提升至|增至|增加到|为|在|至少|进一步提高|稳步增长|"
    r"明显提高|显著提高|不断提高|大幅提升|显著提升|年均|每年)$"
)
_LEAD_VERB = re.compile(
    r"^(?:(?:新培育|培育|扶持|引导|推动|支持|实施|开展|组建|建立|认定|培训|服务|打造|争创|建设|推进|形成|新增|发行|覆盖|促进|"
    r"完成|建成|创建|引进|评选|举办|设立|资助|奖励|认证|推广|建|办理|受理|处理|查处|申请|力争|即)(?:并|和|及|、)?)+"
)
_DEADLINE_CLAUSE = re.compile(r"(?:力争|争取|确保|预计)?(?:到|至|截至|截止到?)\d{4}年(?:底|末)?")
_MEASURE_TAIL = re.compile(
    r"(?:按期结案率|结案率|增长率|覆盖率|占比|比例|比重|总量|金额|数量|规模|件数|个数|[额量数率])"
)


def _strip_name(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    prev = None
    while prev != name:
        prev = name
        name = _LEAD_FILLER.sub("", name)
        name = _TRAIL_VERB.sub("", name)
        name = name.strip("，,、：:；;。 ")
    return name


def _comparator(before: str, post: str | None, is_range: bool) -> tuple[str, bool]:
    """(comparator, explicit) from the words around the number."""
    if is_range:
        return "range", True
    cmp_, explicit = ">=", False
    m = _PREFIX_RE.search(before[-6:])
    if m:
        for k, (sym, _) in enumerate(_PREFIXES):
            if m.group(f"c{k}"):
                cmp_, explicit = sym, m.group(f"c{k}") not in ("为", "在", "实现")
                break
    if post in ("以上", "及以上"):
        cmp_ = ">" if cmp_ == ">" else ">="
        explicit = True
    elif post in ("以下", "以内"):
        cmp_, explicit = "<=", True
    elif post == "左右":
        cmp_, explicit = "=", True
    return cmp_, explicit


def _number(s: str) -> float | int:
    v = float(s)
    return int(v) if v.is_integer() else v


def _area_of(name: str, context_area: str | None) -> str:
    if context_area:
        return context_area
    for area, pattern in (
        ("保护", r"保护|执法|结案|侵权|维权|案件|假冒|纠纷"),
        ("运用", r"转化|运用|质押|融资|交易|许可|转让|成交|保险|证券化|运营|导航|密集型|产业化"),
        ("管理", r"贯标|管理规范|示范企业|优势企业|专员|管理"),
        ("服务", r"服务|机构|人才|培训|代理|平台|学校|经费|投入|资金"),
        ("创造", r"申请|授权|拥有量|登记|注册|驰名|商标|品牌|地理标志|发明|PCT|专利"),
    ):
        if re.search(pattern, name):
            return area
    return "综合"


def context_area(heading: str) -> str | None:
    found = [a for a in ("创造", "运用", "保护", "管理", "服务") if a in heading]
    return found[0] if len(found) == 1 else None


def _kind(name: str, sentence: str, before: str, unit: str | None, comparator: str, target) -> str:
    if comparator == "range":
        return "range"
    if target == 1 and comparator in (">=", ">"):
        return "milestone"
    if unit in ("%", "个百分点", "百分点", "‰"):
        if re.search(r"增幅|年均增长(?!率)|平均增长(?!率)|复合增长", name + before):
            return "avg_growth_rate"
        if re.search(r"增长率|增速|增长", name + before):
            return "growth_rate"
        if re.search(r"占|比例|比重|占比", name):
            return "share"
        return "rate"
    if re.search(r"平均每|户均|人均|家均", name + before):
        return "per_unit"
    lead = _LEAD_FILLER.sub("", re.sub(r"\s+", "", before))
    money = unit in ("万元", "亿元", "元", "千元", "万亿元")
    if re.search(r"每年|/年|年度|当年", before + name):
        return "yearly_minimum" if money and "每年" in before + name else "annual_flow"
    if re.search(r"累计|[一二三四五六七八九十两\d]年内|新增|新培育|培训|期间", before + name):
        return "cumulative"
    if re.search(r"年均", before + name):
        return "yearly_minimum" if money else "annual_flow"
    if re.search(r"申请量|授权量|登记量|成交额|成交金额|融资额|投保金额|经费投入|工作投入|资金投入", name):
        return "annual_flow"
    if re.match(r"(?:培育|扶持|支持|推动|实施|开展|认定|引进|组织|举办|资助)", lead):
        return "cumulative"
    return "level"


def _split_subjects(subject: str, with_and: bool) -> list[str]:
    seps = "、和及与" if with_and else "、"
    parts = [p for p in split_outside_brackets(subject, seps) if p]
    return parts


def _complete_heads(parts: list[str]) -> list[str]:
    """ "专利侵权纠纷" + "假冒专利案件结案率" -> both end with 结案率."""
    if len(parts) < 2:
        return parts
    m = _MEASURE_TAIL.search(parts[-1])
    if not m:
        return parts
    tail_start = m.start()
    head = parts[-1][tail_start:]
    out = []
    for p in parts[:-1]:
        out.append(p if _MEASURE_TAIL.search(p[-4:] if len(p) >= 4 else p) else p + head)
    out.append(parts[-1])
    return out


def _share_and_split(subject: str) -> list[str] | None:
    """ "知识产权质押融资金额和项目数年均增幅" -> two measures sharing stem and tail."""
    parts = [p for p in split_outside_brackets(subject, "和及与") if p]
    if len(parts) != 2:
        return None
    left, right = parts
    lm = re.search(r"(金额|数量|规模|总量|[额量数率])$", left)
    rm = re.match(r"^(.{1,6}?(?:金额|数量|规模|总量|[额量数率]))", right)
    if not lm or not rm:
        return None
    stem = left[: lm.start()]
    tail = right[rm.end() :]
    return [left + tail, stem + rm.group(1) + tail]


class _Extractor:
    def __init__(self, text: str, period_end_year: str | None):
        self.text = text
        self.period_end_year = period_end_year
        self.out: list[ParsedIndicator] = []

    # -------------------------------------------------------------- helpers
    def _deadline(self, before_text: str, context_year: str | None) -> str | None:
        years = re.findall(r"(?:到|至|截至|截止到?|于|在)\s*(\d{4})\s*年", before_text) or re.findall(
            r"(\d{4})\s*年(?:底|末|前)", before_text
        )
        if years:
            return years[-1]
        return context_year or self.period_end_year

    def _add(
        self,
        *,
        name,
        target,
        target_max,
        unit,
        comparator,
        explicit,
        sentence,
        before,
        source,
        span_start,
        context_year,
        area_ctx,
        origin,
        task_number,
        kind=None,
        clause_before=None,
    ):
        conf = Confidence()
        if not explicit:
            conf.lower(MEDIUM, "没有“以上/不低于/达到”等比较词,按“≥”处理。")
        if unit is None:
            conf.lower(LOW, "目标值没有写单位,请补充。")
        deadline = self._deadline(before, context_year)
        if deadline is None:
            conf.lower(MEDIUM, "句中没有截止年份,方案期限也未读出,请补充。")
        name = _strip_name(name) or _strip_name(source)[:30]
        if kind is None:
            kind = _kind(
                name, source, clause_before if clause_before is not None else before, unit, comparator, target
            )
        self.out.append(
            ParsedIndicator(
                name=name,
                area=_area_of(name, area_ctx),
                kind=kind,
                comparator=comparator,
                target=target,
                target_max=target_max,
                unit=unit,
                deadline=deadline,
                source_sentence=source,
                span=Span(span_start, span_start + len(source)),
                origin=origin,
                task_number=task_number,
                confidence=conf,
            )
        )

    # -------------------------------------------------------------- a paragraph
    def paragraph(
        self,
        para: str,
        start: int,
        *,
        origin: str,
        task_number: str | None,
        area_ctx: str | None,
        context_year: str | None,
    ) -> None:
        running_year = context_year
        for s0, s1 in split_spans_outside_brackets(para, "。；;！!？?"):
            sentence = para[s0:s1]
            sent_start = start + s0
            before_sentence_year = (
                self._deadline(sentence, None) if re.search(r"\d{4}\s*年", sentence) else None
            )
            self._sentence(
                sentence.rstrip("。；;！!？?"),
                sent_start,
                origin=origin,
                task_number=task_number,
                area_ctx=area_ctx,
                context_year=running_year,
            )
            if before_sentence_year and before_sentence_year != self.period_end_year:
                running_year = before_sentence_year

    def _sentence(self, sentence: str, start: int, **kw) -> None:
        consumed: list[tuple[int, int]] = []
        self._respectively(sentence, start, consumed, **kw)
        self._each(sentence, start, consumed, **kw)
        self._single(sentence, start, consumed, **kw)
        self._milestones(sentence, start, consumed, **kw)

    @staticmethod
    def _with_deadline_clause(sentence: str, c0: int) -> int:
        """Start the source at "力争到2020年," when that clause directly precedes."""
        if c0 <= 1:
            return c0
        spans = split_spans_outside_brackets(sentence[: c0 - 1], "，,；;：:", keep_sep=False)
        if spans:
            a, b = spans[-1]
            if _DEADLINE_CLAUSE.fullmatch(re.sub(r"\s+", "", sentence[a:b])):
                return a
        return c0

    def _clause_bounds(self, sentence: str, i: int) -> tuple[int, int]:
        spans = split_spans_outside_brackets(sentence, "，,；;：:", keep_sep=False)
        for a, b in spans:
            if a <= i < b + 1:
                return a, b
        return 0, len(sentence)

    def _quantities(self, s: str):
        """Quantity matches in ``s`` that are targets (not qualifiers, ordinals, dates)."""
        depth_at = []
        depth = 0
        for ch in s:
            if ch in "《":
                depth += 1
            elif ch in "》":
                depth = max(0, depth - 1)
            depth_at.append(depth)
        for m in Q_RE.finditer(s):
            i, j = m.start(), m.end()
            if depth_at[i]:
                continue
            if i > 0 and (s[i - 1].isdigit() or s[i - 1] in ".·〔[年月"):
                continue
            if _NOT_TARGET_BEFORE.search(s[max(0, i - 2) : i]) and not s[max(0, i - 3) : i].endswith(
                ("至少", "不少", "平均每")
            ):
                continue
            after = s[j:]
            if _QUALIFIER_AFTER.match(after):
                continue
            if m.group("unit") in ("个", "项", "次", "期", "种", "批") and _NOT_TARGET_AFTER.match(after):
                continue
            if m.group("unit") == "亿" and after[:1] in ("元",):
                continue
            if m.group("unit") == "分" and re.match(
                r"^(?:钟|之|别|类|析|局|院|会|中心|公司|行|社|所|队|部|期|批|级)", after
            ):
                continue
            if m.group("num2") and len(m.group("num")) == 4 and len(m.group("num2")) == 4:
                continue  # 2016—2018 (years)
            yield m

    # -------------------------------------------------------------- 分别 …
    def _respectively(self, sentence, start, consumed, *, origin, task_number, area_ctx, context_year):
        for m in re.finditer(
            r"分别(?:达到|达|为|是|增长到|增长|提高到|提高至|保持在|不低于|不少于|超过|突破)?\s*", sentence
        ):
            vals = []
            pos = m.end()
            while True:
                q = Q_RE.match(sentence, pos)
                if not q:
                    break
                vals.append(q)
                pos = q.end()
                sep = re.match(r"\s*[、，,和及]\s*", sentence[pos:])
                if not sep:
                    break
                pos += sep.end()
            if len(vals) < 2:
                continue
            clause_start = max(sentence.rfind(c, 0, m.start()) for c in "，,；;：:")
            subject = sentence[clause_start + 1 : m.start()]
            names = _split_subjects(subject, with_and=False)
            if len(names) != len(vals):
                names = _split_subjects(subject, with_and=True)
            names = _complete_heads(names)
            if len(names) != len(vals):
                continue
            post = vals[-1].group("post")
            source_start = self._with_deadline_clause(sentence, clause_start + 1)
            source = sentence[source_start : vals[-1].end()]
            verb = sentence[m.start() : m.end()]
            for name, q in zip(names, vals, strict=True):
                is_range = bool(q.group("num2"))
                cmp_, explicit = _comparator(verb, q.group("post") or post, is_range)
                self._add(
                    name=name,
                    target=_number(q.group("num")),
                    target_max=_number(q.group("num2")) if is_range else None,
                    unit=q.group("unit"),
                    comparator=cmp_,
                    explicit=explicit,
                    sentence=sentence,
                    before=sentence[: m.start()] + verb,
                    source=source,
                    span_start=start + source_start,
                    context_year=context_year,
                    area_ctx=area_ctx,
                    origin=origin,
                    task_number=task_number,
                )
            consumed.append((vals[0].start(), vals[-1].end()))

    # -------------------------------------------------------------- A、B 均 …
    def _each(self, sentence, start, consumed, *, origin, task_number, area_ctx, context_year):
        for m in re.finditer(r"(?<![年平人户])均(?:达到|达|保持在|不低于|不少于|超过|在|为)?\s*", sentence):
            q = Q_RE.match(sentence, m.end())
            if not q or any(a <= q.start() < b for a, b in consumed):
                continue
            c0, _ = self._clause_bounds(sentence, m.start())
            subject = sentence[c0 : m.start()]
            names = _complete_heads(_split_subjects(subject, with_and=True))
            if len(names) < 2:
                continue
            is_range = bool(q.group("num2"))
            cmp_, explicit = _comparator(sentence[m.start() : m.end()], q.group("post"), is_range)
            c0 = self._with_deadline_clause(sentence, c0)
            source = sentence[c0 : q.end()]
            for name in names:
                self._add(
                    name=name,
                    target=_number(q.group("num")),
                    target_max=_number(q.group("num2")) if is_range else None,
                    unit=q.group("unit"),
                    comparator=cmp_,
                    explicit=explicit,
                    sentence=sentence,
                    before=sentence[: q.start()],
                    source=source,
                    span_start=start + c0,
                    context_year=context_year,
                    area_ctx=area_ctx,
                    origin=origin,
                    task_number=task_number,
                    clause_before=sentence[c0 : q.start()],
                )
            consumed.append((q.start(), q.end()))

    # -------------------------------------------------------------- one number
    def _single(self, sentence, start, consumed, *, origin, task_number, area_ctx, context_year):
        matches = list(self._quantities(sentence))
        per_year = [m for m in PER_YEAR_RE.finditer(sentence) if not Q_RE.match(sentence, m.start())]
        prev_end = -1
        verb_context = ""
        for q in sorted(matches + per_year, key=lambda x: x.start()):
            if any(a <= q.start() < b for a, b in consumed):
                continue
            i, j = q.start(), q.end()
            c0, c1 = self._clause_bounds(sentence, i)
            if c0 <= prev_end < i:
                # "培育示范企业10家、优势企业30家": the next name starts after the last number.
                sep = re.match(r"[、和及与\s]*", sentence[prev_end:i])
                c0 = prev_end + (sep.end() if sep else 0)
            prev_end = j
            before = sentence[c0:i]
            if _LEAD_VERB.match(_LEAD_FILLER.sub("", re.sub(r"\s+", "", before))):
                verb_context = before
            elif not _strip_name(before) and verb_context:
                # "培育10名…,100名…,1000名…": the verb carries over.
                before = verb_context
            is_per_year = q.re is PER_YEAR_RE
            unit = None if is_per_year else q.group("unit")
            post = None if is_per_year else q.group("post")
            is_range = bool(not is_per_year and q.group("num2"))
            cmp_, explicit = _comparator(before, post, is_range)
            pm = _PREFIX_RE.search(before)
            pre = before[: pm.start()] if pm else before
            after = sentence[j:c1]
            name = self._name(pre, after)
            source_start, source_end = c0, c1
            if len(_strip_name(pre)) <= 2 and not _strip_name(after) and c0 > 0:
                # "申请国(境)外专利量进一步提高,年均申请10件以上": the subject is the
                # previous clause.
                p0, _ = self._clause_bounds(sentence, max(0, c0 - 2))
                name = _strip_name(sentence[p0 : c0 - 1])
                source_start = p0
            source_start = self._with_deadline_clause(sentence, source_start)
            if is_per_year:
                unit = "件" if re.search(r"申请|授权|专利|商标|登记", name) else None
                kind = "annual_flow"
            else:
                kind = None
            names = _share_and_split(_strip_name(pre)) if not after.strip() else None
            for nm in names or [name]:
                self._add(
                    name=nm,
                    target=_number(q.group("num")),
                    target_max=_number(q.group("num2")) if is_range else None,
                    unit=unit,
                    comparator=cmp_,
                    explicit=explicit,
                    sentence=sentence,
                    before=sentence[:i],
                    source=sentence[source_start:source_end],
                    span_start=start + source_start,
                    context_year=context_year,
                    area_ctx=area_ctx,
                    origin=origin,
                    task_number=task_number,
                    kind=kind,
                    clause_before=before,
                )
                if is_per_year:
                    self.out[-1].confidence.lower(MEDIUM, "“/年”未写单位,按名称推断。")
            consumed.append((i, j))

    def _name(self, pre: str, after: str) -> str:
        pre_s = _strip_name(pre)
        after_s = _strip_name(after)
        bare = _LEAD_VERB.sub("", pre_s)
        if after_s and (not bare or _LEAD_VERB.fullmatch(pre_s or "")):
            # "培育10名知识产权高层次专门人才": the measured thing follows the number.
            return after_s
        if bare and len(bare) >= 2:
            return bare + (after_s if after_s and len(after_s) <= 6 else "")
        return pre_s + after_s

    # -------------------------------------------------------------- no number
    def _milestones(self, sentence, start, consumed, *, origin, task_number, area_ctx, context_year):
        for m in re.finditer(
            r"(?:建成|建立|完成|上线)(?P<obj>[^，,；;。]{2,40}?)(?:并|且)?(?:投入|正式)(?:运行|使用|运营)",
            sentence,
        ):
            if any(a <= m.start() < b for a, b in consumed):
                continue
            c0, c1 = self._clause_bounds(sentence, m.start())
            self._add(
                name=m.group("obj"),
                target=1,
                target_max=None,
                unit="个",
                comparator=">=",
                explicit=True,
                sentence=sentence,
                before=sentence[: m.start()],
                source=sentence[c0:c1],
                span_start=start + c0,
                context_year=context_year,
                area_ctx=area_ctx,
                origin=origin,
                task_number=task_number,
                kind="milestone",
            )
            self.out[-1].confidence.lower(MEDIUM, "里程碑类目标(无数值),按“完成 1 个”记录。")


def _goal_paragraphs(lines: list[Line], regions: list[Region]):
    """(text, start, area context, year context) for each paragraph of the goal parts."""
    for region in (r for r in regions if r.kind == "goals"):
        area = None
        year_ctx = None
        item_level = None
        levels = sorted({b.level for b in region.blocks if b.level >= 2})
        if levels:
            item_level = levels[-1] if len(levels) > 1 else levels[0]
        for k in range(region.start_line, region.end_line):
            ln = lines[k]
            block = next((b for b in region.blocks if b.line_index == k), None)
            text, start = ln.text, ln.start
            if block is not None:
                text, start = ln.text[block.content_start - ln.start :], block.content_start
            if block is not None and block.level == item_level:
                first = re.split(r"[。；;]", text)[0]
                area = context_area(first)
            dm = re.fullmatch(r"(?:到|至|截至)?\s*(\d{4})\s*年(?:\d{1,2}\s*月)?(?:底|末|前)?", ln.text)
            if dm:
                year_ctx = dm.group(1)
                continue
            yield text, start, area, year_ctx


def extract_indicators(
    lines: list[Line],
    regions: list[Region],
    tasks: list[ParsedTask],
    period_end_year: str | None,
    tables: list | None = None,
) -> tuple[list[ParsedIndicator], list[str]]:
    text = "\n".join(ln.text for ln in lines)
    ex = _Extractor(text, period_end_year)
    for para, start, area, year in _goal_paragraphs(lines, regions):
        ex.paragraph(para, start, origin="goal", task_number=None, area_ctx=area, context_year=year)
    goal_inds = ex.out
    ex.out = []
    for task in tasks:
        # Only the task's own text, without its unit parenthetical.
        seg = text[task.span.start : task.span.end]
        assignment = find_assignment(seg)
        if assignment:
            # Blank the unit parenthetical out (same length keeps offsets right).
            seg = seg[: assignment.start] + " " * (assignment.end - assignment.start) + seg[assignment.end :]
        offset = task.span.start
        for part in seg.split("\n"):
            ex.paragraph(
                part, offset, origin="task", task_number=task.number, area_ctx=None, context_year=None
            )
            offset += len(part) + 1
    table_inds, table_warnings = _tables_indicators(lines, tables or [], period_end_year)
    if not any(t.kind == "indicators" for t in tables or []):
        table_inds = _table_indicators(lines, period_end_year)
    goal_inds = _dedupe_tasks(table_inds, goal_inds, drop_repeats=False)  # a table row restated in prose
    goal_inds = table_inds + _dedupe_within(goal_inds)
    task_inds = _dedupe_tasks(goal_inds, ex.out)
    indicators = goal_inds + task_inds
    _unique_names(indicators)
    warnings = list(table_warnings)
    if not indicators:
        warnings.append("未读出量化指标(数值+单位的目标),如方案有指标表请手工补充。")
    return indicators, warnings


_CLEAN_FOR_MATCH = re.compile(
    rf"{_NUM}(?:{_RANGE_SEP}{_NUM})?\s*(?:{_UNIT_ALT})?|知识产权|以上|以下|以内|至少|不少于|不低于|达到|力争|三年内|全市|[，,、。；;\s]"
)


def _match_key(s: str) -> str:
    return _CLEAN_FOR_MATCH.sub("", s)


def _bigrams(s: str) -> set[str]:
    return {s[k : k + 2] for k in range(len(s) - 1)}


def _dedupe_tasks(
    goals: list[ParsedIndicator], task_inds: list[ParsedIndicator], drop_repeats: bool = True
) -> list[ParsedIndicator]:
    """A target a task repeats from the goals is listed once (from the goals): same
    number and comparator, and wording that overlaps; each goal absorbs one repeat,
    best match first."""
    pairs = []
    for ti, t in enumerate(task_inds):
        tk = _match_key(t.source_sentence)
        for gi, g in enumerate(goals):
            if (t.target, t.target_max, t.comparator) != (g.target, g.target_max, g.comparator):
                continue
            gk = _match_key(g.source_sentence)
            shared = len(_bigrams(tk) & _bigrams(gk))
            lcs = longest_common_substring(tk, gk)
            needed = 2 if t.unit == g.unit else 3
            if t.comparator == "range" and t.unit == g.unit:
                needed = 0  # a range repeated with the same bounds is the same target
            if t.name == g.name or shared >= needed:
                pairs.append((lcs + shared + (10 if t.name == g.name else 0), ti, gi))
    pairs.sort(key=lambda p: -p[0])
    absorbed: set[int] = set()
    claimed: set[int] = set()
    for _, ti, gi in pairs:
        if ti in absorbed or gi in claimed:
            continue
        absorbed.add(ti)
        claimed.add(gi)
    kept = [t for k, t in enumerate(task_inds) if k not in absorbed]
    if not drop_repeats:
        return kept
    # Repeated between tasks: keep the first.
    out, seen = [], set()
    for t in kept:
        key = (t.target, t.target_max, t.unit, t.comparator, _match_key(t.source_sentence))
        if key in seen:
            continue
        seen.add(key)
        out.append(t)
    return out


def _dedupe_within(inds: list[ParsedIndicator]) -> list[ParsedIndicator]:
    out, seen = [], set()
    for i in inds:
        key = (i.name, i.target, i.target_max, i.unit, i.comparator)
        if key in seen:
            continue
        seen.add(key)
        out.append(i)
    return out


def _unique_names(inds: list[ParsedIndicator]) -> None:
    counts: dict[str, int] = {}
    for i in inds:
        n = counts.get(i.name, 0) + 1
        counts[i.name] = n
        if n > 1:
            i.name = f"{i.name}({n})"
            i.confidence.lower(MEDIUM, "与另一指标同名,已加序号区分,请改名。")


__all__ = ["UNITS", "context_area", "extract_indicators"]


_TABLE_HEADER_RE = re.compile(r"指标")
_CELL_SPLIT_RE = re.compile(r"\s{2,}|\t|\s*[|｜]\s*")
_UNIT_CELL_RE = re.compile(rf"^(?:{_UNIT_ALT}|件/万人|件/万人口|项/万人|亿元/年|万元/年)$")
_TARGET_CELL_RE = re.compile(
    rf"^(?P<pre>[≥>≤<＞＜]=?|不低于|不少于|超过|达到)?\s*(?P<num>{_NUM})(?:{_RANGE_SEP}(?P<num2>{_NUM}))?\s*(?P<unit>{_UNIT_ALT})?\s*(?P<post>以上|以下|以内|左右)?$"
)


def _tables_indicators(lines: list[Line], tables: list, period_end_year: str | None):
    """Indicators of the recognised indicator tables, their notes (注:…) read for kinds."""
    from .table_items import indicators_from_table

    out, warnings = [], []
    for table in tables:
        if table.kind != "indicators":
            continue
        after = [ln.text for ln in lines if table.end <= ln.start < table.end + 600]
        notes = "".join(t for t in after if t.startswith("注") or re.match(r"^\d+[.、．]", t))
        first = next((t for t in after if t.startswith("注")), "")
        notes = notes if first else ""
        inds, w = indicators_from_table(
            table,
            footnotes=notes,
            period_end_year=period_end_year,
            kind_of=lambda name, unit, cmp_, target: _kind(name, name, "", unit, cmp_, target),
            area_of=lambda name: _area_of(name, None),
        )
        out.extend(inds)
        warnings.extend(w)
    return out, warnings


def _table_indicators(lines: list[Line], period_end_year: str | None) -> list[ParsedIndicator]:
    """Rows of an indicator table (指标 | 单位 | 基期值 | 目标值 …), as a Word table or a
    text table whose cells are separated by two or more spaces, tabs or bars."""
    out: list[ParsedIndicator] = []
    k = 0
    while k < len(lines):
        cells = [c for c in _CELL_SPLIT_RE.split(lines[k].text.strip()) if c]
        if (
            len(cells) >= 3
            and _TABLE_HEADER_RE.search(lines[k].text)
            and any(re.search(r"目标|20\d\d", c) for c in cells)
        ):
            header = cells
            target_col = max(i for i, c in enumerate(header) if re.search(r"目标|20\d\d", c))
            unit_col = next((i for i, c in enumerate(header) if "单位" in c), None)
            name_col = next((i for i, c in enumerate(header) if re.search(r"指标|名称|内容", c)), 0)
            year = re.search(r"(20\d\d)", header[target_col])
            deadline = year.group(1) if year else period_end_year
            k += 1
            while k < len(lines):
                row = [c for c in _CELL_SPLIT_RE.split(lines[k].text.strip()) if c]
                if len(row) < 3 or re.search(r"[。；;]", lines[k].text):
                    break
                ind = _table_row(lines[k], row, header, name_col, unit_col, target_col, deadline)
                if ind:
                    out.append(ind)
                k += 1
            continue
        k += 1
    return out


def _table_row(line, row, header, name_col, unit_col, target_col, deadline) -> ParsedIndicator | None:
    shift = len(row) - len(header)  # merged cells at the front (a category column)

    def cell(i):
        j = i + shift if shift > 0 else i
        return row[j] if 0 <= j < len(row) else None

    name = cell(name_col)
    if name and re.fullmatch(r"\d{1,3}", name):
        name = cell(name_col + 1)
    target = cell(target_col) if shift >= 0 else row[-1]
    unit = cell(unit_col) if unit_col is not None else None
    if unit is not None and not _UNIT_CELL_RE.match(unit):
        unit = None
    m = _TARGET_CELL_RE.match((target or "").replace(" ", ""))
    if not name or not m:
        return None
    unit = unit or m.group("unit")
    is_range = bool(m.group("num2"))
    pre = m.group("pre") or ""
    cmp_ = "range" if is_range else _comparator(pre, m.group("post"), False)[0]
    if pre in ("≥", ">=", "＞=", "不低于", "不少于", "达到"):
        cmp_ = ">="
    elif pre in (">", "＞", "超过"):
        cmp_ = ">"
    elif pre in ("≤", "<=", "＜="):
        cmp_ = "<="
    conf = Confidence()
    conf.lower(MEDIUM, "取自指标表,比较方式按“不低于”处理,请核对。")
    source = line.text
    num = _number(m.group("num"))
    return ParsedIndicator(
        name=_strip_name(name),
        area=_area_of(name, None),
        kind=_kind(name, source, "", unit, cmp_, num),
        comparator=cmp_,
        target=num,
        target_max=_number(m.group("num2")) if is_range else None,
        unit=unit,
        deadline=deadline,
        source_sentence=source,
        span=Span(line.start, line.end),
        origin="goal",
        confidence=conf,
    )
