"""Cities, member agencies, programmes (the published plans) and what a plan says beside
its indicators and tasks: goals, phases, the leading group, member duties and funding."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

month_validator = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("请按 YYYY-MM 填写年月,例如 2016-02。"))
partial_date_validator = RegexValidator(
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$",
    _("请按 YYYY、YYYY-MM 或 YYYY-MM-DD 填写日期。"),
)


class Archivable(models.Model):
    """停用 instead of delete: an archived plan object (task, indicator, agency, phase) leaves
    new reporting rounds but stays, with everything reported against it, in history and
    reports. Written only by `programmes.deletion.plan_object_archive` / `_restore`."""

    is_archived = models.BooleanField(_("已停用"), default=False)
    archived_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("停用人"),
    )

    class Meta:
        abstract = True


class City(models.Model):
    """A city whose government runs one or more programmes. Every record belongs to one."""

    name = models.CharField(_("城市"), max_length=50, unique=True)
    province = models.CharField(_("省份"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("城市")
        verbose_name_plural = _("城市")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Agency(Archivable):
    """A member agency (成员单位) of a city: one unit, however many names the plans print.

    `name` is the fullest printed form; other printed forms are `AgencyAlias` rows.
    A collective assignee ("各区人民政府") stands for every district.
    """

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("城市"))
    name = models.CharField(_("单位名称"), max_length=200)
    is_collective = models.BooleanField(
        _("集合单位"), default=False, help_text=_("如“各区人民政府”,代表每个区。")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["city", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="agency_unique_name_per_city")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:agency_detail", args=[self.pk])

    @property
    def short_name(self) -> str:
        """The name without bracketed notes, for tight table cells."""
        return re.split(r"[〔〈(（]", self.name, maxsplit=1)[0] or self.name


class AgencyAlias(models.Model):
    """Another printed name of an agency. Unique per city, so one printed name never
    points at two units: ambiguous names are resolved by staff, never merged silently."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="aliases", verbose_name=pgettext_lazy("agency", "单位")
    )
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+", editable=False)
    name = models.CharField(_("别名"), max_length=200)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="alias_unique_name_per_city")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.city_id = self.agency.city_id
        super().save(*args, **kwargs)


