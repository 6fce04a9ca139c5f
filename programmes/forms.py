"""Forms office staff use to set up a programme. Every message is at its field, in Chinese."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from tasks.models import Task

from .models import (
    Agency,
    AgencyDuty,
    FundingBudget,
    FundingExpense,
    FundingRule,
    Goal,
    LeadingGroupMember,
    Phase,
    Programme,
)

NUMBER_ERRORS = {"invalid": _("请输入数字,例如 30 或 12.5。"), "required": _("请填写该项。")}


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render fields in one loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
                widget.attrs.setdefault("size", "8")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ProgrammeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "title",
            "kind",
            "doc_number",
            "issuer",
            "issue_date",
            "period_start",
            "period_end",
            "status",
            "notes",
            "on_track_ratio",
            "at_risk_ratio",
            "at_risk_gap",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ProgrammeCreateForm(ProgrammeForm):
    """A new programme of the office's own city; the slug names it in URLs and exports."""

    class Meta(ProgrammeForm.Meta):
        fields = ["slug", *ProgrammeForm.Meta.fields]
        help_texts = {"slug": _("小写字母、数字和连字符,如 wuhan-2024。")}

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in {"new"}:
            raise ValidationError(_("“%(slug)s”是保留字,请换一个标识。") % {"slug": slug})
        return slug


class PlanObjectForm(BootstrapMixin, forms.ModelForm):
    """A form for an object that belongs to a programme; the view sets `programme`."""

    def __init__(self, *args, programme: Programme, **kwargs):
        self.programme = programme
        super().__init__(*args, **kwargs)
        self.instance.programme = programme


class GoalForm(PlanObjectForm):
    class Meta:
        model = Goal
        fields = ["order", "area", "title", "text"]


class PhaseForm(PlanObjectForm):
    class Meta:
        model = Phase
        fields = ["order", "name", "start", "end", "milestone", "reached_on"]
        widgets = {
            "start": forms.TextInput(attrs={"placeholder": "2016-02"}),
            "end": forms.TextInput(attrs={"placeholder": "2016-08"}),
            "reached_on": forms.DateInput(attrs={"type": "date"}),
        }


class IndicatorForm(PlanObjectForm):
    target = forms.DecimalField(
        label=_("目标值"), error_messages=NUMBER_ERRORS, max_digits=20, decimal_places=4
    )
    target_max = forms.DecimalField(
        label=_("目标上限"),
        required=False,
        error_messages=NUMBER_ERRORS,
        max_digits=20,
        decimal_places=4,
        help_text=_("仅区间指标填写,如“20—30家”的 30。"),
    )

    class Meta:
        model = Indicator
        fields = [
            "order",
            "name",
            "area",
            "kind",
            "comparator",
            "target",
            "target_max",
            "unit",
            "deadline",
            "formula",
            "baseline_value",
            "baseline_year",
            "source_sentence",
        ]
        widgets = {"source_sentence": forms.Textarea(attrs={"rows": 3})}

    def clean_target(self):
        value = self.cleaned_data["target"]
        if value is not None and value < 0:
            raise ValidationError(_("目标值不能为负数。"))
        return value

    def clean_formula(self):
        """Parsed (never evaluated) against the statistics catalogue; the message names the
        column and the token (indicators.services.indicator_formula_validate)."""
        from indicators.services import indicator_formula_validate

        try:
            return indicator_formula_validate(
                formula=self.cleaned_data.get("formula"),
                kind=self.cleaned_data.get("kind"),
                city=self.programme.city_id,
            )
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["formula"]) from exc

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("target"), cleaned.get("target_max")
        if low is not None and high is not None and high < low:
            self.add_error(
                "target_max", _("区间的上限(%(high)s)不能小于下限(%(low)s)。") % {"high": high, "low": low}
            )
        if (
            (cleaned.get("kind") == "range" or cleaned.get("comparator") == "range")
            and high is None
            and "target_max" not in self.errors
        ):
            self.add_error("target_max", _("区间指标需要填写目标上限。"))
        return cleaned

    def _post_clean(self):
        # The errors above are already at their fields; don't repeat the model's copies.
        if self.errors.get("target_max") or self.errors.get("target"):
            return
        super()._post_clean()


class AgencyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TaskForm(PlanObjectForm):
    lead = AgencyChoiceField(queryset=Agency.objects.none(), required=False, label=_("牵头单位"))
    support = AgencyChoiceField(queryset=Agency.objects.none(), required=False, label=_("配合单位"))

    class Meta:
        model = Task
        fields = ["order", "number", "section", "title", "text", "deadline"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        agencies = Agency.objects.filter(city=programme.city).order_by("name")
        message = _("只能选择%(city)s的成员单位。") % {"city": programme.city.name}
        for name in ("lead", "support"):
            self.fields[name].queryset = agencies
            self.fields[name].error_messages["invalid_choice"] = message
            self.fields[name].error_messages["invalid_pk_value"] = message
        if self.instance.pk:
            roles = {"lead": [], "support": []}
            for a in self.instance.assignments.all():
                roles[a.role].append(a.agency_id)
            self.initial.setdefault("lead", roles["lead"])
            self.initial.setdefault("support", roles["support"])

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("lead") or []) & set(cleaned.get("support") or [])
        if both:
            names = "、".join(a.name for a in both)
            self.add_error("support", _("%(names)s 已是牵头单位,不能同时作为配合单位。") % {"names": names})
        return cleaned


class LeadingGroupMemberForm(PlanObjectForm):
    class Meta:
        model = LeadingGroupMember
        fields = ["order", "role", "agency", "person", "title"]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(city=programme.city).order_by("name")
        self.fields["agency"].error_messages["invalid_choice"] = _("只能选择本市的成员单位。")

    def save(self, commit=True):
        if not self.instance.printed_agency or "agency" in self.changed_data:
            self.instance.printed_agency = self.cleaned_data["agency"].name
        return super().save(commit)


class AgencyDutyForm(PlanObjectForm):
    class Meta:
        model = AgencyDuty
        fields = ["order", "agency", "text", "tasks"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(city=programme.city).order_by("name")
        self.fields["agency"].error_messages["invalid_choice"] = _("只能选择本市的成员单位。")
        self.fields["tasks"].queryset = programme.tasks.all()
        self.fields["tasks"].required = False

    def save(self, commit=True):
        if not self.instance.printed_agency or "agency" in self.changed_data:
            self.instance.printed_agency = self.cleaned_data["agency"].name
        return super().save(commit)


class FundingRuleForm(PlanObjectForm):
    threshold = forms.DecimalField(label=_("阈值"), error_messages=NUMBER_ERRORS, min_value=Decimal("0"))

    class Meta:
        model = FundingRule
        fields = ["order", "name", "kind", "category", "threshold", "unit", "source_sentence"]
        widgets = {"source_sentence": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("kind") == "min_share"
            and cleaned.get("threshold") is not None
            and cleaned["threshold"] > 100
        ):
            self.add_error("threshold", _("占比不能超过100%。"))
        return cleaned


class FundingBudgetForm(PlanObjectForm):
    amount = forms.DecimalField(
        label=_("预算金额(万元)"), error_messages=NUMBER_ERRORS, min_value=Decimal("0")
    )

    class Meta:
        model = FundingBudget
        fields = ["year", "source", "amount", "note"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not (self.programme.start_year <= year <= self.programme.end_year):
            raise ValidationError(
                _("年度应在方案期限 %(start)s—%(end)s 年之内。")
                % {"start": self.programme.start_year, "end": self.programme.end_year}
            )
        return year


class FundingExpenseForm(PlanObjectForm):
    amount = forms.DecimalField(
        label=_("金额(万元)"), error_messages=NUMBER_ERRORS, min_value=Decimal("0.01")
    )

    class Meta:
        model = FundingExpense
        fields = ["date", "amount", "category", "market_based", "source", "task", "agency", "description"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["task"].queryset = programme.tasks.all()
        self.fields["agency"].queryset = Agency.objects.filter(city=programme.city).order_by("name")


class AgencyForm(BootstrapMixin, forms.ModelForm):
    aliases_text = forms.CharField(
        label=_("别名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个,如“市知识产权局”。"),
    )

    class Meta:
        model = Agency
        fields = ["name", "is_collective"]

    def __init__(self, *args, city, **kwargs):
        self.city = city
        super().__init__(*args, **kwargs)
        self.instance.city = city
        if self.instance.pk:
            self.initial["aliases_text"] = "\n".join(self.instance.aliases.values_list("name", flat=True))

    def clean_aliases_text(self):
        from .models import AgencyAlias

        names = [line.strip() for line in self.cleaned_data["aliases_text"].splitlines() if line.strip()]
        taken = AgencyAlias.objects.filter(city=self.city, name__in=names)
        if self.instance.pk:
            taken = taken.exclude(agency=self.instance)
        clash = list(taken.values_list("name", flat=True)) + list(
            Agency.objects.filter(city=self.city, name__in=names)
            .exclude(pk=self.instance.pk)
            .values_list("name", flat=True)
        )
        if clash:
            raise ValidationError(_("别名已属于其他单位: %(names)s") % {"names": "、".join(clash)})
        return names
