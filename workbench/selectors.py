"""What each home shows, as plain dicts: counts with the list each opens, and chart data.

Every queryset starts from the user's scope (`accounts.selectors.programme_list_for_user`);
statuses come from the models' own choices (IndicatorProgress.Status, Submission.State,
TaskReport.Status), never from copies of their values."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import programme_list_for_user
from indicators.models import IndicatorProgress
from programmes.models import Phase
from reports.models import Report
from submissions.models import ReportingRound, Submission
from submissions.selectors import (
    reporting_rate_totals,
    reporting_rates_by_programme,
    review_queue_for_user,
    workspace_for_user,
)
from tasks.models import Task, TaskAssignment, TaskReport

DUE_SOON_DAYS = 7  # 黄: due within a week (督办's three colours)
REQUESTABLE_KINDS = [(k, label) for k, label in Report.Kind.choices if k != Report.Kind.QUARTERLY]
SHOWN_STATUSES = (IndicatorProgress.Status.BEHIND, IndicatorProgress.Status.AT_RISK)


def _month_end(month: str) -> date:
    year, mon = int(month[:4]), int(month[5:7])
    first_next = date(year + (mon == 12), mon % 12 + 1, 1)
    return first_next - timedelta(days=1)


def agency_colours_by_round(*, rounds: list[ReportingRound], today: date) -> dict[int, dict]:
    """Agencies of each round in 督办's colours, in one query: 绿 every item submitted or
    approved, 红 not all and the due date passed, 黄 not all and due within 7 days; the rest
    are still open. round id → colours."""
    states: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    names = {}
    for round_id, agency_id, name, state in Submission.objects.filter(round__in=rounds).values_list(
        "round_id", "agency_id", "agency__name", "state"
    ):
        states[round_id][agency_id].append(state)
        names[agency_id] = name
    result = {}
    for round in rounds:
        out = {"red": [], "yellow": [], "green": [], "open": []}
        for agency_id, item_states in states[round.pk].items():
            done = all(s in Submission.DONE_STATES for s in item_states)
            if done:
                colour = "green"
            elif today > round.due_date:
                colour = "red"
            elif round.due_date - today <= timedelta(days=DUE_SOON_DAYS):
                colour = "yellow"
            else:
                colour = "open"
            out[colour].append({"id": agency_id, "name": names[agency_id]})
        for rows in out.values():
            rows.sort(key=lambda r: r["name"])
        result[round.pk] = out
    return result


def task_attention_by_programme(*, programmes, today: date) -> dict[int, dict]:
    """Per programme, tasks whose lead agency reported 滞后 and tasks without a lead report
    this quarter, in four queries. The quarter whose lead reports count is each programme's
    latest round's, else today's."""
    programmes = list(programmes)
    latest: dict[int, tuple[int, int]] = {}
    for programme_id, year, quarter in ReportingRound.objects.filter(programme__in=programmes).values_list(
        "programme_id", "year", "quarter"
    ):
        latest[programme_id] = max(latest.get(programme_id, (0, 0)), (year, quarter))
    current = (today.year, (today.month - 1) // 3 + 1)
    quarter_of = {p.pk: latest.get(p.pk, current) for p in programmes}
    tasks = list(Task.objects.filter(programme__in=programmes, is_archived=False).order_by("order"))
    leads = defaultdict(set)
    for task_id, agency_id in TaskAssignment.objects.filter(
        task__in=tasks, role=TaskAssignment.Role.LEAD
    ).values_list("task_id", "agency_id"):
        leads[task_id].add(agency_id)
    periods = Q()
    for year, quarter in set(quarter_of.values()):
        periods |= Q(year=year, quarter=quarter)
    programme_of = {t.pk: t.programme_id for t in tasks}
    lead_reports = defaultdict(list)
    reports = TaskReport.objects.filter(periods, task__in=tasks, is_current=True)
    for task_id, agency_id, year, quarter, status in reports.values_list(
        "task_id", "agency_id", "year", "quarter", "status"
    ):
        if (year, quarter) == quarter_of[programme_of[task_id]] and agency_id in leads[task_id]:
            lead_reports[task_id].append(status)
    out = {}
    for programme in programmes:
        mine = [t for t in tasks if t.programme_id == programme.pk]
        year, quarter = quarter_of[programme.pk]
        out[programme.pk] = {
            "year": year,
            "quarter": quarter,
            "delayed": [t for t in mine if TaskReport.Status.DELAYED in lead_reports[t.pk]],
            "unreported": [t for t in mine if leads[t.pk] and not lead_reports[t.pk]],
        }
    return out


def next_milestones(*, programmes, today: date, limit: int = 5) -> list[dict]:
    """The coming 中期评价 / 总结验收 steps not yet reached, with the days left to their month's end."""
    month = f"{today.year:04d}-{today.month:02d}"
    phases = (
        Phase.objects.filter(programme__in=programmes, milestone__isnull=False, reached_on__isnull=True)
        .filter(end__gte=month, is_archived=False)
        .select_related("programme__city")
        .order_by("end", "programme__slug")[:limit]
    )
    out = []
    for phase in phases:
        due = _month_end(phase.end)
        out.append({"phase": phase, "programme": phase.programme, "due": due, "days": (due - today).days})
    return out


