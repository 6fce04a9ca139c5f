"""Writes to tasks and their lead/support assignments."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from ipcity.core.uploads import evidence_problem
from programmes.models import Agency

from .models import Task, TaskAssignment


@transaction.atomic
def task_save(*, task: Task, lead: list[Agency], support: list[Agency], user) -> Task:
    """Save a task and set its lead and supporting agencies.

    A lead can't also support, and only the programme's city's agencies can be assigned;
    both are checked here too, so the API and commands get the same rules as the form."""
    programme = task.programme
    require(user, "programme.edit", programme)
    overlap = {a.pk for a in lead} & {a.pk for a in support}
    if overlap:
        raise ValidationError({"support": _("同一单位不能既是牵头单位又是配合单位。")})
    foreign = [a.name for a in [*lead, *support] if a.city_id != programme.city_id]
    if foreign:
        raise ValidationError(
            {"lead": _("只能分配给本市的成员单位: %(names)s") % {"names": "、".join(foreign)}}
        )
    task.full_clean()
    task._history_user = user
    task.save()
    existing = {a.agency_id: a for a in task.assignments.all()}
    keep = set()
    for role, agencies in ((TaskAssignment.Role.LEAD, lead), (TaskAssignment.Role.SUPPORT, support)):
        for position, agency in enumerate(agencies):
            keep.add(agency.pk)
            assignment = existing.get(agency.pk)
            if assignment is None:
                assignment = TaskAssignment(task=task, agency=agency, printed_name=agency.name)
            if assignment.pk is None or assignment.role != role or assignment.order != position:
                assignment.role, assignment.order = role, position
                assignment._history_user = user
                assignment.save()
    for agency_id, assignment in existing.items():
        if agency_id not in keep:
            assignment._history_user = user
            assignment.delete()
    return task


# --- quarterly task reports and their evidence ---------------------------------------------

# Evidence files are checked by the one evidence validator every evidence upload shares
# (type allow-list, file signature, size, macros, zip bombs): ipcity.core.uploads.


def _evidence_store(*, task: Task, agency: Agency, name: str, data: bytes, user, stored: list):
    import hashlib
    import mimetypes

    from django.core.files.base import ContentFile

    from .models import EvidenceFile

    sha = hashlib.sha256(data).hexdigest()
    evidence = EvidenceFile(
        task=task,
        agency=agency,
        original_name=name,
        sha256=sha,
        size=len(data),
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        uploaded_by=user,
    )
    extension = name.rsplit(".", 1)[-1].lower()
    evidence.file.save(f"evidence.{extension}", ContentFile(data), save=False)
    stored.append(evidence.file.name)
    evidence.save()
    return evidence


def task_report_save(
    *,
    task: Task,
    agency: Agency,
    year: int,
    quarter: int,
    status: str,
    work_done: str,
    problems: str,
    next_steps: str,
    user,
    keep_evidence_ids: list[int] | None = None,
    new_files: list[tuple[str, bytes]] | None = None,
    source: str = "form",
    upload=None,
):
    """Record an agency's report on a task for a quarter as a new version (the old one is
    kept and superseded); returns (report, changed). Nothing changes when the content and
    evidence are the same as the current version. Evidence files are checked first, and a
    failure anywhere removes the files stored so far: all or nothing."""
    from django.core.files.storage import default_storage

    from .models import TaskReport

    new_files = new_files or []
    problems_found = [p for p in (evidence_problem(name=n, data=d) for n, d in new_files) if p]
    if problems_found:
        raise ValidationError({"evidence": problems_found})
    if status not in TaskReport.Status.values:
        raise ValidationError({"status": _("请选择进展状态。")})
    if not task.assignments.filter(agency=agency).exists():
        raise ValidationError(_("该单位不是这项任务的牵头或配合单位。"))
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = (
                TaskReport.objects.select_for_update()
                .filter(task=task, agency=agency, year=year, quarter=quarter, is_current=True)
                .first()
            )
            current_evidence = set(current.evidence.values_list("pk", flat=True)) if current else set()
            keep = (
                current_evidence if keep_evidence_ids is None else current_evidence & set(keep_evidence_ids)
            )
            fields = {
                "status": status,
                "work_done": (work_done or "").strip(),
                "problems": (problems or "").strip(),
                "next_steps": (next_steps or "").strip(),
            }
            if (
                current is not None
                and not new_files
                and keep == current_evidence
                and all(getattr(current, k) == v for k, v in fields.items())
            ):
                return current, False
            if current is not None:
                TaskReport.objects.filter(pk=current.pk).update(is_current=False)
            report = TaskReport.objects.create(
                task=task,
                agency=agency,
                year=year,
                quarter=quarter,
                version=(current.version + 1) if current else 1,
                supersedes=current,
                source=source,
                upload=upload,
                reported_by=user,
                **fields,
            )
            added = [
                _evidence_store(task=task, agency=agency, name=n, data=d, user=user, stored=stored)
                for n, d in new_files
            ]
            report.evidence.set([*keep, *[e.pk for e in added]])
            return report, True
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
