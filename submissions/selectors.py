"""Reads for reporting, every one scoped through accounts.selectors.

A reporter sees only its own agency's items (anything else is 404); office staff see their
city's programmes and review them; evaluators read. Writes are checked again in services."""

from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can
from accounts.selectors import (
    programme_get_for_user,
    programme_list_for_user,
    user_agency,
    visible_agency_ids,
)
from indicators.models import Statistic, StatisticOwner, StatisticValue
from programmes.models import Agency, Programme
from tasks.models import Task, TaskAssignment, TaskReport

from .models import Notification, ReportingRound, Submission, SubmissionEvent, period_parse, previous_quarter

# --- who may do what ----------------------------------------------------------------------


def can_report_for(*, user, agency: Agency) -> bool:
    """Only a reporter of the agency (or a superuser) enters its figures; `user=None` is
    the command line, recorded as such."""
    return can(user, "submission.fill", agency)


def require_report_for(*, user, agency: Agency) -> None:
    if not can_report_for(user=user, agency=agency):
        raise PermissionDenied(
            _("只有“%(agency)s”的填报员可以填报和提交该单位的数据。") % {"agency": agency.name}
        )


def can_review(*, user, programme: Programme) -> bool:
    return can(user, "submission.review", programme)


def require_review(*, user, programme: Programme) -> None:
    if not can_review(user=user, programme=programme):
        raise PermissionDenied(_("只有本市领导小组办公室可以审核、开启或关闭填报轮次。"))


# --- rounds and agencies ------------------------------------------------------------------


def round_get_for_user(*, user, slug: str, period: str) -> ReportingRound:
    programme = programme_get_for_user(user=user, slug=slug)
    parsed = period_parse(period)
    if parsed is None:
        raise Http404(_("报告期格式不正确。"))
    return get_object_or_404(
        ReportingRound.objects.select_related("programme__city", "closed_by"),
        programme=programme,
        year=parsed[0],
        quarter=parsed[1],
    )


def agency_get_in_round_for_user(*, user, round: ReportingRound, agency_id: int) -> Agency:
    """The agency whose items a page shows: 404 for another agency's reporter."""
    visible = visible_agency_ids(user=user, programme=round.programme)
    if visible is not None and agency_id not in visible:
        raise Http404(_("没有找到该单位的填报事项,或您无权查看。"))
    agency = Agency.objects.filter(pk=agency_id, city_id=round.programme.city_id).first()
    if agency is None or not round.submissions.filter(agency=agency).exists():
        raise Http404(_("没有找到该单位的填报事项,或您无权查看。"))
    return agency


def rounds_for_programme(*, programme: Programme) -> QuerySet[ReportingRound]:
    return programme.reporting_rounds.select_related("programme").order_by("-year", "-quarter")


def submission_list_for_user(*, user) -> QuerySet[Submission]:
    qs = Submission.objects.filter(round__programme__in=programme_list_for_user(user=user))
    visible = visible_agency_ids(user=user)
    if visible is not None:
        qs = qs.filter(agency_id__in=visible)
    return qs


