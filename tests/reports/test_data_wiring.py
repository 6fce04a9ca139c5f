"""`reports.data` reads the indicator engine (issue 5) and quarterly reporting (issue 4):
computed values and statuses as of the report's date, the latest approved task report
(lead first), and the evidence attached to it, which ends up in the annex and the zip."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from indicators.models import Statistic, StatisticOwner, StatisticValue
from indicators.services import indicator_recompute
from reports import data
from reports.services import report_generate, report_render
from submissions.models import ReportingRound, Submission
from tasks.models import EvidenceFile, Task, TaskReport

from .pdfcheck import pdf_text, squash

DENSITY = "每万人口发明专利拥有量"  # Wuhan: INV_VALID / POP, level, ≥30 by 2020


def _value(programme, code, year, quarter, value):
    owner = StatisticOwner.objects.filter(programme=programme, statistic__code=code).first()
    return StatisticValue.objects.create(
        programme=programme,
        statistic=Statistic.objects.get(code=code),
        agency=owner.agency,
        year=year,
        quarter=quarter,
        value=Decimal(str(value)),
        source=StatisticValue.Source.FORM,
    )


@pytest.fixture
def wuhan_density(wuhan):
    for year, valid in ((2016, 15000), (2017, 20000), (2018, 24000), (2019, 28400), (2020, 31000)):
        _value(wuhan, "INV_VALID", year, 4, valid)
        _value(wuhan, "POP", year, 4, 1000)
    indicator_recompute(programme=wuhan, today=date(2021, 3, 1))
    return wuhan


def _row(rows, name):
    return next(r for r in rows if r.name == name)


def test_indicator_rows_carry_the_engines_assessment_as_of_the_date(wuhan_density):
    final = _row(data.indicator_rows(wuhan_density, date(2020, 12, 31)), DENSITY)
    assert final.status == "achieved" and final.status_label == "已完成"
    assert final.value == Decimal("31") and final.value_period == "2020年"
    assert final.completion == Decimal("103.333333")  # 完成值 ÷ 目标值 = 31 ÷ 30
    assert final.progress == Decimal("106.666667")  # 进展度 (31 − 15) ÷ (30 − 15)
    assert final.baseline == Decimal("15") and final.baseline_year == 2016
    assert [(p.year, p.value) for p in final.series] == [
        (2017, Decimal("20")),
        (2018, Decimal("24")),
        (2019, Decimal("28.4")),
        (2020, Decimal("31")),
    ]
    earlier = _row(data.indicator_rows(wuhan_density, date(2019, 12, 31)), DENSITY)
    assert earlier.value == Decimal("28.4") and earlier.status in ("on_track", "at_risk")
    assert [p.year for p in earlier.series] == [2017, 2018, 2019]  # nothing after the as-of date
    mid_year = _row(data.indicator_rows(wuhan_density, date(2020, 11, 15)), DENSITY)
    assert mid_year.value == Decimal("28.4")  # as of 2020Q3: the stock of 2019Q4, carried forward


def test_the_report_prints_the_computed_values(make_report, wuhan_density):
    rendered = report_render(report=make_report("wuhan-2017", "acceptance"))
    text = squash(pdf_text(rendered.pdf))
    assert "106.7%" in text and "已完成" in text
    assert "目标≥30件" in text  # the chart's caption
    rows = [r for r in rendered.document.indicators if r.name != DENSITY]
    assert all(r.status == "no_data" for r in rows)  # nothing else reported


def test_indicators_never_computed_say_so(wuhan):
    rows = data.indicator_rows(wuhan, date(2020, 12, 31))
    assert all(r.status == "no_data" and "recompute_indicators wuhan-2017" in r.reason for r in rows)


@pytest.fixture
def task_reports(wuhan):
    """Task 一.1: the lead's approved 2020Q3 report with evidence, a supporter's approved
    report of the same round, and the lead's 2020Q4 report still waiting for review."""
    task = Task.objects.filter(programme=wuhan).order_by("order").first()
    lead = task.assignments.filter(role="lead").order_by("order").first().agency
    support = task.assignments.filter(role="support").order_by("order").first().agency
    q3 = ReportingRound.objects.create(programme=wuhan, year=2020, quarter=3, due_date=date(2020, 10, 20))
    q4 = ReportingRound.objects.create(programme=wuhan, year=2020, quarter=4, due_date=date(2021, 1, 20))
    for rnd, agency, state in ((q3, lead, "approved"), (q3, support, "approved"), (q4, lead, "submitted")):
        Submission.objects.create(round=rnd, agency=agency, kind="task", task=task, state=state)
    lead_q3 = TaskReport.objects.create(
        task=task,
        agency=lead,
        year=2020,
        quarter=3,
        status="done",
        work_done="综合管理改革试点已在两区完成。",
    )
    TaskReport.objects.create(
        task=task, agency=support, year=2020, quarter=3, status="in_progress", work_done="配合单位的进展。"
    )
    TaskReport.objects.create(
        task=task, agency=lead, year=2020, quarter=4, status="delayed", work_done="尚未审核的报送。"
    )
    evidence = EvidenceFile(task=task, agency=lead, original_name="试点总结.pdf", sha256="e" * 64, size=12)
    evidence.file.save("试点总结.pdf", ContentFile(b"%PDF-1.4 ev"), save=False)
    evidence.save()
    lead_q3.evidence.add(evidence)
    return task, lead, evidence


