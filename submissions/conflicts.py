"""Two people saving the same item at once: the later save is answered, never lost, never a 500.

A form carries the version it edits (the current value row of each statistic, the current
task report). The save locks the item's `Submission` row inside its transaction, so saves of
one item run one after the other; each then compares what it edited with what is current now.
A save that edited an older version is refused with a `StaleEdit` naming who saved what and
when, in local time (此数据已被张三于 14:05 更新,请核对后再保存), with both values; the view keeps
the reporter's own input in the form. A figure the reporter did not touch is simply left as
the other person saved it. A unique-constraint race with a writer that does not lock (an
import outside rounds) is answered the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import StatisticValue
from tasks.models import TaskReport

from .models import Submission
from .selectors import user_label

REPORT_KEY = "report"


@dataclass
class Conflict:
    """One thing someone else saved after the form was opened."""

    key: str  # `CODE|area` of a statistic, or REPORT_KEY
    label: str  # what it is, as the form names it
    who: str
    at: datetime | None
    theirs: str
    yours: str

    @property
    def headline(self) -> str:
        if self.at is None:
            return _("此数据已被他人同时更新,请核对后再保存")
        return _("此数据已被%(who)s于 %(time)s 更新,请核对后再保存") % {
            "who": self.who,
            "time": timezone.localtime(self.at).strftime("%H:%M"),
        }

    @property
    def message(self) -> str:
        if not (self.theirs or self.yours):
            return _("%(headline)s。") % {"headline": self.headline}
        return _("%(headline)s:%(label)s 对方保存的是“%(theirs)s”,您填写的是“%(yours)s”。") % {
            "headline": self.headline,
            "label": self.label,
            "theirs": self.theirs,
            "yours": self.yours,
        }


class StaleEdit(ValidationError):
    """A save based on a version that is no longer current; nothing of it was written."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__([c.message for c in conflicts])


def item_lock(item: Submission) -> Submission:
    """The item's row, locked until the transaction ends: saves of one item queue here."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related(
            "round__programme", "round__closed_by", "agency", "task", "submitted_by", "reviewed_by"
        )
        .get(pk=item.pk)
    )


def number_text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def value_conflicts(
    *,
    ctx,
    by_key: dict[tuple[str, str], Decimal],
    versions: dict[str, int | None],
    current: dict,
) -> tuple[list[Conflict], set[tuple[str, str]]]:
    """(conflicts, keys to leave as the other person saved them) for a form's values.

    `versions` is `CODE|area` → the value row the form showed (None: none yet; a key left
    out is not compared); `current` is `current_values` read under the item's lock."""
    moved = {}
    for key, value in by_key.items():
        if f"{key[0]}|{key[1]}" not in versions:
            continue  # the form did not say which version it showed: nothing to compare
        seen = versions[f"{key[0]}|{key[1]}"]
        now = current.get((ctx.owned[key]["id"], key[1]))
        if (now[0] if now else None) != seen and not (now and now[1] == value):
            moved[key] = (seen, now)
    if not moved:
        return [], set()
    rows = StatisticValue.objects.select_related("reported_by__profile").in_bulk(
        [pk for seen, now in moved.values() for pk in (seen, now[0] if now else None) if pk]
    )
    conflicts, untouched = [], set()
    for key, (seen, now) in moved.items():
        before = rows[seen].value if seen in rows else None
        if before is not None and before == by_key[key]:
            untouched.add(key)  # the reporter left it as it was: keep the newer figure
            continue
        theirs = rows.get(now[0]) if now else None
        conflicts.append(
            Conflict(
                key=f"{key[0]}|{key[1]}",
                label=ctx.owned[key].get("name") or key[0],
                who=user_label(theirs.reported_by) if theirs else _("他人"),
                at=theirs.reported_at if theirs else None,
                theirs=number_text(theirs.value) if theirs else _("(已无数值)"),
                yours=number_text(by_key[key]),
            )
        )
    return conflicts, untouched


def report_conflict(*, current: TaskReport | None, seen: int | None, fields: dict) -> Conflict | None:
    """A conflict when the task report changed since the form showed version `seen` and the
    reporter's content differs from what is current now."""
    if (current.pk if current else None) == seen:
        return None
    if current is not None and all(getattr(current, k) == (v or "").strip() for k, v in fields.items()):
        return None  # both saved the same thing
    status = dict(TaskReport.Status.choices)
    return Conflict(
        key=REPORT_KEY,
        label=_("任务进展报告"),
        who=user_label(current.reported_by) if current else _("他人"),
        at=current.reported_at if current else None,
        theirs=f"{status.get(current.status, current.status)}:{current.work_done[:200]}" if current else "",
        yours=f"{status.get(fields['status'], fields['status'])}:{(fields['work_done'] or '').strip()[:200]}",
    )


def race_conflict(label: str) -> StaleEdit:
    """The answer to a unique-constraint race: someone saved the same thing at the same moment."""
    return StaleEdit([Conflict(key="", label=label, who="", at=None, theirs="", yours="")])
