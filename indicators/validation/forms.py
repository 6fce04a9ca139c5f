"""The office's form for a validation rule; every message at its field, in Chinese."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ValidationRule


class ValidationRuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ["name", "kind", "left", "operator", "right", "max_drop_pct", "severity", "is_active"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "kind": forms.Select(attrs={"class": "form-select"}),
            "left": forms.TextInput(
                attrs={"class": "form-control font-monospace", "placeholder": "INV_GRANT"}
            ),
            "operator": forms.Select(attrs={"class": "form-select"}),
            "right": forms.TextInput(
                attrs={"class": "form-control font-monospace", "placeholder": "INV_APP"}
            ),
            "max_drop_pct": forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            "severity": forms.Select(attrs={"class": "form-select"}),
        }
        help_texts = {
            "operator": _("仅用于“两侧比较”。"),
        }
