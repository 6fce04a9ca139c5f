"""Reads: which reports a user may see, and the document a report is rendered from."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.permissions import can
from accounts.selectors import visible_agency_ids
from programmes.models import Programme

from . import data
from .frameworks.chapters import CHAPTERS, chapters_of
from .frameworks.selectors import assessment_evidence_items, report_score_table
from .models import Report, ReportVersion
from .rendering.format import chinese_ordinal

ProgressCallback = Callable[[int, str], None]


# --- scoping ------------------------------------------------------------------------------


def report_list_for_user(*, user, programme: Programme) -> QuerySet[Report]:
    """Reports of a programme the user may see (the programme itself is already scoped).

    Office staff see every report of their city's programmes; evaluators the reports that
    have been generated; a reporter only its own agency's quarterly reports."""
    qs = Report.objects.filter(programme=programme).select_related("programme__city", "agency")
    if can(user, "report.see_all", programme):
        return qs
    if can(user, "report.see_generated", programme):
        return qs.filter(versions__isnull=False).distinct()
    if can(user, "report.see_own_agency", programme):
        return qs.filter(kind=Report.Kind.QUARTERLY, agency_id__in=visible_agency_ids(user=user) or ())
    return qs.none()


def report_get_for_user(*, user, programme: Programme, pk: int) -> Report:
    report = report_list_for_user(user=user, programme=programme).filter(pk=pk).first()
    if report is None:
        raise Http404(_("没有找到该报告,或您无权查看。"))
    return report


def report_version_get_for_user(*, user, programme: Programme, pk: int) -> ReportVersion:
    visible = report_list_for_user(user=user, programme=programme)
    version = (
        ReportVersion.objects.filter(pk=pk, report__in=visible)
        .select_related("report__programme__city", "report__agency")
        .first()
    )
    if version is None:
        raise Http404(_("没有找到该报告文件,或您无权下载。"))
    return version


def report_versions_for_user(*, user, programmes: QuerySet[Programme]) -> list[ReportVersion]:
    """The latest version of every visible report, across the given programmes (the index),
    in two queries whatever their number: which reports a user sees is decided per
    programme by the same rules as `report_list_for_user`, then read at once."""
    programmes = list(programmes)
    every, generated, own = [], [], []
    for programme in programmes:
        if can(user, "report.see_all", programme):
            every.append(programme.pk)
        elif can(user, "report.see_generated", programme):
            generated.append(programme.pk)
        elif can(user, "report.see_own_agency", programme):
            own.append(programme.pk)
    visible = Q(programme_id__in=every) | Q(programme_id__in=generated, versions__isnull=False)
    if own:
        visible |= Q(
            programme_id__in=own,
            kind=Report.Kind.QUARTERLY,
            agency_id__in=visible_agency_ids(user=user) or (),
        )
    reports = (
        Report.objects.filter(visible)
        .distinct()
        .select_related("programme__city", "agency")
        .prefetch_related("versions")
    )
    position = {p.pk: n for n, p in enumerate(programmes)}
    latest = []
    for report in sorted(reports, key=lambda r: position[r.programme_id]):  # stable: each programme's order
        versions = sorted(report.versions.all(), key=lambda v: -v.version)
        if versions:
            latest.append(versions[0])
    return latest


# --- the document a report is rendered from -----------------------------------------------


@dataclass(frozen=True)
class Section:
    anchor: str
    number: str  # 一、
    title: str

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"


@dataclass(frozen=True)
class EvidenceEntry:
    item: data.EvidenceItem
    zip_path: str  # where the file is in the evidence zip (folders follow the sections)


