"""Plan import writes: from a plan's file or pasted text to a reviewed programme.

The reading and parsing are ``planimport.parsing`` (pure Python). Here are the writes:

- ``plan_draft_create``: read and parse a plan into a ``PlanImportDraft`` (nothing else is
  stored; bad input raises ``PlanImportError`` with its Chinese message);
- ``plan_draft_item_save`` / ``plan_draft_item_delete`` / ``plan_draft_basics_save``: staff
  edits of the extracted items;
- ``plan_draft_confirm``: validate and create the programme (status draft) in one
  transaction, or, for a revised plan, apply only the changes staff accepted to the
  existing programme, never dropping a task or indicator that already has reported data.

The management command ``import_plan`` and the review page both go through these. Who may
import into which city is ``accounts.permissions`` ("programme.import" on the City).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can, require
from programmes.canonical import CanonicalError, CanonicalValidationError, validate_canonical
from programmes.models import City, Phase, Programme
from programmes.services import programme_sync_from_canonical

from .agencies import _agencies_apply, _agency_key_fn, agency_matches
from .diff import canonical_merge, reimport_changes
from .models import PlanImportDraft
from .parsing import DecodedDocument, PlanImportError, parse_plan, read_document
from .review import (
    BASIC_KEYS,
    ITEM_LISTS,
    _errors_to_draft,
    _next_id,
    agency_groups_refresh,
    deadlines_fill,
    item_find,
    review_prepare,
    review_to_canonical,
    used_agency_names,
)


def _same_city(a: str, b: str) -> bool:
    """武汉 and 武汉市 are one city."""
    return a.removesuffix("市") == b.removesuffix("市")


def require_import_into(*, user, city: City) -> None:
    """403 unless the user may import into ``city`` (``user=None``: the command line)."""
    require(user, "programme.import", city)


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
    if plan.city and not _same_city(plan.city, city.name):
        if not can(user, "plan_import.choose_city"):
            raise PlanImportError(
                _(
                    "原文是%(plan)s的方案,不能导入到%(city)s:办公室只能导入本市的方案。"
                    "如确需导入其他城市的方案,请由系统管理员选择城市后导入。"
                )
                % {"plan": plan.city, "city": city.name},
                "other_city",
            )
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
def plan_draft_confirm(
    *,
    draft: PlanImportDraft,
    user,
    accepted: set[str] | None = None,
    create_agencies: bool = False,
) -> ConfirmResult:
    """Create the programme (status draft) from the reviewed draft, or apply the accepted
    changes to the programme a revised plan is for. All or nothing; raises
    CanonicalValidationError (JSON paths) when the structure is not valid, or when agencies
    would be created that staff have not confirmed (``create_agencies``): the review page
    lists them first, and nothing is created without that confirmation."""
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
            city=draft.city,
            matches=matches,
            used=set(used_agency_names(draft.review)),
            user=user,
            confirmed=create_agencies,
        )
        programme = programme_sync_from_canonical(
            data=data, user=user, source_text=draft.source_text, source=source
        )
        programme.status = Programme.Status.DRAFT
        programme._history_user = user
        programme.save(update_fields=["status", "updated_at"])
        result = ConfirmResult(programme=programme, applied=1)
    else:
        from programmes.selectors import programme_to_canonical

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
        _agencies_apply(city=draft.city, matches=matches, used=used, user=user, confirmed=create_agencies)
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
        kept.extend(getattr(programme, "sync_notes", []))  # what the sync's delete guard archived
        result = ConfirmResult(programme=programme, kept=kept, applied=len(accepted) - len(keep))

    draft.status = PlanImportDraft.Status.CONFIRMED
    draft.programme = result.programme
    draft.confirmed_by = user if user is not None and user.is_authenticated else None
    draft.confirmed_at = timezone.now()
    draft.save(update_fields=["status", "programme", "confirmed_by", "confirmed_at", "updated_at"])
    return result