def test_task_progress_is_the_latest_approved_report_lead_first(wuhan, task_reports):
    task, lead, _evidence = task_reports
    rows = {t.pk: t for s in data.task_progress(wuhan, date(2020, 12, 31)) for t in s.tasks}
    row = rows[task.pk]
    # 一.1 has two leads: the second (武汉经济技术开发区管委会) has not reported, so the task
    # has no status of its own, the supporter's report does not stand in for it, and at the
    # deadline (the programme's end, 2020-12) the verdict is 未完成
    assert (row.status, row.status_label) == (None, "无数据")
    assert "武汉经济技术开发区管委会" in row.note and "配合单位的报送不作为任务状态" in row.note
    assert (row.verdict, row.verdict_label, row.deadline_date) == ("not_done", "未完成", date(2020, 12, 31))
    second = task.assignments.filter(role="lead").order_by("order")[1].agency
    Submission.objects.create(
        round=ReportingRound.objects.get(programme=wuhan, quarter=3),
        agency=second,
        kind="task",
        task=task,
        state="approved",
    )
    TaskReport.objects.create(
        task=task, agency=second, year=2020, quarter=3, status="in_progress", work_done="经开区推进中。"
    )
    rows = {t.pk: t for s in data.task_progress(wuhan, date(2020, 12, 31)) for t in s.tasks}
    row = rows[task.pk]
    # both leads: done and in progress → the slower one's status, 基本完成 at the deadline
    assert (row.status, row.verdict_label) == (
        "in_progress",
        "基本完成",
    ) and row.progress_text == "经开区推进中。"
    before = {t.pk: t for s in data.task_progress(wuhan, date(2020, 6, 30)) for t in s.tasks}
    assert before[task.pk].status is None and before[task.pk].verdict is None


def test_quarterly_report_shows_the_agencys_own_report_and_its_review_state(wuhan, task_reports):
    task, lead, _evidence = task_reports
    rows = {t.pk: t for s in data.agency_tasks(wuhan, lead, 2020, 4) for t in s.tasks}
    assert rows[task.pk].status == "delayed" and rows[task.pk].reported_period == "2020年第4季度 · 已提交"


def test_evidence_of_approved_reports_goes_into_the_annex_and_the_zip(
    make_report, office, client, task_reports
):
    task, lead, evidence = task_reports
    items = data.evidence_items(task.programme, date(2020, 12, 31))
    assert [(i.section, i.name, i.agency) for i in items] == [("tasks", "试点总结.pdf", lead.short_name)]
    version = report_generate(report=make_report("wuhan-2017", "acceptance"), user=office)
    with version.pdf.open("rb") as fh:
        text = squash(pdf_text(fh.read()))
    # the evidence is in the annex; the task row shows the verdict from the leads' reports
    assert "试点总结.pdf" in text and "尚未审核的报送" not in text and "未完成" in text
    client.force_login(office)
    response = client.get(reverse("reports:version_download", args=["wuhan-2017", version.pk, "zip"]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    path = version.evidence_manifest[0]["path"]
    assert path.startswith(f"证明材料/六、重点任务进展/{task.number} ")
    assert archive.read(path) == b"%PDF-1.4 ev"


def test_reporting_moves_the_data_change_time(wuhan, task_reports):
    _task, _lead, evidence = task_reports
    assert data.data_last_changed(wuhan) >= evidence.uploaded_at


def test_report_data_reads_in_a_constant_number_of_queries_whatever_the_indicator_count(
    make_report, wuhan, django_assert_max_num_queries
):
    """One assessment per indicator used to cost two queries each (45 for Wuhan's 20, 61 for
    Yichang's 28): the whole document is now read in the same number of queries with 20
    indicators as with 30."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicators.models import Indicator
    from reports.selectors import report_document_build

    indicator_recompute(programme=wuhan)
    report = make_report("wuhan-2017", "acceptance")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            doc = report_document_build(report=report)
        assert doc.indicators
        return len(ctx.captured_queries)

    before = queries()
    template = Indicator.objects.filter(programme=wuhan, kind="level").order_by("order").first()
    for n in range(10):
        Indicator.objects.create(
            programme=wuhan,
            order=100 + n,
            name=f"{template.name}（第{n + 1}个）",
            area=template.area,
            kind=template.kind,
            comparator=template.comparator,
            target=template.target,
            unit=template.unit,
            deadline=template.deadline,
            formula=template.formula,
        )
    indicator_recompute(programme=wuhan)
    assert Indicator.objects.filter(programme=wuhan).count() == 30
    assert queries() == before


def test_a_chart_panel_names_its_indicator_whole():
    """An evaluator matches each panel to the table by name: a long name wraps to two lines
    instead of losing its end (was "《企业知识产权管理规范》贯标…")."""
    from reports.rendering.charts import _title

    name = "《企业知识产权管理规范》贯标达标企业"
    title, size = _title(name)
    assert title.replace("\n", "") == name and title.count("\n") == 1 and size < 8.5
    assert _title("发明专利申请量") == ("发明专利申请量", 8.5)
    very_long = "国家级知识产权示范、优势企业和市级专利优势企业及知识产权密集型产业龙头企业数量"
    assert _title(very_long)[0].replace("\n", "").endswith("…")
