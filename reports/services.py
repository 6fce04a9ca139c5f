"""Writes: reports, their narrative, and generating (rendering + storing) a version.

`report_generate` is the one path from data to stored files: the Celery job, the portal
and `manage.py render_report` all go through it."""

from __future__ import annotations

import calendar
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.permissions import require
from ipcity.core.models import JobRun
from ipcity.core.services import job_run_enqueue
from programmes.models import Agency, Programme

from .data import month_first_day, month_last_day
from .errors import ReportNotReady
from .frameworks.chapters import placeholders_in
from .frameworks.services import framework_default_ensure
from .models import Report, ReportVersion
from .rendering.charts import area_charts
from .rendering.excel import workbook_bytes
from .rendering.fonts import cjk_font_family
from .rendering.pdf import pdf_from_html, report_html
from .rendering.typography import report_typeset
from .selectors import ProgressCallback, ReportDocument, report_document_build

JOB_KIND = "report_generate"
NARRATIVE_FIELDS = (
    "basic_info",
    "work_summary",
    "cases",
    "problems",
    "next_steps",
    "doc_number",
    "issuing_office",
    "issuer",
    "issued_on",
)


# --- as-of dates --------------------------------------------------------------------------


def as_of_window(*, programme: Programme) -> tuple[date, date]:
    """The dates a report may be as of: the programme's period, stretched to its phases
    (a final acceptance often runs a few months past the period's end)."""
    starts = [programme.period_start] + [p.start for p in programme.phases.all()]
    ends = [programme.period_end] + [p.end for p in programme.phases.all()]
    return month_first_day(min(starts)), month_last_day(max(ends))


def as_of_validate(*, programme: Programme, as_of: date) -> None:
    first, last = as_of_window(programme=programme)
    if not first <= as_of <= last:
        raise ValidationError(
            {
                "as_of": _(
                    "数据截止日期 %(as_of)s 不在方案的实施期限内(%(first)s 至 %(last)s),请选择该期间内的日期。"
                )
                % {"as_of": as_of.isoformat(), "first": first.isoformat(), "last": last.isoformat()}
            }
        )


def as_of_default(
    *, programme: Programme, kind: str, year: int | None = None, quarter: int | None = None
) -> date:
    """The usual as-of date of a kind: the period's end (acceptance), the mid-term phase's
    end or the period's middle (mid-term), the year's end (annual), the quarter's end."""
    first, last = as_of_window(programme=programme)
    if kind == Report.Kind.MIDTERM:
        midterm = programme.phases.filter(milestone="midterm").order_by("order").first()
        if midterm:
            return month_last_day(midterm.end)
        middle = first + (month_last_day(programme.period_end) - first) / 2
        return date(middle.year, middle.month, calendar.monthrange(middle.year, middle.month)[1])
    if kind == Report.Kind.ANNUAL:
        return min(date(year or programme.end_year, 12, 31), last)
    if kind == Report.Kind.QUARTERLY:
        y, q = year or programme.start_year, quarter or 4
        return min(date(y, q * 3, calendar.monthrange(y, q * 3)[1]), last)
    return month_last_day(programme.period_end)


# --- reports and their narrative ----------------------------------------------------------


@transaction.atomic
def report_create(
    *,
    programme: Programme,
    kind: str,
    user,
    as_of: date | None = None,
    agency: Agency | None = None,
    year: int | None = None,
    quarter: int | None = None,
    doc_number: str = "",
    issuing_office: str = "",
) -> Report:
    """A new report of a programme. Raises ValidationError (as-of outside the period, a
    quarterly report without agency/round, the same report twice)."""
    require(user, "report.generate", programme)
    if kind not in Report.Kind.values:
        raise ValidationError({"kind": _("未知的报告类型:%(kind)s") % {"kind": kind}})
    if kind == Report.Kind.QUARTERLY:
        if agency is None or not year or not quarter:
            raise ValidationError(_("季度工作报告需要指定报送单位、年度和季度。"))
        if agency.city_id != programme.city_id:
            raise ValidationError({"agency": _("只能为本市的成员单位生成季度工作报告。")})
    else:
        agency, quarter = None, None
        if kind == Report.Kind.ANNUAL and not year:
            year = as_of.year if as_of else None
    as_of = as_of or as_of_default(programme=programme, kind=kind, year=year, quarter=quarter)
    if kind == Report.Kind.ANNUAL:
        year = year or as_of.year
    as_of_validate(programme=programme, as_of=as_of)
    duplicate = Report.objects.filter(programme=programme, kind=kind)
    if kind == Report.Kind.QUARTERLY:
        duplicate = duplicate.filter(agency=agency, year=year, quarter=quarter)
    else:
        duplicate = duplicate.filter(as_of=as_of)
    if duplicate.exists():
        raise ValidationError(_("该报告已存在,请在报告列表中打开它。"))
    report = Report(
        programme=programme,
        kind=kind,
        as_of=as_of,
        agency=agency,
        year=year,
        quarter=quarter,
        doc_number=doc_number.strip(),
        issuing_office=issuing_office.strip(),
        created_by=user if user and user.is_authenticated else None,
    )
    report.full_clean()
    report._history_user = user
    report.save()
    return report


