"""Months and quarters as plans and reports name them: a plan's "2017-01" as dates and
labels, and the quarter a report is as of. Re-exported by `reports.data`."""

from __future__ import annotations

import calendar
from datetime import date

from django.utils.translation import gettext as _


def month_first_day(month: str) -> date:
    """'2017-01' → 2017-01-01."""
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, 1)


def month_last_day(month: str) -> date:
    """'2020-12' → 2020-12-31."""
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, calendar.monthrange(year, mon)[1])


def month_label(month: str) -> str:
    """'2017-01' → 2017年1月."""
    year, mon = (int(x) for x in month.split("-"))
    return _("%(year)s年%(month)s月") % {"year": year, "month": mon}


def quarter_as_of(as_of: date) -> tuple[int, int]:
    """The last quarter that ended on or before `as_of`: 2020-12-31 → (2020, 4),
    2020-11-15 → (2020, 3). Reports are as of the end of that quarter."""
    quarter = (as_of.month - 1) // 3 + 1
    end_month = quarter * 3
    if as_of >= date(as_of.year, end_month, calendar.monthrange(as_of.year, end_month)[1]):
        return as_of.year, quarter
    return (as_of.year, quarter - 1) if quarter > 1 else (as_of.year - 1, 4)


def quarter_label(year: int, quarter: int) -> str:
    return _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter}
