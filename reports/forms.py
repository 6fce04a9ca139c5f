"""Forms of the reports room: a new report, and the narrative office staff write for it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programmes.forms import BootstrapMixin
from programmes.models import Agency, Programme

from .models import Report
from .services import NARRATIVE_FIELDS, as_of_validate, as_of_window


class ReportCreateForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"), choices=Report.Kind.choices)
    as_of = forms.DateField(
        label=_("数据截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "留空时按报告类型取默认值:验收取实施期末,中期评价取中期评价节点,年度取当年年末,季度取季末。"
        ),
        error_messages={"invalid": _("请按 YYYY-MM-DD 填写日期,例如 2020-12-31。")},
    )
    agency = forms.ModelChoiceField(
        label=_("报送单位(季度工作报告)"), queryset=Agency.objects.none(), required=False
    )
    year = forms.IntegerField(label=_("年度(年度/季度报告)"), required=False, min_value=1990, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度(季度工作报告)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(q, _("第%(q)s季度") % {"q": q}) for q in range(1, 5)],
    )
    doc_number = forms.CharField(label=_("报告文号"), required=False, max_length=100)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["agency"].queryset = Agency.objects.filter(city=programme.city).order_by("name")
        first, last = as_of_window(programme=programme)
        self.fields["as_of"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Report.Kind.QUARTERLY:
            for name in ("agency", "year", "quarter"):
                if not data.get(name):
                    self.add_error(name, _("季度工作报告需要填写该项。"))
        if data.get("as_of"):
            try:
                as_of_validate(programme=self.programme, as_of=data["as_of"])
            except ValidationError as exc:
                self.add_error("as_of", exc.message_dict["as_of"])
        return data


def _chapter_widget(rows: int) -> forms.Textarea:
    # data-markdown: static/js/markdown-editor.js puts TinyMDE on it (a plain textarea without JS)
    return forms.Textarea(attrs={"rows": rows, "data-markdown": "1"})


class ReportNarrativeForm(BootstrapMixin, forms.ModelForm):
    """The five chapters of a 自评报告 (Markdown) and the cover and issuing-page fields."""

    class Meta:
        model = Report
        fields = list(NARRATIVE_FIELDS)  # the five chapters, then the cover and issuing page
        widgets = {
            "basic_info": _chapter_widget(6),
            "work_summary": _chapter_widget(10),
            "cases": _chapter_widget(8),
            "problems": _chapter_widget(6),
            "next_steps": _chapter_widget(6),
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "issuing_office": _("封面上的编制单位;留空时使用领导小组办公室。"),
            "work_summary": _(
                "Markdown:“## 标题”分节(自动编为（一）、1.、（1）),空行分段,“- ”列项。"
                "HTML 和脚本不会进入报告。"
            ),
            "issuer": _("定稿报告签发页上的签发人。"),
        }
