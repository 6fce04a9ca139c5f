"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipcity.core.search import SearchFilter

from .models import Agency, Programme


class ProgrammeFilter(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("搜索"))
    kind = django_filters.ChoiceFilter(choices=Programme.Kind.choices, label=_("类型"))
    city = django_filters.CharFilter(field_name="city__name", label=_("城市"))

    class Meta:
        model = Programme
        fields = ["q", "kind", "city"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(doc_number__icontains=value) | Q(city__name__icontains=value)
        )


class AgencyFilter(django_filters.FilterSet):
    q = SearchFilter(method="search", label=_("搜索"))
    city = django_filters.CharFilter(field_name="city__name", label=_("城市"))

    class Meta:
        model = Agency
        fields = ["q", "city"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(aliases__name__icontains=value)).distinct()
