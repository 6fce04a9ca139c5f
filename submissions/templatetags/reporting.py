"""Template helpers for reporting pages: state badges and the nav's unread count."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()

STATE_CLASSES = {
    "not_started": "text-bg-light border",
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "approved": "text-bg-success",
    "returned": "text-bg-warning",
    "overdue": "text-bg-danger",
}


@register.simple_tag
def state_class(state: str) -> str:
    return STATE_CLASSES.get(state, "text-bg-light")


@register.simple_tag
def state_label(item, shown_state: str = "") -> str:
    if shown_state == "overdue":
        return _("逾期")
    return item.get_state_display()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    from submissions.selectors import unread_count

    return unread_count(user=user)


@register.filter
def plain_number(value) -> str:
    """A Decimal without trailing zeros (30.0000 → 30), '—' for none."""
    if value is None or value == "":
        return "—"
    try:
        return format(value.normalize(), ",f")
    except AttributeError:
        return str(value)


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def who(user) -> str:
    """Who did something: the person's name, the username, or 命令行 for the command line."""
    if user is None or user == "":
        return _("命令行")
    profile = getattr(user, "profile", None)
    return (
        profile.display_name if profile is not None and profile.display_name else ""
    ) or user.get_username()
