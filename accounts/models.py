"""Who a user is in the portal: office staff of a city, a reporter of one agency, or an
evaluator of assigned programmes. Superusers see everything."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Agency, City, Programme


class Profile(models.Model):
    class Role(models.TextChoices):
        OFFICE = "office", _("领导小组办公室")
        REPORTER = "reporter", _("成员单位填报员")
        EVALUATOR = "evaluator", _("评估专家")

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
        verbose_name=_("单位"),
    )
    programmes = models.ManyToManyField(
        Programme, blank=True, related_name="evaluators", verbose_name=_("评估的方案")
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

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
