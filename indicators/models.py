"""The statistics catalogue, who reports which statistic, and the plan's indicators.

Agencies report raw statistics (统计数据); indicators are formulas over them (the DHIS2
model: data elements with an aggregation type, indicators as expressions)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from programmes.models import Agency, Archivable, City, Goal, Programme, partial_date_validator


class StatisticQuerySet(models.QuerySet):
    def for_city(self, city):
        """The catalogue as one city sees it: the national codes and the city's own.

        Every code → statistic resolution (formulas, pickers, uploads, the engine) goes
        through this, so a code one city defined never resolves for another."""
        city_id = city.pk if isinstance(city, City) else city
        return self.filter(Q(city__isnull=True) | Q(city_id=city_id))


class Statistic(models.Model):
    """A statistic agencies report every quarter, with a stable code (PAT_APP, POP …).

    `city` empty: the national catalogue (built-in codes, read-only to offices). Otherwise
    a statistic a city defined for its own plans: only that city sees, uses and edits it.
    A city code never shadows a national one; a code is fixed once values exist."""

    class Aggregation(models.TextChoices):
        FLOW = "flow", _("流量(按季累加)")
        STOCK = "stock", _("存量(取最新值)")

    city = models.ForeignKey(
        City,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statistics",
        verbose_name=_("所属城市"),
        help_text=_("留空为全国统一的统计指标。"),
    )
    code = models.CharField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=200)
    unit = models.CharField(pgettext_lazy("unit", "单位"), max_length=20)
    aggregation = models.CharField(_("汇总方式"), max_length=10, choices=Aggregation.choices)
    description = models.TextField(_("说明"), blank=True)
    min_value = models.DecimalField(
        _("合理下限"), max_digits=20, decimal_places=4, default=Decimal("0"), null=True, blank=True
    )
    max_value = models.DecimalField(
        _("合理上限"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("超过该值的填报会被拒绝,用于发现单位错误(如常住人口按“人”而非“万人”填报)。"),
    )
    is_builtin = models.BooleanField(_("内置"), default=False)
    history = HistoricalRecords()

    objects = StatisticQuerySet.as_manager()

    class Meta:
        verbose_name = _("统计数据项")
        verbose_name_plural = _("统计数据项")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9_]*$"), name="statistic_code_upper_snake"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(city__isnull=True), name="statistic_national_code_unique"
            ),
            models.UniqueConstraint(fields=["city", "code"], name="statistic_city_code_unique"),
        ]

    def __str__(self):
        return f"{self.name}({self.code})"

    def clean(self):
        # A city code must not shadow a national one (a formula's PAT_APP means one thing).
        if self.code and self.city_id is not None:
            clash = Statistic.objects.filter(city__isnull=True, code=self.code).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"code": _("代码 %(code)s 已是全国统一的统计指标,请换一个代码。") % {"code": self.code}}
                )


class StatisticOwner(models.Model):
    """Which agency reports a statistic for a programme, and for which area.

    `area` is blank for the whole city, or a district's name where the plan wants
    district figures."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="statistic_owners")
    statistic = models.ForeignKey(
        Statistic, on_delete=models.PROTECT, related_name="owners", verbose_name=_("统计数据项")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="statistics_owned", verbose_name=_("填报单位")
    )
    printed_agency = models.CharField(_("原文单位名"), max_length=200, blank=True)
    area = models.CharField(_("区域"), max_length=100, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("填报分工")
        verbose_name_plural = _("填报分工")
        ordering = ["programme", "statistic__code", "area"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "statistic", "area"], name="statistic_owner_unique"),
        ]

    def __str__(self):
        return f"{self.statistic.code} → {self.agency}"


