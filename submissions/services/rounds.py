"""Reporting rounds: opening, closing and reopening a quarter, the items each agency owes, the
context an upload is checked against, and the lookups the command line needs."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Statistic, StatisticOwner
from indicators.validation.selectors import rule_inputs
from programmes.models import Agency, Programme
from tasks.models import Task, TaskReport

from .. import ingest
from ..models import (
    ReportingRound,
    Submission,
    previous_quarter,
)
from ..notifications import office_notify_round_gaps
from ..rounds import quarter_outside_period
from ..selectors import (
    current_values,
    due_items,
    require_review,
    statistic_info,
)

# --- rounds ---------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    programme: Programme,
    year: int,
    quarter: int,
    due_date: date,
    user,
    note: str = "",
    is_demo: bool = False,
) -> ReportingRound:
    """Open a quarter's round and list what every agency owes in it."""
    if user is not None or not is_demo:
        require_review(user=user, programme=programme)
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("季度应为 1 到 4。")})
    outside = quarter_outside_period(programme, year, quarter)
    if outside:
        raise ValidationError({"period": outside})
    if ReportingRound.objects.filter(programme=programme, year=year, quarter=quarter).exists():
        raise ValidationError(
            {"period": _("%(y)s年第%(q)s季度的填报轮次已经开启过了。") % {"y": year, "q": quarter}}
        )
    round = ReportingRound.objects.create(
        programme=programme,
        year=year,
        quarter=quarter,
        due_date=due_date,
        note=note,
        opened_by=user,
        is_demo=is_demo,
    )
    round_items_sync(round=round, user=user, check=False)
    return round


@transaction.atomic
def round_items_sync(*, round: ReportingRound, user, check: bool = True) -> dict:
    """Bring a round's items in line with who reports what now: add what is newly due, drop
    items no longer due that nobody has started. Idempotent."""
    if check:
        require_review(user=user, programme=round.programme)
    owed = due_items(programme=round.programme)
    existing = {(s.agency_id, s.kind, s.task_id): s for s in round.submissions.all()}
    wanted = set()
    new = []
    for agency_id, items in owed.items():
        if items["statistics"]:
            wanted.add((agency_id, Submission.Kind.STATISTICS, None))
        for task, role in items["tasks"]:
            wanted.add((agency_id, Submission.Kind.TASK, task.pk))
            if (agency_id, Submission.Kind.TASK, task.pk) not in existing:
                new.append(
                    Submission(
                        round=round, agency_id=agency_id, kind=Submission.Kind.TASK, task=task, role=role
                    )
                )
    for key in wanted:
        if key[1] == Submission.Kind.STATISTICS and key not in existing:
            new.append(Submission(round=round, agency_id=key[0], kind=Submission.Kind.STATISTICS))
    Submission.objects.bulk_create(new)
    stale = [
        s.pk for key, s in existing.items() if key not in wanted and s.state == Submission.State.NOT_STARTED
    ]
    Submission.objects.filter(pk__in=stale).delete()
    return {"added": len(new), "removed": len(stale)}


@transaction.atomic
def round_close(*, round: ReportingRound, user) -> ReportingRound:
    require_review(user=user, programme=round.programme)
    round.status, round.closed_at, round.closed_by = ReportingRound.Status.CLOSED, timezone.now(), user
    round.save(update_fields=["status", "closed_at", "closed_by"])
    office_notify_round_gaps(round=round)
    return round


@transaction.atomic
def round_reopen(*, round: ReportingRound, user, due_date: date | None = None) -> ReportingRound:
    require_review(user=user, programme=round.programme)
    round.status, round.closed_at, round.closed_by = ReportingRound.Status.OPEN, None, None
    if due_date:
        round.due_date = due_date
    round.save(update_fields=["status", "closed_at", "closed_by", "due_date"])
    return round


def round_for_period(*, programme: Programme, year: int, quarter: int) -> ReportingRound | None:
    return ReportingRound.objects.filter(programme=programme, year=year, quarter=quarter).first()


# --- checking context -----------------------------------------------------------------------


