"""Bad input: an as-of date outside the period, a programme with no data, narrative with
HTML or <script>, a very long task text, a 200-character indicator name, no CJK font."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from reports.errors import CJKFontMissing
from reports.rendering import fonts
from reports.services import report_render, report_update

from .pdfcheck import embedded_cjk_fonts, pdf_text, squash, word_boxes

A4_WIDTH_PT = 595.3
RIGHT_MARGIN_PT = 18 / 25.4 * 72  # 18 mm


def _assert_inside_page(pdf: bytes):
    """No word runs into the right margin, let alone off the page: everything wraps."""
    boxes = word_boxes(pdf)
    assert boxes
    limit = A4_WIDTH_PT - RIGHT_MARGIN_PT + 1.5
    outside = [(p, round(x1), w[:30]) for p, width, _x0, x1, w in boxes if x1 > limit]
    assert not outside, f"text beyond the right margin: {outside[:5]}"


@pytest.mark.parametrize("as_of", [date(2016, 12, 31), date(2030, 1, 1)])
def test_as_of_outside_the_period_is_refused_with_a_clear_error(make_report, as_of):
    with pytest.raises(ValidationError) as exc:
        make_report("wuhan-2017", "acceptance", as_of=as_of)
    message = " ".join(exc.value.messages)
    assert as_of.isoformat() in message
    assert "不在方案的实施期限内" in message
    assert "2017-01-01" in message and "2020-12-31" in message
    from reports.models import Report

    assert not Report.objects.filter(programme__slug="wuhan-2017").exists()


def test_as_of_may_reach_the_final_acceptance_phase(make_report):
    """Harbin's period ends 2018-12 but its 总结验收阶段 runs to 2019-02."""
    report = make_report("harbin-2016", "acceptance", as_of=date(2019, 2, 28))
    assert report.as_of == date(2019, 2, 28)


def test_command_refuses_as_of_outside_the_period(db, tmp_path):
    with pytest.raises(CommandError, match="不在方案的实施期限内"):
        call_command(
            "render_report",
            "wuhan-2017",
            "--kind",
            "acceptance",
            "--as-of",
            "2031-01-01",
            "--out",
            str(tmp_path / "x.pdf"),
        )
    assert not (tmp_path / "x.pdf").exists()


def test_command_refuses_a_malformed_date(tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "render_report",
            "wuhan-2017",
            "--kind",
            "acceptance",
            "--as-of",
            "2020-13-45",
            "--out",
            str(tmp_path / "x.pdf"),
        )


@pytest.fixture
def empty_programme(db):
    """A programme just set up: no indicators, tasks, phases, leading group, funding."""
    from programmes.models import City, Programme

    city = City.objects.create(name="测试市", province="测试省")
    return Programme.objects.create(
        city=city,
        slug="empty-2021",
        kind="demonstration_city",
        title="测试市知识产权示范城市工作方案",
        period_start="2021-01",
        period_end="2023-12",
    )


@pytest.mark.parametrize("kind", ["acceptance", "midterm", "annual"])
def test_programme_without_data_renders_with_no_data_marks(empty_programme, kind):
    from reports.services import report_create

    report = report_create(programme=empty_programme, kind=kind, user=None)
    rendered = report_render(report=report)
    text = squash(pdf_text(rendered.pdf))
    assert "测试市" in text
    assert "无数据" in text
    for phrase in [
        "方案尚未设定量化指标(无数据)",
        "没有工作任务(无数据)",
        "方案未列出实施步骤(无数据)",
        "尚未登记预算和支出(无数据)",
        "方案未列出领导小组成员(无数据)",
        "成员单位尚未上传证明材料(无数据)",
    ]:
        assert squash(phrase) in text, phrase
    faces = embedded_cjk_fonts(rendered.pdf)
    # official typography as far as free faces go: 宋体-style running text, 黑体-style headings
    assert any("Serif" in f for f in faces) and any("Sans" in f for f in faces), faces


def test_indicators_without_values_say_no_data(make_report):
    report = make_report("wuhan-2017", "acceptance")
    rendered = report_render(report=report)
    rows = rendered.document.indicators
    assert rows and all(r.status == "no_data" and r.value is None for r in rows)
    assert rendered.html.count(">无数据<") >= len(rows)


def test_narrative_html_and_script_are_sanitised_away(make_report, office):
    """Chapters are Markdown cleaned with nh3: scripts, event handlers and images go; the
    words stay; the text stored is what was typed."""
    report = make_report("wuhan-2017", "midterm")
    hostile = '<script>alert("x")</script><b>加粗</b> & <img src=x onerror=alert(1)>'
    report_update(
        report=report, user=office, values={"problems": hostile, "work_summary": "第一段\n\n第二段"}
    )
    rendered = report_render(report=report)
    body = rendered.html.split("<body>", 1)[1]
    assert (
        "<script" not in body and "alert" not in body and "<img src=x" not in body and "onerror" not in body
    )
    assert "加粗" in squash(pdf_text(rendered.pdf))
    assert "<p>第一段</p>" in body and "<p>第二段</p>" in body
    report.refresh_from_db()
    assert report.problems == hostile


