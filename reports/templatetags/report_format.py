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
