"""The portal's chapter form and the 定稿 button: office staff of the programme's city write
the five chapters (stored as typed, shown sanitised), another city's office gets 404, an
evaluator 403; 定稿 asks for confirmation, a refusal lists what is missing on the page and
stores nothing, a complete report becomes a stored final version."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reports.frameworks.models import Item
from reports.frameworks.services import framework_default_ensure, manual_score_set
from reports.models import Report, ReportVersion
from reports.services import report_update

from .test_self_assessment import CHAPTERS
from .test_views_and_permissions import _fake_version

HOSTILE = '## 健全机制\n\n召开推进会4次<script>alert("x")</script><img src=x onerror="alert(1)">。'


def _login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def _form(**chapters):
    return {"doc_number": "", "issuing_office": "", "issuer": "", "issued_on": "", **CHAPTERS, **chapters}


@pytest.fixture
def report(make_report):
    return make_report("wuhan-2017", "acceptance")


def test_office_saves_a_chapter_stored_as_typed_and_shown_sanitised(client, report):
    _login(client, "office_wuhan")
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-markdown="1"' in page and "tiny-mde-0.2.34.min.js" in page  # the editor, on a textarea
    for label in ("基本情况", "主要做法与成效", "典型案例", "存在问题", "下一步工作计划"):
        assert label in page
    response = client.post(
        reverse("reports:report_edit", args=["wuhan-2017", report.pk]), _form(work_summary=HOSTILE)
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.work_summary == HOSTILE and report.cases == CHAPTERS["cases"]
    assert report.history.first().history_user.username == "office_wuhan"
    page = client.get(report.get_absolute_url()).content.decode()
    preview = page.split('data-preview="work_summary">', 1)[1].split("</div>", 1)[0]
    assert "（一）健全机制" in preview and "召开推进会4次" in preview
    assert "<script" not in preview and "onerror" not in preview and "<img" not in preview


@pytest.mark.parametrize(("username", "status"), [("office_harbin", 404), ("evaluator", 403)])
def test_others_cannot_save_a_chapter(client, report, username, status):
    _fake_version(report)  # a generated report: the evaluator sees it, and still may not write
    _login(client, username)
    response = client.post(reverse("reports:report_edit", args=["wuhan-2017", report.pk]), _form())
    assert response.status_code == status
    report.refresh_from_db()
    assert report.basic_info == "" and report.work_summary == ""


def test_evaluator_reads_the_chapters_sanitised_without_a_form(client, report):
    office = get_user_model().objects.get(username="office_wuhan")
    report_update(report=report, user=office, values={"work_summary": HOSTILE})
    _fake_version(report)  # evaluators see generated reports only
    _login(client, "evaluator")
    page = client.get(report.get_absolute_url()).content.decode()
    assert "（一）健全机制" in page and 'alert("x")' not in page and "chapters-form" not in page
    assert "finalise-btn" not in page


def test_finalise_asks_to_confirm_first(client, report):
    _login(client, "office_wuhan")
    url = reverse("reports:report_finalise", args=["wuhan-2017", report.pk])
    page = client.get(url).content.decode()
    assert "确认定稿" in page and "“典型案例”一章尚未填写" in page
    response = client.post(url, {})  # no confirmation: back to the confirmation page
    assert response.status_code == 302 and response["Location"] == url
    assert not ReportVersion.objects.filter(report=report).exists()


def test_finalise_refused_lists_what_is_missing_and_stores_nothing(client, report):
    office = get_user_model().objects.get(username="office_wuhan")
    report_update(
        report=report, user=office, values={**CHAPTERS, "cases": "", "problems": "待补充:部分指标。"}
    )
    _login(client, "office_wuhan")
    response = client.post(
        reverse("reports:report_finalise", args=["wuhan-2017", report.pk]), {"confirm": "1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    problems = page.split('id="final-problems"', 1)[1].split("</div>", 1)[0]
    assert "不能定稿" in problems
    assert "“典型案例”一章尚未填写" in problems and "“存在问题”一章含占位文字“待补充”" in problems
    assert "(人工评分)尚未评分" in problems
    assert "“基本情况”一章尚未填写" not in problems
    assert not ReportVersion.objects.filter(report=report).exists()


def test_evaluator_cannot_finalise(client, report):
    _fake_version(report)
    _login(client, "evaluator")
    url = reverse("reports:report_finalise", args=["wuhan-2017", report.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "1"}).status_code == 403
    assert ReportVersion.objects.filter(report=report, is_final=True).count() == 0


def test_finalise_stores_a_final_version_of_a_complete_report(client, report):
    office = get_user_model().objects.get(username="office_wuhan")
    report_update(report=report, user=office, values=CHAPTERS)
    framework = framework_default_ensure(programme=report.programme)
    for item in Item.objects.filter(aspect__framework=framework, rule="manual"):
        manual_score_set(report=report, item=item, score=3, reason="按方案完成", user=office)
    _login(client, "office_wuhan")
    response = client.post(
        reverse("reports:report_finalise", args=["wuhan-2017", report.pk]), {"confirm": "1"}
    )
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    version = ReportVersion.objects.get(report=report)
    assert version.is_final and version.generated_by == office and len(version.sha256) == 64
    page = client.get(report.get_absolute_url()).content.decode()
    assert "已定稿" in page and "v1" in page
    assert Report.objects.get(pk=report.pk).versions.filter(is_final=True).count() == 1
