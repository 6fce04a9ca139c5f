"""Small pieces of generated sentences shared by every room: a list joined the way the
active language writes one (、 in Chinese, ", " in English)."""

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def joined(parts: Iterable) -> str:
    return pgettext("list separator", "、").join(str(p) for p in parts)


def year_amount(year, amount) -> str:
    """`2019年 5.0%` / `2019: 5.0%`: a figure of one year inside a sentence."""
    return _("%(year)s年 %(amount)s") % {"year": year, "amount": amount}


_CLAUSE_BREAK = re.compile(r"[，,、；;：:。！!？?（(]")


def first_clause(text: str) -> str:
    """A title shortened the way a clerk shortens it: up to its first comma or stop (a plan's
    task titles open with a clause of at most ≈ 27 characters). Never a cut at a fixed length,
    which leaves half a word (司法保护 → "司法保")."""
    text = (text or "").strip()
    return _CLAUSE_BREAK.split(text, maxsplit=1)[0].strip() or text
