"""Pages and downloads: who may see, create, write and download what. Files go out only
through the permission-checked view (outside a user's programmes: 404; read-only: 403)."""

from datetime import date

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from reports.models import Report, ReportVersion
from tests.conftest import PERSONAS
from tests.permissions import assert_matrix


def _fake_version(report: Report) -> ReportVersion:
    """A stored version without rendering (these tests are about access, not content)."""
    version = ReportVersion(
        report=report,
        version=1,
        kind=report.kind,
        as_of=report.as_of,
        sha256="a" * 64,
        xlsx_sha256="b" * 64,
        content_sha256="c" * 64,
        page_count=1,
        size=20,
    )
    version.pdf.save("v1-test.pdf", ContentFile(b"%PDF-1.4 test report"), save=False)
    version.xlsx.save("v1-test.xlsx", ContentFile(b"PK test workbook"), save=False)
    version.save()
    return version


@pytest.fixture
def wuhan_acceptance(make_report):
    report = make_report("wuhan-2017", "acceptance")
    return report, _fake_version(report)


@pytest.fixture
def kjj_quarterly(make_report):
    from django.contrib.auth import get_user_model

    agency = get_user_model().objects.get(username="reporter_wuhan_kjj").profile.agency
    report = make_report("wuhan-2017", "quarterly", agency=agency, year=2019, quarter=3)
    return report, _fake_version(report)


def test_download_permission_matrix(wuhan_acceptance, kjj_quarterly):
    report, version = wuhan_acceptance
    q_report, q_version = kjj_quarterly
    ok = {"office_wuhan": 200, "evaluator": 200}
    rows = []
    for fmt in ("pdf", "xlsx", "zip"):
        url = reverse("reports:version_download", args=["wuhan-2017", version.pk, fmt])
        rows.append(
            (
                "GET",
                url,
                {
                    "anonymous": 302,
                    "office_harbin": 404,
                    "reporter_wuhan_kjj": 404,
                    "reporter_wuhan_gsj": 404,
                    "evaluator_harbin": 404,
                    "reporter_yichang_tjj": 404,
                    **ok,
                },
            )
        )
    url = reverse("reports:version_download", args=["wuhan-2017", q_version.pk, "pdf"])
    rows.append(
        (
            "GET",
            url,
            {
                "anonymous": 302,
                "office_harbin": 404,
                "reporter_wuhan_kjj": 200,
                "reporter_wuhan_gsj": 404,
                "evaluator_harbin": 404,
                "reporter_yichang_tjj": 404,
                **ok,
            },
        )
    )
    # a version reached through another programme's URL is not found either
    url = reverse("reports:version_download", args=["yichang-2020", version.pk, "pdf"])
    rows.append(("GET", url, {p: 404 for p in PERSONAS} | {"anonymous": 302, "office_wuhan": 404}))
    assert_matrix(rows, PERSONAS)


def test_page_permission_matrix(wuhan_acceptance):
    report, _version = wuhan_acceptance
    list_url = reverse("reports:report_list", args=["wuhan-2017"])
    detail_url = reverse("reports:report_detail", args=["wuhan-2017", report.pk])
    assert_matrix(
        [
            (
                "GET",
                list_url,
                {
                    "anonymous": 302,
                    "office_wuhan": 200,
                    "office_harbin": 404,
                    "reporter_wuhan_kjj": 200,
                    "reporter_wuhan_gsj": 200,
                    "evaluator": 200,
                    "evaluator_harbin": 404,
                    "reporter_yichang_tjj": 404,
                },
            ),
            (
                "GET",
                detail_url,
                {
                    "anonymous": 302,
                    "office_wuhan": 200,
                    "office_harbin": 404,
                    "reporter_wuhan_kjj": 404,
                    "reporter_wuhan_gsj": 404,
                    "evaluator": 200,
                    "evaluator_harbin": 404,
                    "reporter_yichang_tjj": 404,
                },
            ),
            (
                "POST",
                reverse("reports:report_new", args=["wuhan-2017"]),
                {
                    "anonymous": 302,
                    "office_wuhan": 400,
                    "office_harbin": 404,
                    "reporter_wuhan_kjj": 403,
                    "reporter_wuhan_gsj": 403,
                    "evaluator": 403,
                    "evaluator_harbin": 404,
                    "reporter_yichang_tjj": 404,
                },
            ),
            (
                "POST",
                reverse("reports:report_edit", args=["wuhan-2017", report.pk]),
                {
                    "anonymous": 302,
                    "office_wuhan": 302,
                    "office_harbin": 404,
                    "reporter_wuhan_kjj": 404,
                    "reporter_wuhan_gsj": 404,
                    "evaluator": 403,
                    "evaluator_harbin": 404,
                    "reporter_yichang_tjj": 404,
                },
            ),
            (
                "GET",
                reverse("reports:report_index"),
                {"anonymous": 302, **{p: 200 for p in PERSONAS if p != "anonymous"}},
            ),
        ],
        PERSONAS,
    )
    assert Report.objects.get(pk=report.pk).work_summary == ""  # the empty POST of office_wuhan saved blanks


