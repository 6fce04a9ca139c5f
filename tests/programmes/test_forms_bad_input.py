"""Bad input in the office's forms: a clear Chinese message at the field, nothing saved."""

import pytest
from django.urls import reverse

from indicators.models import Indicator
from programmes.models import Agency, Phase
from tasks.models import Task, TaskAssignment


def add_url(programme, kind):
    return reverse("programmes:plan_object_add", args=[programme.slug, kind])


def field_errors(response, field):
    form = response.context["form"]
    return [str(e) for e in form.errors.get(field, [])]


INDICATOR = {
    "order": 99,
    "name": "新增测试指标",
    "area": "创造",
    "kind": "level",
    "comparator": ">=",
    "target": "10",
    "target_max": "",
    "unit": "件",
    "deadline": "2020",
    "formula": "",
    "source_sentence": "",
}


@pytest.mark.django_db
def test_a_phase_ending_before_it_starts_is_refused(login, wuhan):
    client = login("office_wuhan")
    before = Phase.objects.count()
    response = client.post(
        add_url(wuhan, "phase"), {"order": 1, "name": "测试阶段", "start": "2018-05", "end": "2018-02"}
    )
    assert response.status_code == 200
    assert field_errors(response, "end") == ["结束年月不能早于开始年月。"]
    assert "结束年月不能早于开始年月" in response.content.decode()
    assert Phase.objects.count() == before


@pytest.mark.django_db
def test_a_range_with_min_above_max_is_refused(login, wuhan):
    client = login("office_wuhan")
    before = Indicator.objects.count()
    data = {**INDICATOR, "kind": "range", "comparator": "range", "target": "30", "target_max": "20"}
    response = client.post(add_url(wuhan, "indicator"), data)
    assert response.status_code == 200
    assert field_errors(response, "target_max") == ["区间的上限(20)不能小于下限(30)。"]
    assert Indicator.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("约300", "请输入数字,例如 30 或 12.5。"),
        ("abc", "请输入数字,例如 30 或 12.5。"),
        ("-5", "目标值不能为负数。"),
    ],
)
def test_a_non_numeric_or_negative_target_is_refused(login, wuhan, target, message):
    client = login("office_wuhan")
    before = Indicator.objects.count()
    response = client.post(add_url(wuhan, "indicator"), {**INDICATOR, "target": target})
    assert response.status_code == 200
    assert field_errors(response, "target") == [message]
    assert message in response.content.decode()
    assert Indicator.objects.count() == before


@pytest.mark.django_db
def test_a_lead_who_also_supports_the_same_task_is_refused(login, wuhan):
    client = login("office_wuhan")
    task = wuhan.tasks.get(number="二.3")
    kjj = Agency.objects.get(city=wuhan.city, name="市科技局(市知识产权局)")
    before = list(
        TaskAssignment.objects.filter(task=task).values_list("agency_id", "role").order_by("agency_id")
    )
    response = client.post(
        reverse("programmes:plan_object_edit", args=[wuhan.slug, "task", task.pk]),
        {
            "order": task.order,
            "number": task.number,
            "section": task.section,
            "title": task.title,
            "text": task.text,
            "deadline": "",
            "lead": [kjj.pk],
            "support": [kjj.pk],
        },
    )
    assert response.status_code == 200
    assert field_errors(response, "support") == ["市科技局(市知识产权局) 已是牵头单位,不能同时作为配合单位。"]
    after = list(
        TaskAssignment.objects.filter(task=task).values_list("agency_id", "role").order_by("agency_id")
    )
    assert after == before


@pytest.mark.django_db
def test_a_task_assigned_to_another_citys_agency_is_refused(login, wuhan, harbin):
    client = login("office_wuhan")
    harbin_agency = Agency.objects.filter(city=harbin.city).first()
    before = Task.objects.filter(programme=wuhan).count()
    response = client.post(
        add_url(wuhan, "task"),
        {
            "order": 99,
            "number": "六.1",
            "section": "新增部分",
            "title": "跨城分配",
            "text": "",
            "deadline": "",
            "lead": [harbin_agency.pk],
            "support": [],
        },
    )
    assert response.status_code == 200
    assert field_errors(response, "lead") == ["只能选择武汉市的成员单位。"]
    assert Task.objects.filter(programme=wuhan).count() == before


@pytest.mark.django_db
def test_the_task_service_refuses_another_citys_agency_too(wuhan, harbin):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from tasks.services import task_save

    task = wuhan.tasks.get(number="一.1")
    foreign = Agency.objects.filter(city=harbin.city).first()
    with pytest.raises(ValidationError, match="只能分配给本市的成员单位"):
        task_save(
            task=task, lead=[foreign], support=[], user=get_user_model().objects.get(username="office_wuhan")
        )
    assert not TaskAssignment.objects.filter(task=task, agency=foreign).exists()


@pytest.mark.django_db
def test_valid_edits_are_saved_and_audited_with_the_user(login, wuhan):
    client = login("office_wuhan")
    response = client.post(add_url(wuhan, "indicator"), INDICATOR)
    assert response.status_code == 302
    indicator = Indicator.objects.get(programme=wuhan, name="新增测试指标")
    assert indicator.target == 10
    assert indicator.history.first().history_user.username == "office_wuhan"


@pytest.mark.django_db
def test_deleting_asks_for_confirmation_first(login, wuhan):
    client = login("office_wuhan")
    indicator = wuhan.indicators.first()
    url = reverse("programmes:plan_object_delete", args=[wuhan.slug, "indicator", indicator.pk])
    page = client.get(url)
    assert page.status_code == 200 and "确认删除" in page.content.decode()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert client.post(url).status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


@pytest.mark.django_db
def test_office_staff_create_a_programme_of_their_own_city(login):
    from programmes.models import Programme

    client = login("office_wuhan")
    data = {
        "slug": "wuhan-2024",
        "title": "武汉市知识产权强市建设工作方案(2024—2026年)",
        "kind": "strong_city",
        "doc_number": "",
        "issuer": "武汉市人民政府",
        "issue_date": "2024-03",
        "period_start": "2024-01",
        "period_end": "2023-12",
        "status": "draft",
        "notes": "",
        "on_track_ratio": "0.95",
        "at_risk_ratio": "0.60",
        "at_risk_gap": "0.10",
    }
    response = client.post(reverse("programmes:programme_create"), data)
    assert response.status_code == 200
    assert "截止年月不能早于起始年月。" in response.content.decode()
    assert not Programme.objects.filter(slug="wuhan-2024").exists()
    response = client.post(reverse("programmes:programme_create"), {**data, "period_end": "2026-12"})
    assert response.status_code == 302
    programme = Programme.objects.get(slug="wuhan-2024")
    assert programme.city.name == "武汉市"
    assert programme.history.first().history_user.username == "office_wuhan"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("reporter_wuhan_kjj", 403), ("evaluator", 403), ("anonymous", 302)]
)
def test_only_office_staff_may_create_programmes(login, persona, status):
    assert login(persona).get(reverse("programmes:programme_create")).status_code == status


@pytest.mark.django_db
def test_a_duty_links_to_the_tasks_it_names(login):
    from programmes.models import AgencyDuty, Programme

    yichang = Programme.objects.get(slug="yichang-2020")
    duty = AgencyDuty.objects.get(programme=yichang, printed_agency="市统计局")
    assert sorted(t.number for t in duty.tasks.all()) == ["一.4", "一.5"]
    client = login("office_yichang")
    response = client.get(reverse("programmes:plan_object_edit", args=[yichang.slug, "duty", duty.pk]))
    assert response.status_code == 200
