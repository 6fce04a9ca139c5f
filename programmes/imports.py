"""Plan import: from a plan's file or pasted text to a reviewed programme (issue 3).

The parsing is ``programmes.plan_import`` (pure Python). Here are the writes:

- ``plan_draft_create``: read and parse a plan into a ``PlanImportDraft`` (nothing else is
  stored; bad input raises ``PlanImportError`` with its Chinese message);
- ``plan_draft_item_save`` / ``plan_draft_item_delete`` / ``plan_draft_basics_save``: staff
  edits of the extracted items;
- ``plan_draft_confirm``: validate and create the programme (status draft) in one
  transaction, or, for a revised plan, apply only the changes staff accepted to the
  existing programme, never dropping a task or indicator that already has reported data.

The management command ``import_plan`` and the review page both go through these.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .canonical import TOP_KEYS, CanonicalError, CanonicalValidationError, ordered, validate_canonical
from .models import Agency, AgencyAlias, City, Phase, PlanImportDraft, Programme
from .plan_import import DecodedDocument, PlanImportError, parse_plan, read_document
from .services import agency_resolve, programme_sync_from_canonical

# kind (as in URLs) -> list key in the review JSON, and the prefix of its items' ids
ITEM_LISTS = {
    "indicator": "indicators",
    "task": "tasks",
    "phase": "phases",
    "member": "leading_group",
    "agency": "agencies",
    "goal": "goals",
    "duty": "duties",
    "rule": "funding_rules",
}
ID_PREFIX = {
    "indicators": "i",
    "tasks": "t",
    "phases": "p",
    "leading_group": "m",
    "agencies": "a",
    "goals": "g",
    "duties": "d",
    "funding_rules": "f",
}
UI_KEYS = {"_id", "span", "confidence", "edited", "match"}
BASIC_KEYS = ["slug", "title", "kind", "doc_number", "issuer", "issue_date", "period", "notes"]
PERIOD_RE = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2])):(\d{4}-(?:0[1-9]|1[0-2]))$")


# --- who may import ------------------------------------------------------------------------


def can_import_into(*, user, city: City) -> bool:
    """Only the city's leading-group office (or a superuser) imports plans into it."""
    from accounts.selectors import user_profile

    if user is not None and user.is_authenticated and user.is_superuser:
        return True
    profile = user_profile(user=user)
    return bool(profile and profile.role == "office" and profile.city_id == city.pk)


def require_import_into(*, user, city: City) -> None:
    if user is None:  # the management command: run by whoever runs manage.py
        return
    if not can_import_into(user=user, city=city):
        raise PermissionDenied(_("只有本市领导小组办公室可以导入方案。"))


# --- the review JSON -------------------------------------------------------------------------


def period_parse(value: str) -> dict[str, str]:
    """``2016-01:2018-12`` → ``{"start": "2016-01", "end": "2018-12"}`` or ValueError (Chinese)."""
    m = PERIOD_RE.match((value or "").strip())
    if not m:
        raise ValueError(f"实施期限“{value}”的格式不对,应为 起始年月:截止年月,例如 2016-01:2018-12。")
    if m.group(2) < m.group(1):
        raise ValueError(f"实施期限“{value}”的截止年月早于起始年月。")
    return {"start": m.group(1), "end": m.group(2)}


def _next_id(review: dict, key: str) -> str:
    seq = review.setdefault("_seq", {})
    seq[key] = seq.get(key, 0) + 1
    return f"{ID_PREFIX[key]}{seq[key]}"


def review_prepare(review: dict) -> dict:
    """Give every item a stable id (``t3``, ``i12``): edits and deletions never shift them."""
    for key in ID_PREFIX:
        for item in review.get(key) or []:
            if not item.get("_id"):
                item["_id"] = _next_id(review, key)
    agency_groups_refresh(review)
    return review


def used_agency_names(review: dict) -> list[str]:
    """Every agency name the items print, in order of first use."""
    names: list[str] = []
    for task in review.get("tasks") or []:
        names.extend(task.get("lead") or [])
        names.extend(task.get("support") or [])
    for row in review.get("leading_group") or []:
        if row.get("agency"):
            names.append(row["agency"])
    for row in review.get("duties") or []:
        if row.get("agency"):
            names.append(row["agency"])
    return list(dict.fromkeys(n for n in names if isinstance(n, str) and n.strip()))


def agency_groups_refresh(review: dict) -> None:
    """Keep one agency group for every printed name in use: drop groups none of whose names
    is used any more, add a group for a name staff typed that no group holds."""
    used = used_agency_names(review)
    used_set = set(used)
    groups = []
    held: set[str] = set()
    for group in review.get("agencies") or []:
        names = [group.get("name"), *(group.get("aliases") or [])]
        if used_set & set(names) or group.get("edited"):
            groups.append(group)
            held.update(n for n in names if n)
    for name in used:
        if name not in held:
            group = {"name": name, "aliases": [], "collective": name.startswith("各")}
            group["_id"] = _next_id(review, "agencies")
            groups.append(group)
            held.add(name)
    review["agencies"] = groups