def indicator_status_chart(*, programmes) -> dict:
    """Indicators per programme and status (ECharts stacked bars): the statuses in their
    model order, each with its label; programmes by slug."""
    counts = {
        (slug, status): n
        for slug, status, n in IndicatorProgress.objects.filter(indicator__programme__in=programmes)
        .values("indicator__programme__slug", "status")
        .annotate(n=Count("pk"))
        .values_list("indicator__programme__slug", "status", "n")
    }
    slugs = sorted({slug for slug, _s in counts})
    titles = dict(programmes.filter(slug__in=slugs).values_list("slug", "city__name"))
    series = [
        {"status": value, "name": str(label), "data": [counts.get((slug, value), 0) for slug in slugs]}
        for value, label in IndicatorProgress.Status.choices
    ]
    return {"programmes": [f"{titles.get(s, s)} {s}" for s in slugs], "series": series}


def agency_rate_chart(*, programmes, today: date, limit: int = 15) -> list[dict]:
    """Agencies ranked by reporting rate, then on-time rate, over every past-due round."""
    rows = []
    rates = reporting_rates_by_programme(programmes=programmes, today=today)
    for programme in programmes:
        for row in rates[programme.pk]["rows"]:
            rows.append(
                {
                    "agency": row["agency"].name,
                    "programme": programme.slug,
                    "rate": row["rate"] or 0,
                    "on_time_rate": row["on_time_rate"] or 0,
                }
            )
    rows.sort(key=lambda r: (-r["rate"], -r["on_time_rate"], r["agency"]))
    return rows[:limit]


