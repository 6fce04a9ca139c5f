"""Pages: the indicators tab with values and statuses, the indicator page with its chart and
lineage, the recompute button with its progress bar, milestones; who may see what."""

import json
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from indicators.models import IndicatorProgress, IndicatorValue
from indicators.services import RECOMPUTE_JOB_KIND, indicator_recompute
from ipcity.core.models import JobRun
from tests.conftest import PERSONAS
from tests.permissions import assert_matrix

from .factories import StatisticUploadFactory, fill_programme, owner_agency, report

PER_10K = "每万人口发明专利拥有量"


@pytest.fixture
def computed_wuhan(wuhan):
    fill_programme(wuhan, through=(2019, 2))
    indicator_recompute(programme=wuhan)
    return wuhan


@pytest.mark.django_db
def test_the_indicators_tab_shows_value_period_completion_status_rule_and_projection(
    login, computed_wuhan, django_assert_max_num_queries
):
    client = login("office_wuhan")
    url = reverse("programmes:programme_indicators", args=[computed_wuhan.slug])
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    p = IndicatorProgress.objects.get(indicator__programme=computed_wuhan, indicator__name=PER_10K)
    assert p.status == "behind"
    detail = reverse("indicators:indicator_detail", args=[computed_wuhan.slug, p.indicator_id])
    assert f'href="{detail}"' in html
    assert "完成值" in html and "完成率" in html and "状态与依据" in html
    assert "2019年第2季度" in html
    assert escape(p.reason) in html and p.projection_text in html
    assert "判断规则" in html and "开放SDG" in html
    assert html.count('data-status="') == 20
    assert "重新计算全部指标" in html


@pytest.mark.django_db
def test_the_tab_marks_results_computed_before_a_settings_change(login, computed_wuhan):
    indicator = computed_wuhan.indicators.get(name=PER_10K)
    indicator.target = 31
    indicator.save()
    html = (
        login("office_wuhan")
        .get(reverse("programmes:programme_indicators", args=[computed_wuhan.slug]))
        .content.decode()
    )
    assert html.count("待重算") == 1


@pytest.mark.django_db
def test_the_tab_before_any_computation_says_so(login, wuhan):
    html = (
        login("evaluator").get(reverse("programmes:programme_indicators", args=[wuhan.slug])).content.decode()
    )
    assert "尚未计算。" in html
    assert "重新计算全部指标" not in html  # evaluators read only