@dataclass
class ReportDocument:
    """Everything a PDF, an Excel workbook and an evidence zip are rendered from."""

    kind: str
    kind_label: str
    title: str  # 实施情况验收报告
    full_title: str  # programme title + report title
    as_of: object
    data_changed_at: datetime | None
    doc_number: str
    issuing_office: str
    basics: data.ProgrammeBasics
    leading_group: list[data.LeadingGroupRow]
    work_summary: str
    problems: str
    next_steps: str
    sections: list[Section] = field(default_factory=list)
    indicators: list[data.IndicatorRow] = field(default_factory=list)
    indicators_by_area: dict = field(default_factory=dict)
    no_data_reason: str = ""  # printed once under the table instead of in every row
    status_counts: list[tuple[str, str, int]] = field(default_factory=list)
    task_sections: list[data.TaskSection] = field(default_factory=list)
    task_status_counts: list[tuple[str, int]] = field(default_factory=list)
    phases: list[data.PhaseRow] = field(default_factory=list)
    funding: data.FundingView | None = None
    evidence: list[EvidenceEntry] = field(default_factory=list)
    # an agency's quarterly report
    agency: str = ""
    round_label: str = ""
    statistics: list[data.StatisticRow] = field(default_factory=list)
    statistics_state: str = ""
    # the 自评报告: chapters typed in the portal, the self-score table, draft or final
    chapters: dict = field(default_factory=dict)  # field name → frameworks.chapters.Chapter
    group_name: str = ""  # the leading group as the plan prints it
    task_evidence: dict = field(default_factory=dict)  # "二.3 title" → evidence files
    scores: object = None  # frameworks.scoring.ScoreTable (acceptance and mid-term reports)
    is_final: bool = False
    issuer: str = ""
    issued_on: object = None
    seal_uri: str = ""
    # filled by the renderer
    charts: list = field(default_factory=list)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.anchor == key), None)


_UNSAFE_PATH = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _path_part(text: str, limit: int = 60) -> str:
    """A zip folder or file name: no separators or reserved characters, not too long."""
    cleaned = _UNSAFE_PATH.sub("_", text).strip(" .") or "_"
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _sections_for(kind: str) -> list[Section]:
    if kind == Report.Kind.QUARTERLY:
        keys = [
            ("basics", _("基本情况")),
            ("statistics", _("统计数据报送情况")),
            ("tasks", _("工作任务进展")),
            ("summary", _("工作总结")),
            ("problems", _("存在问题")),
            ("next", _("下一步工作")),
        ]
    else:
        # The chapters of a 自评报告 (CNIPA's outline), with the evaluator's tables between.
        keys = [
            ("basics", _("基本情况")),
            ("summary", _("主要做法与成效")),
            *(
                [("scores", _("自评得分情况"))]
                if kind in (Report.Kind.ACCEPTANCE, Report.Kind.MIDTERM)
                else []
            ),
            ("indicators", _("主要指标完成情况")),
            ("charts", _("分领域指标趋势")),
            ("tasks", _("重点任务进展")),
            ("phases", _("实施步骤与节点")),
            ("funding", _("资金使用情况")),
            ("cases", _("典型案例")),
            ("problems", _("存在问题")),
            ("next", _("下一步工作计划")),
        ]
    sections = [
        Section(anchor=k, number=f"{chinese_ordinal(i)}、", title=t) for i, (k, t) in enumerate(keys, 1)
    ]
    sections.append(Section(anchor="annex", number=_("附件 "), title=_("证明材料清单")))
    return sections


def _evidence_entries(items: list[data.EvidenceItem], sections: list[Section]) -> list[EvidenceEntry]:
    """Each evidence file with its path in the zip: 证明材料/<section>/<subject>/<file>."""
    by_anchor = {s.anchor: s for s in sections}
    root = _path_part(_("证明材料"))
    entries, used = [], set()
    for item in sorted(items, key=lambda i: (i.section, i.subject_key, str(i.uploaded_on), i.agency, i.name)):
        section = by_anchor.get(item.section) or by_anchor["annex"]
        stem = " ".join(
            p for p in (item.agency, item.uploaded_on.isoformat() if item.uploaded_on else "", item.name) if p
        )
        folder = f"{root}/{_path_part(section.heading)}/{_path_part(item.subject)}"
        path = f"{folder}/{_path_part(stem, 120)}"
        n = 2
        while path in used:  # the same name twice under one subject
            base, dot, ext = _path_part(stem, 110).rpartition(".")
            path = f"{folder}/{base} ({n}).{ext}" if dot else f"{folder}/{_path_part(stem, 110)} ({n})"
            n += 1
        used.add(path)
        entries.append(EvidenceEntry(item=item, zip_path=path))
    return entries


def _data_changed_at(report: Report, programme, as_of) -> datetime | None:
    """The cover's 数据更新时间: the latest change to the data, and to the office's chapters
    once it has written any (a blank report opened today did not update a 2018 report's data)."""
    written = any(getattr(report, name) for name, _title, _required in CHAPTERS)
    stamps = [data.data_last_changed(programme, as_of), report.updated_at if written else None]
    return max(filter(None, stamps), default=None)


