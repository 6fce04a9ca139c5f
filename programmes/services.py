"""Every write to plans: loading a canonical document, and the edits office staff make."""

import json
import re
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from accounts.permissions import require

from .canonical import CanonicalError, CanonicalValidationError, validate_canonical
from .deletion import delete_or_archive, delete_or_refuse
from .models import (
    Agency,
    AgencyAlias,
    AgencyDuty,
    City,
    FundingRule,
    Goal,
    LeadingGroupMember,
    Phase,
    Programme,
)

FORMULA_CODE_RE = re.compile(r"\b[A-Z][A-Z0-9_]*\b")


# --- agencies ---------------------------------------------------------------------------


def agency_resolve(*, city: City, name: str) -> Agency | None:
    """The agency a printed name means in a city: its own name first, then an alias."""
    agency = Agency.objects.filter(city=city, name=name).first()
    if agency is None:
        alias = AgencyAlias.objects.select_related("agency").filter(city=city, name=name).first()
        agency = alias.agency if alias else None
    return agency


def _agency_ensure(*, city: City, name: str, aliases: list[str], collective: bool) -> Agency:
    agency = agency_resolve(city=city, name=name)
    if agency is None:
        for alias in aliases:
            agency = agency_resolve(city=city, name=alias)
            if agency:
                break
    if agency is None:
        agency = Agency.objects.create(city=city, name=name, is_collective=collective)
    elif agency.is_collective != collective:
        agency.is_collective = collective
        agency.save(update_fields=["is_collective"])
    for alias in [name, *aliases]:
        if alias != agency.name and not AgencyAlias.objects.filter(city=city, name=alias).exists():
            if not Agency.objects.filter(city=city, name=alias).exists():
                AgencyAlias.objects.create(agency=agency, name=alias)
    return agency


# --- loading a canonical document -------------------------------------------------------


def _set_fields(obj: models.Model, values: dict) -> bool:
    changed = False
    for field, value in values.items():
        current = getattr(obj, field)
        if isinstance(current, Decimal) and value is not None:
            value = Decimal(str(value))
        if current != value:
            setattr(obj, field, value)
            changed = True
    return changed


def _upsert(model, *, lookup: dict, values: dict, user=None):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._history_user = user
        obj.save()
        return obj
    if _set_fields(obj, values):
        obj._history_user = user
        obj.save()
    return obj


def _upsert_ordered(
    model, *, programme: Programme, rows: list[dict], user=None, notes: list | None = None
) -> list:
    """Rows without a natural key (goals, phases, leading group …) keyed by position."""
    objs = []
    for order, values in enumerate(rows):
        objs.append(_upsert(model, lookup={"programme": programme, "order": order}, values=values, user=user))
    _drop(model.objects.filter(programme=programme, order__gte=len(rows)), user=user, notes=notes)
    return objs


def _drop(queryset, *, user, notes: list | None) -> None:
    """Objects a revised plan no longer lists: deleted when nothing was reported against
    them, else archived (停用) and said in the sync's notes (programmes/deletion.py)."""
    for obj in queryset:
        note = delete_or_archive(obj=obj, user=user, reason=_("修订后的方案中已没有该项"))
        if note and notes is not None:
            notes.append(note)


def _statistic_codes_known(data: dict) -> tuple[set[str], list[CanonicalError]]:
    from indicators.models import Statistic

    declared = {s["code"] for s in data.get("statistics") or []}
    city = City.objects.filter(name=data.get("city")).first()
    visible = Statistic.objects.for_city(city) if city else Statistic.objects.filter(city__isnull=True)
    known = set(visible.values_list("code", flat=True)) | declared
    errors = []
    for i, ind in enumerate(data.get("indicators") or []):
        for code in FORMULA_CODE_RE.findall(ind.get("formula") or ""):
            if code not in known:
                errors.append(CanonicalError(f"$.indicators[{i}].formula", f"未知的统计数据代码 {code}"))
    for i, row in enumerate(data.get("reporting") or []):
        if row.get("statistic") not in known:
            errors.append(
                CanonicalError(f"$.reporting[{i}].statistic", f"未知的统计数据代码 {row.get('statistic')}")
            )
    return known, errors


