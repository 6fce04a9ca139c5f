"""Reads for the plan-import pages: scoping of drafts, the source text cut into linked
segments, and what the review page shows per item."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.permissions import can, require
from accounts.selectors import user_profile
from programmes.models import City

from .agencies import agencies_to_create, agency_matches
from .diff import reimport_changes
from .models import PlanImportDraft
from .review import ITEM_LISTS, errors_by_item, used_agency_names
from .services import draft_validation_errors


def import_city_for_user(*, user) -> City | None:
    """The city a user imports into: an office's own city; None for a superuser, who
    chooses. Anyone else may not import (403)."""
    require(user, "plan_import.start", message=_("只有领导小组办公室可以导入方案。"))
    if can(user, "plan_import.choose_city"):
        return None
    profile = user_profile(user=user)
    city = profile.city if profile is not None and profile.city_id else None
    require(user, "programme.import", city, message=_("只有领导小组办公室可以导入方案。"))
    return city


def draft_list_for_user(*, user) -> QuerySet[PlanImportDraft]:
    """Drafts of the cities the user imports into (every city for a superuser)."""
    qs = PlanImportDraft.objects.select_related(
        "city", "target_programme", "created_by__profile", "programme"
    )
    if not can(user, "plan_import.start"):
        return qs.none()
    if can(user, "plan_import.choose_city"):
        return qs
    profile = user_profile(user=user)
    city = profile.city if profile is not None and profile.city_id else None
    if city is None or not can(user, "programme.import", city):
        return qs.none()
    return qs.filter(city=city)


def draft_get_for_user(*, user, pk: int) -> PlanImportDraft:
    """A draft of the user's own city: other roles 403, another city's office 404."""
    import_city_for_user(user=user)
    draft = draft_list_for_user(user=user).filter(pk=pk).first()
    if draft is None:
        raise Http404(_("没有找到该导入草稿,或您无权查看。"))
    return draft


# --- the source text, cut so that every item's sentence can be highlighted -----------------


def _valid(span) -> bool:
    return isinstance(span, list | tuple) and len(span) == 2 and span[1] > span[0]


def _item_spans(review: dict, field: str) -> list[tuple[int, int, str]]:
    """(start, end, id) of every item's ``field`` span (its sentence, or its table cell)."""
    return [
        (int(item[field][0]), int(item[field][1]), item["_id"])
        for key in ITEM_LISTS.values()
        for item in review.get(key) or []
        if _valid(item.get(field))
    ]


def _spans(review: dict) -> list[tuple[int, int, str]]:
    spans = _item_spans(review, "span")
    for name, info in (review.get("fields") or {}).items():
        span = (info or {}).get("span")
        if _valid(span):
            spans.append((int(span[0]), int(span[1]), f"f-{name}"))
    for k, span in enumerate(review.get("unassigned") or []):
        if _valid(span):
            spans.append((int(span[0]), int(span[1]), f"u{k + 1}"))
    return spans


def unassigned_rows(*, text: str, review: dict) -> list[dict]:
    """Table rows no item was read from (their header was not recognised), for the page."""
    return [{"id": f"u{k + 1}", "text": text[s:e]} for k, (s, e) in enumerate(review.get("unassigned") or [])]


def source_segments(*, text: str, review: dict) -> list[dict]:
    """The normalised text as segments ``{"text", "items"}``: ``items`` lists the ids of
    the items whose span covers the segment (innermost last), so the page can highlight
    an item's sentence and, from a sentence, find its item."""
    n = len(text)
    spans = [(max(0, s), min(n, e), i) for s, e, i in _spans(review) if s < n]
    cells = [(max(0, s), min(n, e), i) for s, e, i in _item_spans(review, "cell") if s < n]
    bounds = spans + cells
    cuts = sorted({0, n, *(s for s, _e, _i in bounds), *(e for _s, e, _i in bounds)})
    segments = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a >= b:
            continue
        covering = [(e - s, i) for s, e, i in spans if s <= a and e >= b]
        covering.sort(reverse=True)  # widest first, innermost last
        in_cell = [i for s, e, i in cells if s <= a and e >= b]
        segments.append(
            {"text": text[a:b], "items": " ".join(i for _w, i in covering), "cells": " ".join(in_cell)}
        )
    return segments


