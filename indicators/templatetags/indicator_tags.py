"""Template helpers for indicator results on pages owned by other rooms (the programme's
indicators tab): one query for every indicator's progress."""

from django import template

from indicators import progress as rules
from indicators.models import IndicatorProgress

register = template.Library()


@register.simple_tag
def indicator_progress(programme, indicators):
    """{indicator id: {"p": IndicatorProgress or None, "stale": bool}} for a page of indicators."""
    from indicators.services import indicator_spec, indicator_spec_hash, programme_spec

    rows = {p.indicator_id: p for p in IndicatorProgress.objects.filter(indicator__programme=programme)}
    spec = programme_spec(programme)
    result = {}
    for indicator in indicators:
        progress = rows.get(indicator.pk)
        stale = progress is None or progress.spec_hash != indicator_spec_hash(indicator_spec(indicator), spec)
        result[indicator.pk] = {"p": progress, "stale": stale}
    return result


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key)


def _float(value):
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def percent(value):
    return rules.pct(_float(value))


@register.filter
def number(value):
    return rules.fmt(_float(value))


@register.simple_tag
def period_of(year, quarter, partial=False):
    if not year:
        return "—"
    return rules.period_label(year, quarter or 4, partial)


@register.inclusion_tag("indicators/_summary.html")
def indicator_summary(programme):
    """The programme overview's indicator card: the same stored figures as the indicator
    list and `indicator_status --format json` (value, its period, 完成率, 进展度, status)."""
    from indicators.selectors import programme_status_rows

    rows = [r for r in programme_status_rows(programme=programme)]
    counts = {}
    for row in rows:
        counts[row["status_label"]] = counts.get(row["status_label"], 0) + 1
    return {
        "programme": programme,
        "rows": rows,
        "counts": sorted(counts.items(), key=lambda item: -item[1]),
        "baseline_met": sum(1 for r in rows if "baseline_met" in r["flags"]),
    }
