"""Demo reporting data for `make run` (labelled 演示 everywhere it shows).

For each seed programme: a round for every quarter of the plan, all but the last closed,
with plausible quarterly statistics (anchored on published figures from
shared/data/real-statistics.csv where the city and statistic match, grown ~10% a year),
task reports for most items, a few late or missing submissions, and an open last round
whose statistics are in and approved (the plans have ended: their acceptance reports are
written from the last year) while task progress is still coming in: drafts, items awaiting
review, a returned one. Every timestamp lies inside its round's quarter."""

import csv
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Profile
from indicators.demo import DEMO_PARTS
from indicators.models import StatisticOwner, StatisticValue
from programmes.models import Programme
from tasks.demo import task_report_text
from tasks.models import TaskReport

from .models import ReportingRound, Submission, SubmissionEvent
from .selectors import due_items

REAL_STATISTICS = Path(getattr(settings, "SHARED_DATA_DIR", settings.BASE_DIR.parent / "shared" / "data")) / (
    "real-statistics.csv"
)
# Published names in real-statistics.csv → (code, factor to the catalogue's unit)
CSV_CODES = {
    "专利申请量": ("PAT_APP", 1),
    "发明专利申请量": ("INV_APP", 1),
    "发明专利授权量": ("INV_GRANT", 1),
    "有效发明专利拥有量": ("INV_VALID", 1),
    "发明专利拥有量": ("INV_VALID", 1),
    "有效商标注册量": ("TM_VALID", 1),
    "有效注册商标量": ("TM_VALID", 1),
    "驰名商标数": ("TM_WELLKNOWN", 1),
    "地理标志商标数": ("GI_TM", 1),
    "PCT国际专利申请量": ("PCT_APP", 1),
    "知识产权质押贷款发放金额": ("PLEDGE_AMT", 1),
}
UNIT_FACTORS = {"万件": 10000}
# A large city's yearly flow or year-end stock, scaled per city below.
TYPICAL = {
    "PAT_APP": 40000,
    "INV_APP": 15000,
    "SVC_APP": 26000,
    "INV_GRANT": 5000,
    "INV_VALID": 30000,
    "HV_INV_VALID": 11000,
    "PCT_APP": 900,
    "FOREIGN_APP": 400,
    "TM_APP": 60000,
    "TM_VALID": 300000,
    "TM_WELLKNOWN": 60,
    "GI_TM": 30,
    "COPYRIGHT_REG": 20000,
    "TECH_CONTRACT": 60,
    "PLEDGE_AMT": 25,
    "PLEDGE_CNT": 120,
    "INSURANCE_AMT": 2500,
    "CASE_ACCEPTED": 420,
    "CASE_CLOSED": 390,
    "CASE_CLOSED_ONTIME": 380,
    "FAKE_PAT_ACCEPTED": 200,
    "FAKE_PAT_CLOSED": 190,
    "FAKE_PAT_CLOSED_ONTIME": 185,
    "IP_SPEND": 6000,
    "CERT_ENT": 120,
    "DEMO_ENT": 160,
    "NAV_PROJ": 12,
    "TRAINED": 12000,
}
BY_UNIT = {
    "件": 150,
    "个": 25,
    "家": 40,
    "项": 20,
    "名": 60,
    "人": 300,
    "万元": 800,
    "亿元": 8,
    "人次": 3000,
    "单": 1,
}
CITY_SCALE = {"武汉市": 1.0, "哈尔滨市": 0.55, "福州市": 0.6, "宜昌市": 0.25, "鞍山市": 0.15}
POPULATION = {"武汉市": 1090, "哈尔滨市": 1060, "福州市": 780, "宜昌市": 410, "鞍山市": 360}  # 万人
SEASON = [0.21, 0.25, 0.25, 0.29]


