"""Quarterly reporting: rounds, what each agency owes in a round, its review, reminders.

A round (`2024Q1`) of a programme lists, per agency, the items due: one statistics item
(every statistic the agency reports for the programme) and one task-report item per task
where it is lead or supporter. Each item is a `Submission` row whose state moves
未填报 → 草稿 → 已提交 → 已通过 / 已退回; every move is a `SubmissionEvent` (who, when,
comment). The reported figures themselves are versioned rows elsewhere
(`indicators.StatisticValue`, `tasks.TaskReport`), never overwritten."""

import re
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from programmes.models import Agency, Programme

PERIOD_RE = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")


def period_parse(text: str) -> tuple[int, int] | None:
    """`2024Q1` → (2024, 1); also accepts `2024q1` and `2024年第1季度`."""
    text = (text or "").strip()
    match = PERIOD_RE.match(text) or re.match(r"^(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?$", text)
    if not match:
        return None
    quarter = match.group(2)
    quarter = {"一": "1", "二": "2", "三": "3", "四": "4"}.get(quarter, quarter)
    return int(match.group(1)), int(quarter)


def period_code(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


class ReportingRound(models.Model):
    """A quarter's reporting round of a programme, opened by office staff with a due date.

    Past the due date submissions are still accepted but marked late; once closed, nothing
    more can be entered until the office reopens it."""

    class Status(models.TextChoices):
        OPEN = "open", _("填报中")
        CLOSED = "closed", _("已关闭")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="reporting_rounds", verbose_name=_("方案")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    due_date = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("开启时间"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("填报轮次")
        verbose_name_plural = _("填报轮次")
        ordering = ["programme", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "quarter"], name="round_unique_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="round_quarter_1_4"),
        ]

    def __str__(self):
        return f"{self.programme.slug} {self.period}"

    def get_absolute_url(self):
        return reverse("submissions:round_detail", args=[self.programme.slug, self.period])

    @property
    def period(self) -> str:
        return period_code(self.year, self.quarter)

    @property
    def label(self) -> str:
        return gettext("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.quarter}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def due_at(self) -> datetime:
        """The end of the due day in the portal's time zone: submissions after it are late."""
        return timezone.make_aware(datetime.combine(self.due_date, time.max))

    def is_overdue(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) > self.due_date


class Submission(models.Model):
    """One item an agency owes in a round: its statistics, or its report on one task."""

    class Kind(models.TextChoices):
        STATISTICS = "statistics", _("统计数据")
        TASK = "task", _("任务进展")

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("未填报")
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    OPEN_STATES = (State.NOT_STARTED, State.DRAFT, State.RETURNED)
    DONE_STATES = (State.SUBMITTED, State.APPROVED)

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="submissions")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=pgettext_lazy("agency", "单位"),
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    task = models.ForeignKey(
        "tasks.Task",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("任务"),
    )
    role = models.CharField(_("角色"), max_length=10, blank=True)  # lead / support for task items
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.NOT_STARTED)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期提交"), default=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("填报事项")
        verbose_name_plural = _("填报事项")
        ordering = ["round", "agency", "kind", "task"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "agency"],
                condition=Q(kind="statistics"),
                name="submission_one_statistics_item",
            ),
            models.UniqueConstraint(
                fields=["round", "agency", "task"], condition=Q(kind="task"), name="submission_one_task_item"
            ),
            models.CheckConstraint(
                condition=(Q(kind="task") & Q(task__isnull=False))
                | (Q(kind="statistics") & Q(task__isnull=True)),
                name="submission_task_iff_task_kind",
            ),
        ]
        indexes = [models.Index(fields=["state", "round"])]

    def __str__(self):
        return f"{self.round} {self.agency} {self.item_label}"

    def get_absolute_url(self):
        return reverse("submissions:submission_detail", args=[self.pk])

    def clean(self):
        if (self.kind == self.Kind.TASK) != (self.task_id is not None):
            raise ValidationError(_("任务进展事项必须对应一项任务。"))

    @property
    def item_label(self) -> str:
        if self.kind == self.Kind.STATISTICS:
            return gettext("统计数据")
        return gettext("任务 %(number)s %(title)s") % {"number": self.task.number, "title": self.task.title}

    def display_state(self, today: date | None = None) -> str:
        """The state a person sees: 逾期 when nothing is submitted and the due date passed."""
        if self.state in (self.State.NOT_STARTED, self.State.DRAFT) and self.round.is_overdue(today):
            return "overdue"
        return self.state

    def display_state_label(self, today: date | None = None) -> str:
        state = self.display_state(today)
        return gettext("逾期") if state == "overdue" else self.get_state_display()

    @property
    def edit_url(self) -> str:
        args = [self.round.programme.slug, self.round.period, self.agency_id]
        if self.kind == self.Kind.STATISTICS:
            return reverse("submissions:statistics_form", args=args)
        return reverse("submissions:task_report_form", args=[*args, self.task_id])


class SubmissionEvent(models.Model):
    """A step in an item's life, shown to the reporter and the office: who, what, when, why."""

    class Action(models.TextChoices):
        SAVED = "saved", _("保存草稿")
        UPLOADED = "uploaded", _("上传文件")
        SUBMITTED = "submitted", _("提交")
        APPROVED = "approved", _("审核通过")
        RETURNED = "returned", _("退回修改")
        REOPENED = "reopened", _("重新开放")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("意见/说明"), blank=True)
    is_late = models.BooleanField(_("逾期"), default=False)

    class Meta:
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")
        ordering = ["submission", "at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message in a user's portal inbox (reminders, returned or approved items).

    A reminder is unique per user and day, so the daily job can run twice (or be
    delivered twice) without sending the same reminder twice."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("填报提醒")
        RETURNED = "returned", _("退回通知")
        APPROVED = "approved", _("审核通过")
        REOPENED = "reopened", _("重新开放")
        SUBMITTED = "submitted", _("新的提交")
        ROUND_GAPS = "round_gaps", _("轮次未报齐")
        REPORT_REQUEST = "report_request", _("报告申请")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    day = models.DateField(_("日期"), default=timezone.localdate)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"], condition=Q(kind="reminder"), name="notification_one_reminder_a_day"
            ),
        ]

    def __str__(self):
        return self.title


class PendingUpload(models.Model):
    """A checked upload waiting for its uploader: confirmation of its warnings, or the copy
    of the file with every error marked. Kept in the database (not the cache), so an upload
    with errors still gets its answer when Redis is down; it expires after an hour.

    Transient, not reported data: it goes with its round, agency or user."""

    token = models.CharField(_("令牌"), max_length=64, unique=True)
    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    filename = models.CharField(_("原文件名"), max_length=255)
    kind = models.CharField(_("类型"), max_length=10)  # xlsx | csv
    data = models.BinaryField(_("文件内容"))
    problems = models.JSONField(_("检查结果"), default=list)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("待确认的上传")
        verbose_name_plural = _("待确认的上传")

    def __str__(self):
        return self.filename
