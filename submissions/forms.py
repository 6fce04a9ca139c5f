"""Forms of reporting. Every message is Chinese and sits at its field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Statistic
from ipcity.core.uploads import EVIDENCE_ACCEPT
from programmes.forms import BootstrapMixin
from programmes.models import Agency
from tasks.models import TaskReport

from . import ingest
from .models import period_code, period_parse
from .rounds import (
    next_missing_quarter,
    period_label,
    programme_quarters,
    quarter_outside_period,
    suggested_due_date,
)


class StatisticForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Statistic
        fields = ["code", "name", "unit", "aggregation", "description", "min_value", "max_value"]
        help_texts = {
            "code": _("大写字母、数字和下划线,以字母开头,例如 TM_GEO_NEW。代码一经使用不应修改。"),
            "unit": _("如 件、家、项、万元、亿元、万人、%。单位为 % 的数据项不能超过100。"),
        }

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()


class StatisticOwnerForm(BootstrapMixin, forms.Form):
    statistic = forms.ModelChoiceField(Statistic.objects.order_by("code"), label=_("统计数据项"))
    agency = forms.ModelChoiceField(Agency.objects.none(), label=_("填报单位"))
    area = forms.CharField(
        label=_("区域"),
        required=False,
        max_length=100,
        help_text=_("留空表示全市;需要分区数据时填写区名,每区一条。"),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(
            city_id=programme.city_id, is_archived=False
        ).order_by("name")
        # national codes and the programme's city's own: never another city's
        self.fields["statistic"].queryset = Statistic.objects.for_city(programme.city_id).order_by("code")


class RoundOpenForm(BootstrapMixin, forms.Form):
    period = forms.CharField(label=_("报告期"), max_length=12, help_text=_("如 2024Q1(2024年第1季度)。"))
    # type=date inputs take only ISO dates (YYYY-MM-DD), whatever the UI language
    due_date = forms.DateField(
        label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        opened = set(programme.reporting_rounds.values_list("year", "quarter"))
        self.suggested = next_missing_quarter(programme, opened)
        self.fields["period"].help_text = _("方案实施期 %(period)s 内的季度,如 %(example)s。") % {
            "period": period_label(programme),
            "example": period_code(*(self.suggested or programme_quarters(programme)[0])),
        }
        if not self.is_bound and self.suggested:
            self.initial.setdefault("period", period_code(*self.suggested))
            self.initial.setdefault("due_date", suggested_due_date(*self.suggested, timezone.localdate()))

    def clean_period(self):
        parsed = period_parse(self.cleaned_data["period"])
        if parsed is None:
            raise ValidationError(_("请按 2024Q1 的格式填写报告期(年份 + Q + 季度 1–4)。"))
        outside = quarter_outside_period(self.programme, *parsed)
        if outside:
            raise ValidationError(outside)
        return parsed


class StatisticsValuesForm(forms.Form):
    """One value field (and a note) per statistic the agency reports, built from the rows."""

    confirm_warnings = forms.BooleanField(label=_("我已核实以上提示的数值无误"), required=False)

    def __init__(self, *args, rows, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for index, row in enumerate(rows):
            current = row["current"]
            self.fields[f"v{index}"] = forms.CharField(
                label=row["statistic"].name,
                required=False,
                initial=format(current.value.normalize(), "f") if current else "",
                disabled=disabled,
                widget=forms.TextInput(attrs={"class": "form-control text-end", "inputmode": "decimal"}),
            )
            self.fields[f"n{index}"] = forms.CharField(
                label=_("备注"),
                required=False,
                max_length=500,
                initial=current.note if current else "",
                disabled=disabled,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            # the version this form edits: a save over a newer one is answered, not applied
            self.fields[f"s{index}"] = forms.IntegerField(
                required=False, initial=current.pk if current else None, widget=forms.HiddenInput
            )
            row["value_field"] = self[f"v{index}"]
            row["note_field"] = self[f"n{index}"]
            row["version_field"] = self[f"s{index}"]

    def clean(self):
        data = super().clean()
        values, notes, versions = {}, {}, {}
        for index, row in enumerate(self.rows):
            if f"s{index}" in self.data:
                versions[row["key"]] = data.get(f"s{index}") or None
            raw = data.get(f"v{index}", "")
            number, why = ingest.number_of(raw)
            if why:
                self.add_error(f"v{index}", f"{why};{ingest.NUMBER_EXPECTED}")
                continue
            if ingest.rounding_note(raw, number):
                # never round silently: the office stores 4 decimal places, the reporter decides
                self.add_error(
                    f"v{index}",
                    _("最多保留%(n)s位小数(如 %(kept)s),请修改后再提交")
                    % {"n": ingest.STORED_PLACES, "kept": number},
                )
                continue
            stat = row["statistic"]
            if number is not None:
                if stat.min_value is not None and number < stat.min_value:
                    self.add_error(f"v{index}", _("不能为负数") if stat.min_value == 0 else _("数值过小"))
                    continue
                if stat.unit == "%" and number > 100:
                    self.add_error(f"v{index}", _("占比不能超过100"))
                    continue
                if stat.max_value is not None and number > stat.max_value:
                    self.add_error(
                        f"v{index}",
                        _("超过合理上限 %(max)s%(unit)s,请检查单位")
                        % {"max": format(stat.max_value.normalize(), "f"), "unit": stat.unit},
                    )
                    continue
            values[row["key"]] = number
            notes[row["key"]] = data.get(f"n{index}", "")
        data["values"], data["notes"], data["versions"] = values, notes, versions
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class TaskReportForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("进展状态"), choices=TaskReport.Status.choices)
    work_done = forms.CharField(
        label=_("已完成工作"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    problems = forms.CharField(label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_steps = forms.CharField(
        label=_("下一步工作"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the report this form edits
    keep_evidence = forms.MultipleChoiceField(
        label=_("保留的证明材料"), required=False, widget=forms.CheckboxSelectMultiple
    )
    evidence = MultipleFileField(
        label=_("上传证明材料"),
        required=False,
        help_text=_("PDF、图片、Office 文档或 zip,每个不超过 20 MB,可多选。"),
        widget=MultipleFileInput(
            attrs={"class": "form-control", "multiple": True, "accept": EVIDENCE_ACCEPT}
        ),
    )

    def __init__(self, *args, evidence_choices=(), disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep_evidence"].choices = [(str(e.pk), e.original_name) for e in evidence_choices]
        self.fields["keep_evidence"].widget.attrs.pop("class", None)
        if not self.is_bound:
            self.initial.setdefault("keep_evidence", [str(e.pk) for e in evidence_choices])
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        data = super().clean()
        if (
            data.get("status")
            and data["status"] != TaskReport.Status.NOT_STARTED
            and not (data.get("work_done") or "").strip()
        ):
            self.add_error("work_done", _("请填写本季度已完成的工作。"))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("填好的模板(.xlsx)或 CSV 文件"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
        error_messages={"required": _("请选择要上传的文件。")},
    )


class ReturnForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("退回意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("退回时必须填写意见,说明需要修改什么。")},
    )


class ReopenForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("重新开放的理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("重新开放必须填写理由。")},
    )