class Programme(models.Model):
    """A city's published implementation plan (实施方案/工作方案), run from plan to acceptance."""

    class Kind(models.TextChoices):
        DEMONSTRATION_CITY = "demonstration_city", _("国家知识产权示范城市")
        STRONG_CITY = "strong_city", _("知识产权强市建设")
        OPERATION_SERVICE = "operation_service", _("知识产权运营服务体系")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("实施中")
        ACCEPTANCE = "acceptance", _("验收中")
        CLOSED = "closed", _("已结束")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("城市")
    )
    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("方案名称"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=100, null=True, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    issue_date = models.CharField(
        _("印发日期"), max_length=10, null=True, blank=True, validators=[partial_date_validator]
    )
    period_start = models.CharField(_("起始年月"), max_length=7, validators=[month_validator])
    period_end = models.CharField(_("截止年月"), max_length=7, validators=[month_validator])
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    source_text = models.TextField(_("方案原文"), blank=True)
    source_file = models.CharField(_("原文文件"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # Status thresholds (DOMAIN.md defaults); office staff change them per programme.
    on_track_ratio = models.DecimalField(
        _("正常推进阈值 R"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.95"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    at_risk_ratio = models.DecimalField(
        _("有风险阈值 R"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    at_risk_gap = models.DecimalField(
        _("年度指标容差"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.10"),
        help_text=_("未达标幅度不超过目标值的该比例时记为“有风险”。"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["source_text"])

    class Meta:
        verbose_name = _("建设方案")
        verbose_name_plural = _("建设方案")
        ordering = ["city__name", "-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="programme_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(at_risk_ratio__lte=models.F("on_track_ratio")),
                name="programme_thresholds_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.slug])

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("截止年月不能早于起始年月。")})
        if (
            self.at_risk_ratio is not None
            and self.on_track_ratio is not None
            and self.at_risk_ratio > self.on_track_ratio
        ):
            raise ValidationError({"at_risk_ratio": _("“有风险”阈值不能高于“正常推进”阈值。")})

    @property
    def start_year(self) -> int:
        return int(self.period_start[:4])

    @property
    def end_year(self) -> int:
        return int(self.period_end[:4])

    @property
    def baseline_year(self) -> int:
        """The year before the plan starts: the 基期 of every target."""
        return self.start_year - 1


class Goal(models.Model):
    """The overall goal and each specific-goal paragraph, kept as text by area."""

    class Area(models.TextChoices):
        CREATION = "创造", _("创造")
        UTILISATION = "运用", _("运用")
        PROTECTION = "保护", _("保护")
        MANAGEMENT = "管理", _("管理")
        SERVICES = "服务", _("服务")
        GENERAL = "综合", _("综合")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    area = models.CharField(_("领域"), max_length=4, choices=Area.choices)
    title = models.CharField(_("标题"), max_length=500)
    text = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("工作目标")
        verbose_name_plural = _("工作目标")
        ordering = ["programme", "order"]

    def __str__(self):
        return self.title


class Phase(Archivable):
    """A step of 实施步骤 with its month range; mid-term and acceptance steps are milestones."""

    class Milestone(models.TextChoices):
        MIDTERM = "midterm", _("中期评价")
        ACCEPTANCE = "acceptance", _("总结验收")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("阶段名称"), max_length=200)
    start = models.CharField(_("开始年月"), max_length=7, validators=[month_validator])
    end = models.CharField(_("结束年月"), max_length=7, validators=[month_validator])
    milestone = models.CharField(_("节点"), max_length=20, choices=Milestone.choices, null=True, blank=True)
    reached_on = models.DateField(_("完成日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("实施阶段")
        verbose_name_plural = _("实施阶段")
        ordering = ["programme", "order", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="phase_months_ordered")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("结束年月不能早于开始年月。")})


class LeadingGroupMember(models.Model):
    """A member of the programme's leading group (领导小组) or its office (办公室)."""

    class Role(models.TextChoices):
        LEADER = "组长", _("组长")
        DEPUTY = "副组长", _("副组长")
        MEMBER = "成员", _("成员")
        OFFICE = "办公室", _("办公室")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="leading_group")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="leading_group_seats",
        verbose_name=pgettext_lazy("agency", "单位"),
    )
    printed_agency = models.CharField(_("原文单位名"), max_length=200)
    role = models.CharField(_("职务"), max_length=10, choices=Role.choices)
    person = models.CharField(_("姓名"), max_length=50, null=True, blank=True)
    title = models.CharField(_("职务名称"), max_length=200, null=True, blank=True)

    class Meta:
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")
        ordering = ["programme", "order"]

    def __str__(self):
        return f"{self.get_role_display()} {self.person or ''} {self.printed_agency}".strip()


class AgencyDuty(models.Model):
    """A member agency's duties as the plan's annex states them, linked to the tasks named."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="duties")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="duties", verbose_name=pgettext_lazy("agency", "单位")
    )
    printed_agency = models.CharField(_("原文单位名"), max_length=200)
    text = models.TextField(_("职责"))
    tasks = models.ManyToManyField(
        "tasks.Task", blank=True, related_name="duties", verbose_name=_("相关任务")
    )

    class Meta:
        verbose_name = _("成员单位职责")
        verbose_name_plural = _("成员单位职责")
        ordering = ["programme", "order"]

    def __str__(self):
        return self.printed_agency


class FundingSource(models.TextChoices):
    """Where money comes from, as plans print it: 中央财政资金 and 地方财政 split by level
    (省/市/区县), and 社会资本. The former single "local" became "municipal" (docs/decisions.md)."""

    CENTRAL = "central", _("中央财政资金")
    PROVINCIAL = "provincial", _("省级财政资金")
    MUNICIPAL = "municipal", _("市级财政资金")
    COUNTY = "county", _("区县财政资金")
    SOCIAL = "social", _("社会资本")
    OTHER = "other", _("其他资金")


class FundingRule(models.Model):
    """A rule the plan sets over its special funds, checked against the ledger."""

    class Kind(models.TextChoices):
        MIN_SHARE = "min_share", _("类别占比不低于")
        MIN_YEARLY_AMOUNT = "min_yearly_amount", _("每年金额不低于")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funding_rules")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("规则名称"), max_length=200)
    kind = models.CharField(_("规则类型"), max_length=30, choices=Kind.choices)
    category = models.CharField(
        _("资金类别"),
        max_length=100,
        null=True,
        blank=True,
        help_text=_("与资金使用台账的类别一致;留空表示全部支出。“以市场化方式使用”指标记为市场化的支出。"),
    )
    source = models.CharField(
        _("资金来源"),
        max_length=20,
        choices=FundingSource.choices,
        null=True,
        blank=True,
        help_text=_("规则只针对某一来源的资金时选择;留空表示不分来源。"),
    )
    threshold = models.DecimalField(
        _("阈值"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(pgettext_lazy("unit", "单位"), max_length=10)
    source_sentence = models.TextField(_("原文"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资金规则")
        verbose_name_plural = _("资金规则")
        ordering = ["programme", "order"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="min_share") | Q(threshold__lte=100), name="funding_rule_share_at_most_100"
            )
        ]

    def __str__(self):
        return self.name


class FundingBudget(models.Model):
    """A year's budget of the special fund from one source (中央 / 省 / 市 / 区县 / 社会资本 / 其他)."""

    Source = FundingSource

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("资金来源"), max_length=20, choices=Source.choices)
    amount = models.DecimalField(
        _("预算金额(万元)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度预算")
        verbose_name_plural = _("年度预算")
        ordering = ["programme", "year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "source"], name="budget_unique_year_source")
        ]

    def __str__(self):
        return f"{self.year} {self.get_source_display()} {self.amount}万元"


class FundingExpense(models.Model):
    """One line of the spending ledger (资金使用台账)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="expenses")
    date = models.DateField(_("日期"))
    amount = models.DecimalField(
        _("金额(万元)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    category = models.CharField(_("资金类别"), max_length=100)
    market_based = models.BooleanField(_("以市场化方式使用"), default=False)
    source = models.CharField(
        _("资金来源"),
        max_length=20,
        choices=FundingBudget.Source.choices,
        default=FundingBudget.Source.MUNICIPAL,
    )
    task = models.ForeignKey(
        "tasks.Task",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expenses",
        verbose_name=_("任务"),
    )
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expenses",
        verbose_name=pgettext_lazy("agency", "单位"),
    )
    description = models.CharField(_("摘要"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资金使用台账")
        verbose_name_plural = _("资金使用台账")
        ordering = ["programme", "-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.description} {self.amount}万元"