def _anchors() -> dict:
    """(city, code) → (year, value) from the published figures file, when it is there."""
    anchors, per_10k = {}, {}
    if not REAL_STATISTICS.exists():
        return anchors
    with REAL_STATISTICS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["indicator"].split("(")[0].strip()
            try:
                year, value = int(row["year"]), Decimal(row["value"])
            except (ValueError, ArithmeticError):
                continue
            value *= UNIT_FACTORS.get(row["unit"], 1)
            if name in CSV_CODES:
                code, factor = CSV_CODES[name]
                anchors.setdefault((row["city"], code), (year, value * factor))
            elif "万人" in name and "发明专利拥有量" in name and "高价值" not in name:
                per_10k[(row["city"], year)] = value
    # Resident population (万人) = valid invention patents ÷ patents per 10,000 people.
    for (city, year), density in per_10k.items():
        valid = anchors.get((city, "INV_VALID"))
        if valid and valid[0] == year and density:
            anchors[(city, "POP")] = (year, (valid[1] / density).quantize(Decimal("0.01")))
    return anchors


def _quarters(programme: Programme) -> list[tuple[int, int]]:
    start_y, start_m = map(int, programme.period_start.split("-"))
    end_y, end_m = map(int, programme.period_end.split("-"))
    year, quarter = start_y, (start_m - 1) // 3 + 1
    out = []
    while (year, quarter) <= (end_y, (end_m - 1) // 3 + 1):
        out.append((year, quarter))
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return out


def _series(owner: StatisticOwner, city: str, quarters, anchors, rng) -> dict:
    """Plausible quarterly values: flows a seasonal share of a growing yearly total,
    stocks growing slowly quarter by quarter."""
    stat = owner.statistic
    scale = CITY_SCALE.get(city, 0.3)
    growth = 1.01 if stat.code == "POP" else 1.10
    if stat.code == "POP":
        anchor = anchors.get((city, "POP")) or (quarters[0][0], Decimal(POPULATION.get(city, 500)))
    else:
        anchor = anchors.get((city, stat.code)) or (
            quarters[0][0],
            Decimal(
                str(
                    TYPICAL.get(stat.code, BY_UNIT.get(stat.unit, 50))
                    * (scale if stat.code in TYPICAL else 1)
                )
            ),
        )
    if owner.area:
        anchor = (anchor[0], anchor[1] / 8)
    anchor_year, anchor_value = anchor
    places = Decimal("0.01") if stat.unit in ("亿元", "万人", "%") else Decimal("1")
    values = {}
    for year, quarter in quarters:
        yearly = float(anchor_value) * growth ** (year - anchor_year + (quarter - 4) / 4)
        if stat.aggregation == "flow":
            value = yearly * SEASON[quarter - 1] * rng.uniform(0.9, 1.1)
        else:
            value = yearly * rng.uniform(0.995, 1.005)
        values[(year, quarter)] = max(Decimal(str(value)).quantize(places), Decimal(0))
    if stat.aggregation == "stock":  # a stock never goes down in the demo
        running = Decimal(0)
        for key in sorted(values):
            running = max(running, values[key])
            values[key] = running
    return values


def _task_courses(programme: Programme, quarters, rng) -> dict:
    """How each task goes over the plan, drawn once per task: it starts in one of the first
    quarters, and most are done by their deadline (a quarter in the second half of the
    time they have), some are still in progress at the deadline (基本完成), a few fall
    behind (delayed from the last third on). task id → (start, done at or None, behind)."""
    courses = {}
    last = len(quarters) - 1
    for task in programme.tasks.all():
        deadline = last
        if task.deadline:
            year, _, month = task.deadline.partition("-")
            end = (int(year), (int(month or 12) - 1) // 3 + 1)
            deadline = max([i for i, q in enumerate(quarters) if q <= end] or [last])
        fate = rng.choices(["done", "mostly", "behind"], [76, 16, 8])[0]
        done_at = rng.randint(deadline // 2, deadline) if fate == "done" else None
        courses[task.pk] = (rng.choice([0, 0, 0, 1, 2]), done_at, fate == "behind", last)
    return courses


def _task_status(courses: dict, task, index: int) -> str:
    start, done_at, behind, last = courses[task.pk]
    if index < start:
        return TaskReport.Status.NOT_STARTED
    if done_at is not None and index >= done_at:
        return TaskReport.Status.DONE
    if behind and index >= last * 2 // 3:
        return TaskReport.Status.DELAYED
    return TaskReport.Status.IN_PROGRESS


def _office_user(programme: Programme):
    profile = (
        Profile.objects.filter(role=Profile.Role.OFFICE, city=programme.city).select_related("user").first()
    )
    return profile.user if profile else None


def _demo_user():
    """Who the demo says reported for agencies that have no reporter account: an inactive
    user that cannot log in, named so the pages read as demo data."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username="演示填报员", defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _reporters(programme: Programme) -> dict:
    """agency id → its first reporter (None where the agency has none)."""
    out = {}
    for profile in Profile.objects.filter(
        role=Profile.Role.REPORTER, agency__city=programme.city
    ).select_related("user"):
        out.setdefault(profile.agency_id, profile.user)
    return out


@transaction.atomic
def _load_programme(programme: Programme, anchors: dict) -> int:
    rng = random.Random(programme.slug)
    quarters = _quarters(programme)
    office = _office_user(programme)
    reporters = _reporters(programme)
    fallback = _demo_user()
    owners = list(programme.statistic_owners.select_related("statistic"))
    # The baseline year (基期, the year before the plan) comes as a historical import outside
    # any round, as offices load it; growth targets and Open SDG ratios need it.
    baseline = [(programme.baseline_year, q) for q in range(1, 5)]
    series = {o.pk: _series(o, programme.city.name, baseline + quarters, anchors, rng) for o in owners}
    # Keep closed ≤ accepted for the rate indicators (结案率 etc.).
    by_code = {o.statistic.code: o for o in owners if not o.area}
    for total, parts in DEMO_PARTS:
        if total in by_code:
            # A part with a published figure (Wuhan's 2015 invention applications) sets the
            # total, so the published anchor survives and the shares stay consistent.
            city_name = programme.city.name
            if (city_name, total) not in anchors:
                for code, share in parts.items():
                    if code in by_code and (city_name, code) in anchors:
                        series[by_code[total].pk] = {
                            k: (v / Decimal(str(share))).quantize(Decimal("1"))
                            for k, v in series[by_code[code].pk].items()
                        }
                        break
            for code, share in parts.items():
                if code in by_code:
                    series[by_code[code].pk] = {
                        k: (v * Decimal(str(share))).quantize(Decimal("1"))
                        for k, v in series[by_code[total].pk].items()
                    }
    # Series drawn from a published figure say so (and the demo's fit to the targets keeps
    # their baseline): the code itself, or a total set from a published part.
    city_name = programme.city.name
    published = {code for (city, code) in anchors if city == city_name}
    for total, parts in DEMO_PARTS:
        if published & set(parts):
            published.add(total)
    notes = {
        o.pk: "演示数据（以公开数据为基数）" if o.statistic.code in published else "演示数据" for o in owners
    }
    values, reports, events, all_items = [], [], [], []
    for year, quarter in baseline:
        for owner in owners:
            values.append(
                StatisticValue(
                    programme=programme,
                    statistic_id=owner.statistic_id,
                    agency_id=owner.agency_id,
                    area=owner.area,
                    year=year,
                    quarter=quarter,
                    value=series[owner.pk][(year, quarter)],
                    source=StatisticValue.Source.DEMO,
                    reported_by=fallback,
                    note=notes[owner.pk].replace("演示数据", "演示数据（基期年历史数据）", 1),
                )
            )
    owed = due_items(programme=programme)
    courses = _task_courses(programme, quarters, rng)
    for index, (year, quarter) in enumerate(quarters):
        last = index == len(quarters) - 1
        # Every timestamp inside its round's quarter: due on the 25th of its last month,
        # reported before it (a few late, by days), reviewed within two days.
        quarter_end = date(year, quarter * 3, 25)
        round = ReportingRound.objects.create(
            programme=programme,
            year=year,
            quarter=quarter,
            due_date=quarter_end,
            is_demo=True,
            note="演示数据",
        )
        due_at = round.due_at
        items = []
        for agency_id, owes in owed.items():
            if owes["statistics"]:
                items.append(Submission(round=round, agency_id=agency_id, kind=Submission.Kind.STATISTICS))
            items += [
                Submission(round=round, agency_id=agency_id, kind=Submission.Kind.TASK, task=task, role=role)
                for task, role in owes["tasks"]
            ]
        all_items += items
        for item in items:
            reporter = reporters.get(item.agency_id) or fallback
            if last and item.kind == Submission.Kind.STATISTICS:
                # The plan's last year is in and checked (an acceptance report is written
                # from it); what is still open in the last round is task progress.
                fate = "approved"
            elif last:
                fate = rng.choices(["none", "draft", "submitted", "returned", "approved"], [5, 3, 3, 1, 1])[0]
            else:
                fate = rng.choices(["approved", "none", "late"], [86, 6, 8])[0]
                if fate == "none" and item.kind == Submission.Kind.STATISTICS:
                    # Offices chase missing statistics; in the demo past quarters' figures
                    # all arrive (some late), so cumulative indicators have every quarter.
                    fate = "late"
            if fate == "none":
                continue
            moment = (
                due_at - timedelta(days=rng.randint(1, 12))
                if fate != "late"
                else due_at + timedelta(days=rng.randint(1, 9))
            )
            if fate == "late":
                moment = due_at + timedelta(days=rng.randint(1, 3))
            if last:
                moment = timezone.make_aware(
                    datetime.combine(quarter_end, time(10)) - timedelta(days=rng.randint(1, 12))
                )
            if item.kind == Submission.Kind.STATISTICS:
                for owner in owners:
                    if owner.agency_id == item.agency_id:
                        values.append(
                            StatisticValue(
                                programme=programme,
                                statistic_id=owner.statistic_id,
                                agency_id=item.agency_id,
                                area=owner.area,
                                year=year,
                                quarter=quarter,
                                value=series[owner.pk][(year, quarter)],
                                source=StatisticValue.Source.DEMO,
                                reported_by=reporter,
                                note=notes[owner.pk],
                            )
                        )
            else:
                status = _task_status(courses, item.task, index)
                lead = item.role == "lead"
                work, problems, next_steps = task_report_text(
                    task=item.task,
                    agency="",
                    city=programme.city.name,
                    lead=lead,
                    status=status,
                    year=year,
                    quarter=quarter,
                    rng=rng,
                    already_done=status == TaskReport.Status.DONE and index > courses[item.task.pk][1],
                )
                reports.append(
                    TaskReport(
                        task=item.task,
                        agency_id=item.agency_id,
                        year=year,
                        quarter=quarter,
                        status=status,
                        work_done=work,
                        problems=problems,
                        next_steps=next_steps,
                        source=TaskReport.Source.DEMO,
                        reported_by=reporter,
                    )
                )
            if fate == "draft":
                item.state = Submission.State.DRAFT
                continue
            item.state = Submission.State.SUBMITTED
            item.submitted_at = item.first_submitted_at = moment
            item.submitted_by = reporter
            item.is_late = moment > due_at
            events.append(
                SubmissionEvent(
                    submission=item, action="submitted", user=reporter, at=moment, is_late=item.is_late
                )
            )
            if fate in ("approved", "late"):
                item.state = Submission.State.APPROVED
                item.reviewed_at, item.reviewed_by = moment + timedelta(days=rng.randint(1, 2)), office
                events.append(
                    SubmissionEvent(submission=item, action="approved", user=office, at=item.reviewed_at)
                )
            elif fate == "returned":
                item.state = Submission.State.RETURNED
                item.reviewed_at, item.reviewed_by = moment + timedelta(hours=20), office
                item.review_comment = "请补充证明材料，并核对与上季度差异较大的数值。"
                events.append(
                    SubmissionEvent(
                        submission=item,
                        action="returned",
                        user=office,
                        at=item.reviewed_at,
                        comment=item.review_comment,
                    )
                )
        if not last:
            round.status, round.closed_at = ReportingRound.Status.CLOSED, round.due_at + timedelta(days=5)
            round.save(update_fields=["status", "closed_at"])
    Submission.objects.bulk_create(all_items, batch_size=1000)
    for event in events:
        event.submission_id = event.submission.pk
    StatisticValue.objects.bulk_create(values, batch_size=1000)
    TaskReport.objects.bulk_create(reports, batch_size=1000)
    # reported_at is set on save (auto_now_add): put each quarter's reports inside it.
    for year, quarter in baseline + quarters:
        stamp = timezone.make_aware(datetime.combine(date(year, quarter * 3, 20), time(10)))
        StatisticValue.objects.filter(programme=programme, year=year, quarter=quarter).update(
            reported_at=stamp
        )
        TaskReport.objects.filter(task__programme=programme, year=year, quarter=quarter).update(
            reported_at=stamp
        )
    SubmissionEvent.objects.bulk_create(events, batch_size=1000)
    return len(values)


def _plan_setup_moment(programme: Programme):
    year, month = (int(x) for x in programme.period_start.split("-"))
    return timezone.make_aware(datetime.combine(date(year, month, 1), time(9)))


def _history_backdate(programmes) -> None:
    """Put the plan's audit trail inside the demo's story instead of at the moment `make run`
    loaded it: the plan objects were set up when its period began, each budget at the start
    of its year, each expense on its date. Without this a 2020 report would print a 数据更新时间
    of the day the demo was loaded. Only for the programmes the demo loader fills."""
    from indicators.models import Indicator
    from programmes.models import FundingBudget, FundingExpense, FundingRule, LeadingGroupMember, Phase
    from tasks.models import Task, TaskAssignment

    for programme in programmes:
        setup = _plan_setup_moment(programme)
        Programme.objects.filter(pk=programme.pk).update(updated_at=setup)
        Programme.history.model.objects.filter(id=programme.pk).update(history_date=setup)
        for model in (Indicator, Task, Phase, FundingRule, StatisticOwner, LeadingGroupMember):
            history = getattr(model, "history", None)
            if history is not None:
                history.model.objects.filter(programme_id=programme.pk).update(history_date=setup)
        TaskAssignment.history.model.objects.filter(task__programme_id=programme.pk).update(
            history_date=setup
        )
        for budget in programme.budgets.all():
            moment = max(setup, timezone.make_aware(datetime.combine(date(budget.year, 1, 5), time(9))))
            FundingBudget.history.model.objects.filter(id=budget.pk).update(history_date=moment)
        for expense in programme.expenses.all():
            moment = timezone.make_aware(datetime.combine(expense.date, time(16)))
            FundingExpense.history.model.objects.filter(id=expense.pk).update(history_date=moment)


def demo_reporting_load(stdout=None) -> None:
    """Idempotent: a programme that already has reporting rounds is left alone."""
    anchors = _anchors()
    for programme in Programme.objects.select_related("city").order_by("slug"):
        if programme.reporting_rounds.exists():
            continue
        count = _load_programme(programme, anchors)
        _history_backdate([programme])
        if stdout is not None:
            stdout.write(
                f"  演示填报数据 {programme.slug}: {len(_quarters(programme))} 个季度, {count} 个统计数值"
            )
