"""English that is English (issue 13 item 8): each language named in itself, a favicon, no
ReDoc (it loads fonts from the web; Swagger UI is local); generated sentences (an indicator's
reason and projection, a job's state) in English when English is chosen."""

import re

import pytest
from django.utils import translation

from indicators.progress import Baseline, Plan, Point, assess

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_languages_are_named_in_themselves_and_the_page_has_a_favicon(login, language, settings):
    client = login("office_wuhan")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/programmes/").content.decode()
    assert ">English</option>" in page and ">简体中文</option>" in page
    assert "英语" not in page
    assert 'rel="icon" href="/static/favicon.svg"' in page


def test_redoc_is_gone_and_swagger_ui_is_served(login):
    client = login("office_wuhan")
    assert client.get("/api/redoc/").status_code == 404
    assert client.get("/api/docs/").status_code == 200


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
LEVEL = Plan(
    kind="level",
    comparator=">=",
    target=30,
    unit=" pcs",
    start=(2016, 1),
    deadline=(2020, 12),
    baseline_year=2015,
)


@pytest.mark.parametrize(
    "points, status, words",
    [
        ([(2018, 4, 20), (2019, 4, 31)], "achieved", "2019: 31 pcs; target 30 reached."),
        ([(2018, 4, 19.53125)], "on_track", "R = actual average annual growth 25.0%"),
        ([(2020, 4, 20)], "missed", "Deadline passed: 2020: 20 pcs, target 30 not met, completion 66.7%."),
    ],
)
def test_an_indicator_reason_and_projection_are_english(points, status, words):
    with translation.override("en"):
        a = assess(LEVEL, [Point(y, q, v, False, "") for y, q, v in points], baseline=Baseline(10, 2015))
        label = a.status_label
    assert a.status == status and words in a.reason
    assert not CJK.search(a.reason + a.projection_text + label), (a.reason, a.projection_text, label)
    with translation.override("zh-hans"):
        assert CJK.search(assess(LEVEL, [Point(y, q, v, False, "") for y, q, v in points]).reason)


def test_a_job_state_renders_in_english(client, settings):
    from django.template.loader import render_to_string

    from ipcity.core.models import JobRun

    jobs = [
        JobRun.objects.create(kind="test", status=s) for s in ("queued", "running", "succeeded", "failed")
    ]
    with translation.override("en"):
        shown = [render_to_string("core/job_status.html", {"job": job}) for job in jobs]
    for html, word in zip(shown, ["Queued", "Running", "Completed", "Failed"], strict=True):
        assert f"<span>{word}</span>" in html and not CJK.search(html)
