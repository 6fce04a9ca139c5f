"""Number and date formatting shared by the PDF, the charts and the filters."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ipcity.core.text import number, percent


def num(value, places: int = 2) -> str:
    """32000 → "32,000", 1234 → "1234", 12.5000 → "12.5", 1/3 → "0.33"; None → 无数据."""
    if value is None or value == "":
        return _("无数据")
    return number(value, places)


def pct(value, places: int = 1) -> str:
    """A percentage already in percent, always with `places` decimals (74 → "74.0%")."""
    if value is None:
        return _("无数据")
    return percent(value, places)


def cn_date(value) -> str:
    """2020-12-31 → 2020年12月31日."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return _("%(y)s年%(m)s月%(d)s日 %(hm)s") % {
            "y": value.year,
            "m": value.month,
            "d": value.day,
            "hm": value.strftime("%H:%M"),
        }
    if isinstance(value, date):
        return _("%(y)s年%(m)s月%(d)s日") % {"y": value.year, "m": value.month, "d": value.day}
    return str(value)


CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (section numbers of a report)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones] if ones else "")


def indicator_unit(unit: str, name: str = "") -> str:
    """The unit an evaluator reads: 件 of 每万人口… is 件/万人, of 每亿元GDP… 件/亿元."""
    if unit and "/" not in unit:
        if "每万人" in name:
            return f"{unit}/万人"
        if "每亿元" in name:
            return f"{unit}/亿元"
    return unit