def deadlines_fill(review: dict) -> None:
    """Indicators whose sentence names no year take the period's end year (seed-format.md),
    flagged for review: used when the period is supplied after parsing."""
    period = review.get("period") or {}
    if not period.get("end"):
        return
    for ind in review.get("indicators") or []:
        if not ind.get("deadline"):
            ind["deadline"] = period["end"][:4]
            conf = ind.setdefault("confidence", {"level": "high", "reasons": []})
            if conf.get("level") == "high":
                conf["level"] = "medium"
            reason = "原文未写完成年份,按实施期限截止年推定。"
            if reason not in conf.setdefault("reasons", []):
                conf["reasons"].append(reason)


def item_label(review: dict, item_id: str) -> str:
    """A person's name for an item id: 任务 二.3, 指标“…”, 基本信息 …"""
    if item_id == "basics":
        return "基本信息"
    if item_id == "general":
        return "整体"
    for kind, key in ITEM_LISTS.items():
        _index, item = item_find(review, key, item_id)
        if item is not None:
            if key == "tasks":
                return f"任务 {item.get('number')}"
            name = item.get("name") or item.get("title") or item.get("agency") or item_id
            return f"{_KIND_NOUN[kind]}“{name}”"
    return item_id


_KIND_NOUN = {
    "indicator": "指标",
    "task": "任务",
    "phase": "阶段",
    "member": "领导小组成员",
    "agency": "单位",
    "goal": "目标",
    "duty": "职责",
    "rule": "资金规则",
}


def review_to_canonical(review: dict, *, with_agencies: bool = True) -> dict:
    """The canonical JSON of a draft: the review JSON without its review-only keys."""
    data = {key: copy.deepcopy(review.get(key)) for key in TOP_KEYS if key in review}
    for key in ID_PREFIX:
        data[key] = [{k: v for k, v in item.items() if k not in UI_KEYS} for item in review.get(key) or []]
    for key in ("province", "issuer", "notes", "source_file"):  # text fields: "" when not printed
        if key in data and data[key] is None:
            data[key] = ""
    data.setdefault("statistics", [])
    data.setdefault("reporting", [])
    if not with_agencies:
        data.pop("agencies", None)
    return ordered(data)


def item_find(review: dict, key: str, item_id: str) -> tuple[int, dict] | tuple[None, None]:
    for index, item in enumerate(review.get(key) or []):
        if item.get("_id") == item_id:
            return index, item
    return None, None


# --- creating a draft ------------------------------------------------------------------------


def _slug_suggest(*, plan_slug: str | None, period: dict | None, taken: set[str]) -> str:
    base = plan_slug or (f"plan-{period['start'][:4]}" if period else "plan")
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def document_read(
    *, data: bytes | None = None, filename: str = "", text: str | None = None
) -> DecodedDocument:
    """A file's bytes through the importer's reader, or pasted text as it is."""
    if data is not None:
        return read_document(data, filename or "upload.txt")
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PlanImportError("粘贴的内容是空的。请粘贴方案全文,或上传方案文件。", PlanImportError.EMPTY)
    return DecodedDocument(text=text, filename="", format="paste", encoding=None, size=len(text.encode()))