def report_ensure(
    *, programme: Programme, kind: str, user=None, as_of: date | None = None, **kwargs
) -> Report:
    """The report of that kind and as-of date, created when missing (the command line)."""
    if as_of is None:
        as_of = as_of_default(
            programme=programme, kind=kind, year=kwargs.get("year"), quarter=kwargs.get("quarter")
        )
    existing = Report.objects.filter(programme=programme, kind=kind, as_of=as_of)
    if kwargs.get("agency") is not None:
        existing = Report.objects.filter(
            programme=programme,
            kind=kind,
            agency=kwargs["agency"],
            year=kwargs.get("year"),
            quarter=kwargs.get("quarter"),
        )
    report = existing.first()
    return report or report_create(programme=programme, kind=kind, user=user, as_of=as_of, **kwargs)


@transaction.atomic
def report_update(*, report: Report, user, values: dict) -> Report:
    """The narrative parts and cover fields office staff write. Stored as typed: the PDF
    escapes them (HTML or <script> shows as text), Excel keeps them from being formulas."""
    require(user, "report.generate", report.programme)
    unknown = set(values) - set(NARRATIVE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed = False
    for name, value in values.items():
        if name != "issued_on":
            value = (value or "").replace("\r\n", "\n")
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed = True
    if changed:
        report.full_clean()
        report._history_user = user
        report.save()
    return report


# --- rendering and storing ----------------------------------------------------------------


@dataclass(frozen=True)
class RenderedReport:
    document: ReportDocument
    html: str
    pdf: bytes
    page_count: int
    xlsx: bytes


def report_render(
    *, report: Report, progress: ProgressCallback | None = None, final: bool = False
) -> RenderedReport:
    """Render a report without storing it: data → charts → HTML → PDF, and the workbook.
    A final (定稿) is refused (ReportNotReady) while anything is missing; a draft carries
    a 草稿 watermark."""
    step = progress or (lambda pct, msg: None)
    as_of_validate(programme=report.programme, as_of=report.as_of)
    family = cjk_font_family()  # before any work: no CJK font, no report
    if report.kind in (Report.Kind.ACCEPTANCE, Report.Kind.MIDTERM):
        framework_default_ensure(programme=report.programme)
    doc = report_document_build(report=report, progress=step)
    if final:
        problems = final_problems(doc)
        if problems:
            raise ReportNotReady(problems)
        doc.is_final = True
        doc.seal_uri = _seal_uri(report)
    if doc.indicators_by_area:
        step(30, _("绘制分领域指标趋势图"))
        doc.charts = area_charts(doc.indicators_by_area, family)
    step(45, _("排版报告"))
    html = report_typeset(report_html(doc, font_family=family))
    step(50, _("生成 PDF"))
    pdf = pdf_from_html(html)
    step(85, _("生成 Excel"))
    xlsx = workbook_bytes(doc)
    return RenderedReport(document=doc, html=html, pdf=pdf.content, page_count=pdf.page_count, xlsx=xlsx)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def report_generate(
    *, report: Report, user=None, progress: ProgressCallback | None = None, final: bool = False
) -> ReportVersion:
    """Render a report and store it as its next version (PDF, Excel, hashes, manifest).
    `final=True` makes it the 定稿 (refused with ReportNotReady while anything is missing)."""
    step = progress or (lambda pct, msg: None)
    if final and user is not None:
        require(user, "report.finalise", report.programme)
    rendered = report_render(report=report, progress=step, final=final)
    step(92, _("保存报告"))
    doc = rendered.document
    manifest = [
        {
            "path": e.zip_path,
            "storage_name": e.item.storage_name,
            "sha256": e.item.sha256,
            "size": e.item.size,
            "name": e.item.name,
            "agency": e.item.agency,
        }
        for e in doc.evidence
    ]
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        number = (locked.versions.aggregate(m=Max("version"))["m"] or 0) + 1
        pdf_sha, xlsx_sha = _sha256(rendered.pdf), _sha256(rendered.xlsx)
        version = ReportVersion(
            report=locked,
            version=number,
            kind=locked.kind,
            as_of=locked.as_of,
            data_changed_at=doc.data_changed_at,
            generated_by=user if user is not None and user.is_authenticated else None,
            sha256=pdf_sha,
            xlsx_sha256=xlsx_sha,
            content_sha256=_sha256(rendered.html.encode("utf-8")),
            page_count=rendered.page_count,
            size=len(rendered.pdf),
            evidence_manifest=manifest,
            is_final=final,
            score_table=[r.as_json() for r in doc.scores.rows] if doc.scores else [],
        )
        version.pdf.save(f"v{number}-{pdf_sha[:16]}.pdf", ContentFile(rendered.pdf), save=False)
        version.xlsx.save(f"v{number}-{xlsx_sha[:16]}.xlsx", ContentFile(rendered.xlsx), save=False)
        version.save()
    step(100, _("报告已生成"))
    return version


def report_generation_enqueue(*, report: Report, user) -> JobRun:
    """Ask for a generation in the background; the page polls the returned run."""
    require(user, "report.generate", report.programme)
    as_of_validate(programme=report.programme, as_of=report.as_of)
    return job_run_enqueue(
        kind=JOB_KIND,
        user=user,
        target=report,
        params={"report_id": report.pk},
        message=_("排队等待生成:%(title)s") % {"title": report.title},
    )


def report_evidence_zip(*, version: ReportVersion) -> io.BufferedIOBase:
    """The report (PDF and Excel) and its evidence files, in folders that follow the report's
    sections, as a temporary file ready to stream. A file missing from storage is listed in
    缺失文件.txt rather than failing the download."""
    import tempfile

    from django.core.files.storage import default_storage

    spool = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115 - returned open
    stem = version.file_stem
    missing = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for field, ext in ((version.pdf, "pdf"), (version.xlsx, "xlsx")):
            with field.open("rb") as fh:
                archive.writestr(_zip_info(f"{stem}.{ext}", version), fh.read())
        for entry in version.evidence_manifest:
            try:
                with default_storage.open(entry["storage_name"], "rb") as fh:
                    archive.writestr(_zip_info(entry["path"], version), fh.read())
            except (FileNotFoundError, OSError, ValueError):
                missing.append(entry["path"])
        without = _items_without_evidence(version)
        if without:
            archive.writestr(
                _zip_info(_("证明材料/尚无证明材料的事项.txt"), version),
                (_("以下评价指标尚无证明材料:") + "\n" + "\n".join(without) + "\n").encode("utf-8"),
            )
        if missing:
            archive.writestr(
                _zip_info(_("缺失文件.txt"), version),
                (_("以下证明材料在存储中找不到:") + "\n" + "\n".join(missing) + "\n").encode("utf-8"),
            )
    spool.seek(0)
    return spool


def _items_without_evidence(version: ReportVersion) -> list[str]:
    """The self-score table's items that no evidence file supports, as stored with the version."""
    return [
        f"{row['aspect']} / {row['title']}"
        + (_("(需要:%(w)s)") % {"w": row["evidence_wanted"]} if row.get("evidence_wanted") else "")
        for row in version.score_table
        if not row.get("evidence")
    ]


# --- final (定稿) ---------------------------------------------------------------------------


def final_problems(doc) -> list[str]:
    """What stops a report from being final: an empty required chapter, a manual score
    missing, placeholder text anywhere in what it prints. One sentence each."""
    problems = chapter_problems(doc.chapters.values())
    if doc.scores is not None:
        for row in doc.scores.unscored:
            problems.append(_("评价指标“%(t)s”(人工评分)尚未评分") % {"t": row.title})
    for section in doc.task_sections:
        for task in section.tasks:
            for text in (task.progress_text, task.problems):
                for marker in placeholders_in(text):
                    problems.append(
                        _("任务 %(n)s 的进展报告含占位文字“%(m)s”") % {"n": task.number, "m": marker}
                    )
    return problems


def chapter_problems(chapters) -> list[str]:
    """The chapters' part of `final_problems` (the 定稿 page lists it before anything runs)."""
    problems = []
    for chapter in chapters:
        if chapter.required and chapter.is_empty:
            problems.append(_("“%(t)s”一章尚未填写") % {"t": chapter.title})
        for marker in placeholders_in(chapter.text):
            problems.append(_("“%(t)s”一章含占位文字“%(m)s”") % {"t": chapter.title, "m": marker})
    return problems


def _seal_uri(report: Report) -> str:
    """The seal image as a data: URL (the only URLs the PDF renderer fetches)."""
    import base64
    import mimetypes

    if not report.seal:
        return ""
    try:
        with report.seal.open("rb") as fh:
            content = fh.read()
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(report.seal.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _zip_info(name: str, version: ReportVersion) -> zipfile.ZipInfo:
    d = version.as_of
    info = zipfile.ZipInfo(name, date_time=(d.year, d.month, d.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.flag_bits |= 0x800  # UTF-8 names: Chinese folder names open correctly everywhere
    return info