# --- what the review page shows ------------------------------------------------------------

COMPARATOR_SIGN = {">=": "≥", ">": ">", "<=": "≤", "=": "=", "range": ""}
KIND_LABEL = {
    "level": "期末水平",
    "annual_flow": "年度流量",
    "share": "占比",
    "growth_rate": "年增长率",
    "avg_growth_rate": "年均增长率",
    "yearly_minimum": "每年不低于",
    "cumulative": "累计",
    "rate": "比率",
    "range": "区间",
    "per_unit": "单位平均",
    "milestone": "里程碑",
}
MILESTONE_LABEL = {"midterm": "中期评价", "acceptance": "总结验收", None: ""}
PROGRAMME_KIND_LABEL = {
    "demonstration_city": "国家知识产权示范城市",
    "strong_city": "知识产权强市建设",
    "operation_service": "知识产权运营服务体系",
}


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def target_display(ind: dict) -> str:
    target = _number(ind.get("target"))
    if ind.get("target_max") is not None:
        target = f"{target}—{_number(ind['target_max'])}"
    return f"{COMPARATOR_SIGN.get(ind.get('comparator'), '')} {target} {ind.get('unit') or ''}".strip()


def review_context(*, draft: PlanImportDraft) -> dict:
    """Everything the review page renders, computed once."""
    review = draft.review
    matches = agency_matches(draft=draft)
    status_of_name: dict[str, str] = {}
    for m in matches:
        for name in m.names:
            status_of_name[name] = m.status
    errors = errors_by_item(draft_validation_errors(draft=draft), review) if draft.is_open else {}

    def flags(item):
        conf = item.get("confidence") or {}
        return {
            "level": "edited" if item.get("edited") else conf.get("level", "high"),
            "reasons": conf.get("reasons") or [],
        }

    def row(kind, item, **extra):
        return {
            "kind": kind,
            "id": item["_id"],
            "item": item,
            "span": item.get("span"),
            "flags": flags(item),
            "errors": errors.get(item["_id"], []),
            **extra,
        }

    def agency_badges(names):
        return [{"name": n, "status": status_of_name.get(n, "new")} for n in names or []]

    indicators = [
        row(
            "indicator",
            i,
            target=target_display(i),
            kind_label=KIND_LABEL.get(i.get("kind"), i.get("kind")),
        )
        for i in review.get("indicators") or []
    ]
    tasks = [
        row("task", t, lead=agency_badges(t.get("lead")), support=agency_badges(t.get("support")))
        for t in review.get("tasks") or []
    ]
    phases = [
        row("phase", p, milestone_label=MILESTONE_LABEL.get(p.get("milestone"), ""))
        for p in review.get("phases") or []
    ]
    members = [
        row("member", m, agency_status=status_of_name.get(m.get("agency"), "new"))
        for m in review.get("leading_group") or []
    ]
    agencies = [row("agency", m.group, match=m) for m in matches]
    goals = [row("goal", g) for g in review.get("goals") or []]
    duties = [row("duty", d) for d in review.get("duties") or []]
    rules = [row("rule", r) for r in review.get("funding_rules") or []]

    fields = review.get("fields") or {}
    basics = []
    for key, label in (
        ("title", _("方案名称")),
        ("city", _("城市")),
        ("kind", _("类型")),
        ("doc_number", _("文号")),
        ("issuer", _("发文机关")),
        ("issue_date", _("印发日期")),
        ("period", _("实施期限")),
        ("slug", _("标识")),
    ):
        value = review.get(key)
        if key == "period":
            value = f"{value['start']} 至 {value['end']}" if value else None
        elif key == "kind":
            value = PROGRAMME_KIND_LABEL.get(value, value)
        info = fields.get(key) or {}
        conf = info.get("confidence") or {}
        edited = key in (review.get("_edited_fields") or [])
        basics.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "span": info.get("span"),
                "id": f"f-{key}",
                "flags": {
                    "level": "edited" if edited else conf.get("level", "high"),
                    "reasons": conf.get("reasons") or [],
                },
            }
        )

    unsure = sum(
        1
        for rows in (indicators, tasks, phases, members)
        for r in rows
        if r["flags"]["level"] in ("medium", "low")
    )
    error_count = sum(len(v) for v in errors.values())
    changes = reimport_changes(draft=draft) if draft.target_programme_id and draft.is_open else []
    return {
        "basics": basics,
        "basics_errors": errors.get("basics", []),
        "general_errors": errors.get("general", []),
        "indicators": indicators,
        "tasks": tasks,
        "phases": phases,
        "members": members,
        "agencies": agencies,
        "goals": goals,
        "duties": duties,
        "rules": rules,
        "segments": source_segments(text=draft.text, review=review),
        "unassigned": unassigned_rows(text=draft.text, review=review),
        "warnings": review.get("warnings") or [],
        "unsure_count": unsure,
        "error_count": error_count,
        "new_agency_count": sum(1 for m in matches if m.status == "new"),
        "agencies_to_create": [
            m.group["name"]
            for m in agencies_to_create(matches=matches, used=set(used_agency_names(draft.review)))
        ],
        "conflict_count": sum(1 for m in matches if m.status == "conflict"),
        "changes": changes,
        "changes_by_entity": _group_changes(changes),
    }


