"""The one guard before a plan object is deleted: reported data is never deleted with it.

`holders_of(obj)` counts what was reported against a programme, task, indicator, phase,
agency or statistic (task reports, evidence files, statistic values, uploads, milestone
records, started submissions, reports, ledger lines …). An object that holds data is not
deleted: `delete_or_refuse` raises `PlanObjectInUse` whose message says what holds it
(该任务已有 12 条填报和 3 个证明材料) and offers 停用 (`plan_object_archive`): the object
leaves new rounds and stays, with its data, in history and reports. The views, the
canonical sync (`programme_sync_from_canonical`) and the plan re-import all call this
module; the foreign keys from reported data to the plan are PROTECT as the last line.

Counts are named by model label ("tasks.TaskReport"), looked up through the app registry,
so this low room does not import the rooms above it."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import require

# What counts as reported data, with the words a user reads: model label → unit phrase.
UNITS = {
    "tasks.TaskReport": gettext_lazy("%(n)s 条填报"),
    "tasks.EvidenceFile": gettext_lazy("%(n)s 个证明材料"),
    "submissions.Submission": gettext_lazy("%(n)s 个已开始的填报事项"),
    "indicators.StatisticValue": gettext_lazy("%(n)s 条统计数据"),
    "indicators.StatisticUpload": gettext_lazy("%(n)s 个上传文件"),
    "indicators.StatisticOwner": gettext_lazy("%(n)s 项填报分工"),
    "indicators.MilestoneCompletion": gettext_lazy("%(n)s 条里程碑完成记录"),
    "programmes.FundingExpense": gettext_lazy("%(n)s 条资金台账"),
    "reports.Report": gettext_lazy("%(n)s 份报告"),
    "tasks.TaskAssignment": gettext_lazy("%(n)s 项任务分工"),
    "programmes.LeadingGroupMember": gettext_lazy("%(n)s 个领导小组席位"),
    "programmes.AgencyDuty": gettext_lazy("%(n)s 条成员单位职责"),
    "phase.reached": gettext_lazy("%(n)s 个完成日期记录"),
}

# Which rows hold data for each kind of plan object: model label → [(holder, lookup to obj)].
HOLDERS = {
    "programmes.Programme": [
        ("tasks.TaskReport", "task__programme"),
        ("tasks.EvidenceFile", "task__programme"),
        ("indicators.StatisticValue", "programme"),
        ("indicators.StatisticUpload", "programme"),
        ("indicators.MilestoneCompletion", "indicator__programme"),
        ("submissions.Submission", "round__programme"),
        ("programmes.FundingExpense", "programme"),
        ("reports.Report", "programme"),
    ],
    "tasks.Task": [
        ("tasks.TaskReport", "task"),
        ("tasks.EvidenceFile", "task"),
        ("submissions.Submission", "task"),
        ("programmes.FundingExpense", "task"),
    ],
    "indicators.Indicator": [("indicators.MilestoneCompletion", "indicator")],
    "programmes.Phase": [],
    "programmes.Agency": [
        ("tasks.TaskReport", "agency"),
        ("tasks.EvidenceFile", "agency"),
        ("indicators.StatisticValue", "agency"),
        ("indicators.StatisticUpload", "agency"),
        ("submissions.Submission", "agency"),
        ("programmes.FundingExpense", "agency"),
        ("reports.Report", "agency"),
        ("tasks.TaskAssignment", "agency"),
        ("indicators.StatisticOwner", "agency"),
        ("programmes.LeadingGroupMember", "agency"),
        ("programmes.AgencyDuty", "agency"),
    ],
    "indicators.Statistic": [
        ("indicators.StatisticValue", "statistic"),
        ("indicators.StatisticOwner", "statistic"),
    ],
}

NOUNS = {
    "programmes.Programme": gettext_lazy("该方案"),
    "tasks.Task": gettext_lazy("该任务"),
    "indicators.Indicator": gettext_lazy("该指标"),
    "programmes.Phase": gettext_lazy("该阶段"),
    "programmes.Agency": gettext_lazy("该单位"),
    "indicators.Statistic": gettext_lazy("该统计数据项"),
}


class PlanObjectInUse(ValidationError):
    """Deleting would lose reported data. `holders` is {label: count}; `can_archive` says
    whether 停用 is offered instead."""

    def __init__(self, message: str, *, holders: dict[str, int], can_archive: bool):
        super().__init__(message, code="in_use")
        self.holders = holders
        self.can_archive = can_archive


def _label(obj_or_model) -> str:
    return obj_or_model._meta.label


def _not_started(qs):
    """Items nobody touched are not data: a round lists them, and they go with the object."""
    return qs.filter(state="not_started", events__isnull=True)


def holders_of(obj: models.Model) -> dict[str, int]:
    """What holds reported (or plan) data against `obj`: {model label: count}, only the
    non-zero ones, in the order of UNITS. An empty dict: deleting loses nothing."""
    label = _label(obj)
    counts: dict[str, int] = {}
    for holder, lookup in HOLDERS.get(label, []):
        qs = apps.get_model(holder).objects.filter(**{lookup: obj})
        if holder == "submissions.Submission":
            qs = qs.exclude(pk__in=_not_started(qs).values("pk"))
        n = qs.count()
        if n:
            counts[holder] = n
    if label == "programmes.Phase" and obj.reached_on:
        counts["phase.reached"] = 1
    return {key: counts[key] for key in UNITS if key in counts}


def holders_text(holders: dict[str, int]) -> str:
    parts = [str(UNITS[key]) % {"n": n} for key, n in holders.items()]
    if len(parts) > 1:
        return _("%(list)s和 %(last)s") % {"list": "、".join(parts[:-1]), "last": parts[-1]}
    return parts[0] if parts else ""


def refusal_message(obj: models.Model, holders: dict[str, int]) -> str:
    noun = NOUNS.get(_label(obj), _("该对象"))
    text = _("%(noun)s已有 %(what)s,不能删除。") % {"noun": noun, "what": holders_text(holders)}
    if is_archivable(obj):
        text += _("可以改为“停用”:不再列入新的填报轮次,历史记录和报告中仍然保留。")
    return text


def is_archivable(obj) -> bool:
    return any(f.name == "is_archived" for f in obj._meta.get_fields())


def _require_edit(obj, user) -> None:
    """The plan's edit rule: the programme's for its objects, the agency's for an agency."""
    label = _label(obj)
    if label == "programmes.Agency":
        require(user, "agency.edit", obj)
    elif label == "indicators.Statistic":
        require(user, "statistic.edit", obj)
    else:
        require(user, "programme.edit", obj if label == "programmes.Programme" else obj.programme)


