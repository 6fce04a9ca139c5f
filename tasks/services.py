"""Writes to tasks and their lead/support assignments."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import require_edit_programme
from programmes.models import Agency

from .models import Task, TaskAssignment


@transaction.atomic
def task_save(*, task: Task, lead: list[Agency], support: list[Agency], user) -> Task:
    """Save a task and set its lead and supporting agencies.

    A lead can't also support, and only the programme's city's agencies can be assigned;
    both are checked here too, so the API and commands get the same rules as the form."""
    programme = task.programme
    require_edit_programme(user=user, programme=programme)
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

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# extension → the file signatures it may start with (checked, so a renamed .exe is refused)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
EVIDENCE_TYPES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "bmp": (b"BM",),
    "webp": (b"RIFF",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "doc": (_OLE,),
    "xls": (_OLE,),
    "ppt": (_OLE,),
    "wps": (_OLE,),
    "et": (_OLE,),
    "docx": (_ZIP,),
    "xlsx": (_ZIP,),
    "pptx": (_ZIP,),
    "odt": (_ZIP,),
    "ods": (_ZIP,),
    "odp": (_ZIP,),
    "zip": (_ZIP, b"PK\x05\x06"),
}


def evidence_file_problem(*, name: str, data: bytes) -> str:
    """Why an evidence file is refused ('' when accepted): name, type, size, macros."""
    from submissions.ingest import filename_problem

    problem = filename_problem(name)
    if problem:
        return problem
    if len(data) > EVIDENCE_MAX_BYTES:
        return _("“%(n)s”为 %(s).1f MB,超过 20 MB 的上限,请压缩或拆分后上传。") % {
            "n": name,
            "s": len(data) / 1024 / 1024,
        }
    if not data:
        return _("“%(n)s”是空文件。") % {"n": name}
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        return _(
            "“%(n)s”的类型不允许。证明材料只接受 PDF、图片(jpg/png/gif/bmp/webp/tif)、Office 文档(doc/docx/xls/xlsx/ppt/pptx/wps/et)和 zip 压缩包。"
        ) % {"n": name}
    if not data.startswith(EVIDENCE_TYPES[extension]):
        return _("“%(n)s”的内容与扩展名 .%(e)s 不符,可能是改了扩展名的其他文件。") % {
            "n": name,
            "e": extension,
        }
    if data.startswith(_ZIP) and extension != "zip":
        import io
        import zipfile

        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return _("“%(n)s”已损坏,无法打开。") % {"n": name}
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            return _("“%(n)s”包含宏(VBA),为安全起见不接受,请另存为不含宏的文档。") % {"n": name}
    return ""


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
    problems_found = [p for p in (evidence_file_problem(name=n, data=d) for n, d in new_files) if p]
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
