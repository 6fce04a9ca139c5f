"""Reports evaluators judge a city by (验收报告, 中期评价报告, 年度报告, an agency's quarterly
report): the report as office staff prepare it, and every rendering generated from it.

A `Report` is one programme, one kind and one as-of date, with the narrative parts office
staff write (工作总结, 存在问题, 下一步工作). Each generation is a `ReportVersion`: the PDF and
the Excel workbook, their SHA-256, the hash of the text content, and the data's last-change
time. Files are served only through permission-checked views (no public media URL)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programmes.models import Agency, Programme


class Report(models.Model):
    """A report of a programme as of a date, with the narrative office staff write for it."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("验收报告")
        MIDTERM = "midterm", _("中期评价报告")
        ANNUAL = "annual", _("年度报告")
        QUARTERLY = "quarterly", _("季度工作报告")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="reports", verbose_name=_("建设方案")
    )
    kind = models.CharField(_("报告类型"), max_length=20, choices=Kind.choices)
    as_of = models.DateField(_("数据截止日期"))
    # An agency's quarterly report is one agency and one reporting round (year, quarter).
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quarterly_reports",
        verbose_name=_("报送单位"),
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True)
    doc_number = models.CharField(_("报告文号"), max_length=100, blank=True)
    issuing_office = models.CharField(_("编制单位"), max_length=200, blank=True)
    # The chapters of a 自评报告, typed in Markdown in the portal (reports/frameworks/chapters.py).
    basic_info = models.TextField(_("基本情况"), blank=True)
    work_summary = models.TextField(_("主要做法与成效"), blank=True)
    cases = models.TextField(_("典型案例"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步工作计划"), blank=True)
    # The issuing page of a final (定稿) report.
    issuer = models.CharField(_("签发人"), max_length=100, blank=True)
    issued_on = models.DateField(_("签发日期"), null=True, blank=True)
    seal = models.FileField(_("印章图片"), upload_to="report-seals/", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评估报告")
        verbose_name_plural = _("评估报告")
        ordering = ["programme", "-as_of", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "as_of"],
                condition=Q(agency__isnull=True),
                name="report_unique_kind_as_of",
            ),
            models.UniqueConstraint(
                fields=["programme", "agency", "year", "quarter"],
                condition=Q(kind="quarterly"),
                name="report_unique_agency_round",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="quarterly",
                        agency__isnull=False,
                        year__isnull=False,
                        quarter__gte=1,
                        quarter__lte=4,
                    )
                    | (~Q(kind="quarterly") & Q(agency__isnull=True, quarter__isnull=True))
                ),
                name="report_quarterly_has_agency_round",
            ),
        ]

    def __str__(self):
        return f"{self.programme.title} {self.title}"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.programme.slug, self.pk])

    def clean(self):
        if self.kind == self.Kind.QUARTERLY:
            errors = {}
            if not self.agency_id:
                errors["agency"] = _("季度工作报告需要指定报送单位。")
            if not self.year:
                errors["year"] = _("季度工作报告需要指定年度。")
            if not self.quarter or not 1 <= self.quarter <= 4:
                errors["quarter"] = _("季度应为 1 至 4。")
            if errors:
                raise ValidationError(errors)

    @property
    def title(self) -> str:
        """The report's name as printed on the cover: 验收报告, 2019年度报告, 2020年第4季度工作报告."""
        if self.kind == self.Kind.ANNUAL:
            return _("%(year)s年度报告") % {"year": self.year or self.as_of.year}
        if self.kind == self.Kind.QUARTERLY:
            return _("%(year)s年第%(quarter)s季度工作报告") % {"year": self.year, "quarter": self.quarter}
        if self.kind == self.Kind.MIDTERM:
            return _("实施情况中期评价报告")
        return _("实施情况验收报告")

    @property
    def latest_version(self):
        return self.versions.order_by("-version").first()


def report_file_path(instance, filename):
    """Generated files live under the programme and the report; never under a public URL."""
    return f"reports/{instance.report.programme.slug}/{instance.report_id}/{filename}"


class ReportVersion(models.Model):
    """One generation of a report: PDF and Excel, hashed, numbered, with what it was built from.

    `content_sha256` is the hash of the rendered text content (the HTML handed to WeasyPrint):
    regenerating with unchanged data gives the same value, and since rendering is
    deterministic the PDF's `sha256` too."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="versions", verbose_name=_("报告")
    )
    version = models.PositiveIntegerField(_("版本"))
    kind = models.CharField(_("报告类型"), max_length=20, choices=Report.Kind.choices)
    as_of = models.DateField(_("数据截止日期"))
    data_changed_at = models.DateTimeField(_("数据最后更新时间"), null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("生成人"),
    )
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    pdf = models.FileField(_("PDF 文件"), upload_to=report_file_path, max_length=500)
    xlsx = models.FileField(_("Excel 文件"), upload_to=report_file_path, max_length=500)
    sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    xlsx_sha256 = models.CharField(_("Excel SHA-256"), max_length=64)
    content_sha256 = models.CharField(_("内容 SHA-256"), max_length=64, db_index=True)
    page_count = models.PositiveIntegerField(_("页数"), default=0)
    size = models.PositiveBigIntegerField(_("PDF 大小(字节)"), default=0)
    # The evidence files the report lists, with their place in the zip: the zip always
    # matches the report it was generated with, even after agencies attach more files.
    evidence_manifest = models.JSONField(_("证明材料清单"), default=list, blank=True)
    # A final (定稿) version, and the self-score table it was generated with (the automatic
    # scores as computed then, so every score printed is kept).
    is_final = models.BooleanField(_("定稿"), default=False)
    score_table = models.JSONField(_("自评得分表"), default=list, blank=True)

    class Meta:
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        ordering = ["report", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="report_version_unique"),
        ]

    def __str__(self):
        return f"{self.report} v{self.version}"

    @property
    def file_stem(self) -> str:
        """A download name: 武汉市-验收报告-2020-12-31-v1."""
        report = self.report
        name = report.title
        if report.agency_id:
            name = f"{report.agency.short_name}-{name}"
        return f"{report.programme.city.name}-{name}-{self.as_of:%Y-%m-%d}-v{self.version}"


from .frameworks.models import (  # noqa: E402,F401 - the frameworks live in their own module
    Aspect,
    AssessmentEvidence,
    Framework,
    Item,
    ManualScore,
)
