"""Every main list and detail page makes the same number of queries on a small dataset and
on a larger one (issue 14): one Wuhan programme with its demo rounds, then four more
programmes with theirs — two more in 武汉市 (so the office, its reporters and the evaluator
each see three times as much) and two in new cities of 湖北省 (so the province sees more
cities). A page whose count grows with the data has a query per row somewhere."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Profile
from indicators.services import indicator_recompute
from programmes.models import City, Programme
from programmes.services import seed_programmes_load
from reports.services import report_ensure
from submissions.demo import _anchors, _load_programme
from submissions.models import Submission

pytestmark = pytest.mark.django_db


def _fill(programme):
    _load_programme(programme, _anchors())
    indicator_recompute(programme=programme)
    report_ensure(programme=programme, kind="acceptance")


def _copies(tmp_path: Path, wuhan) -> list[Programme]:
    source = json.loads((settings.SEED_DATA_DIR / "wuhan-2017.json").read_text(encoding="utf-8"))
    paths = []
    for n, city in enumerate(["武汉市", "武汉市", "基准一市", "基准二市"], 1):
        data = dict(source, slug=f"scale-{n}", city=city, province="湖北省", source_file="")
        data["title"] = f"{city}知识产权强市建设方案（副本{n}）"
        path = tmp_path / f"scale-{n}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    programmes = seed_programmes_load(paths=paths)
    evaluator = Profile.objects.get(user__username="evaluator")
    for programme in programmes:
        _fill(programme)
        evaluator.programmes.add(programme)
    return programmes


def _pages(wuhan) -> dict[str, list[str]]:
    slug = wuhan.slug
    last = wuhan.reporting_rounds.order_by("-year", "-quarter").first()
    agency = Profile.objects.get(user__username="reporter_wuhan_kjj").agency_id
    item = Submission.objects.filter(round__programme=wuhan, agency_id=agency).order_by("pk").first()
    report = wuhan.reports.order_by("pk").first()
    office = [
        reverse("workbench:office"),
        reverse("programmes:programme_list"),
        reverse("programmes:programme_detail", args=[slug]),
        reverse("programmes:programme_indicators", args=[slug]),
        reverse("programmes:programme_tasks", args=[slug]),
        reverse("programmes:programme_matrix", args=[slug]),
        reverse("programmes:programme_funding", args=[slug]),
        reverse("programmes:agency_list"),
        reverse("indicators:indicator_detail", args=[slug, wuhan.indicators.order_by("order").first().pk]),
        reverse("tasks:task_detail", args=[slug, wuhan.tasks.order_by("order").first().pk]),
        reverse("submissions:round_list", args=[slug]),
        reverse("submissions:round_detail", args=[slug, last.period]),
        reverse("submissions:reporting_rates", args=[slug]),
        reverse("submissions:review_queue"),
        reverse("submissions:submission_detail", args=[item.pk]),
        reverse("submissions:statistic_list"),
        reverse("submissions:owner_list", args=[slug]),
        reverse("reports:report_list", args=[slug]),
        reverse("reports:report_detail", args=[slug, report.pk]),
        reverse("reports:report_index"),
    ]
    reporter = [
        reverse("workbench:reporter"),
        reverse("submissions:workspace"),
        reverse("submissions:agency_round", args=[slug, last.period, agency]),
        reverse("submissions:submission_detail", args=[item.pk]),
        reverse("submissions:notification_list"),
        reverse("programmes:programme_detail", args=[slug]),
    ]
    evaluator = [
        reverse("workbench:evaluator"),
        reverse("programmes:programme_list"),
        reverse("programmes:programme_detail", args=[slug]),
        reverse("programmes:programme_indicators", args=[slug]),
        reverse("reports:report_list", args=[slug]),
        reverse("reports:report_index"),
    ]
    return {
        "office_wuhan": office,
        "reporter_wuhan_kjj": reporter,
        "evaluator": evaluator,
        "province_hubei": [reverse("workbench:province"), reverse("programmes:programme_list")],
    }


def _counts(client, pages) -> dict[tuple[str, str], int]:
    from django.contrib.auth import get_user_model

    counts = {}
    for persona, urls in pages.items():
        client.force_login(get_user_model().objects.get(username=persona))
        for url in urls:
            client.get(url)  # warm: sessions, caches, first-request work
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, (persona, url, response.status_code)
            counts[(persona, url)] = len(ctx.captured_queries)
    return counts


def test_every_main_page_makes_a_constant_number_of_queries_as_the_data_grows(
    client, wuhan, tmp_path, province_user
):
    City.objects.filter(name="武汉市").update(province="湖北省")
    _fill(wuhan)
    pages = _pages(wuhan)
    small = _counts(client, pages)
    _copies(tmp_path, wuhan)
    assert Programme.objects.filter(city__name="武汉市").count() == 3
    large = _counts(client, pages)
    grown = {page: (small[page], large[page]) for page in small if large[page] > small[page]}
    assert not grown, f"queries grew with the data (small, large): {grown}"
