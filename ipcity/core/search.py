"""The one place a search box's text is read (`?q=` on every list page and the API).

Control characters (a NUL byte above all: PostgreSQL refuses it in a query, which used to
be a 500) are dropped, so `?q=%00` is a clean search for nothing special: the whole list."""

import re

import django_filters
from django import forms

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_LENGTH = 200


def search_text(value) -> str:
    """The words to search for: no control characters, trimmed, at most 200 characters."""
    return CONTROL_CHARACTERS.sub("", str(value or "")).strip()[:MAX_LENGTH]


def search_param(request, name: str = "q") -> str:
    """`search_text` of a GET parameter, for views that search without a FilterSet."""
    return search_text(request.GET.get(name, ""))


class SearchField(forms.CharField):
    def to_python(self, value):
        return search_text(super().to_python(value))


class SearchFilter(django_filters.CharFilter):
    """The `q` of every FilterSet: cleaned by `search_text` before any query is built."""

    field_class = SearchField