def office_home(*, user, today: date | None = None) -> dict:
    """The office's 工作台: every count opens the list it counts."""
    today = today or timezone.localdate()
    programmes = programme_list_for_user(user=user).select_related("city").order_by("slug")
    pending = review_queue_for_user(user=user)
    rounds = []
    open_rounds = list(
        ReportingRound.objects.filter(programme__in=programmes, status=ReportingRound.Status.OPEN)
        .select_related("programme__city")
        .order_by("due_date", "programme__slug")
    )
    colours = agency_colours_by_round(rounds=open_rounds, today=today)
    for round in open_rounds:
        rounds.append(
            {
                "round": round,
                "colours": colours[round.pk],
                "days": (round.due_date - today).days,
                "overdue": (today - round.due_date).days,
                "url": round.get_absolute_url(),
            }
        )
    status_counts = dict(
        IndicatorProgress.objects.filter(indicator__programme__in=programmes, status__in=SHOWN_STATUSES)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    per_programme = []
    attention = task_attention_by_programme(programmes=programmes, today=today)
    for programme in programmes:
        tasks = attention[programme.pk]
        per_programme.append(
            {
                "programme": programme,
                "tasks": tasks,
                "indicators_url": reverse("programmes:programme_indicators", args=[programme.slug]),
                "tasks_url": reverse("programmes:programme_tasks", args=[programme.slug]),
            }
        )
    labels = dict(IndicatorProgress.Status.choices)
    indicator_rows = [
        {
            "status": status,
            "label": labels[status],
            "anchor": f"indicators-{status}",
            "rows": list(
                IndicatorProgress.objects.filter(indicator__programme__in=programmes, status=status)
                .select_related("indicator__programme__city")
                .order_by("indicator__programme__slug", "indicator__pk")[:50]
            ),
        }
        for status in SHOWN_STATUSES
    ]
    return {
        "today": today,
        "programmes": programmes,
        "pending_count": pending.count(),
        "pending": list(pending[:8]),
        "rounds": rounds,
        "behind_count": status_counts.get(IndicatorProgress.Status.BEHIND, 0),
        "at_risk_count": status_counts.get(IndicatorProgress.Status.AT_RISK, 0),
        "indicator_rows": indicator_rows,
        "per_programme": per_programme,
        "tasks_delayed_count": sum(len(p["tasks"]["delayed"]) for p in per_programme),
        "tasks_unreported_count": sum(len(p["tasks"]["unreported"]) for p in per_programme),
        "milestones": next_milestones(programmes=programmes, today=today),
        "chart_status": indicator_status_chart(programmes=programmes),
        "chart_rates": agency_rate_chart(programmes=programmes, today=today),
    }


def reporter_home(*, user, today: date | None = None) -> dict:
    """A reporter's 工作台: the open rounds' items, returned ones first, with the days left;
    per round, the items ready to be submitted together (drafts and corrected returns)."""
    today = today or timezone.localdate()
    data = workspace_for_user(user=user, today=today)
    order = {Submission.State.RETURNED: 0, Submission.State.DRAFT: 1, Submission.State.NOT_STARTED: 2}
    for group in data["open"]:
        group["items"].sort(key=lambda i: (order.get(i.state, 3), i.kind != Submission.Kind.STATISTICS))
        group["days"] = (group["round"].due_date - today).days
        group["overdue"] = -group["days"]
        group["returned"] = sum(1 for i in group["items"] if i.state == Submission.State.RETURNED)
        group["ready"] = [
            i for i in group["items"] if i.state in (Submission.State.DRAFT, Submission.State.RETURNED)
        ]
    data["open"].sort(key=lambda g: (-g["returned"], g["round"].due_date))
    data["due_count"] = sum(g["open"] for g in data["open"])
    data["returned_count"] = sum(g["returned"] for g in data["open"])
    return data


def evaluator_home(*, user) -> dict:
    """An evaluator's 工作台: assigned programmes and the reports it may download for each."""
    from reports.selectors import report_versions_for_user

    programmes = programme_list_for_user(user=user).order_by("slug")
    versions = defaultdict(list)
    for version in report_versions_for_user(user=user, programmes=programmes):
        versions[version.report.programme_id].append(version)
    return {
        "rows": [{"programme": p, "versions": versions[p.pk]} for p in programmes],
        "report_kinds": REQUESTABLE_KINDS,
    }


def province_home(*, user, today: date | None = None) -> dict:
    """A provincial user's view: its cities' programmes side by side."""
    today = today or timezone.localdate()
    programmes = programme_list_for_user(user=user).order_by("city__name", "slug")
    status = defaultdict(Counter)
    for programme_id, value, n in (
        IndicatorProgress.objects.filter(indicator__programme__in=programmes)
        .values("indicator__programme_id", "status")
        .annotate(n=Count("pk"))
        .values_list("indicator__programme_id", "status", "n")
    ):
        status[programme_id][value] = n
    pending = dict(
        Submission.objects.filter(round__programme__in=programmes, state=Submission.State.SUBMITTED)
        .values("round__programme_id")
        .annotate(n=Count("pk"))
        .values_list("round__programme_id", "n")
    )
    rows = []
    all_rates = reporting_rate_totals(programmes=programmes, today=today)
    for programme in programmes:
        rates = all_rates[programme.pk]
        rows.append(
            {
                "programme": programme,
                "status": [
                    (value, label, status[programme.pk][value])
                    for value, label in IndicatorProgress.Status.choices
                ],
                "indicators": sum(status[programme.pk].values()),
                "pending": pending.get(programme.pk, 0),
                "rate": rates["rate"],
                "on_time_rate": rates["on_time_rate"],
            }
        )
    return {
        "rows": rows,
        "province": user.profile.province,
        "chart_status": indicator_status_chart(programmes=programmes),
    }
