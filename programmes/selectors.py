"""Reads over programmes that are more than one filter()."""

from collections import OrderedDict

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from .canonical import number_out, ordered
from .funding import funding_summary  # noqa: F401  (the one funding read: pages, API, reports)
from .models import Agency, Programme


def _count_per_programme(relation: str):
    """How many rows of a reverse relation each programme has, as a correlated subquery: two
    joined `Count(distinct=True)` would multiply tasks by indicators before counting."""
    model = Programme._meta.get_field(relation).related_model
    counted = (
        model.objects.filter(programme=OuterRef("pk")).order_by().values("programme").annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def programme_list_rows(queryset):
    """The programme list's rows: each with its task and indicator counts, without the
    plan's source text (a whole document per row, never shown in a list)."""
    return queryset.defer("source_text", "notes").annotate(
        task_count=_count_per_programme("tasks"), indicator_count=_count_per_programme("indicators")
    )


def programme_to_canonical(*, programme: Programme) -> dict:
    """The stored programme in the canonical JSON shape (docs/seed-format.md)."""
    from indicators.models import Statistic
    from tasks.models import Task, TaskAssignment

    tasks = list(
        Task.objects.filter(programme=programme).prefetch_related(
            Prefetch("assignments", queryset=TaskAssignment.objects.order_by("role", "order"))
        )
    )
    duties = list(programme.duties.prefetch_related("tasks").select_related("agency"))
    owners = list(programme.statistic_owners.select_related("statistic", "agency"))
    leading = list(programme.leading_group.select_related("agency"))
    indicators = list(programme.indicators.all())

    used_agency_ids = set()
    for task in tasks:
        used_agency_ids.update(a.agency_id for a in task.assignments.all())
    used_agency_ids.update(d.agency_id for d in duties)
    used_agency_ids.update(o.agency_id for o in owners)
    used_agency_ids.update(m.agency_id for m in leading)
    # Sorted in Python: database collations order Chinese differently (SQLite vs PostgreSQL).
    agencies = sorted(
        Agency.objects.filter(pk__in=used_agency_ids).prefetch_related("aliases"), key=lambda a: a.name
    )

    codes = set()
    from programmes.services import FORMULA_CODE_RE

    for ind in indicators:
        codes.update(FORMULA_CODE_RE.findall(ind.formula or ""))
    codes.update(o.statistic.code for o in owners)
    extra_stats = sorted(
        Statistic.objects.filter(city_id=programme.city_id, code__in=codes, is_builtin=False),
        key=lambda s: s.code,
    )

    data = {
        "slug": programme.slug,
        "city": programme.city.name,
        "province": programme.city.province,
        "kind": programme.kind,
        "title": programme.title,
        "doc_number": programme.doc_number,
        "issuer": programme.issuer,
        "issue_date": programme.issue_date,
        "period": {"start": programme.period_start, "end": programme.period_end},
        "source_file": programme.source_file,
        "notes": programme.notes,
        "goals": [{"area": g.area, "title": g.title, "text": g.text} for g in programme.goals.all()],
        "indicators": [
            {
                "name": i.name,
                "area": i.area,
                "kind": i.kind,
                "comparator": i.comparator,
                "target": number_out(i.target),
                "target_max": number_out(i.target_max),
                "unit": i.unit,
                "deadline": i.deadline,
                "formula": i.formula,
                "source_sentence": i.source_sentence,
                **({"baseline": number_out(i.baseline_value)} if i.baseline_value is not None else {}),
                **({"baseline_year": i.baseline_year} if i.baseline_year is not None else {}),
            }
            for i in indicators
        ],
        "tasks": [
            {
                "number": t.number,
                "section": t.section,
                "title": t.title,
                "text": t.text,
                "lead": [a.printed_name for a in t.assignments.all() if a.role == "lead"],
                "support": [a.printed_name for a in t.assignments.all() if a.role == "support"],
            }
            for t in tasks
        ],
        "phases": [
            {"name": p.name, "start": p.start, "end": p.end, "milestone": p.milestone}
            for p in programme.phases.all()
        ],
        "leading_group": [
            {"agency": m.printed_agency, "role": m.role, "person": m.person, "title": m.title}
            for m in leading
        ],
        "duties": [
            {
                "agency": d.printed_agency,
                "text": d.text,
                "tasks": [t.number for t in sorted(d.tasks.all(), key=lambda t: t.order)],
            }
            for d in duties
        ],
        "funding_rules": [
            {
                "name": r.name,
                "kind": r.kind,
                "category": r.category,
                "threshold": number_out(r.threshold),
                "unit": r.unit,
                "source_sentence": r.source_sentence,
                **({"source": r.source} if r.source else {}),
            }
            for r in programme.funding_rules.all()
        ],
        "agencies": [
            {
                "name": a.name,
                "aliases": sorted(x.name for x in a.aliases.all()),
                "collective": a.is_collective,
            }
            for a in agencies
        ],
        "statistics": [
            {"code": s.code, "name": s.name, "unit": s.unit, "aggregation": s.aggregation}
            for s in extra_stats
        ],
        "reporting": [
            {"statistic": o.statistic.code, "agency": o.printed_agency or o.agency.name}
            for o in sorted(owners, key=lambda o: (o.statistic.code, o.area))
        ],
    }
    return ordered(data)


def tasks_by_section(*, programme: Programme):
    """Tasks grouped by section, in plan order, with their assignments prefetched."""
    from tasks.models import Task, TaskAssignment

    tasks = (
        Task.objects.filter(programme=programme)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=TaskAssignment.objects.select_related("agency").order_by("role", "order"),
            )
        )
    )
    sections: OrderedDict[str, list] = OrderedDict()
    for task in tasks:
        sections.setdefault(task.section or "", []).append(task)
    return sections


def agency_task_matrix(*, programme: Programme, agency_ids: set[int] | None = None):
    """Rows: agencies; columns: tasks; cells: 牵头 / 配合 / empty."""
    from tasks.models import Task, TaskAssignment

    tasks = list(Task.objects.filter(programme=programme).select_related("programme"))
    assignments = TaskAssignment.objects.filter(task__programme=programme).select_related("agency")
    if agency_ids is not None:
        assignments = assignments.filter(agency_id__in=agency_ids)
    cells: dict[int, dict[int, str]] = {}
    agencies: dict[int, Agency] = {}
    for a in assignments:
        agencies[a.agency_id] = a.agency
        cells.setdefault(a.agency_id, {})[a.task_id] = a.role
    rows = []
    for agency_id, agency in sorted(agencies.items(), key=lambda kv: (-len(cells[kv[0]]), kv[1].name)):
        row_cells = [cells[agency_id].get(t.pk, "") for t in tasks]
        rows.append(
            {
                "agency": agency,
                "cells": row_cells,
                "lead_count": row_cells.count("lead"),
                "support_count": row_cells.count("support"),
            }
        )
    return {"tasks": tasks, "rows": rows}
