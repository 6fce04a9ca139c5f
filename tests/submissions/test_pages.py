"""The reporting pages render for the people who use them, with bounded queries even with
a whole plan's worth of demo rounds, and the demo loader gives every page something."""

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Statistic, StatisticOwner, StatisticValue
from submissions.models import ReportingRound, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def wuhan_demo(wuhan):
    from submissions.demo import _anchors, _load_programme

    _load_programme(wuhan, _anchors())
    return wuhan


def test_demo_loader_fills_every_quarter_of_the_plan_labelled_demo(wuhan_demo):
    rounds = ReportingRound.objects.filter(programme=wuhan_demo)
    assert rounds.count() == 16  # 2017Q1 … 2020Q4
    assert rounds.filter(status="open").count() == 1 and all(r.is_demo for r in rounds)
    values = StatisticValue.objects.filter(programme=wuhan_demo)
    assert values.exists() and set(values.values_list("source", flat=True)) == {"demo"}
    pop = values.filter(statistic__code="POP").order_by("year", "quarter")
    assert 900 < pop.first().value < 1300  # 万人
    inv_app_2017 = sum(v.value for v in values.filter(statistic__code="INV_APP", year=2017))
    assert 15000 < inv_app_2017 < 22000  # anchored on the published 2015 figure (15,065) + growth
    stock = list(
        values.filter(statistic__code="INV_VALID").order_by("year", "quarter").values_list("value", flat=True)
    )
    assert stock == sorted(stock)  # a stock never goes down in the demo
    states = set(Submission.objects.filter(round__programme=wuhan_demo).values_list("state", flat=True))
    assert {"approved", "submitted", "not_started"} <= states
    from tasks.models import TaskReport

    assert TaskReport.objects.filter(task__programme=wuhan_demo, source="demo").exists()


