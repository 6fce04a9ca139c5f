"""The evidence part of `reports.data` (which re-exports it): the evidence files behind a
report's claims, from approved task reports and milestone records, for the report's zip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import Programme

from .data_tasks import _reports_up_to

# --- evidence -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    """An evidence file (证明材料) an agency attached, with what it proves.

    `section` is "indicators" or "tasks" (the report section the claim is in), `subject` the
    indicator name or task number + title. `open` returns the file's bytes for the zip."""

    section: str
    subject_key: str  # task number or indicator order, for sorting and folder names
    subject: str
    name: str
    agency: str
    uploaded_on: date | None
    size: int
    sha256: str
    storage_name: str  # the file's name in default_storage
    open: Callable[[], IO[bytes]] | None = field(default=None, compare=False, hash=False, repr=False)


def evidence_items(programme: Programme, as_of: date) -> list[EvidenceItem]:
    """Evidence files behind the report's claims, up to `as_of`: those attached to approved
    task reports (section "tasks") and those recorded with milestone indicators (section
    "indicators")."""
    from indicators.models import MilestoneCompletion
    from tasks.models import EvidenceFile, TaskReport

    tasks = {t.pk: t for t in programme.tasks.all()}
    reports = dict(_reports_up_to(programme, as_of).values_list("pk", "task_id"))  # report id → task id
    links = TaskReport.evidence.through.objects.filter(
        taskreport__task__programme=programme, taskreport__is_current=True
    ).values_list("taskreport_id", "evidencefile_id")
    first_report: dict[int, int] = {}  # evidence id → the earliest included report listing it
    for report_id, evidence_id in sorted(links):
        if report_id in reports:
            first_report.setdefault(evidence_id, report_id)
    items = []
    evidence_files = EvidenceFile.objects.filter(pk__in=list(first_report)).select_related("agency")
    for evidence in evidence_files.order_by("uploaded_at", "pk"):
        task = tasks[reports[first_report[evidence.pk]]]
        items.append(
            EvidenceItem(
                section="tasks",
                subject_key=f"{task.order:05d}",
                subject=f"{task.number} {task.title}",
                name=evidence.original_name,
                agency=evidence.agency.short_name,
                uploaded_on=timezone.localdate(evidence.uploaded_at),
                size=evidence.size,
                sha256=evidence.sha256,
                storage_name=evidence.file.name,
                open=evidence.file.open,
            )
        )
    numbers = {
        pk: n
        for n, pk in enumerate(programme.indicators.order_by("order", "pk").values_list("pk", flat=True), 1)
    }
    records = (
        MilestoneCompletion.objects.filter(indicator__programme=programme, recorded_at__date__lte=as_of)
        .exclude(evidence="")
        .select_related("indicator", "recorded_by__profile__agency")
        .order_by("indicator_id", "recorded_at", "pk")
    )
    for record in records:
        profile = getattr(record.recorded_by, "profile", None) if record.recorded_by else None
        agency = profile.agency.short_name if profile and profile.agency_id else _("领导小组办公室")
        items.append(
            EvidenceItem(
                section="indicators",
                subject_key=f"{numbers.get(record.indicator_id, 0):03d}",
                subject=record.indicator.name,
                name=record.evidence_name or record.evidence.name.rsplit("/", 1)[-1],
                agency=agency,
                uploaded_on=record.done_on or timezone.localdate(record.recorded_at),
                size=_stored_size(record.evidence),
                sha256="",
                storage_name=record.evidence.name,
                open=record.evidence.open,
            )
        )
    return items


def _stored_size(field_file) -> int:
    try:
        return field_file.size
    except (OSError, ValueError):
        return 0
