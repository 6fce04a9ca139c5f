"""The plan's numbered tasks and who leads or supports each."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programmes.models import Agency, Programme


class Task(models.Model):
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
        Agency, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("单位")
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
