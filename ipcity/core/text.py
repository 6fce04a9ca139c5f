"""Small pieces of generated sentences shared by every room: a list joined the way the
active language writes one (、 in Chinese, ", " in English)."""

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def joined(parts: Iterable) -> str:
    return pgettext("list separator", "、").join(str(p) for p in parts)


def year_amount(year, amount) -> str:
    """`2019年 5.0%` / `2019: 5.0%`: a figure of one year inside a sentence."""
    return _("%(year)s年 %(amount)s") % {"year": year, "amount": amount}


_CLAUSE_BREAK = re.compile(r"[，,；;：:。！!？?（(]")  # not 、: it joins a phrase's items


def first_clause(text: str) -> str:
    """A title shortened the way a clerk shortens it: up to its first comma or stop (a plan's
    task titles open with a clause of at most ≈ 27 characters). Never a cut at a fixed length,
    which leaves half a word (司法保护 → "司法保")."""
    text = (text or "").strip()
    return _CLAUSE_BREAK.split(text, maxsplit=1)[0].strip() or text


def percent(value, places: int = 1) -> str:
    """A percentage (already in percent) as every page, note and document prints it: rounded
    half up, always `places` decimals. One rule for the engine's reasons and the report's
    tables: Python's own format rounds 96.25 to "96.2" where the table printed "96.3"."""
    if not isinstance(value, Decimal):
        value = Decimal(f"{value:.12g}")  # the float's shortest digits, not its binary noise
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"


def number(value, places: int = 2) -> str:
    """A figure as every page, note and document prints it: at most `places` decimals
    (rounded half up, trailing zeros dropped), five digits and more grouped in threes
    (GB/T 15835; a four-digit figure such as a year stays whole): 32000 → "32,000",
    1234 → "1234", 12.5000 → "12.5", 17.894 → "17.89"."""
    if not isinstance(value, Decimal):
        value = Decimal(f"{value:.15g}")
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, frac = text.partition(".")
    if len(whole) > 4:
        whole = f"{int(whole):,}"
    return f"{sign}{whole}{dot}{frac}"
