"""Recompute on change (issue 10): editing an indicator's target (or another part of its
definition) enqueues its recompute on commit; the page shows the run, then the new status.
Celery runs eagerly in unit tests, so the commit runs the job."""

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.urls import reverse

from indicators.models import Indicator, IndicatorProgress
from indicators.services import RECOMPUTE_JOB_KIND, programme_recompute_request
from ipcity.core.models import JobRun
from programmes.services import plan_object_save

from .factories import fill_programme

pytestmark = pytest.mark.django_db
NAME = "每万人口发明专利拥有量"


@pytest.fixture
def computed(wuhan, django_capture_on_commit_callbacks):
    fill_programme(wuhan, through=(2018, 2))
    with django_capture_on_commit_callbacks(execute=True):
        programme_recompute_request(
            programme=wuhan, user=get_user_model().objects.get(username="office_wuhan")
        )
    JobRun.objects.filter(kind=RECOMPUTE_JOB_KIND).delete()
    return Indicator.objects.get(programme=wuhan, name=NAME)


def status_of(indicator):
    return IndicatorProgress.objects.get(indicator=indicator).status


def post_data(indicator, **changes):
    from programmes.forms import IndicatorForm

    form = IndicatorForm(instance=indicator, programme=indicator.programme)
    data = {name: value for name, value in model_to_dict(indicator).items() if name in form.fields}
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_editing_the_target_recomputes_and_the_status_changes(
    login, computed, django_capture_on_commit_callbacks
):
    before = status_of(computed)
    assert before != "achieved"  # about 9 per 10 000 people against a target of 30
    client = login("office_wuhan")
    url = reverse("programmes:plan_object_edit", args=["wuhan-2017", "indicator", computed.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, post_data(computed, target="1"))
    assert len(callbacks) == 1  # the job is sent when the edit commits
    job = JobRun.objects.get(kind=RECOMPUTE_JOB_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:recompute_status", args=["wuhan-2017", job.pk])
    assert job.status == "succeeded" and job.params["statistic_codes"] == ["INV_VALID", "POP"]
    assert status_of(computed) == "achieved"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="succeeded"' in page
    listing = client.get(reverse("programmes:programme_indicators", args=["wuhan-2017"])).content.decode()
    assert "待重算" not in listing[listing.index(NAME) : listing.index(NAME) + 2000]


def test_a_change_outside_the_definition_enqueues_nothing(computed, django_capture_on_commit_callbacks):
    computed.source_sentence = "改写的原文依据"
    office = get_user_model().objects.get(username="office_wuhan")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        saved = plan_object_save(obj=computed, programme=computed.programme, user=office)
    assert callbacks == [] and saved.follow_up_jobs == []
    assert not JobRun.objects.filter(kind=RECOMPUTE_JOB_KIND).exists()


@pytest.mark.parametrize("field,value", [("comparator", "<="), ("deadline", "2019"), ("kind", "annual_flow")])
def test_each_definition_field_enqueues_a_recompute(
    computed, field, value, django_capture_on_commit_callbacks
):
    setattr(computed, field, value)
    office = get_user_model().objects.get(username="office_wuhan")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        saved = plan_object_save(obj=computed, programme=computed.programme, user=office)
    assert len(callbacks) == 1
    assert [j.kind for j in saved.follow_up_jobs] == [RECOMPUTE_JOB_KIND]


def test_a_refused_edit_enqueues_nothing(login, computed, django_capture_on_commit_callbacks):
    client = login("office_wuhan")
    url = reverse("programmes:plan_object_edit", args=["wuhan-2017", "indicator", computed.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, post_data(computed, target="abc"))
    assert response.status_code == 200 and callbacks == []
    assert not JobRun.objects.filter(kind=RECOMPUTE_JOB_KIND).exists()
    computed.refresh_from_db()
    assert computed.target == 30


def test_a_statistic_definition_change_recomputes_the_programmes_using_it(computed):
    from indicators.models import Statistic
    from indicators.recompute_triggers import on_statistic_definition_changed

    office = get_user_model().objects.get(username="office_wuhan")
    pop = Statistic.objects.for_city(computed.programme.city_id).get(code="POP")
    assert on_statistic_definition_changed(statistic=pop, changed={"description"}, user=office) == []
    jobs = on_statistic_definition_changed(statistic=pop, changed={"aggregation"}, user=office)
    programmes = {j.params["programme_id"] for j in jobs}
    assert computed.programme_id in programmes
    assert all(j.params["statistic_codes"] == ["POP"] for j in jobs)
