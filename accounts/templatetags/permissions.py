"""`{% load permissions %}{% can "programme.edit" user programme as can_edit %}` in templates.

The same `accounts.permissions.can` the views and services call (the `rules` library's own
`has_perm` tag goes through `User.has_perm`, which is always true for a superuser, so a
menu could show what the page then refuses)."""

from django import template

from accounts.permissions import can as _can

register = template.Library()


@register.simple_tag
def can(name, user, obj=None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False  # a template's anonymous user is never the trusted command line
    return _can(user, name, obj)
