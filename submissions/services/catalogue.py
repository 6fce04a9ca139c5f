"""The statistics catalogue and who reports what."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from accounts.selectors import user_city
from indicators.models import Statistic, StatisticOwner
from indicators.recompute_triggers import on_statistic_definition_changed
from programmes.models import Agency, Programme

from .. import ingest

# --- the statistics catalogue and who reports what -----------------------------------------


@transaction.atomic
def statistic_save(*, statistic: Statistic, user) -> Statistic:
    """Add a statistic to the user's city's catalogue, or change one the city defined.

    Built-in codes are national and read-only to offices ("statistic.edit"); a statistic
    never moves to another city; its code is fixed once values, owners or formulas use it;
    every change is audited (django-simple-history, with the acting user)."""
    if statistic.pk is None:
        city = statistic.city if statistic.city_id else user_city(user=user)
        require(user, "statistic.create", city, _("只有本市领导小组办公室可以新增统计数据项。"))
        statistic.city = city
        statistic.is_builtin = False
    else:
        stored = Statistic.objects.select_for_update().get(pk=statistic.pk)
        require(user, "statistic.edit", stored)
        statistic.city_id, statistic.is_builtin = stored.city_id, stored.is_builtin
        statistic.code = (statistic.code or "").strip().upper()
        if statistic.code != stored.code:
            in_use = statistic_code_users(statistic=stored)
            if in_use:
                raise ValidationError(
                    {
                        "code": _("代码 %(code)s 已有 %(what)s,不能修改(公式和已填报的数据按代码对应)。")
                        % {"code": stored.code, "what": in_use}
                    }
                )
    statistic.code = (statistic.code or "").strip().upper()
    statistic.full_clean()
    statistic._history_user = user
    before = (
        Statistic.objects.filter(pk=statistic.pk).values("aggregation", "unit").first()
        if statistic.pk
        else None
    )
    statistic.save()
    if before:  # a changed definition recomputes the indicators using the code (issue 10)
        changed = {name for name, value in before.items() if getattr(statistic, name) != value}
        on_statistic_definition_changed(statistic=statistic, changed=changed, user=user)
    return statistic


def statistic_code_users(*, statistic: Statistic) -> str:
    """What uses a statistic's code, in words (“12 条统计数据和 1 个指标公式”), or ""."""
    from indicators.formulas import codes_in
    from indicators.models import Indicator
    from programmes.deletion import holders_of, holders_text

    text = holders_text(holders_of(statistic))
    formulas = Indicator.objects.filter(formula__contains=statistic.code)
    if statistic.city_id is not None:
        formulas = formulas.filter(programme__city_id=statistic.city_id)
    n = sum(1 for f in formulas.values_list("formula", flat=True) if statistic.code in codes_in(f))
    if n:
        formula_text = _("%(n)s 个指标公式") % {"n": n}
        text = _("%(list)s和 %(last)s") % {"list": text, "last": formula_text} if text else formula_text
    return text


@transaction.atomic
def statistic_owner_add(
    *, programme: Programme, statistic: Statistic, agency: Agency, area: str, user
) -> StatisticOwner:
    require(user, "programme.edit", programme)
    if agency.city_id != programme.city_id:
        raise ValidationError({"agency": _("只能指定本市的成员单位。")})
    area = (area or "").strip()
    if area == ingest.CITY_AREA_LABEL:
        area = ""
    if StatisticOwner.objects.filter(programme=programme, statistic=statistic, area=area).exists():
        raise ValidationError(
            {
                "statistic": _("“%(s)s”在“%(a)s”已有填报单位。")
                % {"s": statistic, "a": area or ingest.CITY_AREA_LABEL}
            }
        )
    owner = StatisticOwner(
        programme=programme, statistic=statistic, agency=agency, area=area, printed_agency=agency.name
    )
    owner._history_user = user
    owner.full_clean()
    owner.save()
    return owner


@transaction.atomic
def statistic_owner_remove(*, owner: StatisticOwner, user) -> None:
    require(user, "programme.edit", owner.programme)
    owner._history_user = user
    owner.delete()