def submission_get_for_user(*, user, pk: int) -> Submission:
    submission = (
        submission_list_for_user(user=user)
        .select_related("round__programme__city", "agency", "task", "reviewed_by", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404(_("没有找到该填报事项,或您无权查看。"))
    return submission


def agency_items(*, round: ReportingRound, agency: Agency) -> list[Submission]:
    return list(
        round.submissions.filter(agency=agency)
        .select_related("task", "reviewed_by__profile", "submitted_by__profile", "round__programme")
        .order_by("kind", "task__order")
    )


def due_items(*, programme: Programme) -> dict[int, dict]:
    """What each agency owes every round: agency id → {"statistics": bool, "tasks": [(task, role)]}."""
    owed: dict[int, dict] = defaultdict(lambda: {"statistics": False, "tasks": []})
    # archived (停用) tasks and agencies owe nothing in new rounds; their history stays
    owners = StatisticOwner.objects.filter(programme=programme, agency__is_archived=False)
    for agency_id in owners.order_by().values_list("agency_id", flat=True).distinct():
        owed[agency_id]["statistics"] = True
    assignments = TaskAssignment.objects.filter(
        task__programme=programme, task__is_archived=False, agency__is_archived=False
    ).select_related("task")
    for assignment in assignments.order_by("task__order", "role"):
        owed[assignment.agency_id]["tasks"].append((assignment.task, assignment.role))
    return owed


# --- what a round context needs for checking uploads -----------------------------------------


def statistic_info(stat: Statistic) -> dict:
    return {
        "id": stat.pk,
        "code": stat.code,
        "name": stat.name,
        "unit": stat.unit,
        "aggregation": stat.aggregation,
        "min_value": stat.min_value,
        "max_value": stat.max_value,
    }


def owned_statistics(*, programme: Programme, agency: Agency) -> list[StatisticOwner]:
    return list(
        StatisticOwner.objects.filter(programme=programme, agency=agency)
        .select_related("statistic")
        .order_by("statistic__code", "area")
    )


def current_values(*, programme: Programme, year: int, quarter: int, statistic_ids) -> dict:
    """(statistic id, area) → the current value row's (pk, value, version) for a quarter."""
    rows = (  # into a dict: no ORDER BY (Meta.ordering would add its joins and a sort)
        StatisticValue.objects.filter(
            programme=programme, year=year, quarter=quarter, is_current=True, statistic_id__in=statistic_ids
        )
        .order_by()
        .values_list("statistic_id", "area", "pk", "value", "version")
    )
    return {(s, a): (pk, v, ver) for s, a, pk, v, ver in rows}


def statistics_form_rows(*, round: ReportingRound, agency: Agency) -> list[dict]:
    """Each statistic the agency reports, with this quarter's value, last quarter's value,
    and every version of this quarter's value (the visible history)."""
    programme = round.programme
    owners = owned_statistics(programme=programme, agency=agency)
    stat_ids = {o.statistic_id for o in owners}
    py, pq = previous_quarter(round.year, round.quarter)
    previous = current_values(programme=programme, year=py, quarter=pq, statistic_ids=stat_ids)
    history = defaultdict(list)
    versions = (
        StatisticValue.objects.filter(
            programme=programme, year=round.year, quarter=round.quarter, statistic_id__in=stat_ids
        )
        .select_related("reported_by__profile", "upload")
        .order_by("statistic_id", "area", "-version")
    )
    for value in versions:
        history[(value.statistic_id, value.area)].append(value)
    rows = []
    for owner in owners:
        key = (owner.statistic_id, owner.area)
        versions_of = history.get(key, [])
        current = next((v for v in versions_of if v.is_current), None)
        rows.append(
            {
                "owner": owner,
                "statistic": owner.statistic,
                "area": owner.area,
                "key": f"{owner.statistic.code}|{owner.area}",
                "current": current,
                "previous": previous[key][1] if key in previous else None,
                "history": versions_of,
            }
        )
    return rows


def task_report_current(*, task: Task, agency: Agency, year: int, quarter: int) -> TaskReport | None:
    return (
        TaskReport.objects.filter(task=task, agency=agency, year=year, quarter=quarter, is_current=True)
        .prefetch_related("evidence")
        .select_related("reported_by")
        .first()
    )


def task_report_history(*, task: Task, agency: Agency, year: int, quarter: int) -> list[TaskReport]:
    return list(
        TaskReport.objects.filter(task=task, agency=agency, year=year, quarter=quarter)
        .select_related("reported_by__profile")
        .prefetch_related("evidence")
        .order_by("-version")
    )


def task_reports_for_task(*, user, task: Task, quarters: int = 2) -> dict:
    """The current reports on a task in its latest `quarters` reported quarters (the lead's
    first), as the user may see them, and how many older ones there are."""
    qs = TaskReport.objects.filter(task=task, is_current=True)
    visible = visible_agency_ids(user=user, programme=task.programme)
    if visible is not None:
        qs = qs.filter(agency_id__in=visible)
    periods = list(qs.order_by("-year", "-quarter").values_list("year", "quarter").distinct()[: quarters + 1])
    shown = periods[:quarters]
    if not shown:
        return {"reports": [], "older": 0}
    recent = Q()
    for year, quarter in shown:
        recent |= Q(year=year, quarter=quarter)
    leads = set(task.assignments.filter(role="lead").values_list("agency_id", flat=True))
    reports = sorted(
        qs.filter(recent).select_related("agency", "reported_by__profile").prefetch_related("evidence"),
        key=lambda r: (-r.year, -r.quarter, r.agency_id not in leads, r.agency.name),
    )
    older = qs.exclude(recent).count()
    return {"reports": reports, "older": older}


def events_of(*, submission: Submission) -> list[SubmissionEvent]:
    return list(submission.events.select_related("user__profile").order_by("at", "pk"))


def last_event(*, submission: Submission, action: str) -> SubmissionEvent | None:
    return (
        submission.events.filter(action=action).select_related("user__profile").order_by("-at", "-pk").first()
    )


def last_review_event(*, submission: Submission) -> SubmissionEvent | None:
    """The return or reopening the reporter must act on (None once resubmitted)."""
    if submission.state != Submission.State.RETURNED:
        return None
    return (
        submission.events.filter(action__in=["returned", "reopened"])
        .select_related("user__profile")
        .order_by("-at", "-pk")
        .first()
    )


def user_label(user) -> str:
    if user is None:
        return _("命令行")
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile and profile.display_name else "") or user.get_username()


def lock_reason(*, submission: Submission) -> str:
    """Why an item cannot be edited now ('' when it can): always the reason, with who and when."""
    round = submission.round
    if submission.state == Submission.State.APPROVED:
        return _(
            "已于 %(at)s 由 %(who)s 审核通过,数据已锁定。如需更正,请联系领导小组办公室说明理由后重新开放。"
        ) % {"at": _when(submission.reviewed_at), "who": user_label(submission.reviewed_by)}
    if submission.state == Submission.State.SUBMITTED:
        return _("已于 %(at)s 由 %(who)s 提交,正在等待领导小组办公室审核,审核期间不能修改。") % {
            "at": _when(submission.submitted_at),
            "who": user_label(submission.submitted_by),
        }
    if not round.is_open:
        return _(
            "%(label)s填报已于 %(at)s 由 %(who)s 关闭,不能再填报或修改。如需补报,请联系领导小组办公室。"
        ) % {
            "label": round.label,
            "at": _when(round.closed_at),
            "who": user_label(round.closed_by),
        }
    return ""


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


# --- the office's views -----------------------------------------------------------------------


def review_queue_for_user(*, user, programme: Programme | None = None) -> QuerySet[Submission]:
    qs = review_list_for_user(user=user).filter(state=Submission.State.SUBMITTED)
    if programme is not None:
        qs = qs.filter(round__programme=programme)
    return qs


def review_list_for_user(*, user) -> QuerySet[Submission]:
    """Every item of the user's scope in queue order; `filters.ReviewQueueFilter` narrows it."""
    return (
        submission_list_for_user(user=user)
        .select_related("round__programme__city", "agency", "task", "submitted_by__profile")
        .defer("round__programme__source_text")  # the plan's whole text, on every row
        .order_by("submitted_at", "pk")
    )


def review_next(*, queue: QuerySet[Submission], after: Submission) -> Submission | None:
    """The item after `after` in the (filtered) queue, else its first one other than `after`."""
    rest = queue.exclude(pk=after.pk)
    if after.submitted_at is not None:
        later = rest.filter(
            Q(submitted_at__gt=after.submitted_at) | Q(submitted_at=after.submitted_at, pk__gt=after.pk)
        ).first()
        if later is not None:
            return later
    return rest.first()


def completeness_board(
    *, round: ReportingRound, agency_ids: set[int] | None, today: date | None = None
) -> dict:
    """Agency × item: rows of agencies, a statistics column and one column per task."""
    today = today or timezone.localdate()
    qs = round.submissions.select_related("agency", "task")
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    items = list(qs)
    for item in items:
        item.round = round
    tasks = sorted({i.task for i in items if i.task_id}, key=lambda t: t.order)
    by_agency: dict[int, dict] = {}
    for item in items:
        row = by_agency.setdefault(
            item.agency_id,
            {"agency": item.agency, "statistics": None, "tasks": {}, "due": 0, "done": 0, "late": 0},
        )
        if item.kind == Submission.Kind.STATISTICS:
            row["statistics"] = item
        else:
            row["tasks"][item.task_id] = item
        row["due"] += 1
        if item.state in Submission.DONE_STATES:
            row["done"] += 1
            if item.is_late:
                row["late"] += 1
        item.shown_state = item.display_state(today)
    rows = sorted(by_agency.values(), key=lambda r: (-r["due"], r["agency"].name))
    for row in rows:
        row["cells"] = [row["tasks"].get(t.pk) for t in tasks]
    totals = {
        "due": len(items),
        "done": sum(1 for i in items if i.state in Submission.DONE_STATES),
        "approved": sum(1 for i in items if i.state == Submission.State.APPROVED),
        "late": sum(1 for i in items if i.state in Submission.DONE_STATES and i.is_late),
        "overdue": sum(1 for i in items if i.shown_state == "overdue"),
    }
    return {"tasks": tasks, "rows": rows, "totals": totals}


def reporting_rates(*, programme: Programme, agency_ids: set[int] | None, today: date | None = None) -> dict:
    """Per agency over the rounds whose due date has passed: reporting rate (items submitted
    ÷ items due) and on-time rate (submitted by the due date ÷ due), DHIS2's two rates."""
    return reporting_rates_by_programme(programmes=[programme], agency_ids=agency_ids, today=today)[
        programme.pk
    ]


def reporting_rates_by_programme(
    *, programmes, agency_ids: set[int] | None = None, today: date | None = None
) -> dict:
    """`reporting_rates` of many programmes in three queries whatever their number (the
    office and province homes): programme id → the same dict."""
    today = today or timezone.localdate()
    programmes = list(programmes)
    rounds_of: dict[int, list[ReportingRound]] = {p.pk: [] for p in programmes}
    rounds = list(
        ReportingRound.objects.filter(programme__in=programmes, due_date__lt=today).order_by(
            "programme_id", "year", "quarter"
        )
    )
    programme_of = {}
    for r in rounds:
        rounds_of[r.programme_id].append(r)
        programme_of[r.pk] = r.programme_id
    qs = Submission.objects.filter(round__in=rounds)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    stats: dict[int, dict[int, dict]] = defaultdict(dict)
    rows = qs.order_by().values_list("agency_id", "round_id", "state", "is_late")  # no sort, no joins
    for agency_id, round_id, state, is_late in rows:
        row = stats[programme_of[round_id]].setdefault(
            agency_id, {"due": 0, "done": 0, "on_time": 0, "per_round": defaultdict(lambda: [0, 0])}
        )
        row["due"] += 1
        row["per_round"][round_id][1] += 1
        if state in Submission.DONE_STATES:
            row["done"] += 1
            row["per_round"][round_id][0] += 1
            if not is_late:
                row["on_time"] += 1
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={a for per in stats.values() for a in per})}
    out = {}
    for programme in programmes:
        rows = []
        for agency_id, row in stats[programme.pk].items():
            rows.append(
                {
                    "agency": agencies[agency_id],
                    "due": row["due"],
                    "done": row["done"],
                    "on_time": row["on_time"],
                    "rate": round(100 * row["done"] / row["due"], 1) if row["due"] else None,
                    "on_time_rate": round(100 * row["on_time"] / row["due"], 1) if row["due"] else None,
                    "per_round": [row["per_round"].get(r.pk) for r in rounds_of[programme.pk]],
                }
            )
        rows.sort(key=lambda r: (r["rate"] if r["rate"] is not None else -1, r["agency"].name))
        due = sum(r["due"] for r in rows)
        out[programme.pk] = {
            "rounds": rounds_of[programme.pk],
            "rows": rows,
            "rate": round(100 * sum(r["done"] for r in rows) / due, 1) if due else None,
            "on_time_rate": round(100 * sum(r["on_time"] for r in rows) / due, 1) if due else None,
        }
    return out


