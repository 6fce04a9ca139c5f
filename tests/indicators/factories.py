"""Factories for reported statistics, so the engine can be tested before (and without) the
reporting rounds of issue 4: values are written as `StatisticValue` rows directly."""

from decimal import Decimal

import factory
from django.db import transaction

from indicators.models import Statistic, StatisticOwner, StatisticUpload, StatisticValue
from indicators.services import indicator_formula_validate
from programmes.models import Agency


def owner_agency(programme, code: str) -> Agency:
    owner = (
        StatisticOwner.objects.filter(programme=programme, statistic__code=code)
        .select_related("agency")
        .first()
    )
    if owner is not None:
        return owner.agency
    return Agency.objects.filter(city=programme.city).order_by("pk").first()


class StatisticUploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatisticUpload

    year = 2019
    quarter = 4
    original_name = factory.Sequence(lambda n: f"统计数据_{n}.xlsx")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size = 1024
    status = StatisticUpload.Status.ACCEPTED
    row_count = 1


def report(programme, code, year, quarter, value, *, area="", agency=None, upload=None, user=None):
    """Report one figure (a first version, or a correction superseding the current one)."""
    statistic = Statistic.objects.for_city(programme.city_id).get(code=code)
    agency = agency or owner_agency(programme, code)
    with transaction.atomic():
        current = (
            StatisticValue.objects.select_for_update()
            .filter(
                programme=programme,
                statistic=statistic,
                area=area,
                year=year,
                quarter=quarter,
                is_current=True,
            )
            .first()
        )
        if current is not None:
            StatisticValue.objects.filter(pk=current.pk).update(is_current=False)
        return StatisticValue.objects.create(
            programme=programme,
            statistic=statistic,
            agency=agency,
            area=area,
            year=year,
            quarter=quarter,
            value=Decimal(str(value)),
            version=(current.version + 1) if current else 1,
            supersedes=current,
            is_current=True,
            source=StatisticValue.Source.UPLOAD if upload else StatisticValue.Source.FORM,
            upload=upload,
            reported_by=user,
        )


def report_year(programme, code, year, values, **kwargs):
    """Four quarters of a flow (values = [q1, q2, q3, q4]) or a stock's quarter-end values."""
    return [report(programme, code, year, q + 1, v, **kwargs) for q, v in enumerate(values) if v is not None]


def set_formula(indicator, formula):
    indicator.formula = indicator_formula_validate(formula=formula, kind=indicator.kind)
    indicator.save()
    return indicator


# Plausible city figures for the seed programmes' statistics: (baseline-year annual total
# for a flow / level for a stock, yearly growth).
DEMO_SCALE = {
    "POP": (1000, 0.01),
    "PAT_APP": (20000, 0.12),
    "INV_APP": (8000, 0.15),
    "SVC_APP": (12000, 0.12),
    "INV_GRANT": (3000, 0.12),
    "INV_VALID": (9000, 0.16),
    "HV_INV_VALID": (4000, 0.2),
    "CASE_ACCEPTED": (400, 0.1),
    "CASE_CLOSED": (372, 0.1),
    "CASE_CLOSED_ONTIME": (370, 0.1),
    "FAKE_PAT_ACCEPTED": (100, 0.05),
    "FAKE_PAT_CLOSED": (93, 0.05),
    "FAKE_PAT_CLOSED_ONTIME": (96, 0.05),
    "IP_MGR": (1000, 0.05),
    "IP_MGR_TRAINED": (800, 0.1),
    "TM_VALID": (300000, 0.1),
}


def fill_programme(programme, *, through=None, scale=None):
    """Quarterly figures for every statistic the programme's formulas use, from two years
    before the plan (the baseline year and the one before it, for yoy) to `through`
    ((year, quarter), default the plan's last quarter)."""
    from indicators.formulas import codes_in

    scale = {**DEMO_SCALE, **(scale or {})}
    codes = sorted(set().union(*(codes_in(i.formula) for i in programme.indicators.all())))
    first_year = programme.baseline_year - 1
    end = through or (programme.end_year, 4)
    stats = {s.code: s for s in Statistic.objects.for_city(programme.city_id).filter(code__in=codes)}
    rows = []
    for code in codes:
        stat = stats[code]
        base, growth = scale.get(code, (100, 0.1))
        for year in range(first_year, end[0] + 1):
            level = base * (1 + growth) ** (year - programme.baseline_year)
            for quarter in range(1, 5):
                if (year, quarter) > end:
                    break
                if stat.aggregation == "flow":
                    value = round(level / 4, 2)
                else:
                    value = round(level * (1 + growth) ** (quarter / 4 - 1), 2)
                rows.append(
                    StatisticValue(
                        programme=programme,
                        statistic=stat,
                        agency=owner_agency(programme, code),
                        year=year,
                        quarter=quarter,
                        value=Decimal(str(value)),
                        source=StatisticValue.Source.DEMO,
                    )
                )
    StatisticValue.objects.bulk_create(rows)
    return len(rows)