@transaction.atomic
def plan_draft_create(
    *,
    user,
    city: City | None,
    document: DecodedDocument,
    slug: str | None = None,
    period: dict | None = None,
    target_programme: Programme | None = None,
) -> PlanImportDraft:
    """Parse a plan into a draft for review. Raises PlanImportError for unusable input.

    ``city`` is where the programme will be (the office's own city); when None the city
    read from the plan is used (the command). A revised plan for ``target_programme``
    keeps that programme's city and slug.
    """
    plan = parse_plan(document, slug=slug, source_file=document.filename or None)
    review = plan.review()
    warnings = list(review.get("warnings") or [])
    if document.warnings:
        warnings = list(dict.fromkeys([*document.warnings, *warnings]))

    if target_programme is not None:
        city = target_programme.city
    if city is None:
        if not plan.city:
            raise PlanImportError(
                "没有从原文读出城市名称。请指明方案所属城市(命令行用 --city 武汉市)。", "city_unknown"
            )
        city, _created = City.objects.get_or_create(name=plan.city)
    require_import_into(user=user, city=city)
    if plan.city and plan.city != city.name:
        warnings.insert(
            0,
            _("原文的城市是%(plan)s,将导入到%(city)s;如有误,请放弃本草稿。")
            % {"plan": plan.city, "city": city.name},
        )
    review["city"] = city.name
    if not review.get("province") and city.province:
        review["province"] = city.province

    if period is None and target_programme is not None and not plan.period:
        period = {"start": target_programme.period_start, "end": target_programme.period_end}
    if period is not None:
        if not plan.period:
            review["notes"] = _("方案未载明实施期限,按办公室指定的 %(start)s 至 %(end)s。") % period
        review["period"] = dict(period)
        deadlines_fill(review)
        warnings = [w for w in warnings if not w.startswith("未读出方案的实施期限")]
    if target_programme is not None:
        review["slug"] = target_programme.slug
    else:
        taken = set(Programme.objects.values_list("slug", flat=True))
        review["slug"] = slug or _slug_suggest(plan_slug=plan.slug, period=review.get("period"), taken=taken)
    review["warnings"] = warnings
    review_prepare(review)

    draft = PlanImportDraft.objects.create(
        city=city,
        target_programme=target_programme,
        filename=document.filename or "",
        file_format=document.format,
        encoding=document.encoding or "",
        size=document.size,
        source_text=document.text,
        text=plan.text,
        review=review,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    return draft


# --- staff edits ---------------------------------------------------------------------------


def _locked(draft: PlanImportDraft) -> PlanImportDraft:
    """The draft re-read under a row lock: two people editing one draft never lose an edit."""
    fresh = PlanImportDraft.objects.select_for_update().get(pk=draft.pk)
    draft.review, draft.status = fresh.review, fresh.status
    return draft


def _require_open(*, draft: PlanImportDraft, user) -> None:
    require_import_into(user=user, city=draft.city)
    if not draft.is_open:
        raise ValidationError(
            _("该导入草稿已%(status)s,不能再修改。") % {"status": draft.get_status_display()}
        )


@transaction.atomic
def plan_draft_item_save(
    *, draft: PlanImportDraft, kind: str, values: dict, item_id: str | None = None, user
) -> dict:
    """Replace an item's values (or add a new item when ``item_id`` is None)."""
    draft = _locked(draft)
    _require_open(draft=draft, user=user)
    key = ITEM_LISTS[kind]
    review = draft.review
    if item_id is None:
        item = {"_id": _next_id(review, key), "span": None, "edited": True, **values}
        review.setdefault(key, []).append(item)
    else:
        _index, item = item_find(review, key, item_id)
        if item is None:
            raise ValidationError(_("没有找到该条目,可能已被删除。"))
        item.update(values)
        item["edited"] = True
    agency_groups_refresh(review)
    draft.save(update_fields=["review", "updated_at"])
    return item


@transaction.atomic
def plan_draft_item_delete(*, draft: PlanImportDraft, kind: str, item_id: str, user) -> dict:
    draft = _locked(draft)
    _require_open(draft=draft, user=user)
    key = ITEM_LISTS[kind]
    index, item = item_find(draft.review, key, item_id)
    if item is None:
        raise ValidationError(_("没有找到该条目,可能已被删除。"))
    del draft.review[key][index]
    if key == "tasks":  # a duty may not name a task that is gone
        for duty in draft.review.get("duties") or []:
            duty["tasks"] = [n for n in duty.get("tasks") or [] if n != item.get("number")]
    agency_groups_refresh(draft.review)
    draft.save(update_fields=["review", "updated_at"])
    return item


@transaction.atomic
def plan_draft_basics_save(*, draft: PlanImportDraft, values: dict, user) -> None:
    """Title, document number, period … of the draft (not the city, which is the office's)."""
    draft = _locked(draft)
    _require_open(draft=draft, user=user)
    for key in BASIC_KEYS:
        if key in values:
            if key == "slug" and draft.target_programme_id:
                continue
            draft.review[key] = values[key]
    deadlines_fill(draft.review)
    if draft.review.get("period"):
        draft.review["warnings"] = [
            w for w in draft.review.get("warnings") or [] if not w.startswith("未读出方案的实施期限")
        ]
    draft.review.setdefault("_edited_fields", [])
    draft.review["_edited_fields"] = sorted(set(draft.review["_edited_fields"]) | set(values))
    draft.save(update_fields=["review", "updated_at"])


@transaction.atomic
def plan_draft_discard(*, draft: PlanImportDraft, user) -> None:
    draft = _locked(draft)
    _require_open(draft=draft, user=user)
    draft.status = PlanImportDraft.Status.DISCARDED
    draft.save(update_fields=["status", "updated_at"])


# --- agencies: matched to existing ones, or proposed new, never merged silently -----------


@dataclass
class AgencyMatch:
    """What a draft's agency group becomes on confirm."""

    group: dict
    status: str  # "matched" | "new" | "conflict"
    agency: Agency | None = None
    via: dict[str, str] = field(default_factory=dict)  # printed name -> "name" | "alias"
    others: list[Agency] = field(default_factory=list)  # agencies the names also resolve to
    message: str = ""

    @property
    def names(self) -> list[str]:
        return [n for n in [self.group.get("name"), *(self.group.get("aliases") or [])] if n]

    @property
    def new_aliases(self) -> list[str]:
        if self.agency is None:
            return []
        return [n for n in self.names if n != self.agency.name and n not in self.via]


def _resolve_with_how(*, city: City, name: str) -> tuple[Agency | None, str]:
    alias = AgencyAlias.objects.select_related("agency").filter(city=city, name=name).first()
    if alias is not None:
        return alias.agency, "alias"
    agency = Agency.objects.filter(city=city, name=name).first()
    return agency, ("name" if agency else "")


def agency_match(*, city: City, group: dict) -> AgencyMatch:
    """Match one agency group of a draft against the city's agencies: printed names are
    looked up among aliases first, then among agency names. Staff may have decided
    (``group["match"]``): ``"new"`` or an existing agency's id. Names that lead to two
    different agencies are a conflict staff resolve; they are never merged silently."""
    match = AgencyMatch(group=group, status="new")
    resolved: dict[str, Agency] = {}
    for name in match.names:
        agency, how = _resolve_with_how(city=city, name=name)
        if agency is not None:
            resolved[name] = agency
            match.via[name] = how
    distinct = {a.pk: a for a in resolved.values()}
    decision = str(group.get("match") or "auto")
    if decision not in ("auto", "new"):
        chosen = Agency.objects.filter(city=city, pk=int(decision) if decision.isdigit() else None).first()
        if chosen is None:
            match.status = "conflict"
            match.message = _("所选的现有单位已不存在,请重新选择。")
            return match
        match.agency, match.status = chosen, "matched"
        clash = [n for n, a in resolved.items() if a.pk != chosen.pk]
        match.via = {n: how for n, how in match.via.items() if n not in clash}
        if clash:
            match.status = "conflict"
            match.others = [a for pk, a in distinct.items() if pk != chosen.pk]
            match.message = _(
                "名称 %(names)s 已属于其他单位 %(others)s,不能并入 %(agency)s。请修改名称或改选单位。"
            ) % {
                "names": "、".join(clash),
                "others": "、".join(a.name for a in match.others),
                "agency": chosen.name,
            }
        return match
    if decision == "new":
        if resolved:
            match.status = "conflict"
            match.others = list(distinct.values())
            match.message = _(
                "名称 %(names)s 已属于现有单位 %(others)s。请选择“匹配现有单位”,或修改名称。"
            ) % {"names": "、".join(resolved), "others": "、".join(a.name for a in match.others)}
        return match
    if len(distinct) == 1:
        match.status = "matched"
        match.agency = next(iter(distinct.values()))
    elif len(distinct) > 1:
        match.status = "conflict"
        match.others = list(distinct.values())
        match.message = _(
            "这些名称分别属于 %(others)s 等多个现有单位,系统不会自动合并。请编辑本单位,选择其中一个或拆分名称。"
        ) % {"others": "、".join(a.name for a in match.others)}
    return match


def agency_matches(*, draft: PlanImportDraft) -> list[AgencyMatch]:
    return [agency_match(city=draft.city, group=g) for g in draft.review.get("agencies") or []]


def _agencies_apply(*, city: City, matches: list[AgencyMatch], used: set[str], user) -> None:
    """Create proposed new agencies and record new printed names as aliases of matched
    ones, for the groups whose names are used. Raises CanonicalValidationError on a
    conflict (a name that belongs to another agency)."""
    errors = []
    for m in matches:
        if not (set(m.names) & used):
            continue
        if m.status == "conflict":
            errors.append(CanonicalError(f"@agency:{m.group.get('_id')}", m.message))
    if errors:
        raise CanonicalValidationError(errors)
    for m in matches:
        if not (set(m.names) & used):
            continue
        agency = m.agency
        if agency is None:
            agency = Agency(city=city, name=m.group["name"], is_collective=bool(m.group.get("collective")))
            agency.full_clean()
            agency._history_user = user
            agency.save()
        for name in m.names:
            if name != agency.name and agency_resolve(city=city, name=name) is None:
                AgencyAlias.objects.create(agency=agency, name=name)


# --- reported data: what must never be lost ----------------------------------------------

# Relations that are the plan's own structure, rewritten by every import, not data reported on it.
STRUCTURE_MODELS = {"tasks.taskassignment", "programmes.agencyduty"}


def attached_data(obj) -> list[tuple[str, int]]:
    """Rows of other models that point at ``obj`` (a task or an indicator), found through
    ``_meta.related_objects`` so that models added later (task reports, computed values …)
    count too. Rows with a ``value`` field count only when it holds a value (a computed
    "no data" row is not data)."""
    found = []
    for rel in obj._meta.related_objects:
        model = rel.related_model
        if model._meta.label_lower in STRUCTURE_MODELS or model.__name__.startswith("Historical"):
            continue
        qs = model._default_manager.filter(**{rel.field.name: obj})
        if any(f.name == "value" for f in model._meta.concrete_fields):
            qs = qs.exclude(value__isnull=True)
        count = qs.count()
        if count:
            found.append((str(model._meta.verbose_name), count))
    return found


# --- the diff of a revised plan against the programme --------------------------------------

TASK_FIELDS = ["section", "title", "text"]
INDICATOR_FIELDS = [
    "area",
    "kind",
    "comparator",
    "target",
    "target_max",
    "unit",
    "deadline",
    "source_sentence",
]
PHASE_FIELDS = ["start", "end", "milestone"]
BASIC_DIFF_FIELDS = ["title", "kind", "doc_number", "issuer", "issue_date", "period"]
ROLE_LABEL = {"lead": "牵头", "support": "配合", None: "—"}


@dataclass
class Change:
    id: str
    entity: str  # basics | task | assignment | indicator | phase
    action: str  # added | removed | changed
    key: str  # task number, indicator name, phase name, field name
    label: str
    before: object = None
    after: object = None
    fields: list[tuple[str, object, object]] = field(default_factory=list)
    data: list[tuple[str, int]] = field(default_factory=list)  # reported data on a removed item


def _num_eq(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


def _same_text(a, b) -> bool:
    """Equal but for whitespace (a PDF's or a web page's spacing is not a revision)."""
    if isinstance(a, str | None) and isinstance(b, str | None):
        return re.sub(r"\s+", "", a or "") == re.sub(r"\s+", "", b or "")
    return False


def _target_key(ind: dict) -> tuple:
    def n(v):
        return None if v is None else Decimal(str(v))

    return (n(ind.get("target")), n(ind.get("target_max")), ind.get("unit"), ind.get("comparator"))


def indicator_pairs(current: dict, new: dict) -> dict[str, str]:
    """Which stored indicator each of the revised plan's indicators is (current name → new
    name): the same name, or else the same target, unit and comparator with a similar name
    (the plan reworded it). Pairing keeps data reported on an indicator whose name changed."""
    from difflib import SequenceMatcher

    cur = {i["name"]: i for i in current.get("indicators") or []}
    new_by_name = {i["name"]: i for i in new.get("indicators") or []}
    pairs = {name: name for name in cur if name in new_by_name}
    free_cur = [c for c in cur if c not in pairs]
    for name, ind in new_by_name.items():
        if name in pairs:
            continue
        best = None
        for c in free_cur:
            if _target_key(cur[c]) != _target_key(ind):
                continue
            score = SequenceMatcher(None, c, name).ratio()
            if score >= 0.4 and (best is None or score > best[0]):
                best = (score, c)
        if best is not None:
            pairs[best[1]] = name
            free_cur.remove(best[1])
    return pairs


def _agency_key_fn(*, city: City, matches: list[AgencyMatch]):
    group_of: dict[str, str] = {}
    target_of: dict[str, int] = {}
    for m in matches:
        for name in m.names:
            group_of[name] = m.group.get("name")
            if m.agency is not None:
                target_of[name] = m.agency.pk
    cache: dict[str, str] = {}

    def key(name: str) -> str:
        if name not in cache:
            agency = agency_resolve(city=city, name=name)
            if agency is not None:
                cache[name] = f"a{agency.pk}"
            elif name in target_of:
                cache[name] = f"a{target_of[name]}"
            else:
                cache[name] = "n:" + group_of.get(name, name)
        return cache[name]

    return key


def _roles(task: dict, key) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for role in ("lead", "support"):
        for name in task.get(role) or []:
            out.setdefault(key(name), (role, name))
    return out


def canonical_diff(*, current: dict, new: dict, agency_key) -> list[Change]:
    """Changes from the stored programme (``current``) to a revised plan (``new``): basics,
    tasks (by number) and their assignments (by agency), indicators (by name), phases (by
    name). Leading group, duties, goals and funding rules are not diffed."""
    changes: list[Change] = []
    for f in BASIC_DIFF_FIELDS:
        before, after = current.get(f), new.get(f)
        if after in (None, "", {}) or before == after:
            continue
        changes.append(Change(f"basic:{f}", "basics", "changed", f, f, before, after))

    cur_tasks = {t["number"]: t for t in current.get("tasks") or []}
    new_tasks = {t["number"]: t for t in new.get("tasks") or []}
    for number, task in new_tasks.items():
        if number not in cur_tasks:
            changes.append(
                Change(f"task:add:{number}", "task", "added", number, task.get("title", ""), None, task)
            )
            continue
        old = cur_tasks[number]
        diffs = [(f, old.get(f), task.get(f)) for f in TASK_FIELDS if not _same_text(old.get(f), task.get(f))]
        if diffs:
            changes.append(
                Change(
                    f"task:chg:{number}", "task", "changed", number, task.get("title", ""), old, task, diffs
                )
            )
        before_roles, after_roles = _roles(old, agency_key), _roles(task, agency_key)
        for akey in list(after_roles) + [k for k in before_roles if k not in after_roles]:
            b, a = before_roles.get(akey), after_roles.get(akey)
            if b and a and b[0] == a[0]:
                continue
            action = "added" if b is None else "removed" if a is None else "changed"
            printed = (a or b)[1]
            changes.append(
                Change(
                    f"asg:{number}:{akey}",
                    "assignment",
                    action,
                    number,
                    printed,
                    b[0] if b else None,
                    a[0] if a else None,
                    fields=[("task_title", old.get("title"), task.get("title"))],
                )
            )
    for number, task in cur_tasks.items():
        if number not in new_tasks:
            changes.append(
                Change(f"task:del:{number}", "task", "removed", number, task.get("title", ""), task, None)
            )

    cur_inds = {i["name"]: i for i in current.get("indicators") or []}
    new_inds = {i["name"]: i for i in new.get("indicators") or []}
    pairs = indicator_pairs(current, new)  # current name -> new name
    paired_new = set(pairs.values())
    for name, ind in new_inds.items():
        if name not in paired_new:
            changes.append(Change(f"ind:add:{name}", "indicator", "added", name, name, None, ind))
    for cur_name, new_name in pairs.items():
        old, ind = cur_inds[cur_name], new_inds[new_name]
        diffs = [("name", cur_name, new_name)] if cur_name != new_name else []
        diffs += [
            (f, old.get(f), ind.get(f))
            for f in INDICATOR_FIELDS
            if not _num_eq(old.get(f), ind.get(f)) and not _same_text(old.get(f), ind.get(f))
        ]
        if ind.get("formula") and ind.get("formula") != old.get("formula"):
            diffs.append(("formula", old.get("formula"), ind.get("formula")))
        if diffs:
            changes.append(
                Change(f"ind:chg:{cur_name}", "indicator", "changed", cur_name, new_name, old, ind, diffs)
            )
    for name, ind in cur_inds.items():
        if name not in pairs:
            changes.append(Change(f"ind:del:{name}", "indicator", "removed", name, name, ind, None))

    cur_phases = {p["name"]: p for p in current.get("phases") or []}
    new_phases = {p["name"]: p for p in new.get("phases") or []}
    for name, ph in new_phases.items():
        if name not in cur_phases:
            changes.append(Change(f"phase:add:{name}", "phase", "added", name, name, None, ph))
            continue
        old = cur_phases[name]
        diffs = [(f, old.get(f), ph.get(f)) for f in PHASE_FIELDS if old.get(f) != ph.get(f)]
        if diffs:
            changes.append(Change(f"phase:chg:{name}", "phase", "changed", name, name, old, ph, diffs))
    for name, ph in cur_phases.items():
        if name not in new_phases:
            changes.append(Change(f"phase:del:{name}", "phase", "removed", name, name, ph, None))
    return changes


def _merge_order(current: list[dict], new: list[dict], key: str, include) -> list[dict]:
    """Items in the revised plan's order; an item kept from the programme but absent from
    the plan stays after the item that preceded it in the programme."""
    new_keys = [item[key] for item in new]
    position = {k: float(i) for i, k in enumerate(new_keys)}
    last = -1.0
    for item in current:
        k = item[key]
        if k in position:
            last = position[k]
        else:
            last += 0.001
            position[k] = last
    chosen = include()
    return sorted(chosen, key=lambda item: position.get(item[key], 1e9))


def canonical_merge(*, current: dict, new: dict, accepted: set[str], agency_key, keep: set[str]) -> dict:
    """The programme's canonical JSON with only the accepted changes of ``new`` applied.

    ``keep`` holds ids of removals that must not happen (reported data is attached)."""
    merged = copy.deepcopy(current)
    for f in BASIC_DIFF_FIELDS:
        if f"basic:{f}" in accepted:
            merged[f] = copy.deepcopy(new.get(f))

    # tasks
    cur_tasks = {t["number"]: t for t in current.get("tasks") or []}
    new_tasks = {t["number"]: t for t in new.get("tasks") or []}

    def tasks_included():
        out = []
        for number, task in cur_tasks.items():
            cid = f"task:del:{number}"
            if number not in new_tasks and cid in accepted and cid not in keep:
                continue
            out.append(_task_merged(task, new_tasks.get(number), accepted, agency_key))
        for number, task in new_tasks.items():
            if number not in cur_tasks and f"task:add:{number}" in accepted:
                out.append(copy.deepcopy(task))
        return out

    merged["tasks"] = _merge_order(
        current.get("tasks") or [], new.get("tasks") or [], "number", tasks_included
    )
    numbers = {t["number"] for t in merged["tasks"]}
    for duty in merged.get("duties") or []:
        duty["tasks"] = [n for n in duty.get("tasks") or [] if n in numbers]

    # indicators
    cur_inds = {i["name"]: i for i in current.get("indicators") or []}
    new_inds = {i["name"]: i for i in new.get("indicators") or []}
    pairs = indicator_pairs(current, new)
    paired_new = set(pairs.values())

    def indicators_included():
        out = []
        for name, ind in cur_inds.items():
            cid = f"ind:del:{name}"
            if name not in pairs and cid in accepted and cid not in keep:
                continue
            row = copy.deepcopy(ind)
            if f"ind:chg:{name}" in accepted and name in pairs:
                revised = new_inds[pairs[name]]
                row["name"] = revised["name"]
                for f in INDICATOR_FIELDS:
                    row[f] = copy.deepcopy(revised.get(f))
                if revised.get("formula"):
                    row["formula"] = revised["formula"]
            out.append(row)
        for name, ind in new_inds.items():
            if name not in paired_new and f"ind:add:{name}" in accepted:
                out.append(copy.deepcopy(ind))
        return out

    merged["indicators"] = _merge_order(
        current.get("indicators") or [], new.get("indicators") or [], "name", indicators_included
    )

    # phases
    cur_phases = {p["name"]: p for p in current.get("phases") or []}
    new_phases = {p["name"]: p for p in new.get("phases") or []}

    def phases_included():
        out = []
        for name, ph in cur_phases.items():
            if name not in new_phases and f"phase:del:{name}" in accepted:
                continue
            row = copy.deepcopy(ph)
            if f"phase:chg:{name}" in accepted and name in new_phases:
                for f in PHASE_FIELDS:
                    row[f] = new_phases[name].get(f)
            out.append(row)
        for name, ph in new_phases.items():
            if name not in cur_phases and f"phase:add:{name}" in accepted:
                out.append(copy.deepcopy(ph))
        return out

    merged["phases"] = _merge_order(
        current.get("phases") or [], new.get("phases") or [], "name", phases_included
    )
    return merged


def _task_merged(old: dict, new: dict | None, accepted: set[str], agency_key) -> dict:
    row = copy.deepcopy(old)
    if new is None:
        return row
    number = old["number"]
    if f"task:chg:{number}" in accepted:
        for f in TASK_FIELDS:
            row[f] = new.get(f)
    before, after = _roles(old, agency_key), _roles(new, agency_key)
    final = dict(before)
    for akey in set(before) | set(after):
        if f"asg:{number}:{akey}" not in accepted:
            continue
        if akey in after:
            final[akey] = after[akey]
        else:
            final.pop(akey, None)
    order = list(after) + [k for k in before if k not in after]
    ranked = sorted(final, key=lambda k: order.index(k) if k in order else len(order))
    row["lead"] = [final[k][1] for k in ranked if final[k][0] == "lead"]
    row["support"] = [final[k][1] for k in ranked if final[k][0] == "support"]
    return row


def reimport_changes(*, draft: PlanImportDraft) -> list[Change]:
    """The diff a revised-plan draft proposes, with the reported data each removal would hit."""
    from indicators.models import Indicator
    from tasks.models import Task

    from .selectors import programme_to_canonical

    programme = draft.target_programme
    current = programme_to_canonical(programme=programme)
    new = review_to_canonical(draft.review)
    key = _agency_key_fn(city=draft.city, matches=agency_matches(draft=draft))
    changes = canonical_diff(current=current, new=new, agency_key=key)
    for change in changes:
        if change.action != "removed":
            continue
        if change.entity == "task":
            obj = Task.objects.filter(programme=programme, number=change.key).first()
        elif change.entity == "indicator":
            obj = Indicator.objects.filter(programme=programme, name=change.key).first()
        else:
            obj = None
        if obj is not None:
            change.data = attached_data(obj)
    return changes


# --- confirming ---------------------------------------------------------------------------


@dataclass
class ConfirmResult:
    programme: Programme
    kept: list[str] = field(default_factory=list)  # messages: removals refused to keep data
    applied: int = 0


def draft_validation_errors(*, draft: PlanImportDraft) -> list[CanonicalError]:
    """Problems that stop a new-programme draft from being confirmed, with JSON paths
    (``$.tasks[3].lead[0]``) or ``@agency:<id>`` for an agency group."""
    data = review_to_canonical(draft.review, with_agencies=False)
    errors = list(validate_canonical(data))
    if draft.target_programme_id is None and isinstance(data.get("slug"), str):
        other = Programme.objects.filter(slug=data["slug"]).first()
        if other is not None:
            errors.append(
                CanonicalError(
                    "$.slug",
                    f"标识 {data['slug']} 已被方案“{other.title}”使用,请改用其他标识(如 {data['slug']}-import)。",
                )
            )
    matches = agency_matches(draft=draft)
    used = set(used_agency_names(draft.review))
    for m in matches:
        if m.status == "conflict" and set(m.names) & used:
            errors.append(CanonicalError(f"@agency:{m.group.get('_id')}", m.message))
    key = _agency_key_fn(city=draft.city, matches=matches)
    for i, task in enumerate(data.get("tasks") or []):
        if not isinstance(task, dict):
            continue
        seen: dict[str, str] = {}
        for name in [*(task.get("lead") or []), *(task.get("support") or [])]:
            if not isinstance(name, str):
                continue
            k = key(name)
            if k in seen and seen[k] != name:
                errors.append(
                    CanonicalError(f"$.tasks[{i}]", f"{seen[k]} 与 {name} 是同一单位,在本任务中出现了两次。")
                )
            seen.setdefault(k, name)
    return errors


def _restore_phase_dates(programme: Programme, reached: dict[str, object]) -> None:
    for phase in Phase.objects.filter(programme=programme):
        value = reached.get(phase.name)
        if phase.reached_on != value:
            phase.reached_on = value
            phase.save(update_fields=["reached_on"])


@transaction.atomic
def plan_draft_confirm(*, draft: PlanImportDraft, user, accepted: set[str] | None = None) -> ConfirmResult:
    """Create the programme (status draft) from the reviewed draft, or apply the accepted
    changes to the programme a revised plan is for. All or nothing; raises
    CanonicalValidationError (JSON paths) when the structure is not valid."""
    draft = PlanImportDraft.objects.select_for_update().get(pk=draft.pk)
    _require_open(draft=draft, user=user)
    matches = agency_matches(draft=draft)
    source = draft.filename or _("粘贴文本")

    if draft.target_programme_id is None:
        errors = draft_validation_errors(draft=draft)
        if errors:
            raise CanonicalValidationError(errors, source)
        data = review_to_canonical(draft.review, with_agencies=False)
        _agencies_apply(
            city=draft.city, matches=matches, used=set(used_agency_names(draft.review)), user=user
        )
        programme = programme_sync_from_canonical(
            data=data, user=user, source_text=draft.source_text, source=source
        )
        programme.status = Programme.Status.DRAFT
        programme._history_user = user
        programme.save(update_fields=["status", "updated_at"])
        result = ConfirmResult(programme=programme, applied=1)
    else:
        from .selectors import programme_to_canonical

        programme = Programme.objects.select_for_update().get(pk=draft.target_programme_id)
        require_import_into(user=user, city=programme.city)
        accepted = set(accepted or ())
        changes = {c.id: c for c in reimport_changes(draft=draft)}
        accepted &= set(changes)
        keep = {cid for cid in accepted if changes[cid].action == "removed" and changes[cid].data}
        current = programme_to_canonical(programme=programme)
        new = review_to_canonical(draft.review)
        key = _agency_key_fn(city=draft.city, matches=matches)
        merged = canonical_merge(current=current, new=new, accepted=accepted, agency_key=key, keep=keep)
        merged.pop("agencies", None)
        errors = validate_canonical(merged)
        if errors:
            raise CanonicalValidationError(_errors_to_draft(errors, merged, draft.review), source)
        used = set(used_agency_names(merged))
        _agencies_apply(city=draft.city, matches=matches, used=used, user=user)
        from indicators.models import Indicator

        for cid in sorted(accepted):  # a reworded indicator keeps its row, and its data
            c = changes[cid]
            if c.entity == "indicator" and c.action == "changed" and c.label != c.key:
                indicator = Indicator.objects.get(programme=programme, name=c.key)
                indicator.name = c.label
                indicator._history_user = user
                indicator.save(update_fields=["name"])
        reached = dict(Phase.objects.filter(programme=programme).values_list("name", "reached_on"))
        source_text = draft.source_text if accepted else None
        try:
            programme = programme_sync_from_canonical(
                data=merged, user=user, source_text=source_text, source=source
            )
        except CanonicalValidationError as exc:
            raise CanonicalValidationError(
                _errors_to_draft(exc.errors, merged, draft.review), source
            ) from exc
        _restore_phase_dates(programme, reached)
        kept = []
        for cid in sorted(keep):
            c = changes[cid]
            what = "、".join(f"{label} {n} 条" for label, n in c.data)
            noun = _("任务") if c.entity == "task" else _("指标")
            kept.append(
                _("%(noun)s“%(key)s %(label)s”已有填报数据(%(what)s),已保留,未删除。")
                % {"noun": noun, "key": c.key if c.entity == "task" else "", "label": c.label, "what": what}
            )
        result = ConfirmResult(programme=programme, kept=kept, applied=len(accepted) - len(keep))

    draft.status = PlanImportDraft.Status.CONFIRMED
    draft.programme = result.programme
    draft.confirmed_by = user if user is not None and user.is_authenticated else None
    draft.confirmed_at = timezone.now()
    draft.save(update_fields=["status", "programme", "confirmed_by", "confirmed_at", "updated_at"])
    return result


_PATH_RE = re.compile(r"^\$\.(tasks|indicators|phases|leading_group|duties|goals|funding_rules)\[(\d+)\]")


def _errors_to_draft(errors: list[CanonicalError], merged: dict, review: dict) -> list[CanonicalError]:
    """Errors of a merged document re-pointed at the draft's items where one matches."""
    out = []
    for err in errors:
        m = _PATH_RE.match(err.path)
        if m and m.group(1) in ("tasks", "indicators"):
            key = "number" if m.group(1) == "tasks" else "name"
            row = (merged.get(m.group(1)) or [])[int(m.group(2))]
            for index, item in enumerate(review.get(m.group(1)) or []):
                if item.get(key) == row.get(key):
                    out.append(CanonicalError(f"$.{m.group(1)}[{index}]{err.path[m.end() :]}", err.message))
                    break
            else:
                out.append(CanonicalError(err.path, f"(现有方案中的条目 {row.get(key)}) {err.message}"))
        else:
            out.append(err)
    return out


def errors_by_item(errors: list[CanonicalError], review: dict) -> dict[str, list[str]]:
    """CanonicalErrors keyed by the draft item they concern (``t3``, ``basics`` …)."""
    out: dict[str, list[str]] = {}
    for err in errors:
        if err.path.startswith("@agency:"):
            target = err.path.split(":", 1)[1]
            message = err.message
        else:
            m = _PATH_RE.match(err.path)
            if m:
                items = review.get(m.group(1)) or []
                index = int(m.group(2))
                target = items[index].get("_id", "general") if index < len(items) else "general"
                rest = err.path[m.end() :].lstrip(".")
                message = (
                    f"{FIELD_LABELS.get(rest.split('[')[0], rest)}: {err.message}" if rest else err.message
                )
            elif err.path.startswith(
                (
                    "$.slug",
                    "$.title",
                    "$.period",
                    "$.kind",
                    "$.doc_number",
                    "$.issue_date",
                    "$.city",
                    "$.issuer",
                    "$.notes",
                )
            ):
                target = "basics"
                rest = err.path[2:]
                message = f"{FIELD_LABELS.get(rest.split('.')[0], rest)}: {err.message}"
            else:
                target = "general"
                message = str(err)
        out.setdefault(target, []).append(message)
    return out


FIELD_LABELS = {
    "slug": "标识",
    "title": "名称",
    "kind": "类型",
    "doc_number": "文号",
    "issuer": "发文机关",
    "issue_date": "印发日期",
    "period": "实施期限",
    "city": "城市",
    "notes": "备注",
    "number": "编号",
    "section": "所属部分",
    "text": "内容",
    "lead": "牵头单位",
    "support": "配合单位",
    "name": "名称",
    "area": "领域",
    "comparator": "比较方式",
    "target": "目标值",
    "target_max": "目标上限",
    "unit": "单位",
    "deadline": "完成时限",
    "formula": "计算公式",
    "source_sentence": "原文依据",
    "start": "开始年月",
    "end": "结束年月",
    "milestone": "节点",
    "agency": "单位",
    "role": "职务",
    "person": "姓名",
}


def source_label(draft: PlanImportDraft) -> str:
    return Path(draft.filename).name if draft.filename else _("粘贴文本")