class Indicator(Archivable):
    """A quantitative target of the plan (目标值 with unit, comparator, deadline)."""

    class Kind(models.TextChoices):
        LEVEL = "level", _("期末水平")
        ANNUAL_FLOW = "annual_flow", _("年度流量")
        SHARE = "share", _("占比")
        GROWTH_RATE = "growth_rate", _("年增长率")
        AVG_GROWTH_RATE = "avg_growth_rate", _("年均增长率")
        YEARLY_MINIMUM = "yearly_minimum", _("每年不低于")
        CUMULATIVE = "cumulative", _("累计")
        RATE = "rate", _("比率")
        RANGE = "range", _("区间")
        PER_UNIT = "per_unit", _("单位平均")
        MILESTONE = "milestone", _("里程碑")

    class Comparator(models.TextChoices):
        GTE = ">=", _("不低于")
        GT = ">", _("超过")
        LTE = "<=", _("不高于")
        EQ = "=", _("等于")
        RANGE = "range", _("区间")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("指标名称"), max_length=300)
    area = models.CharField(_("领域"), max_length=4, choices=Goal.Area.choices)
    kind = models.CharField(_("指标类型"), max_length=20, choices=Kind.choices)
    comparator = models.CharField(
        _("比较方式"), max_length=5, choices=Comparator.choices, default=Comparator.GTE
    )
    target = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    target_max = models.DecimalField(_("目标上限"), max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(pgettext_lazy("unit", "单位"), max_length=20)
    deadline = models.CharField(_("完成时限"), max_length=7, validators=[partial_date_validator])
    source_sentence = models.TextField(_("原文依据"), blank=True)
    formula = models.CharField(_("计算公式"), max_length=500, null=True, blank=True)
    baseline_value = models.DecimalField(
        _("基期值"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("留空时由基期年的统计数据计算。"),
    )
    baseline_year = models.PositiveSmallIntegerField(_("基期年"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="indicator_unique_name_per_programme"),
            models.CheckConstraint(condition=Q(target__gte=0), name="indicator_target_not_negative"),
            models.CheckConstraint(
                condition=Q(target_max__isnull=True) | Q(target_max__gte=models.F("target")),
                name="indicator_range_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.target is not None and self.target < 0:
            errors["target"] = _("目标值不能为负数。")
        if self.comparator == self.Comparator.RANGE or self.kind == self.Kind.RANGE:
            if self.target_max is None:
                errors["target_max"] = _("区间指标需要填写目标上限。")
            elif self.target is not None and self.target_max < self.target:
                errors["target_max"] = _("区间的上限不能小于下限。")
        elif self.target_max is not None and self.target is not None and self.target_max < self.target:
            errors["target_max"] = _("区间的上限不能小于下限。")
        if self.kind == self.Kind.MILESTONE and self.formula:
            errors["formula"] = _("里程碑指标以完成情况和证明材料认定,不填写公式。")
        elif self.formula:
            from .services import indicator_formula_validate

            try:
                city = self.programme.city_id if self.programme_id else None
                self.formula = indicator_formula_validate(formula=self.formula, kind=self.kind, city=city)
            except ValidationError as exc:
                errors["formula"] = exc.message_dict["formula"]
        if errors:
            raise ValidationError(errors)

    @property
    def deadline_year(self) -> int:
        return int(self.deadline[:4])

    @property
    def target_display(self) -> str:
        def fmt(value):
            # As the report tables print figures: five digits and more grouped (GB/T 15835).
            text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
            whole, dot, fraction = text.partition(".")
            digits = whole.lstrip("-")
            if len(digits) >= 5:
                whole = whole[: len(whole) - len(digits)] + f"{int(digits):,}"
            return whole + dot + fraction

        if self.target_max is not None:
            return f"{fmt(self.target)}—{fmt(self.target_max)}"
        return fmt(self.target)


def upload_path(instance, filename):
    return f"uploads/statistics/{instance.programme.slug}/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class StatisticUpload(models.Model):
    """A statistics file an agency uploaded (web or command line), kept with its SHA-256.

    Only accepted uploads are stored: a rejected upload leaves the database and the stored
    files unchanged (its marked-up copy is kept in the cache for the uploader for an hour).
    `Status.REJECTED` is kept for uploads rejected after storage by future channels."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("已导入")
        REJECTED = "rejected", _("被拒绝")

    class Channel(models.TextChoices):
        WEB = "web", _("网页上传")
        COMMAND = "command", _("命令行")
        API = "api", _("API")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="statistic_uploads")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="statistic_uploads",
        verbose_name=pgettext_lazy("agency", "单位"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    file = models.FileField(_("文件"), upload_to=upload_path, max_length=500, null=True, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小(字节)"), default=0)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(_("结果"), max_length=10, choices=Status.choices)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    warnings = models.JSONField(_("警告"), default=list, blank=True)
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
        verbose_name = _("统计数据上传")
        verbose_name_plural = _("统计数据上传")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"


class StatisticValue(models.Model):
    """One reported figure of a statistic for a quarter (and area). Never overwritten.

    A correction is a new row (`version` + 1) pointing at the row it `supersedes`; only one
    row per (programme, statistic, area, year, quarter) is current. Who, when and which
    upload stay on every row."""

    class Source(models.TextChoices):
        FORM = "form", _("网页填报")
        UPLOAD = "upload", _("文件上传")
        COMMAND = "command", _("命令行导入")
        API = "api", _("API")
        DEMO = "demo", _("演示数据")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="statistic_values")
    statistic = models.ForeignKey(
        Statistic, on_delete=models.PROTECT, related_name="values", verbose_name=_("统计数据项")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="statistic_values", verbose_name=_("填报单位")
    )
    area = models.CharField(_("区域"), max_length=100, blank=True, default="")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
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
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    upload = models.ForeignKey(
        StatisticUpload,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="values",
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
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("统计数据")
        verbose_name_plural = _("统计数据")
        ordering = ["programme", "statistic__code", "year", "quarter", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "statistic", "area", "year", "quarter"],
                condition=Q(is_current=True),
                name="statistic_value_one_current",
            ),
            models.UniqueConstraint(
                fields=["programme", "statistic", "area", "year", "quarter", "version"],
                name="statistic_value_unique_version",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="statistic_value_quarter_1_4"
            ),
        ]
        indexes = [models.Index(fields=["programme", "statistic", "is_current", "year", "quarter"])]

    def __str__(self):
        return f"{self.statistic.code} {self.year}Q{self.quarter} = {self.value} (v{self.version})"

    @property
    def period_label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"


# --- the indicator engine's results (issue 5) ----------------------------------------------


class StatisticTotal(models.Model):
    """The city total of a statistic for one quarter, as the engine last used it.

    The whole city's row (area "") when there is one, else the sum of the district rows.
    `value_ids`/`value_versions` name the exact `StatisticValue` rows (and their versions)
    summed, so every computed indicator value leads back to what was reported and uploaded.
    Written only by `indicators.services.indicator_recompute`, only when it changes."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="statistic_totals")
    statistic = models.ForeignKey(
        Statistic, on_delete=models.CASCADE, related_name="totals", verbose_name=_("统计数据项")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    period = models.PositiveIntegerField(_("期序"), help_text=_("年×4+季度−1,便于按区间查询。"))
    value = models.DecimalField(_("合计值"), max_digits=24, decimal_places=6, null=True, blank=True)
    area_count = models.PositiveIntegerField(_("区域数"), default=0)
    value_ids = models.JSONField(_("所用数据行"), default=list)
    value_versions = models.JSONField(_("所用数据版本"), default=list)
    problem = models.TextField(_("问题"), blank=True)
    fingerprint = models.CharField(max_length=40)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("统计数据季度合计")
        verbose_name_plural = _("统计数据季度合计")
        ordering = ["programme", "statistic__code", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "statistic", "year", "quarter"], name="statistic_total_unique_quarter"
            ),
        ]
        indexes = [models.Index(fields=["programme", "statistic", "period"])]

    def __str__(self):
        return f"{self.statistic.code} {self.year}Q{self.quarter} = {self.value}"


class IndicatorValue(models.Model):
    """An indicator's value at the end of a quarter (year-to-date for flows), with lineage:
    the formula, and per statistic the window of quarters whose totals it used."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="computed_values")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    period = models.PositiveIntegerField(_("期序"))
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=6, null=True, blank=True)
    is_partial = models.BooleanField(_("年内累计(不完整年度)"), default=False)
    reason = models.TextField(_("无数据原因"), blank=True)
    formula = models.CharField(_("计算公式"), max_length=500)
    inputs = models.JSONField(_("输入"), default=list, help_text=_("[[代码, 起始季度, 截止季度], …]"))
    fingerprint = models.CharField(max_length=40)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("指标计算值")
        verbose_name_plural = _("指标计算值")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"], name="indicator_value_unique_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="indicator_value_quarter_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}Q{self.quarter} = {self.value}"


class IndicatorProgress(models.Model):
    """An indicator's current assessment: status, completion (完成率), projection, and the
    reason and rule behind them (docs/progress-rules.md). One row per indicator."""

    class Status(models.TextChoices):
        ACHIEVED = "achieved", _("已完成")
        ON_TRACK = "on_track", _("正常推进")
        AT_RISK = "at_risk", _("有风险")
        BEHIND = "behind", _("滞后")
        NO_DATA = "no_data", _("无数据")
        MISSED = "missed", _("未完成")
        PENDING = "pending", _("待年度数据")

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    value = models.DecimalField(_("完成值"), max_digits=24, decimal_places=6, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True)
    is_partial = models.BooleanField(_("年内累计(不完整年度)"), default=False)
    baseline_value = models.DecimalField(_("基期值"), max_digits=24, decimal_places=6, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基期年"), null=True, blank=True)
    completion = models.DecimalField(_("完成率"), max_digits=16, decimal_places=6, null=True, blank=True)
    progress = models.DecimalField(
        _("进展度"),
        max_digits=16,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("(完成值 − 基期值) ÷ (目标值 − 基期值);无基期值或基期已达标时为空。"),
    )
    provisional_value = models.DecimalField(
        _("参考值(年内累计)"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    provisional_year = models.PositiveSmallIntegerField(_("参考值年度"), null=True, blank=True)
    provisional_quarter = models.PositiveSmallIntegerField(_("参考值季度"), null=True, blank=True)
    provisional_partial = models.BooleanField(_("参考值为年内累计"), default=False)
    is_final = models.BooleanField(_("最终结论"), default=False, help_text=_("时限已到后的完成/未完成结论。"))
    ratio = models.DecimalField(_("进度比 R"), max_digits=16, decimal_places=6, null=True, blank=True)
    elapsed = models.DecimalField(_("时间进度 E"), max_digits=8, decimal_places=6, null=True, blank=True)
    projection_value = models.DecimalField(
        _("预计值"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    projection_period = models.CharField(_("预计时点"), max_length=7, blank=True)
    projection_text = models.CharField(_("预计"), max_length=200, blank=True)
    reason = models.TextField(_("说明"))
    rule = models.TextField(_("判断规则"))
    flags = models.JSONField(_("提示"), default=list, blank=True)
    yearly = models.JSONField(_("逐年情况"), default=list, blank=True)
    formula = models.CharField(_("计算公式"), max_length=500, blank=True)
    spec_hash = models.CharField(max_length=40, help_text=_("计算时的指标设置与阈值,用于发现设置已修改。"))
    fingerprint = models.CharField(max_length=40)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("指标进度")
        verbose_name_plural = _("指标进度")
        ordering = ["indicator"]

    def __str__(self):
        return f"{self.indicator}: {self.get_status_display()}"

    @property
    def period_label(self) -> str:
        """The reference period of the 完成值: "2019年", "2020年第3季度"."""
        from .progress import period_label

        return period_label(self.year, self.quarter or 4, self.is_partial) if self.year else ""

    @property
    def provisional_period(self) -> str:
        from .progress import period_label

        if not self.provisional_year:
            return ""
        return period_label(self.provisional_year, self.provisional_quarter or 4, self.provisional_partial)


def milestone_evidence_path(instance, filename):
    return f"evidence/milestones/{instance.indicator.programme.slug}/{instance.indicator_id}/{filename}"


class MilestoneCompletion(models.Model):
    """A dated yes/no for a milestone indicator (建成…平台并投入运行), with evidence.

    Never edited: a new record supersedes the previous one; the latest counts."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="milestone_records")
    is_done = models.BooleanField(_("已完成"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence = models.FileField(
        _("证明材料"), upload_to=milestone_evidence_path, max_length=500, null=True, blank=True
    )
    evidence_name = models.CharField(_("证明材料文件名"), max_length=255, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("里程碑完成情况")
        verbose_name_plural = _("里程碑完成情况")
        ordering = ["indicator", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_done=False) | Q(done_on__isnull=False), name="milestone_done_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {_('已完成') if self.is_done else _('未完成')}"


# Validation rules between statistics (issue 10 item 8) live in their own rooms.
from .validation.models import ValidationRule  # noqa: E402, F401
