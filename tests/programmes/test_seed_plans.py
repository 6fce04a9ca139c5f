"""The five real plans, as stored, say what their texts say."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from programmes.models import Programme
from tasks.models import Task

SLUGS = ["harbin-2016", "yichang-2020", "anshan-2015", "wuhan-2017", "fuzhou-2022"]


def section_sizes(programme):
    sizes = Counter(t.section for t in programme.tasks.all())
    return [sizes[s] for s in dict.fromkeys(t.section for t in programme.tasks.order_by("order"))]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_programme_json_matches_the_seed_file(slug):
    out = StringIO()
    call_command("programme_json", slug, stdout=out)
    seed = json.loads((settings.SEED_DATA_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    assert json.loads(out.getvalue()) == seed


@pytest.mark.django_db
def test_wuhan_has_33_tasks_in_five_sections_each_with_a_lead(wuhan):
    assert wuhan.tasks.count() == 33
    assert section_sizes(wuhan) == [4, 7, 8, 8, 6]
    for task in wuhan.tasks.all():
        assert task.assignments.filter(role="lead").exists(), task.number


@pytest.mark.django_db
def test_wuhan_task_2_3_has_its_lead_and_six_supporters(wuhan):
    task = wuhan.tasks.get(number="二.3")
    assert task.title == "深入推进知识产权行政执法与司法保护有机衔接"
    assert [a.printed_name for a in task.assignments.filter(role="lead")] == ["市科技局"]
    assert [a.printed_name for a in task.assignments.filter(role="support").order_by("order")] == [
        "市中级人民法院",
        "市人民检察院",
        "市工商局",
        "市文化局",
        "武汉东湖新技术开发区管委会",
        "武汉经济技术开发区管委会",
    ]


@pytest.mark.django_db
def test_wuhan_per_10000_invention_patent_target_is_30_by_2020(wuhan):
    indicator = wuhan.indicators.get(name="每万人口发明专利拥有量")
    assert (indicator.target, indicator.unit, indicator.deadline, indicator.comparator) == (
        30,
        "件/万人",  # per-capita measures are per 10,000 residents (issue 10 item 9)
        "2020",
        ">=",
    )
    assert indicator.kind == "level"


@pytest.mark.django_db
def test_wuhan_fenbie_sentence_is_four_indicators(wuhan):
    names = set(wuhan.indicators.values_list("name", flat=True))
    assert {"发明专利申请量", "发明专利授权量", "PCT国际专利申请量", "每万人口发明专利拥有量"} <= names


@pytest.mark.django_db
def test_yichang_has_18_tasks_task_4_led_by_statistics_bureau():
    yichang = Programme.objects.get(slug="yichang-2020")
    assert yichang.tasks.count() == 18
    leads = {
        t.number: [a.printed_name for a in t.assignments.filter(role="lead")] for t in yichang.tasks.all()
    }
    assert leads["一.4"] == ["市统计局"]
    for number, lead in leads.items():
        if number != "一.4":
            assert lead == ["市市场监管局〔知识产权局〕"], number
    milestones = dict(yichang.phases.exclude(milestone=None).values_list("milestone", "start"))
    assert milestones == {"midterm": "2022-02", "acceptance": "2023-05"}


@pytest.mark.django_db
def test_harbin_has_12_tasks_no_units_and_4_phases(harbin):
    assert harbin.tasks.count() == 12
    assert not Task.objects.filter(programme=harbin, assignments__isnull=False).exists()
    phases = list(harbin.phases.values_list("start", "end"))
    assert phases == [
        ("2016-02", "2016-08"),
        ("2016-09", "2016-12"),
        ("2017-01", "2018-03"),
        ("2018-04", "2019-02"),
    ]


@pytest.mark.django_db
def test_anshan_is_one_plan_of_29_tasks_in_7_sections():
    anshan = Programme.objects.get(slug="anshan-2015")
    assert anshan.tasks.count() == 29
    assert len(section_sizes(anshan)) == 7
    assert anshan.doc_number == "鞍政发〔2015〕20号"


@pytest.mark.django_db
def test_fuzhou_has_22_tasks_in_7_sections_in_simplified_chinese():
    fuzhou = Programme.objects.get(slug="fuzhou-2022")
    assert fuzhou.tasks.count() == 22
    assert len(section_sizes(fuzhou)) == 7
    text = json.dumps(
        list(fuzhou.tasks.values_list("title", "text", "section")) + [fuzhou.title], ensure_ascii=False
    )
    assert "知识产权" in text
    for traditional in "財產權專業發與為們會體區國":
        assert traditional not in text


@pytest.mark.django_db
def test_wuhan_agency_aliases_resolve_to_one_agency(wuhan):
    from programmes.services import agency_resolve

    full = agency_resolve(city=wuhan.city, name="市科技局(市知识产权局)")
    assert agency_resolve(city=wuhan.city, name="市科技局") == full
    assert agency_resolve(city=wuhan.city, name="市知识产权局") == full
    districts = agency_resolve(city=wuhan.city, name="各区人民政府")
    assert districts.is_collective
    assert districts.name == "各区人民政府〈含开发区管委会,下同〉"