def report_document_build(*, report: Report, progress: ProgressCallback | None = None) -> ReportDocument:
    """Read every part of the report through `reports.data`, as of the report's date."""
    step = progress or (lambda pct, msg: None)
    programme = report.programme
    as_of = report.as_of
    step(5, _("读取方案基本情况"))
    basics = data.basics(programme, as_of)
    doc = ReportDocument(
        kind=report.kind,
        kind_label=report.get_kind_display(),
        title=report.title,
        full_title=f"{programme.title}{report.title}",
        as_of=as_of,
        data_changed_at=_data_changed_at(report, programme, as_of),
        doc_number=report.doc_number,
        issuing_office=report.issuing_office or report_default_office(programme=programme),
        basics=basics,
        leading_group=data.leading_group(programme),
        work_summary=report.work_summary,
        problems=report.problems,
        next_steps=report.next_steps,
    )
    if report.kind == Report.Kind.QUARTERLY:
        doc.agency = report.agency.name
        doc.round_label = _("%(year)s年第%(quarter)s季度") % {"year": report.year, "quarter": report.quarter}
        doc.full_title = f"{report.agency.name}{report.title}"
        doc.sections = _sections_for(report.kind)
        step(10, _("读取统计数据"))
        doc.statistics = data.agency_statistics(programme, report.agency, report.year, report.quarter)
        doc.statistics_state = data.agency_statistics_state(
            programme, report.agency, report.year, report.quarter
        )
        step(15, _("读取任务进展"))
        doc.task_sections = data.agency_tasks(programme, report.agency, report.year, report.quarter)
    else:
        doc.sections = _sections_for(report.kind)
        step(10, _("读取指标完成情况"))
        doc.indicators = data.indicator_rows(programme, as_of)
        doc.indicators_by_area = data.sections_ordered(doc.indicators)
        # A reason shared by many rows (no data at all, never computed) is said once, under
        # the table; the rows keep the reasons that tell them apart.
        reasons = Counter(r.reason for r in doc.indicators if r.status == "no_data").most_common(1)
        doc.no_data_reason = reasons[0][0] if reasons and reasons[0][1] >= 3 else data.no_data_reason()
        doc.status_counts = [
            (code, data.indicator_status_label(code), sum(1 for r in doc.indicators if r.status == code))
            for code in data.INDICATOR_STATUSES
        ]
        step(15, _("读取任务进展"))
        doc.task_sections = data.task_progress(programme, as_of)
        doc.phases = data.phases(programme, as_of)
        doc.funding = data.funding(programme, as_of)
    # a task past its deadline counts by its final verdict (已完成/基本完成/未完成)
    statuses = [
        t.verdict_label or data.task_status_label(t.status) for s in doc.task_sections for t in s.tasks
    ]
    labels = [data.task_status_label(code) for code in (*data.TASK_STATUSES, None)]
    labels += [label for label in dict.fromkeys(statuses) if label not in labels]
    doc.task_status_counts = [(label, statuses.count(label)) for label in labels]
    step(20, _("读取证明材料"))
    items = data.evidence_items(programme, as_of) + assessment_evidence_items(programme, as_of)
    if report.kind == Report.Kind.QUARTERLY:
        items = [i for i in items if i.agency == report.agency.name or i.agency == report.agency.short_name]
    doc.evidence = _evidence_entries(items, doc.sections)
    doc.chapters = {c.field: c for c in chapters_of(report)}
    doc.task_evidence = dict(Counter(e.item.subject for e in doc.evidence if e.item.section == "tasks"))
    if doc.section("scores"):
        doc.scores = report_score_table(report, doc)
    doc.issuer, doc.issued_on = report.issuer, report.issued_on
    doc.group_name = data.leading_group_name(programme)
    return doc


def report_default_office(*, programme: Programme) -> str:
    """The issuing office of a report: the leading group's office, else the plan's issuer."""
    group = data.leading_group_name(programme)
    if group.startswith("市"):
        group = programme.city.name + group[1:]
    if group:
        return _("%(group)s办公室") % {"group": group}
    return programme.issuer or programme.city.name
