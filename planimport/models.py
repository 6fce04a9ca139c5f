"""The plan importer's one model: a plan read from a file or pasted text, waiting for
office staff to review it (docs/importer.md)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PlanImportDraft(models.Model):
    """A plan read by the importer and waiting for office staff to review it (issue 3).

    `review` is the importer's review JSON (canonical JSON plus, per item, a stable `_id`,
    the span of `text` it was read from and a confidence), edited in place by staff until
    they confirm it into a new programme, or into `target_programme` for a revised plan."""

    class Status(models.TextChoices):
        OPEN = "open", _("待核对")
        CONFIRMED = "confirmed", _("已确认")
        DISCARDED = "discarded", _("已放弃")

    city = models.ForeignKey(
        "programmes.City", on_delete=models.CASCADE, related_name="+", verbose_name=_("城市")
    )
    target_programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_drafts",
        verbose_name=_("修订的方案"),
        help_text=_("重新导入修订稿时,要更新的现有方案。"),
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("生成的方案"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    filename = models.CharField(_("原文文件"), max_length=255, blank=True)
    file_format = models.CharField(_("文件格式"), max_length=10, blank=True)
    encoding = models.CharField(_("文字编码"), max_length=30, blank=True)
    size = models.PositiveBigIntegerField(_("大小(字节)"), default=0)
    source_text = models.TextField(_("原文(读取所得)"))
    text = models.TextField(_("规范化原文"), help_text=_("各条目的位置(span)指向这段文字。"))
    review = models.JSONField(_("识别结果"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("导入人"),
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("方案导入草稿")
        verbose_name_plural = _("方案导入草稿")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.review.get("title") or self.filename or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("planimport:review", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
