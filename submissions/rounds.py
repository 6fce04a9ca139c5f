"""Which quarters a programme's reporting rounds may cover: the quarters of its period.

A quarter counts as inside the period when any of its months is (Anshan's period starts
2015-06, so 2015Q2 has a round); a plan that ended in 2020-12 has no 2026Q4."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from programmes.models import Programme

DUE_DAYS_AFTER_QUARTER = 15  # the usual due date: half a month after the quarter ends


def _month(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


def programme_quarters(programme: Programme) -> list[tuple[int, int]]:
    """(year, quarter) of every quarter the period touches, in order."""
    (start_y, start_m), (end_y, end_m) = _month(programme.period_start), _month(programme.period_end)
    year, quarter = start_y, (start_m - 1) // 3 + 1
    last = (end_y, (end_m - 1) // 3 + 1)
    out = []
    while (year, quarter) <= last:
        out.append((year, quarter))
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return out


def period_label(programme: Programme) -> str:
    (start_y, start_m), (end_y, end_m) = _month(programme.period_start), _month(programme.period_end)
    return _("%(sy)s年%(sm)s月—%(ey)s年%(em)s月") % {"sy": start_y, "sm": start_m, "ey": end_y, "em": end_m}


def quarter_outside_period(programme: Programme, year: int, quarter: int) -> str | None:
    """The error to show when the quarter lies outside the programme's period, else None."""
    if (year, quarter) in programme_quarters(programme):
        return None
    return _("%(y)s年第%(q)s季度不在方案实施期(%(period)s)之内,只能为实施期内的季度开启填报。") % {
        "y": year,
        "q": quarter,
        "period": period_label(programme),
    }


def next_missing_quarter(programme: Programme, opened: set[tuple[int, int]]) -> tuple[int, int] | None:
    """The quarter to suggest for the next round: the first quarter of the period after the
    latest opened round that has no round yet (else the earliest one without a round);
    None when every quarter of the period has its round."""
    quarters = programme_quarters(programme)
    missing = [q for q in quarters if q not in opened]
    if not missing:
        return None
    latest = max((q for q in opened if q in quarters), default=None)
    later = [q for q in missing if latest is None or q > latest]
    return later[0] if later else missing[0]


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def suggested_due_date(year: int, quarter: int, today: date) -> date:
    """Half a month after the quarter ends, and never before half a month from today."""
    return max(quarter_end(year, quarter), today) + timedelta(days=DUE_DAYS_AFTER_QUARTER)