@transaction.atomic
def programme_sync_from_canonical(
    *, data: dict, user=None, source_text: str | None = None, source: str = ""
) -> Programme:
    """Create or update a programme from a canonical document, all or nothing.

    Rows are matched by their natural keys (tasks by number, indicators by name,
    statistics by code, the rest by position) and written only when they differ, so
    loading the same document twice changes nothing, and data reported against a task or
    an indicator stays attached when the plan is revised. A task, indicator or phase the
    document no longer lists is deleted only when nothing was reported against it; else it
    is archived, and `programme.sync_notes` (a list of sentences) says so.

    Statistics the document declares belong to its city (national codes are left as they
    are), so one city's code never resolves for another.
    """
    from indicators.models import Indicator, Statistic, StatisticOwner
    from tasks.models import Task, TaskAssignment

    errors = validate_canonical(data)
    if not errors:
        errors = _statistic_codes_known(data)[1]
    if errors:
        raise CanonicalValidationError(errors, source)

    city, _created = City.objects.get_or_create(name=data["city"])
    if data.get("province") and city.province != data["province"]:
        city.province = data["province"]
        city.save(update_fields=["province"])

    for entry in data.get("agencies") or []:
        _agency_ensure(
            city=city,
            name=entry["name"],
            aliases=entry.get("aliases", []),
            collective=entry.get("collective", False),
        )

    def agency_for(name: str) -> Agency:
        agency = agency_resolve(city=city, name=name)
        if agency is None:  # documents without an agencies list (importer drafts) propose new ones
            agency = Agency.objects.create(city=city, name=name, is_collective=name.startswith("各"))
        return agency

    values = {
        "city": city,
        "kind": data.get("kind") or Programme.Kind.DEMONSTRATION_CITY,
        "title": data["title"],
        "doc_number": data.get("doc_number"),
        "issuer": data.get("issuer") or "",
        "issue_date": data.get("issue_date"),
        "period_start": data["period"]["start"],
        "period_end": data["period"]["end"],
        "source_file": data.get("source_file") or "",
        "notes": data.get("notes") or "",
    }
    if source_text is not None:
        values["source_text"] = source_text
    programme = _upsert(Programme, lookup={"slug": data["slug"]}, values=values, user=user)
    notes: list[str] = []

    _upsert_ordered(
        Goal,
        programme=programme,
        user=user,
        rows=[
            {"area": g["area"], "title": g["title"], "text": g.get("text") or ""}
            for g in data.get("goals") or []
        ],
    )
    _upsert_ordered(
        Phase,
        programme=programme,
        user=user,
        notes=notes,
        rows=[
            {"name": p["name"], "start": p["start"], "end": p["end"], "milestone": p.get("milestone")}
            for p in data["phases"]
        ],
    )
    _upsert_ordered(
        LeadingGroupMember,
        programme=programme,
        user=user,
        rows=[
            {
                "agency": agency_for(r["agency"]),
                "printed_agency": r["agency"],
                "role": r["role"],
                "person": r.get("person"),
                "title": r.get("title"),
            }
            for r in data.get("leading_group") or []
        ],
    )
    _upsert_ordered(
        FundingRule,
        programme=programme,
        user=user,
        rows=[
            {
                "name": r["name"],
                "kind": r["kind"],
                "category": r.get("category"),
                "source": r.get("source"),
                "threshold": Decimal(str(r["threshold"])),
                "unit": r["unit"],
                "source_sentence": r.get("source_sentence") or "",
            }
            for r in data.get("funding_rules") or []
        ],
    )

    national = set(Statistic.objects.filter(city__isnull=True).values_list("code", flat=True))
    for stat in data.get("statistics") or []:
        if stat["code"] in national:
            continue
        _upsert(
            Statistic,
            lookup={"city": city, "code": stat["code"]},
            values={"name": stat["name"], "unit": stat["unit"], "aggregation": stat["aggregation"]},
            user=user,
        )

    keep_names = []
    for order, ind in enumerate(data["indicators"]):
        keep_names.append(ind["name"])
        # The baseline a plan prints (an indicator table) is kept; a document without one
        # leaves what the programme has (computed from the baseline year's statistics).
        baseline = {}
        if "baseline" in ind:
            baseline["baseline_value"] = None if ind["baseline"] is None else Decimal(str(ind["baseline"]))
        if "baseline_year" in ind:
            baseline["baseline_year"] = ind["baseline_year"]
        _upsert(
            Indicator,
            lookup={"programme": programme, "name": ind["name"]},
            user=user,
            values={
                **baseline,
                "order": order,
                "area": ind["area"],
                "kind": ind["kind"],
                "comparator": ind["comparator"],
                "target": Decimal(str(ind["target"])),
                "target_max": None if ind.get("target_max") is None else Decimal(str(ind["target_max"])),
                "unit": ind["unit"],
                "deadline": ind["deadline"],
                "formula": ind.get("formula"),
                "source_sentence": ind.get("source_sentence") or "",
            },
        )
    _drop(Indicator.objects.filter(programme=programme).exclude(name__in=keep_names), user=user, notes=notes)

    tasks_by_number = {}
    for order, row in enumerate(data["tasks"]):
        task = _upsert(
            Task,
            lookup={"programme": programme, "number": row["number"]},
            user=user,
            values={
                "order": order,
                "section": row.get("section"),
                "title": row["title"],
                "text": row.get("text") or "",
            },
        )
        tasks_by_number[row["number"]] = task
        wanted = []
        for role, names in (
            (TaskAssignment.Role.LEAD, row.get("lead") or []),
            (TaskAssignment.Role.SUPPORT, row.get("support") or []),
        ):
            for position, name in enumerate(names):
                wanted.append((agency_for(name), role, name, position))
        seen_agencies = set()
        for agency, role, printed, position in wanted:
            if agency.pk in seen_agencies:
                raise CanonicalValidationError(
                    [
                        CanonicalError(
                            f"$.tasks[{order}]", f"单位 {printed} 在同一任务中出现两次(可能是别名重复)"
                        )
                    ],
                    source,
                )
            seen_agencies.add(agency.pk)
            _upsert(
                TaskAssignment,
                lookup={"task": task, "agency": agency},
                user=user,
                values={"role": role, "printed_name": printed, "order": position},
            )
        TaskAssignment.objects.filter(task=task).exclude(agency_id__in=seen_agencies).delete()
    _drop(
        Task.objects.filter(programme=programme).exclude(number__in=list(tasks_by_number)),
        user=user,
        notes=notes,
    )

    duties = _upsert_ordered(
        AgencyDuty,
        programme=programme,
        user=user,
        rows=[
            {"agency": agency_for(d["agency"]), "printed_agency": d["agency"], "text": d["text"]}
            for d in data.get("duties") or []
        ],
    )
    for duty, row in zip(duties, data.get("duties") or [], strict=True):
        wanted_ids = {tasks_by_number[n].pk for n in row["tasks"]}
        if set(duty.tasks.values_list("pk", flat=True)) != wanted_ids:
            duty.tasks.set(wanted_ids)

    keep_owner_ids = []
    for row in data.get("reporting") or []:
        owner = _upsert(
            StatisticOwner,
            lookup={
                "programme": programme,
                "statistic": Statistic.objects.for_city(city).get(code=row["statistic"]),
                "area": row.get("area", ""),
            },
            values={"agency": agency_for(row["agency"]), "printed_agency": row["agency"]},
            user=user,
        )
        keep_owner_ids.append(owner.pk)
    StatisticOwner.objects.filter(programme=programme).exclude(pk__in=keep_owner_ids).delete()
    programme.sync_notes = notes
    return programme