def test_evaluators_see_only_generated_reports_of_their_programmes(client, make_report, wuhan_acceptance):
    from django.contrib.auth import get_user_model

    report, version = wuhan_acceptance
    draft = make_report("wuhan-2017", "midterm")  # never generated
    client.force_login(get_user_model().objects.get(username="evaluator"))
    page = client.get(reverse("reports:report_list", args=["wuhan-2017"])).content.decode()
    assert reverse("reports:version_download", args=["wuhan-2017", version.pk, "pdf"]) in page
    assert draft.get_absolute_url() not in page
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "新建报告" not in page
    index = client.get(reverse("reports:report_index")).content.decode()
    assert reverse("reports:version_download", args=["wuhan-2017", version.pk, "pdf"]) in index
    client.force_login(get_user_model().objects.get(username="evaluator_harbin"))
    index = client.get(reverse("reports:report_index")).content.decode()
    assert "wuhan-2017" not in index


def test_generated_files_have_no_public_url(client, wuhan_acceptance, office):
    _report, version = wuhan_acceptance
    client.force_login(office)
    assert version.pdf.url.startswith(settings.MEDIA_URL)
    assert client.get(version.pdf.url).status_code == 404
    response = client.get(reverse("reports:version_download", args=["wuhan-2017", version.pk, "pdf"]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"


def test_office_creates_a_report_and_writes_its_narrative(client, office):
    client.force_login(office)
    response = client.post(
        reverse("reports:report_new", args=["wuhan-2017"]),
        {"kind": "midterm", "as_of": "2018-12-31", "doc_number": "武知办〔2019〕1号"},
    )
    report = Report.objects.get(programme__slug="wuhan-2017", kind="midterm")
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.as_of == date(2018, 12, 31) and report.created_by == office
    response = client.post(
        reverse("reports:report_edit", args=["wuhan-2017", report.pk]),
        {
            "doc_number": "武知办〔2019〕1号",
            "issuing_office": "",
            "work_summary": "一、总体进展\r\n良好",
            "problems": "<script>alert(1)</script>",
            "next_steps": "继续推进。",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.work_summary == "一、总体进展\n良好" and report.problems == "<script>alert(1)</script>"
    assert report.history.first().history_user == office
    page = client.get(report.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)</script>" not in page


def test_create_form_shows_the_as_of_error(client, office):
    client.force_login(office)
    response = client.post(
        reverse("reports:report_new", args=["wuhan-2017"]), {"kind": "acceptance", "as_of": "2025-01-01"}
    )
    assert response.status_code == 400
    assert "不在方案的实施期限内" in response.content.decode()
    assert not Report.objects.filter(programme__slug="wuhan-2017").exists()


def test_quarterly_report_needs_agency_and_round(client, office):
    client.force_login(office)
    response = client.post(reverse("reports:report_new", args=["wuhan-2017"]), {"kind": "quarterly"})
    assert response.status_code == 400
    assert response.content.decode().count("季度工作报告需要填写该项。") == 3


def test_same_report_twice_is_refused(client, office, wuhan_acceptance):
    client.force_login(office)
    response = client.post(reverse("reports:report_new", args=["wuhan-2017"]), {"kind": "acceptance"})
    assert response.status_code == 400 and "该报告已存在" in response.content.decode()


def test_programme_tab_and_nav_link_to_reports(client, office):
    client.force_login(office)
    page = client.get(reverse("programmes:programme_detail", args=["wuhan-2017"])).content.decode()
    assert reverse("reports:report_list", args=["wuhan-2017"]) in page
    assert reverse("reports:report_index") in page


def test_report_list_queries_are_bounded(client, office, make_report, django_assert_max_num_queries):
    for kind in ("acceptance", "midterm", "annual"):
        _fake_version(make_report("wuhan-2017", kind))
    client.force_login(office)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("reports:report_list", args=["wuhan-2017"])).status_code == 200
