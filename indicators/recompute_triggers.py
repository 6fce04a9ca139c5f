"""Recompute on change (issue 10): a change to what an indicator's status follows from
enqueues the affected indicators' recompute when the change commits, so no page is left
showing 待重算 and the old status until someone clicks 重新计算全部指标.

- an indicator's target, upper bound, comparator, kind, formula, deadline or baseline
  (saved through `programmes.services.plan_object_save`, whose signal is connected in
  `IndicatorsConfig.ready`);
- a statistic's definition (aggregation, unit) in the catalogue: every programme whose
  indicators use the code.

Each returns the JobRun(s) (the outbox row; the Celery job is sent on commit)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .formulas import codes_in
from .models import Indicator, Statistic
from .services import _recompute_enqueue

INDICATOR_DEFINITION_FIELDS = frozenset(
    {"target", "target_max", "comparator", "kind", "formula", "deadline", "baseline_value", "baseline_year"}
)
STATISTIC_DEFINITION_FIELDS = frozenset({"aggregation", "unit"})


def on_plan_object_saved(sender, *, obj, changed: set[str], user, **kwargs):
    """Receiver of `programmes.services.plan_object_saved`."""
    if sender is not Indicator or not (set(changed) & INDICATOR_DEFINITION_FIELDS):
        return None
    codes = codes_in(obj.formula)  # the edited indicator uses them, so it is among those recomputed
    return _recompute_enqueue(
        programme=obj.programme,
        user=user,
        # the indicators using these codes (the edited one among them); all when none
        statistic_codes=sorted(codes) or None,
        message=_("指标“%(name)s”的设定已修改,重新计算") % {"name": obj.name},
    )


def on_statistic_definition_changed(*, statistic: Statistic, changed: set[str], user) -> list:
    """Called by the catalogue's save service; one recompute per programme using the code."""
    from programmes.models import Programme

    if not (set(changed) & STATISTIC_DEFINITION_FIELDS):
        return []
    using = Indicator.objects.filter(formula__contains=statistic.code)
    city_id = getattr(statistic, "city_id", None)  # a city's own code: only that city's programmes
    if city_id:
        using = using.filter(programme__city_id=city_id)
    programme_ids = {
        i.programme_id for i in using.only("programme_id", "formula") if statistic.code in codes_in(i.formula)
    }
    return [
        _recompute_enqueue(
            programme=programme,
            user=user,
            statistic_codes=[statistic.code],
            message=_("统计数据项“%(name)s”的口径已修改,重新计算") % {"name": statistic.name},
        )
        for programme in Programme.objects.filter(pk__in=programme_ids).order_by("pk")
    ]
