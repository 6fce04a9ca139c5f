"""Done-when: with reported statistics, every indicator of every seed programme has a value
or a stated reason for no data, and a status (the demo statistics of the reporting room
give the same; until they exist the factories report plausible figures)."""

import pytest

from indicators.models import Indicator, IndicatorProgress
from indicators.progress import STATUSES
from indicators.services import indicator_recompute
from programmes.models import Programme

from .factories import fill_programme

SLUGS = ["anshan-2015", "fuzhou-2022", "harbin-2016", "wuhan-2017", "yichang-2020"]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_every_indicator_gets_a_value_or_a_reason_and_a_status(slug):
    programme = Programme.objects.get(slug=slug)
    fill_programme(programme, through=(programme.end_year - 1, 2))
    indicator_recompute(programme=programme)
    indicators = list(programme.indicators.all())
    progress = {p.indicator_id: p for p in IndicatorProgress.objects.filter(indicator__programme=programme)}
    assert set(progress) == {i.pk for i in indicators}
    for indicator in indicators:
        p = progress[indicator.pk]
        assert p.status in STATUSES, indicator.name
        assert p.reason and p.rule, indicator.name
        if p.status != "no_data" and indicator.kind != "milestone":
            assert p.value is not None, indicator.name
    statuses = {p.status for p in progress.values()}
    assert statuses - {"no_data"}, f"{slug}: nothing but no data"


@pytest.mark.django_db
def test_with_nothing_reported_every_indicator_says_why():
    for programme in Programme.objects.all():
        indicator_recompute(programme=programme)
    assert IndicatorProgress.objects.count() == Indicator.objects.count()
    for p in IndicatorProgress.objects.select_related("indicator"):
        if p.indicator.kind == "milestone":
            assert p.status in {"on_track", "behind"}
        else:
            assert p.status == "no_data" and p.reason.startswith("无数据:尚未填报 "), p.indicator.name
