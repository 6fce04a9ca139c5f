"""A validation rule between statistics of one programme (DHIS2's validation rules).

Two kinds: a comparison `left operator right` between small expressions over statistic
codes (INV_GRANT <= INV_APP), or a change against the previous quarter (INV_VALID not below
last quarter by more than 10 %). Each is an error (the values are refused) or a warning
(they need the reporter's confirmation). Re-exported from indicators.models."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programmes.models import Programme


class ValidationRule(models.Model):
    class Kind(models.TextChoices):
        COMPARE = "compare", _("两侧比较")
        CHANGE = "change", _("较上季度降幅")

    class Operator(models.TextChoices):
        LTE = "<=", _("不大于 (≤)")
        LT = "<", _("小于 (<)")
        GTE = ">=", _("不小于 (≥)")
        GT = ">", _("大于 (>)")
        EQ = "=", _("等于 (=)")

    class Severity(models.TextChoices):
        ERROR = "error", _("错误(拒绝保存)")
        WARNING = "warning", _("警告(需确认)")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="validation_rules")
    name = models.CharField(_("规则名称"), max_length=200, help_text=_("显示在填报时的提示中。"))
    kind = models.CharField(_("规则类型"), max_length=10, choices=Kind.choices, default=Kind.COMPARE)
    left = models.CharField(
        _("左侧"),
        max_length=500,
        help_text=_("统计数据代码或由代码组成的算式,如 INV_GRANT 或 INV_APP + SVC_APP。"),
    )
    operator = models.CharField(_("比较方式"), max_length=2, choices=Operator.choices, blank=True)
    right = models.CharField(
        _("右侧"), max_length=500, blank=True, help_text=_("代码、算式或数字,如 INV_APP。")
    )
    max_drop_pct = models.DecimalField(
        _("允许较上季度下降(%)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("仅用于“较上季度降幅”:本季度不得低于上季度的数值超过该百分比。"),
    )
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices, default=Severity.ERROR)
    is_active = models.BooleanField(_("启用"), default=True)
    default_key = models.CharField(
        _("默认规则标识"), max_length=60, blank=True, editable=False, help_text=_("来自内置默认规则集。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="validation_rule_unique_name"),
            models.UniqueConstraint(
                fields=["programme", "default_key"],
                condition=~Q(default_key=""),
                name="validation_rule_unique_default_key",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def text(self) -> str:
        """The rule as a line: `INV_GRANT <= INV_APP` or `INV_VALID 较上季度下降不超过 10%`."""
        if self.kind == self.Kind.CHANGE:
            pct = format(self.max_drop_pct.normalize(), "f") if self.max_drop_pct is not None else "?"
            return _("%(left)s 较上季度下降不超过 %(pct)s%%") % {"left": self.left, "pct": pct}
        return f"{self.left} {self.operator} {self.right}"

    def clean(self):
        from .checks import expression_check  # parsing lives with the evaluation

        errors = {}
        city = self.programme.city_id if self.programme_id else None
        try:
            self.left = expression_check(self.left, city=city, allow_number=False)
        except ValidationError as exc:
            errors["left"] = exc.messages
        if self.kind == self.Kind.COMPARE:
            if not self.operator:
                errors["operator"] = [_("请选择比较方式。")]
            if not (self.right or "").strip():
                errors["right"] = [_("请填写右侧的代码、算式或数字。")]
            else:
                try:
                    self.right = expression_check(self.right, city=city, allow_number=True)
                except ValidationError as exc:
                    errors["right"] = exc.messages
            self.max_drop_pct = None
        else:
            if self.max_drop_pct is None:
                errors["max_drop_pct"] = [_("请填写允许下降的百分比,如 10。")]
            self.operator, self.right = "", ""
        if errors:
            raise ValidationError(errors)