def reporting_rate_totals(*, programmes, today: date | None = None) -> dict[int, dict]:
    """Each programme's overall reporting and on-time rates (the figures `reporting_rates`
    sums up), counted in the database in one query: programme id → {"rate", "on_time_rate"}.
    For pages that show only the totals, side by side (the province home)."""
    from django.db.models import Count, Q

    today = today or timezone.localdate()
    done = Q(state__in=Submission.DONE_STATES)
    rows = (
        Submission.objects.filter(round__programme__in=programmes, round__due_date__lt=today)
        .order_by()  # Meta.ordering's joins (agency, city, task, programme) would stay in
        .values("round__programme_id")
        .annotate(
            due=Count("pk"),
            done=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(is_late=False)),
        )
    )
    out = {p.pk: {"rate": None, "on_time_rate": None} for p in programmes}
    for row in rows:
        out[row["round__programme_id"]] = {
            "rate": round(100 * row["done"] / row["due"], 1),
            "on_time_rate": round(100 * row["on_time"] / row["due"], 1),
        }
    return out


def workspace_for_user(*, user, today: date | None = None) -> dict:
    """A reporter's "this quarter": the open rounds with its items and their states, and
    the rounds closed before."""
    today = today or timezone.localdate()
    agency = user_agency(user=user)
    if agency is None:
        return {"open": [], "closed": [], "agency": None}
    items = list(
        Submission.objects.filter(agency=agency, round__programme__in=programme_list_for_user(user=user))
        .select_related("round__programme", "task", "reviewed_by__profile")
        .order_by("-round__year", "-round__quarter", "round__programme__slug", "kind", "task__order")
    )
    groups: dict[int, dict] = {}
    for item in items:
        group = groups.setdefault(item.round_id, {"round": item.round, "items": [], "open": 0})
        item.shown_state = item.display_state(today)
        group["items"].append(item)
        if item.state in Submission.OPEN_STATES:
            group["open"] += 1
    open_groups = [g for g in groups.values() if g["round"].is_open]
    closed_groups = [g for g in groups.values() if not g["round"].is_open]
    return {"open": open_groups, "closed": closed_groups[:12], "agency": agency, "today": today}


