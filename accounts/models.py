"""Who a user is in the portal: office staff of a city, a reporter of one agency, or an
evaluator of assigned programmes. Superusers see everything."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programmes.models import Agency, City, Programme


class Profile(models.Model):
    class Role(models.TextChoices):
        OFFICE = "office", _("领导小组办公室")
        REPORTER = "reporter", _("成员单位填报员")
        EVALUATOR = "evaluator", _("评估专家")
        PROVINCE = "province", _("省级知识产权管理部门")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("城市")
    )
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reporters",
        verbose_name=pgettext_lazy("agency", "单位"),
    )
    programmes = models.ManyToManyField(
        Programme, blank=True, related_name="evaluators", verbose_name=_("评估的方案")
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # A provincial user oversees every city whose City.province is this name.
    province = models.CharField(_("省份"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="office") | Q(city__isnull=False), name="profile_office_has_city"
            ),
            models.CheckConstraint(
                condition=~Q(role="reporter") | Q(agency__isnull=False), name="profile_reporter_has_agency"
            ),
            models.CheckConstraint(
                condition=~Q(role="province") | ~Q(province=""), name="profile_province_has_province"
            ),
        ]

    def __str__(self):
        return f"{self.user.get_username()} ({self.get_role_display()})"

    def clean(self):
        if self.role == self.Role.OFFICE and not self.city_id:
            raise ValidationError({"city": _("办公室人员需要指定城市。")})
        if self.role == self.Role.REPORTER:
            if not self.agency_id:
                raise ValidationError({"agency": _("填报员需要指定所属单位。")})
            self.city_id = self.agency.city_id
        if self.role == self.Role.PROVINCE and not self.province:
            raise ValidationError({"province": _("省级用户需要指定省份。")})


class ApiToken(models.Model):
    """A machine user's key to the write API, issued and revoked by the office, scoped to one
    agency: a statistics bureau's system pushes that agency's figures with it.

    Each token has its own user (a reporter of the agency with no password), so the same
    rules, scoping and lineage (reported_by) apply as to a person. Only the SHA-256 of the
    key is kept; the key itself is shown once, when it is issued."""

    name = models.CharField(_("名称"), max_length=100)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=pgettext_lazy("agency", "单位"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_token",
        verbose_name=_("机器用户"),
    )
    prefix = models.CharField(_("前缀"), max_length=12)
    key_sha256 = models.CharField(_("密钥 SHA-256"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiPush(models.Model):
    """One accepted write through the API under a client-supplied idempotency key: a retry
    with the same key and the same body gets the stored answer, nothing is written twice;
    the same key with another body is refused (409)."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="pushes")
    key = models.CharField(_("幂等键"), max_length=100)
    request_sha256 = models.CharField(_("请求 SHA-256"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("响应状态"))
    response = models.JSONField(_("响应内容"), default=dict)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("API 写入记录")
        verbose_name_plural = _("API 写入记录")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_push_unique_key")]

    def __str__(self):
        return f"{self.token.prefix} {self.key}"
