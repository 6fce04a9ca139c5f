"""Scoring a framework against a report's document: the self-score table.

Each rule reads what the report already shows — the engine's completion of an indicator,
the final verdicts of a section's tasks, a phase's milestone, a funding rule's check, the
evidence attached to the item — so the score and the chapters never disagree. Manual items
take the office's score and reason; missing ones are left blank (a final refuses them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from ..rendering.format import cn_date, num, pct

TWO = Decimal("0.01")


@dataclass(frozen=True)
class ScoreRow:
    item_id: int
    aspect: str
    aspect_number: int
    title: str
    rule: str
    rule_label: str
    max_score: Decimal
    score: Decimal | None  # None: a manual item not scored yet
    basis: str  # 依据: why this score, in words
    evidence: tuple[str, ...]  # 证明材料: file names
    evidence_wanted: str

    def as_json(self) -> dict:
        d = asdict(self)
        d["max_score"] = str(self.max_score)
        d["score"] = None if self.score is None else str(self.score)
        d["evidence"] = list(self.evidence)
        return d


@dataclass(frozen=True)
class ScoreTable:
    name: str
    rows: tuple[ScoreRow, ...]

    @property
    def total_max(self) -> Decimal:
        return sum((r.max_score for r in self.rows), Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum((r.score or Decimal(0) for r in self.rows), Decimal(0))

    @property
    def unscored(self) -> list[ScoreRow]:
        return [r for r in self.rows if r.score is None]

    @property
    def by_aspect(self) -> list[tuple[str, list[ScoreRow], Decimal, Decimal]]:
        out: dict[str, list[ScoreRow]] = {}
        for r in self.rows:
            out.setdefault(r.aspect, []).append(r)
        return [
            (
                a,
                rows,
                sum((r.max_score for r in rows), Decimal(0)),
                sum((r.score or 0 for r in rows), Decimal(0)),
            )
            for a, rows in out.items()
        ]


def _share(max_score: Decimal, part, whole) -> Decimal:
    if not whole:
        return Decimal(0)
    return (max_score * Decimal(part) / Decimal(whole)).quantize(TWO, rounding=ROUND_HALF_UP)


def score_indicator(item, doc) -> tuple[Decimal, str]:
    row = next((r for r in doc.indicators if r.name == item.target), None)
    if row is None:
        return Decimal(0), _("方案中没有名为“%(t)s”的指标。") % {"t": item.target}
    if row.status == "achieved":
        if row.value is None:
            return item.max_score, _("已完成。")
        values = {"v": num(row.value), "u": row.unit, "p": row.value_period, "t": row.target_display}
        if not row.value_period:  # a milestone: done, no period
            return item.max_score, _("已完成：完成值 %(v)s%(u)s，目标 %(t)s%(u)s。") % values
        return item.max_score, _("已完成：完成值 %(v)s%(u)s（%(p)s），目标 %(t)s%(u)s。") % values
    if row.completion is None:
        return Decimal(0), _("无数据，不得分。")
    capped = min(max(row.completion, Decimal(0)), Decimal(100))
    values = {
        "v": num(row.value),
        "u": row.unit,
        "p": row.value_period,
        "t": row.target_display,
        "c": pct(row.completion),
    }
    if not row.value_period:  # a milestone not done: no period to name
        return _share(item.max_score, capped, 100), _(
            "尚未完成（完成值 %(v)s%(u)s），目标 %(t)s%(u)s，完成率 %(c)s，按完成率计分。"
        ) % values
    return _share(item.max_score, capped, 100), _(
        "完成值 %(v)s%(u)s（%(p)s），目标 %(t)s%(u)s，完成率 %(c)s，按完成率计分。"
    ) % values


def section_name(title: str | None) -> str:
    """How a framework item names a task section: its title; 工作任务 for a plan whose
    tasks have no sections (Harbin's, Anshan's)."""
    return title or _("工作任务")


def score_task_section(item, doc) -> tuple[Decimal, str]:
    section = next(
        (
            s
            for s in doc.task_sections
            if section_name(s.title) == item.target or (s.ordinal and s.ordinal == item.target)
        ),
        None,
    )
    if section is None:
        return Decimal(0), _("方案中没有名为“%(t)s”的任务部分。") % {"t": item.target}
    total = len(section.tasks)
    # A task past its deadline counts by its final verdict (基本完成 counts half). One not yet
    # due counts by its progress, as a mid-term or annual evaluation judges it: on schedule
    # (推进中) in full, behind (滞后) half; not started or unreported, nothing.
    verdicts, pending = [], []
    for t in section.tasks:
        verdict = getattr(t, "verdict", None)
        if verdict or t.status == "done":
            verdicts.append(verdict or "done")
        else:
            pending.append(t.status)
    done, mostly = verdicts.count("done"), verdicts.count("mostly_done")
    on_schedule, behind = pending.count("in_progress"), pending.count("delayed")
    rest = total - done - mostly - on_schedule - behind
    credit = Decimal(done + on_schedule) + Decimal(mostly + behind) / 2
    values = {"n": total, "d": done, "m": mostly, "p": on_schedule, "l": behind, "r": rest}
    if not (on_schedule or behind):
        return _share(item.max_score, credit, total), _(
            "%(n)s 项任务已完成 %(d)s 项，基本完成 %(m)s 项，其余 %(r)s 项，按完成比例计分（基本完成计一半）。"
        ) % values
    return _share(item.max_score, credit, total), _(
        "%(n)s 项任务已完成 %(d)s 项，基本完成 %(m)s 项；未到时限的按期推进 %(p)s 项、滞后 %(l)s 项；"
        "其余 %(r)s 项。按比例计分：已完成和按期推进的计满分，基本完成和滞后的计一半。"
    ) % values


def score_milestone(item, doc) -> tuple[Decimal, str]:
    phase = next((p for p in doc.phases if p.name == item.target), None)
    if phase is None:
        return Decimal(0), _("方案中没有名为“%(t)s”的实施阶段。") % {"t": item.target}
    if phase.reached_on:
        return item.max_score, _("已于 %(d)s 完成。") % {"d": cn_date(phase.reached_on)}
    values = {"state": phase.state_label, "p": phase.period_label}
    if phase.state == "done":  # a phase with no milestone to record, over by the as-of date
        return item.max_score, _("%(state)s（计划 %(p)s）。") % values
    if phase.state in ("current", "upcoming"):  # not yet due: not deducted, as for tasks
        return item.max_score, _("%(state)s（计划 %(p)s），未到时限，不扣分。") % values
    return Decimal(0), _("%(state)s（计划 %(p)s）。") % values


def score_funding_rule(item, doc) -> tuple[Decimal, str]:
    checks = doc.funding.checks if doc.funding else ()
    check = next((c for c in checks if c.name == item.target), None)
    if check is None:
        return Decimal(0), _("方案中没有名为“%(t)s”的资金使用规则。") % {"t": item.target}
    detail = getattr(check, "detail", "") or ""
    if check.holds is None:
        return Decimal(0), _("尚无可判定的资金台账，不得分。")
    if check.holds:
        return item.max_score, _("符合：%(d)s") % {"d": detail}
    return Decimal(0), _("不符合：%(d)s") % {"d": detail}


def score_evidence(item, evidence: list[str]) -> tuple[Decimal, str]:
    if evidence:
        return item.max_score, _("已提供证明材料 %(n)s 份。") % {"n": len(evidence)}
    return Decimal(0), _("尚未提供证明材料（需要：%(w)s）。") % {
        "w": item.evidence_wanted or _("相关证明材料")
    }


def score_table(*, framework, doc, manual: dict, evidence_by_item: dict) -> ScoreTable:
    """The self-score table of a framework for a report's document.

    `manual`: item id → (score, reason); `evidence_by_item`: item id → file names."""
    rules = {
        "indicator": score_indicator,
        "task_section": score_task_section,
        "milestone": score_milestone,
        "funding_rule": score_funding_rule,
    }
    rows = []
    for a_number, aspect in enumerate(framework.aspects.all(), 1):
        for item in aspect.items.all():
            files = tuple(evidence_by_item.get(item.pk, ()))
            if item.rule == "manual":
                score, reason = manual.get(item.pk, (None, ""))
                basis = reason or _("待领导小组办公室评分。")
            elif item.rule == "evidence":
                score, basis = score_evidence(item, list(files))
            else:
                score, basis = rules[item.rule](item, doc)
            rows.append(
                ScoreRow(
                    item_id=item.pk,
                    aspect=aspect.title,
                    aspect_number=a_number,
                    title=item.title,
                    rule=item.rule,
                    rule_label=item.get_rule_display(),
                    max_score=item.max_score,
                    score=None if score is None else Decimal(score).quantize(TWO),
                    basis=basis,
                    evidence=files,
                    evidence_wanted=item.evidence_wanted,
                )
            )
    return ScoreTable(name=framework.name, rows=tuple(rows))
