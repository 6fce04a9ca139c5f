"""Rounds inside the plan: a quarter outside the programme's period is refused with a clear
message and nothing is created; the form suggests the next missing quarter of the period and
prefills the due date in the ISO format a date input takes."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from submissions.models import ReportingRound, Submission
from submissions.rounds import next_missing_quarter, programme_quarters, suggested_due_date
from submissions.services import round_open


def test_quarters_of_a_period_include_a_partly_covered_first_quarter(db):
    from programmes.models import Programme

    anshan = Programme.objects.get(slug="anshan-2015")  # 2015-06 .. 2018-12
    quarters = programme_quarters(anshan)
    assert quarters[0] == (2015, 2) and quarters[-1] == (2018, 4) and len(quarters) == 15


def test_service_refuses_a_quarter_after_the_plan_ended(wuhan, office):
    with pytest.raises(ValidationError) as exc:
        round_open(programme=wuhan, year=2026, quarter=4, due_date=date(2027, 1, 15), user=office)
    assert exc.value.message_dict["period"] == [
        "2026年第4季度不在方案实施期(2017年1月—2020年12月)之内,只能为实施期内的季度开启填报。"
    ]
    assert not ReportingRound.objects.filter(programme=wuhan).exists()


def test_service_refuses_a_quarter_before_the_plan_started(wuhan, office):
    with pytest.raises(ValidationError):
        round_open(programme=wuhan, year=2016, quarter=4, due_date=date(2017, 1, 15), user=office)
    assert not ReportingRound.objects.filter(programme=wuhan).exists()


def test_page_refuses_a_round_outside_the_period_and_creates_nothing(login, wuhan):
    client = login("office_wuhan")
    url = reverse("submissions:round_list", args=[wuhan.slug])
    response = client.post(url, {"period": "2026Q4", "due_date": "2027-01-15", "note": ""})
    assert response.status_code == 200
    assert "2026年第4季度不在方案实施期(2017年1月—2020年12月)之内" in response.content.decode()
    assert not ReportingRound.objects.filter(programme=wuhan).exists()
    assert not Submission.objects.filter(round__programme=wuhan).exists()


def test_page_opens_a_round_inside_the_period(login, wuhan):
    client = login("office_wuhan")
    url = reverse("submissions:round_list", args=[wuhan.slug])
    response = client.post(url, {"period": "2020Q4", "due_date": "2021-01-15", "note": ""})
    assert response.status_code == 302
    round = ReportingRound.objects.get(programme=wuhan)
    assert (round.year, round.quarter, round.due_date) == (2020, 4, date(2021, 1, 15))


def test_next_missing_quarter_follows_the_latest_round(wuhan):
    assert next_missing_quarter(wuhan, set()) == (2017, 1)
    assert next_missing_quarter(wuhan, {(2017, 1), (2017, 2)}) == (2017, 3)
    # a gap before the latest round is filled only once the period's end is reached
    assert next_missing_quarter(wuhan, {(2017, 1), (2018, 2)}) == (2018, 3)
    every = set(programme_quarters(wuhan))
    assert next_missing_quarter(wuhan, every - {(2017, 3)}) == (2017, 3)
    assert next_missing_quarter(wuhan, every) is None


def test_due_date_is_half_a_month_after_the_quarter_or_from_today():
    assert suggested_due_date(2020, 4, date(2020, 11, 1)) == date(2021, 1, 15)
    assert suggested_due_date(2020, 1, date(2020, 3, 31)) == date(2020, 4, 15)
    assert suggested_due_date(2017, 1, date(2025, 6, 1)) == date(2025, 6, 16)


def test_form_suggests_the_next_missing_quarter_with_an_iso_due_date(login, wuhan, office):
    round_open(programme=wuhan, year=2017, quarter=1, due_date=date(2017, 4, 15), user=office)
    round_open(programme=wuhan, year=2017, quarter=2, due_date=date(2017, 7, 15), user=office)
    response = login("office_wuhan").get(reverse("submissions:round_list", args=[wuhan.slug]))
    html = response.content.decode()
    assert re.search(r'name="period"[^>]*value="2017Q3"', html)
    due = re.search(r'<input type="date" name="due_date" value="([^"]*)"', html)
    assert due and re.fullmatch(r"\d{4}-\d{2}-\d{2}", due.group(1))
    assert "方案实施期 2017年1月—2020年12月 内的季度" in html


def test_form_says_when_every_quarter_has_its_round(login, wuhan):
    ReportingRound.objects.bulk_create(
        ReportingRound(programme=wuhan, year=y, quarter=q, due_date=date(2021, 1, 15))
        for y, q in programme_quarters(wuhan)
    )
    response = login("office_wuhan").get(reverse("submissions:round_list", args=[wuhan.slug]))
    html = response.content.decode()
    assert "方案实施期内的每个季度都已开启过填报轮次。" in html
    assert not re.search(r'name="period"[^>]*value="\d{4}Q\d"', html)