def test_load_demo_data_runs_the_loader_for_every_seed_programme_once(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    assert "submissions.demo.demo_reporting_load" in settings.DEMO_LOADERS
    call_command("load_demo_data", stdout=StringIO())
    slugs = set(ReportingRound.objects.values_list("programme__slug", flat=True))
    assert slugs == {"wuhan-2017", "harbin-2016", "yichang-2020", "anshan-2015", "fuzhou-2022"}
    counts = (ReportingRound.objects.count(), StatisticValue.objects.count(), Submission.objects.count())
    call_command("load_demo_data", stdout=StringIO())
    assert (
        ReportingRound.objects.count(),
        StatisticValue.objects.count(),
        Submission.objects.count(),
    ) == counts
    fuzhou = ReportingRound.objects.filter(programme__slug="fuzhou-2022").order_by("year", "quarter")
    assert (fuzhou.first().period, fuzhou.last().period) == ("2022Q3", "2025Q2")


PAGES = [
    ("office_wuhan", "submissions:round_list", ["wuhan-2017"], 14),
    ("office_wuhan", "submissions:round_detail", ["wuhan-2017", "2020Q4"], 14),
    ("office_wuhan", "submissions:round_detail", ["wuhan-2017", "2019Q2"], 14),
    ("office_wuhan", "submissions:reporting_rates", ["wuhan-2017"], 14),
    ("office_wuhan", "submissions:review_queue", [], 14),
    ("office_wuhan", "submissions:owner_list", ["wuhan-2017"], 16),
    ("office_wuhan", "submissions:statistic_list", [], 10),
    ("reporter_wuhan_kjj", "submissions:workspace", [], 12),
    ("reporter_wuhan_kjj", "submissions:notification_list", [], 10),
    ("evaluator", "submissions:round_detail", ["wuhan-2017", "2020Q4"], 14),
]


def test_list_pages_have_bounded_queries(wuhan_demo, login, django_assert_max_num_queries):
    for persona, url_name, args, bound in PAGES:
        client = login(persona)
        with django_assert_max_num_queries(bound):
            response = client.get(reverse(url_name, args=args))
        assert response.status_code == 200, (persona, url_name)


def test_agency_pages_have_bounded_queries(wuhan_demo, login, django_assert_max_num_queries):
    kjj = StatisticOwner.objects.filter(programme=wuhan_demo, statistic__code="INV_APP").get().agency
    client = login("reporter_wuhan_kjj")
    item = Submission.objects.get(
        round__programme=wuhan_demo, round__year=2020, round__quarter=4, agency=kjj, kind="statistics"
    )
    for url, bound in (
        (reverse("submissions:agency_round", args=["wuhan-2017", "2020Q4", kjj.pk]), 16),
        (reverse("submissions:statistics_form", args=["wuhan-2017", "2020Q4", kjj.pk]), 18),
        (item.get_absolute_url(), 22),
    ):
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200


def test_board_shows_states_lateness_and_demo_label(wuhan_demo, login):
    page = (
        login("office_wuhan")
        .get(reverse("submissions:round_detail", args=["wuhan-2017", "2019Q2"]))
        .content.decode()
    )
    assert "填报完成情况" in page and "已通过" in page and "演示" in page
    rates = (
        login("office_wuhan")
        .get(reverse("submissions:reporting_rates", args=["wuhan-2017"]))
        .content.decode()
    )
    assert "填报率" in rates and "及时率" in rates and "%" in rates


def test_reporting_rates_count_submitted_and_on_time(wuhan, office, kjj, kjj_user):
    from datetime import timedelta

    from submissions.selectors import reporting_rates
    from submissions.services import round_open, statistics_upload_import, submission_submit

    from .conftest import filled

    past = round_open(
        programme=wuhan, year=2019, quarter=4, due_date=timezone.localdate() - timedelta(days=1), user=office
    )
    statistics_upload_import(round=past, agency=kjj, filename="a.xlsx", data=filled(past, kjj), user=kjj_user)
    submission_submit(
        submission=Submission.objects.get(round=past, agency=kjj, kind="statistics"), user=kjj_user
    )
    rates = reporting_rates(programme=wuhan, agency_ids={kjj.pk})
    row = rates["rows"][0]
    due = Submission.objects.filter(round=past, agency=kjj).count()
    assert (row["due"], row["done"], row["on_time"]) == (due, 1, 0)  # submitted a day late
    assert row["rate"] == round(100 / due, 1) and row["on_time_rate"] == 0


def test_office_adds_a_statistic_code_and_an_owner(login, wuhan):
    client = login("office_wuhan")
    response = client.post(
        reverse("submissions:statistic_add"),
        {
            "code": "tm_geo_new",
            "name": "新增地理标志商标数",
            "unit": "件",
            "aggregation": "flow",
            "min_value": "0",
        },
    )
    assert response.status_code == 302
    stat = Statistic.objects.get(code="TM_GEO_NEW")
    assert not stat.is_builtin
    bad = client.post(
        reverse("submissions:statistic_add"),
        {"code": "9bad", "name": "x", "unit": "件", "aggregation": "flow"},
    )
    assert bad.status_code == 200 and not Statistic.objects.filter(code="9BAD").exists()
    builtin = Statistic.objects.get(code="PAT_APP")
    assert client.get(reverse("submissions:statistic_edit", args=[builtin.pk])).status_code == 403
    agency = wuhan.statistic_owners.first().agency
    response = client.post(
        reverse("submissions:owner_list", args=["wuhan-2017"]),
        {"statistic": stat.pk, "agency": agency.pk, "area": "洪山区"},
    )
    assert response.status_code == 302
    owner = StatisticOwner.objects.get(statistic=stat, programme=wuhan)
    assert owner.area == "洪山区" and owner.agency == agency
    dup = client.post(
        reverse("submissions:owner_list", args=["wuhan-2017"]),
        {"statistic": stat.pk, "agency": agency.pk, "area": "洪山区"},
    )
    assert "已有填报单位" in dup.content.decode()
    assert client.post(reverse("submissions:owner_delete", args=["wuhan-2017", owner.pk])).status_code == 302
    assert not StatisticOwner.objects.filter(pk=owner.pk).exists()


def test_home_sends_each_role_to_its_workbench(login):
    assert login("reporter_wuhan_kjj").get("/")["Location"] == reverse("workbench:reporter")
    assert login("office_wuhan").get("/")["Location"] == reverse("workbench:office")


def test_programme_has_a_reporting_tab(login):
    page = (
        login("office_wuhan")
        .get(reverse("programmes:programme_detail", args=["wuhan-2017"]))
        .content.decode()
    )
    assert reverse("submissions:round_list", args=["wuhan-2017"]) in page and "填报" in page


def test_rate_totals_counted_in_the_database_agree_with_the_per_agency_rates(wuhan_demo):
    """The province home's side-by-side totals (one aggregate query) are the same figures
    as the reporting-rates page sums up agency by agency."""
    from submissions.selectors import reporting_rate_totals, reporting_rates

    full = reporting_rates(programme=wuhan_demo, agency_ids=None)
    totals = reporting_rate_totals(programmes=[wuhan_demo])[wuhan_demo.pk]
    assert full["rate"] is not None and 0 < full["on_time_rate"] <= full["rate"] <= 100
    assert totals == {"rate": full["rate"], "on_time_rate": full["on_time_rate"]}