def test_hostile_text_in_the_running_header_cannot_break_the_stylesheet(make_report):
    from programmes.models import Programme

    title = '武汉市"方案"</style><script>x</script>\\'
    Programme.objects.filter(slug="wuhan-2017").update(title=title)
    rendered = report_render(report=make_report("wuhan-2017", "annual", as_of=date(2019, 12, 31)))
    head = rendered.html.split("<body>", 1)[0]
    assert head.count("</style>") == 1 and "<script" not in head
    assert title in pdf_text(rendered.pdf)  # the running header shows it verbatim


def test_very_long_task_text_wraps_inside_the_page(make_report):
    """A task text longer than a page: the table cell shows its beginning (a row never splits
    across pages, so it cannot be taller than one), says so, and the workbook has it whole."""
    import io

    from openpyxl import load_workbook

    from reports.rendering.pdf import CELL_TEXT_CLIP
    from tasks.models import Task

    task = Task.objects.filter(programme__slug="wuhan-2017").order_by("order").first()
    long_text = "X" * 300 + " https://example.invalid/" + "a" * 300 + "加强知识产权保护。" * 700
    Task.objects.filter(pk=task.pk).update(text=long_text)
    rendered = report_render(report=make_report("wuhan-2017", "acceptance"))
    _assert_inside_page(rendered.pdf)
    text = squash(pdf_text(rendered.pdf))
    assert "X" * 300 in text
    assert squash(long_text[: CELL_TEXT_CLIP - 10]) in text
    assert "全文见Excel“任务进展”表" in text
    sheet = load_workbook(io.BytesIO(rendered.xlsx))["任务进展"]
    assert long_text in [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_task_rows_never_split_across_pages(make_report):
    """Each task row's number appears once, on the same page as its title."""
    from tasks.models import Task

    Task.objects.filter(programme__slug="wuhan-2017").update(text="加强知识产权保护。" * 200)
    rendered = report_render(report=make_report("wuhan-2017", "acceptance"))
    boxes = word_boxes(rendered.pdf)
    for task in Task.objects.filter(programme__slug="wuhan-2017")[:6]:
        number_pages = {p for p, _w, _x0, _x1, word in boxes if word == task.number}
        assert len(number_pages) == 1, task.number
    _assert_inside_page(rendered.pdf)


def test_indicator_name_of_200_characters_wraps_and_is_printed_whole(make_report):
    from indicators.models import Indicator

    name = ("规模以上工业企业有效发明专利拥有量占比" * 8 + "ABCDEFGHIJ" * 5)[:200]
    assert len(name) == 200
    indicator = Indicator.objects.filter(programme__slug="yichang-2020").order_by("order").first()
    Indicator.objects.filter(pk=indicator.pk).update(name=name)
    rendered = report_render(report=make_report("yichang-2020", "acceptance"))
    text = squash(pdf_text(rendered.pdf))
    assert name in text
    _assert_inside_page(rendered.pdf)


def test_without_a_cjk_font_rendering_fails_with_a_clear_error(make_report, monkeypatch):
    monkeypatch.setattr(fonts, "fontconfig_chinese_families", lambda: [])
    fonts._cached_family.cache_clear()
    report = make_report("wuhan-2017", "acceptance")
    with pytest.raises(CJKFontMissing) as exc:
        report_render(report=report)
    assert "中文字体" in str(exc.value) and "fonts-noto-cjk" in str(exc.value)
    monkeypatch.undo()
    assert fonts.cjk_font_family() == "Noto Sans CJK SC"  # found again once installed


def test_without_a_cjk_font_the_job_fails_with_that_message(
    make_report, office, monkeypatch, django_capture_on_commit_callbacks
):
    from ipcity.core.models import JobRun
    from reports.models import ReportVersion
    from reports.services import report_generation_enqueue

    monkeypatch.setattr(fonts, "fontconfig_chinese_families", lambda: [])
    fonts._cached_family.cache_clear()
    report = make_report("wuhan-2017", "acceptance")
    with django_capture_on_commit_callbacks(execute=True):
        job = report_generation_enqueue(report=report, user=office)
    job.refresh_from_db()
    assert job.status == JobRun.Status.FAILED
    assert "中文字体" in job.error
    assert not ReportVersion.objects.filter(report=report).exists()
    monkeypatch.undo()
    fonts._cached_family.cache_clear()


def test_fonts_prefer_noto_and_fall_back_to_any_chinese_face():
    assert fonts._choose(["Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei"]) == "Noto Sans CJK SC"
    assert fonts._choose(["AR PL UMing CN", "Noto Sans Mono CJK SC"]) == "AR PL UMing CN"
    assert fonts._choose([]) is None
