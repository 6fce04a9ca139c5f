"""Every seed programme renders in every report kind, with its Chinese text and a CJK font.

Rendering goes through `report_render` (data → charts → HTML → PDF → Excel), the same path
as a stored generation, and the PDF is read back with poppler's pdftotext and pdffonts."""

import pytest

from reports.services import report_render

from .pdfcheck import embedded_cjk_fonts, pdf_text, squash

SLUGS = ["anshan-2015", "fuzhou-2022", "harbin-2016", "wuhan-2017", "yichang-2020"]
PLAN_HEADINGS = [
    "目录",
    "基本情况",
    "主要做法与成效",
    "主要指标完成情况",
    "分领域指标趋势",
    "重点任务进展",
    "实施步骤与节点",
    "资金使用情况",
    "典型案例",
    "存在问题",
    "下一步工作计划",
    "证明材料清单",
]
TABLE_HEADERS = ["指标", "单位", "基期值", "目标值", "完成值", "完成率", "是否完成", "数据来源"]
QUARTERLY_HEADINGS = [
    "目录",
    "基本情况",
    "统计数据报送情况",
    "工作任务进展",
    "工作总结",
    "存在问题",
    "下一步工作",
]
TITLES = {
    "acceptance": "验收报告",
    "midterm": "中期评价报告",
    "annual": "年度报告",
    "quarterly": "季度工作报告",
}


def _quarterly_kwargs(programme):
    """The agency of the programme with most to report: statistics owned, else tasks."""
    from indicators.models import StatisticOwner
    from tasks.models import TaskAssignment

    owner = StatisticOwner.objects.filter(programme=programme).order_by("agency__name").first()
    agency = (
        owner.agency
        if owner
        else TaskAssignment.objects.filter(task__programme=programme, role="lead")
        .order_by("pk")
        .first()
        .agency
    )
    return {"agency": agency, "year": programme.start_year, "quarter": 4}


@pytest.mark.parametrize("kind", ["acceptance", "midterm", "annual", "quarterly"])
@pytest.mark.parametrize("slug", SLUGS)
def test_each_seed_programme_renders_each_kind(make_report, slug, kind):
    from programmes.models import Programme

    programme = Programme.objects.get(slug=slug)
    extra = _quarterly_kwargs(programme) if kind == "quarterly" else {}
    report = make_report(slug, kind, **extra)

    rendered = report_render(report=report)

    assert rendered.pdf.startswith(b"%PDF-")
    assert rendered.page_count >= 4
    text = squash(pdf_text(rendered.pdf))
    assert programme.city.name in text
    assert squash(programme.title) in text
    assert TITLES[kind] in text
    assert f"第2页共{rendered.page_count}页" in text  # the footer (the cover has none)
    if kind == "quarterly":
        for heading in QUARTERLY_HEADINGS:
            assert heading in text, heading
        assert squash(extra["agency"].name) in text
    else:
        for heading in PLAN_HEADINGS + TABLE_HEADERS:
            assert heading in text, heading
        indicators = list(programme.indicators.all())
        assert indicators
        for indicator in indicators:
            name = squash(indicator.name)
            assert name in text, f"indicator name missing: {indicator.name}"
            row = next(r for r in rendered.document.indicators if r.pk == indicator.pk)
            target = squash(row.target_display)
            assert target in text, f"target {row.target_display} of {indicator.name} missing"
        for task in programme.tasks.all()[:3]:
            assert squash(task.title) in text
    fonts = embedded_cjk_fonts(rendered.pdf)
    assert fonts, "no CJK font embedded"
    assert all("CJK" in f or "WenQuanYi" in f or "Han" in f for f in fonts)
