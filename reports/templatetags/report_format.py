from django import template

from ..rendering import format as fmt

register = template.Library()


@register.filter
def num(value, places=2):
    return fmt.num(value, int(places))


@register.filter
def pct(value, places=1):
    return fmt.pct(value, int(places))


@register.filter
def cn_date(value):
    return fmt.cn_date(value)


@register.filter
def indicator_unit(unit, name=""):
    """件 of a per-10,000-people indicator prints as 件/万人."""
    return fmt.indicator_unit(unit, name)


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key, 0)