def round_context(*, round: ReportingRound, agency: Agency) -> ingest.RoundContext:
    """What an upload for this round and agency is checked against. Plain values, no model
    instances: an agency may report a statistic for thousands of districts."""
    programme = round.programme
    # .order_by(): Meta.ordering would join programme, city and statistic and sort every
    # row by collation (1.3 s of a 100,000-row upload's 1.4 s); the order is set below.
    owned_pairs = list(
        StatisticOwner.objects.filter(programme=programme, agency=agency)
        .order_by()
        .values_list("statistic_id", "area")
    )
    stat_ids = {stat_id for stat_id, _area in owned_pairs}
    infos = {s.pk: statistic_info(s) for s in Statistic.objects.filter(pk__in=stat_ids)}
    # by code, then area: missing rows are listed in that order
    owned_pairs.sort(key=lambda pair: (infos[pair[0]]["code"], pair[1]))
    catalogue = {
        code: {"name": name}
        for code, name in Statistic.objects.for_city(programme.city_id).values_list("code", "name")
    }
    owned = {(infos[stat_id]["code"], area): infos[stat_id] for stat_id, area in owned_pairs}
    py, pq = previous_quarter(round.year, round.quarter)
    previous = {
        key: value
        for key, (_pk, value, _v) in current_values(
            programme=programme, year=py, quarter=pq, statistic_ids=stat_ids
        ).items()
    }
    tasks = {
        s.task.number: {"id": s.task_id, "title": s.task.title, "role": s.role}
        for s in round.submissions.filter(agency=agency, kind=Submission.Kind.TASK).select_related("task")
    }
    names = {agency.name, agency.short_name, *agency.aliases.values_list("name", flat=True)}
    return ingest.RoundContext(
        programme_slug=programme.slug,
        programme_title=programme.title,
        agency_id=agency.pk,
        agency_names=names,
        agency_name=agency.name,
        year=round.year,
        quarter=round.quarter,
        catalogue=catalogue,
        owned=owned,
        tasks=tasks,
        previous=previous,
        status_labels={str(label): value for value, label in TaskReport.Status.choices},
        rules=rule_inputs(programme=programme, year=round.year, quarter=round.quarter),
    )


def _statistics_item(round: ReportingRound, agency: Agency) -> Submission:
    item = round.submissions.select_related("round", "submitted_by", "reviewed_by").filter(
        agency=agency, kind=Submission.Kind.STATISTICS
    )
    item = item.first()
    if item is None:
        raise ValidationError(_("本单位在 %(label)s 没有需要填报的统计数据。") % {"label": round.label})
    return item


def _task_item(round: ReportingRound, agency: Agency, task: Task) -> Submission:
    item = round.submissions.select_related("round", "submitted_by", "reviewed_by").filter(
        agency=agency, kind=Submission.Kind.TASK, task=task
    )
    item = item.first()
    if item is None:
        raise ValidationError(_("本单位在 %(label)s 不需要报告该任务。") % {"label": round.label})
    return item


# --- lookups the command line needs ---------------------------------------------------------


def agency_lookup(*, text: str) -> Agency:
    """An agency by id, or by `城市/机构` (e.g. 武汉市/市科技局, a name or an alias)."""
    from programmes.models import City
    from programmes.services import agency_resolve

    text = (text or "").strip()
    if text.isdigit():
        agency = Agency.objects.filter(pk=int(text)).select_related("city").first()
        if agency:
            return agency
        raise ValidationError(_("没有编号为 %(id)s 的单位。") % {"id": text})
    city_name, _sep, name = text.partition("/")
    if not name:
        raise ValidationError(_("单位请写作“编号”或“城市/机构”,例如 武汉市/市科技局。"))
    city = (
        City.objects.filter(name=city_name.strip()).first()
        or City.objects.filter(name=city_name.strip() + "市").first()
    )
    if city is None:
        raise ValidationError(_("没有找到城市“%(c)s”。") % {"c": city_name})
    agency = agency_resolve(city=city, name=name.strip())
    if agency is None:
        raise ValidationError(_("在%(c)s没有找到单位“%(n)s”。") % {"c": city.name, "n": name})
    return agency


def round_for_agency(*, agency: Agency, year: int, quarter: int) -> ReportingRound:
    """The one open or closed round of that quarter in which the agency owes items."""
    rounds = list(
        ReportingRound.objects.filter(year=year, quarter=quarter, submissions__agency=agency)
        .select_related("programme")
        .distinct()
    )
    if not rounds:
        raise ValidationError(
            _("%(a)s 在 %(y)s年第%(q)s季度没有填报轮次(请先由办公室开启该季度的填报)。")
            % {"a": agency.name, "y": year, "q": quarter}
        )
    if len(rounds) > 1:
        with_stats = [
            r for r in rounds if r.submissions.filter(agency=agency, kind=Submission.Kind.STATISTICS).exists()
        ]
        if len(with_stats) == 1:
            return with_stats[0]
        raise ValidationError(
            _("%(a)s 在该季度有多个方案的填报轮次:%(list)s")
            % {"a": agency.name, "list": "、".join(r.programme.slug for r in rounds)}
        )
    return rounds[0]
