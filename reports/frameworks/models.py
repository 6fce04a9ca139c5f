"""Evaluation frameworks (评价指标体系) and the self-assessment scores of a report.

A `Framework` belongs to a programme: aspects (方面) → items (评价指标), each with a maximum
score, a scoring rule and the evidence it wants. Automatic rules are computed when a report
is rendered (and the table is kept with every stored version); manual scores are typed by
the office with a reason. Items and scores are audited (django-simple-history); evidence
files attach to a task, an indicator or an item."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Framework(models.Model):
    class Source(models.TextChoices):
        DEFAULT = "default", _("由方案生成")
        FILE = "file", _("从文件导入")

    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="frameworks",
        verbose_name=_("建设方案"),
    )
    name = models.CharField(_("评价指标体系"), max_length=200)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.DEFAULT)
    source_file = models.CharField(_("来源文件"), max_length=255, blank=True)
    is_active = models.BooleanField(_("当前使用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "reports"
        verbose_name = _("评价指标体系")
        verbose_name_plural = _("评价指标体系")
        ordering = ["programme", "-is_active", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"], condition=Q(is_active=True), name="framework_one_active"
            )
        ]

    def __str__(self):
        return self.name


class Aspect(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="aspects")
    order = models.PositiveIntegerField(_("顺序"))
    title = models.CharField(_("方面"), max_length=200)

    class Meta:
        app_label = "reports"
        verbose_name = _("评价方面")
        verbose_name_plural = _("评价方面")
        ordering = ["framework", "order", "pk"]

    def __str__(self):
        return self.title


class Item(models.Model):
    """One 评价指标 of an aspect, with its maximum score and the rule that scores it."""

    class Rule(models.TextChoices):
        INDICATOR = "indicator", _("指标完成率")
        TASK_SECTION = "task_section", _("任务完成比例")
        MILESTONE = "milestone", _("节点完成")
        FUNDING_RULE = "funding_rule", _("资金使用规则")
        EVIDENCE = "evidence", _("证明材料齐备")
        MANUAL = "manual", _("人工评分")

    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("顺序"))
    title = models.CharField(_("评价指标"), max_length=300)
    max_score = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    rule = models.CharField(_("评分规则"), max_length=20, choices=Rule.choices)
    # What the rule reads: an indicator's name, a task section's title, a phase's name, a
    # funding rule's name (empty for evidence and manual items).
    target = models.CharField(_("评分对象"), max_length=300, blank=True)
    evidence_wanted = models.CharField(_("所需证明材料"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "reports"
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        ordering = ["aspect__order", "order", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.max_score is not None and self.max_score <= 0:
            raise ValidationError({"max_score": _("分值应大于 0。")})


class ManualScore(models.Model):
    """The office's score of a manual item for one report, with its reason (audited)."""

    report = models.ForeignKey("reports.Report", on_delete=models.PROTECT, related_name="manual_scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="manual_scores")
    score = models.DecimalField(_("自评得分"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("评分依据"))
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(_("评分时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "reports"
        verbose_name = _("人工评分")
        verbose_name_plural = _("人工评分")
        constraints = [models.UniqueConstraint(fields=["report", "item"], name="manual_score_unique")]

    def __str__(self):
        return f"{self.item} {self.score}"


def assessment_evidence_path(instance, filename):
    return f"assessment-evidence/{instance.programme.slug}/{filename}"


class AssessmentEvidence(models.Model):
    """A proof file attached to a task, an indicator or a framework item (exactly one)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="assessment_evidence"
    )
    task = models.ForeignKey(
        "tasks.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="assessment_evidence"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_evidence",
    )
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=assessment_evidence_path, max_length=500)
    original_name = models.CharField(_("原文件名"), max_length=255)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    agency_name = models.CharField(_("提交单位"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小(字节)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))
    history = HistoricalRecords()

    class Meta:
        app_label = "reports"
        verbose_name = _("评价证明材料")
        verbose_name_plural = _("评价证明材料")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(task__isnull=False, indicator__isnull=True, item__isnull=True)
                    | Q(task__isnull=True, indicator__isnull=False, item__isnull=True)
                    | Q(task__isnull=True, indicator__isnull=True, item__isnull=False)
                ),
                name="assessment_evidence_one_subject",
            )
        ]

    def __str__(self):
        return self.original_name
