"""Forms of the indicators room. Every message is at its field, in Chinese."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ipcity.core.uploads import EVIDENCE_ACCEPT


class MilestoneCompletionForm(forms.Form):
    is_done = forms.TypedChoiceField(
        label=_("完成情况"),
        choices=[("1", _("已完成")), ("0", _("未完成"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    done_on = forms.DateField(
        label=_("完成日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        error_messages={"invalid": _("请按 YYYY-MM-DD 填写日期。")},
    )
    evidence = forms.FileField(
        label=_("证明材料"),
        required=False,
        # Type, signature and size are checked by the one evidence validator, in the service.
        help_text=_("如平台上线通知、验收意见、发行公告(PDF、图片或 Office 文件,不超过 20MB)。"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": EVIDENCE_ACCEPT}),
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
