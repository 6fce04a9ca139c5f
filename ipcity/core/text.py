"""Small pieces of generated sentences shared by every room: a list joined the way the
active language writes one (、 in Chinese, ", " in English)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def joined(parts: Iterable) -> str:
    return pgettext("list separator", "、").join(str(p) for p in parts)


def year_amount(year, amount) -> str:
    """`2019年 5.0%` / `2019: 5.0%`: a figure of one year inside a sentence."""
    return _("%(year)s年 %(amount)s") % {"year": year, "amount": amount}
