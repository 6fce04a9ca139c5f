"""One FilterSet per list, shared by the pages and the API (there is no review API yet)."""

import django_filters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.selectors import programme_list_for_user
from programmes.models import Agency

from .models import Submission

REVIEW_STATES = [
    (Submission.State.SUBMITTED, Submission.State.SUBMITTED.label),
    (Submission.State.RETURNED, Submission.State.RETURNED.label),
    (Submission.State.APPROVED, Submission.State.APPROVED.label),
]


class ReviewQueueFilter(django_filters.FilterSet):
    """审核待办: by programme, agency, kind and state (已提交 unless another is asked for).

    The queryset given is already scoped to the user; the choices are scoped the same way."""

    programme = django_filters.ModelChoiceFilter(
        field_name="round__programme", to_field_name="slug", queryset=None, label=_("方案")
    )
    agency = django_filters.ModelChoiceFilter(queryset=None, label=_("填报单位"))
    kind = django_filters.ChoiceFilter(choices=Submission.Kind.choices, label=_("类别"))
    state = django_filters.ChoiceFilter(choices=REVIEW_STATES, label=_("状态"), empty_label=None)

    class Meta:
        model = Submission
        fields = ["programme", "agency", "kind", "state"]

    def __init__(self, data=None, *args, user, **kwargs):
        data = (data or QueryDict()).copy()
        if not data.get("state"):
            data["state"] = Submission.State.SUBMITTED
        super().__init__(data, *args, **kwargs)
        programmes = programme_list_for_user(user=user)
        self.filters["programme"].queryset = programmes
        self.filters["agency"].queryset = Agency.objects.filter(
            pk__in=self.queryset.values("agency_id")
        ).order_by("name")
        for field in self.form.fields.values():
            field.widget.attrs.update(
                {"class": "form-select form-select-sm", "onchange": "this.form.submit()"}
            )

    def querystring(self) -> str:
        """The valid filter as a query string (no page): kept in the URL from item to item."""
        if not self.is_valid():
            return ""
        params = QueryDict(mutable=True)
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            if name == "programme":
                value = value.slug
            elif name == "agency":
                value = value.pk
            params[name] = value
        return params.urlencode()
