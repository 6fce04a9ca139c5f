"""Targets in running prose: every number with a unit (or a countable deliverable) in a
sentence, with comparator, kind, deadline and source clause (分别…, A、B均…, one number,
milestones without a number)."""

from __future__ import annotations

import re

from .indicator_words import (
    CN_DIGITS,
    DEADLINE_CLAUSE,
    LEAD_FILLER,
    LEAD_VERB,
    NOT_TARGET_AFTER,
    NOT_TARGET_BEFORE,
    PER_YEAR_RE,
    PREFIX_RE,
    Q_RE,
    QUALIFIER_AFTER,
    area_of,
    comparator_of,
    complete_heads,
    kind_of,
    q_is_chinese,
    q_num,
    q_unit,
    share_and_split,
    split_subjects,
    strip_name,
    to_number,
)
from .model import LOW, MEDIUM, Confidence, ParsedIndicator, Span
from .multiples import find_multiples
from .text import split_spans_outside_brackets


class ProseTargets:
    def __init__(self, text: str, period_end_year: str | None):
        self.text = text
        self.period_end_year = period_end_year
        self.out: list[ParsedIndicator] = []
        # Multiples of a baseline the sentence does not print (翻一番 alone): (name, times,
        # source, span), resolved against the indicator table or reported.
        self.unresolved: list[tuple[str, float, str, Span]] = []

    # -------------------------------------------------------------- helpers
    def _deadline(self, before_text: str, context_year: str | None) -> str | None:
        years = re.findall(
            r"(?:到|至|截至|截止到?|于|在)\s*(\d{4})\s*年(?!的|基期)", before_text
        ) or re.findall(r"(\d{4})\s*年(?:底|末|前)", before_text)
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
        name = strip_name(name) or strip_name(source)[:30]
        if kind is None:
            kind = kind_of(
                name, source, clause_before if clause_before is not None else before, unit, comparator, target
            )
        self.out.append(
            ParsedIndicator(
                name=name,
                area=area_of(name, area_ctx),
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
        self._multiples(sentence, start, consumed, **kw)
        self._respectively(sentence, start, consumed, **kw)
        self._each(sentence, start, consumed, **kw)
        self._single(sentence, start, consumed, **kw)
        self._milestones(sentence, start, consumed, **kw)

    # -------------------------------------------------------------- 翻一番 / 两倍
    def _multiples(self, sentence, start, consumed, *, origin, task_number, area_ctx, context_year):
        for mult in find_multiples(sentence, self._clause_bounds):
            source = sentence[mult.start : mult.end]
            consumed.extend(mult.consumed)
            if mult.target is None:
                span = Span(start + mult.start, start + mult.end)
                self.unresolved.append((mult.name, mult.times, source, span))
                continue
            self._add(
                name=mult.name,
                target=mult.target,
                target_max=None,
                unit=mult.unit,
                comparator=">=",
                explicit=True,
                sentence=sentence,
                before=sentence[: mult.start],
                source=source,
                span_start=start + mult.start,
                context_year=context_year,
                area_ctx=area_ctx,
                origin=origin,
                task_number=task_number,
                clause_before=sentence[mult.start : mult.consumed[0][0]],
            )
            ind = self.out[-1]
            ind.baseline, ind.baseline_year = mult.baseline, mult.baseline_year
            ind.confidence.lower(
                MEDIUM, f"目标为基期值 {mult.baseline} 的 {mult.times} 倍,计为 {mult.target},请核对。"
            )

    @staticmethod
    def _with_deadline_clause(sentence: str, c0: int) -> int:
        """Start the source at "力争到2020年," when that clause directly precedes."""
        if c0 <= 1:
            return c0
        spans = split_spans_outside_brackets(sentence[: c0 - 1], "，,；;：:", keep_sep=False)
        if spans:
            a, b = spans[-1]
            if DEADLINE_CLAUSE.fullmatch(re.sub(r"\s+", "", sentence[a:b])):
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
            if q_is_chinese(m) and not m.group("pct"):
                if i > 0 and s[i - 1] in CN_DIGITS + "第之统唯":
                    continue
                if to_number(q_num(m)) == 1 and not q_unit(m).startswith(("万", "亿")):
                    continue  # 一个平台, 一批企业: an article, not a count
            if NOT_TARGET_BEFORE.search(s[max(0, i - 2) : i]) and not s[max(0, i - 3) : i].endswith(
                ("至少", "不少", "平均每")
            ):
                continue
            after = s[j:]
            if QUALIFIER_AFTER.match(after):
                continue
            if q_unit(m) in ("个", "项", "次", "期", "种", "批") and NOT_TARGET_AFTER.match(after):
                continue
            if q_unit(m) == "亿" and after[:1] in ("元",):
                continue
            if q_unit(m) == "分" and re.match(
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
            names = split_subjects(subject, with_and=False)
            if len(names) != len(vals):
                names = split_subjects(subject, with_and=True)
            names = complete_heads(names)
            if len(names) != len(vals):
                continue
            post = vals[-1].group("post")
            source_start = self._with_deadline_clause(sentence, clause_start + 1)
            source = sentence[source_start : vals[-1].end()]
            verb = sentence[m.start() : m.end()]
            for name, q in zip(names, vals, strict=True):
                is_range = bool(q.group("num2"))
                cmp_, explicit = comparator_of(verb, q.group("post") or post, is_range)
                self._add(
                    name=name,
                    target=to_number(q_num(q)),
                    target_max=to_number(q.group("num2")) if is_range else None,
                    unit=q_unit(q),
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
            names = complete_heads(split_subjects(subject, with_and=True))
            if len(names) < 2:
                continue
            is_range = bool(q.group("num2"))
            cmp_, explicit = comparator_of(sentence[m.start() : m.end()], q.group("post"), is_range)
            c0 = self._with_deadline_clause(sentence, c0)
            source = sentence[c0 : q.end()]
            for name in names:
                self._add(
                    name=name,
                    target=to_number(q_num(q)),
                    target_max=to_number(q.group("num2")) if is_range else None,
                    unit=q_unit(q),
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
            if LEAD_VERB.match(LEAD_FILLER.sub("", re.sub(r"\s+", "", before))):
                verb_context = before
            elif not strip_name(before) and verb_context:
                # "培育10名…,100名…,1000名…": the verb carries over.
                before = verb_context
            is_per_year = q.re is PER_YEAR_RE
            unit = None if is_per_year else q_unit(q)
            post = None if is_per_year else q.group("post")
            is_range = bool(not is_per_year and q.group("num2"))
            cmp_, explicit = comparator_of(before, post, is_range)
            pm = PREFIX_RE.search(before)
            pre = before[: pm.start()] if pm else before
            after = sentence[j:c1]
            name = self._name(pre, after)
            source_start, source_end = c0, c1
            if len(strip_name(pre)) <= 2 and not strip_name(after) and c0 > 0:
                # "申请国(境)外专利量进一步提高,年均申请10件以上": the subject is the
                # previous clause.
                p0, _ = self._clause_bounds(sentence, max(0, c0 - 2))
                name = strip_name(sentence[p0 : c0 - 1])
                prev = (
                    self.out[-1]
                    if self.out and self.out[-1].span.start <= start + p0 < self.out[-1].span.end
                    else None
                )
                measure = re.sub(r"\s", "", pre)
                if prev is not None and re.search(r"增长|增幅|增速", measure):
                    # "…金额累计达到六十亿元,年均增长百分之二十": the previous target's
                    # subject, and this clause's measure.
                    name = prev.name + measure
                source_start = p0
            source_start = self._with_deadline_clause(sentence, source_start)
            if is_per_year:
                unit = "件" if re.search(r"申请|授权|专利|商标|登记", name) else None
                kind = "annual_flow"
            else:
                kind = None
            names = share_and_split(strip_name(pre)) if not after.strip() else None
            for nm in names or [name]:
                self._add(
                    name=nm,
                    target=to_number(q_num(q)),
                    target_max=to_number(q.group("num2")) if is_range else None,
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
        pre_s = strip_name(pre)
        after_s = strip_name(after)
        bare = LEAD_VERB.sub("", pre_s)
        if after_s and (not bare or LEAD_VERB.fullmatch(pre_s or "")):
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
                name=_milestone_name(m.group("obj")),
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


def _milestone_name(obj: str) -> str:
    """ "一个线上线下融合的…平台" -> "线上线下融合的…平台": the thing built, without the article
    (its description is kept, as the seeds keep "辐射鄂西渝东的…平台")."""
    return re.sub(r"^[一两二三四五六七八九十]+[个家项座套批所](?=..)", "", obj)