ROLE_TEXT = {"lead": "牵头", "support": "配合", None: "无"}


def _value_text(field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if field == "period" and isinstance(value, dict):
        return f"{value.get('start')} 至 {value.get('end')}"
    if field == "kind" and value in PROGRAMME_KIND_LABEL:
        return PROGRAMME_KIND_LABEL[value]
    if field == "milestone":
        return MILESTONE_LABEL.get(value) or "—"
    return _number(value) if isinstance(value, int | float) else str(value)


def _item_text(entity: str, item: dict | None) -> str:
    if not item:
        return ""
    if entity == "task":
        units = []
        if item.get("lead"):
            units.append("牵头:" + "、".join(item["lead"]))
        if item.get("support"):
            units.append("配合:" + "、".join(item["support"]))
        return f"{item.get('number')} {item.get('title')}" + (f"({';'.join(units)})" if units else "")
    if entity == "indicator":
        return f"{item.get('name')} {target_display(item)}({KIND_LABEL.get(item.get('kind'), item.get('kind'))},{item.get('deadline')})"
    if entity == "phase":
        return f"{item.get('name')} {item.get('start')} 至 {item.get('end')}"
    return str(item)


def change_rows(changes) -> list[dict]:
    """One displayable row per change: what, before → after, and reported data at stake."""
    from .review import FIELD_LABELS

    rows = []
    for c in changes:
        row = {"change": c, "id": c.id, "action": c.action, "details": [], "data": c.data}
        if c.entity == "basics":
            row["what"] = FIELD_LABELS.get(c.key, c.key)
            row["details"] = [(row["what"], _value_text(c.key, c.before), _value_text(c.key, c.after))]
        elif c.entity == "assignment":
            row["what"] = f"任务 {c.key}:{c.label}"
            row["details"] = [("角色", ROLE_TEXT[c.before], ROLE_TEXT[c.after])]
        elif c.action == "changed":
            row["what"] = _item_text(c.entity, c.after)
            row["details"] = [
                (FIELD_LABELS.get(f, f), _value_text(f, before), _value_text(f, after))
                for f, before, after in c.fields
            ]
        else:
            row["what"] = _item_text(c.entity, c.after if c.action == "added" else c.before)
        rows.append(row)
    return rows


def _group_changes(changes) -> list[tuple[str, list]]:
    labels = [
        ("basics", _("基本信息")),
        ("task", _("任务")),
        ("assignment", _("任务分工")),
        ("indicator", _("指标")),
        ("phase", _("实施阶段")),
    ]
    out = []
    for entity, label in labels:
        rows = change_rows([c for c in changes if c.entity == entity])
        if rows:
            out.append((label, rows))
    return out
