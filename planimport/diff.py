"""Re-importing a revised plan: the diff of the revised plan against the stored programme,
the merge of the changes staff accepted, and the reported data that a removal would hit
(which is never deleted)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .agencies import _agency_key_fn, agency_matches
from .models import PlanImportDraft
from .review import review_to_canonical

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
    from programmes.selectors import programme_to_canonical
    from tasks.models import Task

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