@pytest.mark.django_db
def test_the_indicator_page_has_the_chart_status_rule_and_values(
    login, computed_wuhan, django_assert_max_num_queries
):
    indicator = computed_wuhan.indicators.get(name=PER_10K)
    url = reverse("indicators:indicator_detail", args=[computed_wuhan.slug, indicator.pk])
    client = login("evaluator")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "echarts-6.1.0.min.js" in html
    chart = response.context["chart"]
    assert chart["target"] == 30 and chart["deadline"] == "2020Q4"
    assert chart["categories"][0] == "2016Q1" and chart["categories"][-1] == "2020Q4"
    assert len(chart["quarterly"]) == len(chart["categories"]) == len(chart["ids"])
    assert chart["projection"][-1][0] == "2020Q4"
    data = json.loads(
        html.split('id="indicator-chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["unit"] == "件/万人"
    assert 'data-status="behind"' in html and "R=实际年均增速" in html
    assert "各季度计算值" in html and "来源" in html


@pytest.mark.django_db
def test_a_number_opens_to_its_inputs_and_uploads(login, wuhan):
    upload = StatisticUploadFactory(
        programme=wuhan, agency=owner_agency(wuhan, "POP"), original_name="人口2019Q4.xlsx"
    )
    upload.file.save("人口2019Q4.xlsx", ContentFile(b"xlsx bytes"), save=True)
    report(wuhan, "INV_VALID", 2019, 4, 28400)
    report(wuhan, "POP", 2019, 4, 1100, upload=upload)
    report(wuhan, "POP", 2019, 4, 1000, upload=upload)
    indicator_recompute(programme=wuhan)
    value = IndicatorValue.objects.get(
        indicator__programme=wuhan, indicator__name=PER_10K, year=2019, quarter=4
    )
    url = reverse("indicators:value_inputs", args=[wuhan.slug, value.indicator_id, value.pk])
    partial = login("office_wuhan").get(url, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html
    assert "人口2019Q4.xlsx" in html and "v2" in html and "更正" in html and "28.4" in html
    download = reverse("indicators:upload_download", args=[wuhan.slug, upload.pk])
    assert download in html
    full = login("office_wuhan").get(url)
    assert full.status_code == 200 and "<html" in full.content.decode()
    got = login("office_wuhan").get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"xlsx bytes"
    # a reporter of 市工商局 sees the totals, not 市统计局's rows, and cannot download its file
    other = login("reporter_wuhan_gsj").get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "人口2019Q4.xlsx" not in other and "条其他单位的数据" in other
    assert login("reporter_wuhan_gsj").get(download).status_code == 404


@pytest.mark.django_db
def test_who_may_see_an_indicator_and_who_may_recompute(computed_wuhan):
    indicator = computed_wuhan.indicators.get(name=PER_10K)
    value = IndicatorValue.objects.filter(indicator=indicator).first()
    detail = reverse("indicators:indicator_detail", args=[computed_wuhan.slug, indicator.pk])
    inputs = reverse("indicators:value_inputs", args=[computed_wuhan.slug, indicator.pk, value.pk])
    recompute = reverse("indicators:programme_recompute", args=[computed_wuhan.slug])
    read = {
        "anonymous": 302,
        "office_wuhan": 200,
        "office_harbin": 404,
        "reporter_wuhan_kjj": 200,
        "reporter_wuhan_gsj": 200,
        "evaluator": 200,
        "evaluator_harbin": 404,
        "reporter_yichang_tjj": 404,  # a reporter of another city
    }
    write = {
        **read,
        "office_wuhan": 302,
        "reporter_wuhan_kjj": 403,
        "reporter_wuhan_gsj": 403,
        "evaluator": 403,
    }
    assert_matrix(
        [
            ("GET", detail, read),
            ("GET", inputs, read),
            ("POST", recompute, write),
            ("GET", recompute, {p: 302 if p == "anonymous" else 405 for p in PERSONAS}),
        ],
        PERSONAS,
    )
    harbin_indicator = reverse("indicators:indicator_detail", args=["wuhan-2017", 999999])
    assert_matrix(
        [
            (
                "GET",
                harbin_indicator,
                {
                    **read,
                    "office_wuhan": 404,
                    "reporter_wuhan_kjj": 404,
                    "reporter_wuhan_gsj": 404,
                    "evaluator": 404,
                },
            )
        ],
        PERSONAS,
    )


@pytest.mark.django_db
def test_office_staff_start_a_full_recompute_and_watch_its_progress_bar(
    login, wuhan, django_capture_on_commit_callbacks
):
    fill_programme(wuhan, through=(2019, 2))
    client = login("office_wuhan")
    url = reverse("indicators:programme_recompute", args=[wuhan.slug])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    job = JobRun.objects.get(kind=RECOMPUTE_JOB_KIND)
    html = response.content.decode()
    assert f'id="job-{job.pk}"' in html and 'role="progressbar"' in html
    assert f'hx-get="/jobs/{job.pk}/"' in html and 'data-status="queued"' in html
    callbacks[0]()  # the commit runs the job (eager in unit tests)
    polled = client.get(reverse("job_status", args=[job.pk]))
    assert 'data-status="succeeded"' in polled.content.decode() and "100%" in polled.content.decode()
    assert IndicatorProgress.objects.filter(indicator__programme=wuhan).count() == 20
    # without htmx: a page with the same progress bar
    plain = client.post(url)
    assert plain.status_code == 302
    page = client.get(plain["Location"])
    assert page.status_code == 200 and 'role="progressbar"' in page.content.decode()


@pytest.mark.django_db
def test_recording_a_milestone_on_its_page(login, db):
    from programmes.models import Programme

    yichang = Programme.objects.get(slug="yichang-2020")
    milestone = yichang.indicators.get(name="知识产权证券化产品")
    url = reverse("indicators:milestone_record", args=[yichang.slug, milestone.pk])
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="office_yichang"))
    missing = client.post(url, {"is_done": "1", "done_on": "2021-11-30", "note": ""})
    assert missing.status_code == 400
    assert "标记为已完成时请上传证明材料。" in missing.content.decode()
    done = client.post(
        url,
        {
            "is_done": "1",
            "done_on": "2021-11-30",
            "note": "首单发行",
            "evidence": SimpleUploadedFile("公告.pdf", b"%PDF", content_type="application/pdf"),
        },
    )
    assert done.status_code == 302
    page = client.get(
        reverse("indicators:indicator_detail", args=[yichang.slug, milestone.pk])
    ).content.decode()
    assert "已完成:于2021-11-30完成,有证明材料。" in page and "公告.pdf" in page
    assert IndicatorProgress.objects.get(indicator=milestone).status == "achieved"
    assert date(2021, 11, 30) == milestone.milestone_records.get().done_on
    assert login("evaluator").post(url, {"is_done": "0"}).status_code == 403