def notifications_for_user(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def statistic_owners_for_user(*, user, programme: Programme) -> QuerySet[StatisticOwner]:
    qs = programme.statistic_owners.select_related("statistic", "agency").order_by("statistic__code", "area")
    visible = visible_agency_ids(user=user, programme=programme)
    if visible is not None:
        qs = qs.filter(agency_id__in=visible)
    return qs


def statistic_catalogue(*, user, q: str = "") -> QuerySet[Statistic]:
    """The catalogue a user sees (national codes and the user's city's), national first."""
    from accounts.selectors import statistic_list_for_user

    qs = (
        statistic_list_for_user(user=user)
        .select_related("city")
        .order_by(F("city_id").asc(nulls_first=True), "code")
    )
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs


def submission_prefetch_events():
    return Prefetch("events", queryset=SubmissionEvent.objects.select_related("user__profile"))


def round_counts(*, rounds, agency_ids: set[int] | None) -> dict[int, dict]:
    """Per round: items due, submitted (awaiting review), approved, returned — one query."""
    from django.db.models import Count

    qs = Submission.objects.filter(round__in=rounds)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    out: dict[int, dict] = {}
    for round_id, state, n in qs.values_list("round_id", "state").annotate(n=Count("pk")).order_by():
        row = out.setdefault(round_id, {"due": 0, "submitted": 0, "approved": 0, "returned": 0, "open": 0})
        row["due"] += n
        if state in row:
            row[state] += n
        if state in (Submission.State.NOT_STARTED, Submission.State.DRAFT):
            row["open"] += n
    return out


def statistic_values_pending_excluded(queryset):
    """Narrow the rows the indicator engine counts: a figure reported in a round counts only
    once that round's statistics item of its agency is approved (draft, submitted, returned
    or reopened items don't). Figures loaded outside any round (historical imports) count as
    they are. Registered with the engine in SubmissionsConfig.ready()."""
    from django.db.models import Exists, OuterRef

    pending = Submission.objects.filter(
        kind=Submission.Kind.STATISTICS,
        round__programme=OuterRef("programme"),
        round__year=OuterRef("year"),
        round__quarter=OuterRef("quarter"),
        agency=OuterRef("agency"),
    ).exclude(state=Submission.State.APPROVED)
    return queryset.exclude(Exists(pending))
