"""Reads of frameworks: the self-score table of a report and the evidence behind it."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from .. import data
from .models import AssessmentEvidence, Framework, Item, ManualScore
from .scoring import ScoreTable, score_table


def framework_active(programme) -> Framework | None:
    return (
        Framework.objects.filter(programme=programme, is_active=True)
        .prefetch_related(Prefetch("aspects__items", queryset=Item.objects.order_by("order", "pk")))
        .first()
    )


def assessment_evidence_items(programme, as_of) -> list[data.EvidenceItem]:
    """Evidence files attached to a task, an indicator or a framework item. They are
    gathered for the assessment, usually after the as-of date, so every one counts.
    Sections: "tasks", "indicators" and "scores" (the self-score chapter)."""
    items = []
    qs = (
        AssessmentEvidence.objects.filter(programme=programme)
        .select_related("task", "indicator", "item__aspect")
        .order_by("uploaded_at", "pk")
    )
    for e in qs:
        if e.task_id:
            section, key, subject = "tasks", f"{e.task.order:05d}", f"{e.task.number} {e.task.title}"
        elif e.indicator_id:
            section, key, subject = "indicators", f"{e.indicator.order:03d}", e.indicator.name
        else:
            section, key = "scores", f"{e.item.aspect.order:02d}{e.item.order:03d}"
            subject = e.item.title
        items.append(
            data.EvidenceItem(
                section=section,
                subject_key=key,
                subject=subject,
                name=e.original_name,
                agency=e.agency_name,
                uploaded_on=timezone.localdate(e.uploaded_at),
                size=e.size,
                sha256=e.sha256,
                storage_name=e.file.name,
                open=e.file.open,
            )
        )
    return items


def evidence_by_item(framework: Framework, doc) -> dict[int, list[str]]:
    """Item id → the names of the files that support it: its own, its indicator's, or those
    of the tasks of its section."""
    own: dict[int, list[str]] = {}
    for e in doc.evidence:
        if e.item.section == "scores":
            own.setdefault(e.item.subject, []).append(e.item.name)
    by_subject: dict[tuple[str, str], list[str]] = {}
    for e in doc.evidence:
        by_subject.setdefault((e.item.section, e.item.subject), []).append(e.item.name)
    section_subjects = {s.title: [f"{t.number} {t.title}" for t in s.tasks] for s in doc.task_sections} | {
        s.ordinal: [f"{t.number} {t.title}" for t in s.tasks] for s in doc.task_sections if s.ordinal
    }
    out: dict[int, list[str]] = {}
    for aspect in framework.aspects.all():
        for item in aspect.items.all():
            files = list(own.get(item.title, []))
            if item.rule == "indicator":
                files += by_subject.get(("indicators", item.target), [])
            elif item.rule == "task_section":
                for subject in section_subjects.get(item.target, []):
                    files += by_subject.get(("tasks", subject), [])
            out[item.pk] = files
    return out


def report_score_table(report, doc) -> ScoreTable | None:
    framework = framework_active(report.programme)
    if framework is None:
        return None
    manual = {
        s.item_id: (s.score, s.reason)
        for s in ManualScore.objects.filter(report=report, item__aspect__framework=framework)
    }
    return score_table(
        framework=framework, doc=doc, manual=manual, evidence_by_item=evidence_by_item(framework, doc)
    )
