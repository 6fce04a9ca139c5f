"""What the importer produces: plain dataclasses, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HIGH, MEDIUM, LOW = "high", "medium", "low"


@dataclass
class DecodedDocument:
    """A file turned into text, with how it was read.

    ``encoding`` is the codec used for a text file (``utf-8``, ``utf-8-sig``,
    ``gb18030``, ``big5``, ``utf-16-le`` …) and None for .docx/.pdf.
    """

    text: str
    filename: str
    format: str  # "txt" | "docx" | "pdf"
    encoding: str | None
    size: int
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Confidence:
    """``level`` is high / medium / low; ``reasons`` say (in Chinese) why it is not high."""

    level: str = HIGH
    reasons: list[str] = field(default_factory=list)

    def lower(self, level: str, reason: str) -> None:
        order = {HIGH: 0, MEDIUM: 1, LOW: 2}
        if order[level] > order[self.level]:
            self.level = level
        if reason not in self.reasons:
            self.reasons.append(reason)

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "reasons": list(self.reasons)}


@dataclass
class Span:
    """Character offsets [start, end) into ``ParsedPlan.text``."""

    start: int
    end: int

    def as_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass
class ParsedGoal:
    area: str
    title: str
    text: str
    span: Span


@dataclass
class ParsedIndicator:
    name: str
    area: str
    kind: str
    comparator: str
    target: float | int | None
    target_max: float | int | None
    unit: str | None
    deadline: str | None
    source_sentence: str
    span: Span
    origin: str  # "goal" | "task"
    task_number: str | None = None
    formula: str | None = None
    confidence: Confidence = field(default_factory=Confidence)
    baseline: float | int | None = None  # as printed (基期值), with its year
    baseline_year: int | None = None
    attribute: str | None = None  # 预期性 / 约束性
    cell: Span | None = None  # the target's cell, for an indicator read from a table

    def canonical(self) -> dict[str, Any]:
        optional = {
            k: v
            for k, v in (
                ("baseline", self.baseline),
                ("baseline_year", self.baseline_year),
                ("attribute", self.attribute),
            )
            if v is not None
        }
        return {
            "name": self.name,
            "area": self.area,
            "kind": self.kind,
            "comparator": self.comparator,
            "target": self.target,
            "target_max": self.target_max,
            "unit": self.unit,
            "deadline": self.deadline,
            "formula": self.formula,
            "source_sentence": self.source_sentence,
            **optional,
        }


@dataclass
class ParsedTask:
    number: str
    section: str | None
    title: str
    text: str
    lead: list[str]
    support: list[str]
    span: Span
    title_span: Span
    confidence: Confidence = field(default_factory=Confidence)

    def canonical(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "section": self.section,
            "title": self.title,
            "text": self.text,
            "lead": list(self.lead),
            "support": list(self.support),
        }


@dataclass
class ParsedPhase:
    name: str
    start: str | None
    end: str | None
    milestone: str | None
    span: Span
    confidence: Confidence = field(default_factory=Confidence)

    def canonical(self) -> dict[str, Any]:
        return {"name": self.name, "start": self.start, "end": self.end, "milestone": self.milestone}


@dataclass
class LeadingGroupMember:
    agency: str | None
    role: str
    person: str | None
    title: str | None
    span: Span
    confidence: Confidence = field(default_factory=Confidence)

    def canonical(self) -> dict[str, Any]:
        return {"agency": self.agency, "role": self.role, "person": self.person, "title": self.title}


@dataclass
class Duty:
    agency: str
    text: str
    tasks: list[str]
    span: Span

    def canonical(self) -> dict[str, Any]:
        return {"agency": self.agency, "text": self.text, "tasks": list(self.tasks)}


@dataclass
class FundingRule:
    name: str
    kind: str
    category: str | None
    threshold: float | int
    unit: str
    source_sentence: str
    span: Span

    def canonical(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "category": self.category,
            "threshold": self.threshold,
            "unit": self.unit,
            "source_sentence": self.source_sentence,
        }


@dataclass
class ParsedPlan:
    """Everything read from one plan.

    ``text`` is the normalised text (simplified script, page furniture removed, broken
    lines joined, a duplicated copy dropped); every ``span`` points into it.
    ``fields`` holds, for the scalar keys (city, title, doc_number, issue_date,
    period …), the span they were read from and a confidence.
    """

    text: str
    slug: str | None = None
    city: str | None = None
    province: str | None = None
    kind: str | None = None
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issue_date: str | None = None
    period: dict[str, str] | None = None
    source_file: str | None = None
    notes: str = ""
    goals: list[ParsedGoal] = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    phases: list[ParsedPhase] = field(default_factory=list)
    leading_group: list[LeadingGroupMember] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    funding_rules: list[FundingRule] = field(default_factory=list)
    agencies: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    script_converted: bool = False
    duplicate_removed: bool = False
    unassigned: list[Span] = field(default_factory=list)  # table rows under no recognised header

    def to_canonical(self) -> dict[str, Any]:
        """The programme's canonical JSON (docs/seed-format.md), keys in its order."""
        return {
            "slug": self.slug,
            "city": self.city,
            "province": self.province,
            "kind": self.kind,
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issue_date": self.issue_date,
            "period": dict(self.period) if self.period else None,
            "source_file": self.source_file,
            "notes": self.notes,
            "goals": [{"area": g.area, "title": g.title, "text": g.text} for g in self.goals],
            "indicators": [i.canonical() for i in self.indicators],
            "tasks": [t.canonical() for t in self.tasks],
            "phases": [p.canonical() for p in self.phases],
            "leading_group": [m.canonical() for m in self.leading_group],
            "duties": [d.canonical() for d in self.duties],
            "funding_rules": [f.canonical() for f in self.funding_rules],
            "agencies": [dict(a) for a in self.agencies],
            "statistics": [],
            "reporting": [],
        }

    def review(self) -> dict[str, Any]:
        """Canonical JSON plus, per item, its span and confidence: what a review page
        needs to highlight the sentence each item came from."""
        data = self.to_canonical()
        for key, items in (
            ("indicators", self.indicators),
            ("tasks", self.tasks),
            ("phases", self.phases),
            ("leading_group", self.leading_group),
        ):
            for row, item in zip(data[key], items, strict=True):
                row["span"] = item.span.as_list()
                row["confidence"] = item.confidence.as_dict()
                if getattr(item, "cell", None) is not None:
                    row["cell"] = item.cell.as_list()
        for row, item in zip(data["goals"], self.goals, strict=True):
            row["span"] = item.span.as_list()
        for row, item in zip(data["duties"], self.duties, strict=True):
            row["span"] = item.span.as_list()
        for row, item in zip(data["funding_rules"], self.funding_rules, strict=True):
            row["span"] = item.span.as_list()
        data["fields"] = self.fields
        data["warnings"] = list(self.warnings)
        data["unassigned"] = [span.as_list() for span in self.unassigned]
        return data
