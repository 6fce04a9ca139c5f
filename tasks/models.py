"""The plan's numbered tasks and who leads or supports each."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from programmes.models import Agency, Archivable, Programme


class Task(Archivable):
    """A numbered task of the plan (`二.3`), with its section, title and full text."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    number = models.CharField(_("编号"), max_length=20)
    section = models.CharField(_("所属部分"), max_length=300, null=True, blank=True)
    title = models.CharField(_("任务名称"), max_length=500)
    text = models.TextField(_("任务内容"), blank=True)
    deadline = models.CharField(_("完成时限"), max_length=7, blank=True)
    agencies = models.ManyToManyField(Agency, through="TaskAssignment", related_name="tasks", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="task_unique_number_per_programme"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.programme.slug, self.pk])

    @property
    def section_ordinal(self) -> str:
        return self.number.split(".")[0] if "." in self.number else ""


class TaskAssignment(models.Model):
    """An agency's part in a task: lead (牵头) or support (配合).

    One agency has one role per task (the unique constraint), so a lead can never also be
    listed as a supporter. `printed_name` keeps the name as the plan printed it."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        SUPPORT = "support", _("配合")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=pgettext_lazy("agency", "单位"),
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)
    printed_name = models.CharField(_("原文单位名"), max_length=200)
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        ordering = ["task", "role", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "agency"], name="assignment_one_role_per_agency"),
        ]

    def __str__(self):
        return f"{self.task.number} {self.get_role_display()} {self.printed_name}"

    def clean(self):
        if self.task_id and self.agency_id and self.agency.city_id != self.task.programme.city_id:
            raise ValidationError({"agency": _("只能分配给本市的成员单位。")})


def evidence_upload_path(instance, filename):
    """Stored under the file's own SHA-256, so a name can never climb out of MEDIA_ROOT."""
    return f"evidence/{instance.task.programme.slug}/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class EvidenceFile(models.Model):
    """A file an agency attached to a task report as evidence (PDF, image, Office, zip).

    Kept with its SHA-256; a new report version lists the files it keeps, so a file once
    stored is never replaced."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="evidence_files")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("agency", "单位")
    )
    file = models.FileField(_("文件"), upload_to=evidence_upload_path, max_length=500)
    original_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小(字节)"), default=0)
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class TaskReport(models.Model):
    """An agency's quarterly progress report on a task. Never overwritten.

    Like statistic values: a correction is a new row (`version` + 1) that `supersedes` the
    previous one; one row per (task, agency, year, quarter) is current."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")
        DELAYED = "delayed", _("滞后")

    class Source(models.TextChoices):
        FORM = "form", _("网页填报")
        UPLOAD = "upload", _("文件上传")
        COMMAND = "command", _("命令行导入")
        DEMO = "demo", _("演示数据")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports", verbose_name=_("任务"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="task_reports", verbose_name=_("填报单位")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    status = models.CharField(_("进展状态"), max_length=20, choices=Status.choices)
    work_done = models.TextField(_("已完成工作"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步工作"), blank=True)
    evidence = models.ManyToManyField(
        EvidenceFile, blank=True, related_name="reports", verbose_name=_("证明材料")
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("替代的版本"),
    )
    is_current = models.BooleanField(_("当前版本"), default=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.FORM)
    upload = models.ForeignKey(
        "indicators.StatisticUpload",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_reports",
        verbose_name=_("上传文件"),
    )
    reported_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("填报人"),
    )
    reported_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务进展报告")
        verbose_name_plural = _("任务进展报告")
        ordering = ["task", "agency", "year", "quarter", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "agency", "year", "quarter"],
                condition=models.Q(is_current=True),
                name="task_report_one_current",
            ),
            models.UniqueConstraint(
                fields=["task", "agency", "year", "quarter", "version"], name="task_report_unique_version"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1) & models.Q(quarter__lte=4), name="task_report_quarter_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.task.number} {self.year}Q{self.quarter} {self.get_status_display()} (v{self.version})"

    @property
    def period_label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"