def seed_files(directory: Path | None = None) -> list[Path]:
    from django.conf import settings

    directory = directory or settings.SEED_DATA_DIR
    return sorted(Path(directory).glob("*.json"))


def seed_file_read(path: Path) -> dict:
    """A seed file parsed, or CanonicalValidationError naming the file and the reason."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CanonicalValidationError([CanonicalError("$", f"不是 UTF-8 编码: {exc}")], str(path)) from exc
    except json.JSONDecodeError as exc:
        raise CanonicalValidationError(
            [CanonicalError("$", f"JSON 语法错误,第 {exc.lineno} 行第 {exc.colno} 列: {exc.msg}")], str(path)
        ) from exc


@transaction.atomic
def seed_programmes_load(*, paths: list[Path], user=None) -> list[Programme]:
    """Load seed files all or nothing: one malformed file rolls every file back."""
    loaded = []
    for path in paths:
        data = seed_file_read(path)
        text_path = Path(path).parent / "texts" / (data.get("source_file") or "")
        source_text = (
            text_path.read_text(encoding="utf-8") if data.get("source_file") and text_path.is_file() else None
        )
        loaded.append(
            programme_sync_from_canonical(data=data, user=user, source_text=source_text, source=str(path))
        )
    return loaded


# --- edits by office staff ---------------------------------------------------------------


# Sent inside the save's transaction with the names of the fields that changed (all of them
# for a new object). Higher rooms react without programmes importing them: the indicators
# room enqueues a recompute on commit when an indicator's definition changed (issue 10).
# A receiver may return a JobRun; they are on `obj.follow_up_jobs` for the view to show.
plan_object_saved = Signal()


def _changed_fields(obj: models.Model) -> set[str]:
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    before = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None
    if before is None:
        return {f.name for f in fields}
    return {f.name for f in fields if getattr(before, f.attname) != getattr(obj, f.attname)}


def plan_object_save(*, obj: models.Model, programme: Programme, user) -> models.Model:
    """Validate and save one plan object (phase, indicator, budget …), audited with the user."""
    require(user, "programme.edit", programme)
    if hasattr(obj, "programme_id") and obj.programme_id != programme.pk:
        raise ValidationError(_("对象不属于该方案。"))
    obj.full_clean()
    obj._history_user = user
    with transaction.atomic():
        changed = _changed_fields(obj)
        obj.save()
        responses = plan_object_saved.send(sender=type(obj), obj=obj, changed=changed, user=user)
    obj.follow_up_jobs = [job for _receiver, job in responses if job is not None]
    return obj


def plan_object_delete(*, obj: models.Model, programme: Programme, user) -> None:
    """Delete a plan object that holds no reported data; else `PlanObjectInUse` (a
    ValidationError naming what holds it) and nothing changes (programmes/deletion.py)."""
    require(user, "programme.edit", programme)
    if hasattr(obj, "programme_id") and obj.programme_id != programme.pk:
        raise ValidationError(_("对象不属于该方案。"))
    delete_or_refuse(obj=obj, user=user)


def programme_create(*, city: City, user, values: dict) -> Programme:
    """A new programme of the office's own city, typed in by staff (status draft)."""
    require(user, "programme.create", city, _("只有本市领导小组办公室可以新建方案。"))
    programme = Programme(city=city, **values)
    programme.full_clean()
    programme._history_user = user
    with transaction.atomic():
        programme.save()
    return programme


def programme_update(*, programme: Programme, user, values: dict) -> Programme:
    require(user, "programme.edit", programme)
    _set_fields(programme, values)
    programme.full_clean()
    programme._history_user = user
    programme.save()
    return programme


@transaction.atomic
def agency_save(*, agency: Agency, aliases: list[str], user) -> Agency:
    """Save an agency and make `aliases` exactly its other printed names."""
    rule = "agency.edit" if agency.pk else "agency.create"
    require(user, rule, agency if agency.pk else agency.city, _("只有本市领导小组办公室可以维护成员单位。"))
    agency.full_clean()
    agency._history_user = user
    agency.save()
    agency.aliases.exclude(name__in=aliases).delete()
    for name in aliases:
        if name != agency.name:
            AgencyAlias.objects.get_or_create(agency=agency, name=name, defaults={"city": agency.city})
    return agency