def _refuse(obj, holders) -> PlanObjectInUse:
    return PlanObjectInUse(refusal_message(obj, holders), holders=holders, can_archive=is_archivable(obj))


def _delete(obj, user) -> None:
    holders = holders_of(obj)
    if holders:
        raise _refuse(obj, holders)
    label = _label(obj)
    Submission = apps.get_model("submissions.Submission")
    if label in ("tasks.Task", "programmes.Agency"):
        key = "task" if label == "tasks.Task" else "agency"
        _not_started(Submission.objects.filter(**{key: obj})).delete()
    obj._history_user = user
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as exc:  # a holder this module does not know yet: still refused
        found: dict[str, int] = {}
        for row in exc.protected_objects:
            found[_label(row)] = found.get(_label(row), 0) + 1
        names = "、".join(f"{n} {apps.get_model(k)._meta.verbose_name}" for k, n in found.items())
        raise PlanObjectInUse(
            _("%(noun)s已有 %(what)s,不能删除。") % {"noun": NOUNS.get(label, _("该对象")), "what": names},
            holders=found,
            can_archive=is_archivable(obj),
        ) from exc


@transaction.atomic
def delete_or_refuse(*, obj: models.Model, user) -> None:
    """Delete `obj` if nothing was reported against it; else raise PlanObjectInUse (a
    ValidationError) saying what holds it, and change nothing."""
    _require_edit(obj, user)
    _delete(obj, user)


def _set_archived(obj, *, archived: bool, user) -> models.Model:
    if not is_archivable(obj):
        raise ValidationError(_("该对象不能停用。"))
    obj.is_archived = archived
    obj.archived_at = timezone.now() if archived else None
    obj.archived_by = user if archived and getattr(user, "pk", None) else None
    obj._history_user = user
    obj.save(update_fields=["is_archived", "archived_at", "archived_by"])
    return obj


@transaction.atomic
def plan_object_archive(*, obj: models.Model, user) -> models.Model:
    """停用: out of new rounds, kept (with its data) in history and reports. Audited."""
    _require_edit(obj, user)
    return _set_archived(obj, archived=True, user=user)


@transaction.atomic
def plan_object_restore(*, obj: models.Model, user) -> models.Model:
    """恢复 an archived object: it is listed in new rounds again."""
    _require_edit(obj, user)
    return _set_archived(obj, archived=False, user=user)


def delete_or_archive(*, obj: models.Model, user, reason: str = "") -> str | None:
    """For the canonical sync and the plan re-import, which drop objects a revised plan no
    longer lists: delete what holds nothing; archive what holds data (already archived:
    nothing). Returns the sentence to show in the sync's result, or None when deleted.
    The caller has checked the programme's edit rule; no permission check here."""
    holders = holders_of(obj)
    if not holders:
        _delete(obj, user)
        return None
    if not is_archivable(obj):
        raise _refuse(obj, holders)
    if obj.is_archived:
        return None
    _set_archived(obj, archived=True, user=user)
    return _("%(obj)s 已有 %(what)s,已停用而未删除%(reason)s。") % {
        "obj": obj,
        "what": holders_text(holders),
        "reason": f"({reason})" if reason else "",
    }
