"""The pages (indicator list and page, programme overview) print the same figures as
`indicator_status --format json`: 完成率 (actual ÷ target), 进展度 (from the baseline), the
reference period, the provisional year to date, and the verdict after the deadline."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import IndicatorProgress
from indicators.services import indicator_recompute

from .factories import report, report_year

FLOW = "发明专利申请量"  # Wuhan: ≥ 32000 in 2020, baseline 2016


@pytest.fixture
def wuhan_flow(wuhan):
    report_year(wuhan, "INV_APP", 2016, [3000, 3500, 3800, 4074])  # 14374
    report_year(wuhan, "INV_APP", 2019, [4500, 4800, 4900, 5028])  # 19228
    for quarter, value in ((1, 5000), (2, 5400), (3, 5416)):  # 2020 to Q3: 15816
        report(wuhan, "INV_APP", 2020, quarter, value)
    indicator_recompute(programme=wuhan, today=date(2021, 3, 1))  # after the deadline
    return wuhan


def _json(slug):
    out = io.StringIO()
    call_command("indicator_status", slug, "--format", "json", stdout=out)
    return {row["name"]: row for row in json.loads(out.getvalue())["indicators"]}


@pytest.mark.django_db
def test_json_gives_completion_progress_period_provisional_and_the_pending_verdict(wuhan_flow):
    row = _json("wuhan-2017")[FLOW]
    assert row["completion"] == pytest.approx(19228 / 32000, abs=1e-6)  # 60.1 %, not 27.5 %
    assert row["progress"] == pytest.approx((19228 - 14374) / (32000 - 14374), abs=1e-6)
    assert row["period"] == "2019年" and row["value"] == 19228
    assert row["provisional"] == {"value": 15816, "period": "2020年1—3季度"}
    assert row["status"] == "pending" and row["reason"].startswith("待年度数据")
    stored = IndicatorProgress.objects.get(indicator__programme=wuhan_flow, indicator__name=FLOW)
    assert stored.status == "pending" and not stored.is_final


@pytest.mark.django_db
def test_the_list_the_page_and_the_overview_print_the_same_figures(wuhan_flow, login):
    client = login("office_wuhan")
    indicator = wuhan_flow.indicators.get(name=FLOW)
    listing = client.get(reverse("programmes:programme_indicators", args=[wuhan_flow.slug])).content.decode()
    detail = client.get(reverse("indicators:indicator_detail", args=[wuhan_flow.slug, indicator.pk]))
    overview = client.get(reverse("programmes:programme_detail", args=[wuhan_flow.slug]))
    assert detail.status_code == 200 and overview.status_code == 200
    for html in (listing, detail.content.decode(), overview.content.decode()):
        assert "60.1%" in html  # 完成率
        assert "27.5%" in html  # 进展度
        assert "2019年" in html  # the reference period
        assert "15,816" in html and "2020年1—3季度" in html  # provisional, labelled
        assert "待年度数据" in html
    assert "仅供参考" in listing and "不作为完成值" in detail.content.decode()
