"""Deleting a plan object never destroys what agencies reported (issue 9 item 3): an object
that holds data is refused with a message naming what holds it and offers 停用 (archive);
archived objects leave new rounds but stay in history and reports; the canonical sync
archives instead of deleting."""

import copy
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from indicators.models import MilestoneCompletion
from programmes.deletion import PlanObjectInUse, delete_or_refuse, holders_of
from programmes.models import Agency, Phase, Programme
from programmes.services import programme_sync_from_canonical
from submissions.models import Submission
from submissions.services import round_open
from tasks.models import EvidenceFile, Task, TaskReport
from tasks.services import task_report_save

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def reported(wuhan):
    """Task 二.3 of Wuhan with two quarterly reports by its lead (市科技局) and three files."""
    kjj_user = user("reporter_wuhan_kjj")
    task = wuhan.tasks.get(number="二.3")
    for quarter, files in ((1, ["会议纪要.pdf", "照片.pdf"]), (2, ["通报.pdf"])):
        task_report_save(
            task=task,
            agency=kjj_user.profile.agency,
            year=2019,
            quarter=quarter,
            status="in_progress",
            work_done=f"第{quarter}季度工作",
            problems="",
            next_steps="",
            user=kjj_user,
            new_files=[(name, PDF) for name in files],
        )
    return task


def free_quarter(programme, skip=()):
    """A quarter of the plan's period without a round yet (the demo data opens some)."""
    taken = set(programme.reporting_rounds.values_list("year", "quarter")) | set(skip)
    for year in range(programme.end_year, programme.start_year - 1, -1):
        for quarter in (4, 3, 2, 1):
            if (year, quarter) not in taken:
                return year, quarter
    raise AssertionError("no free quarter")


def task_state(task):
    return (
        Task.objects.filter(pk=task.pk).exists(),
        TaskReport.objects.filter(task=task).count(),
        EvidenceFile.objects.filter(task=task).count(),
        sorted(e.file.name for e in EvidenceFile.objects.filter(task=task)),
    )


def files_on_disk(task):
    return all(
        (Path(settings.MEDIA_ROOT) / e.file.name).is_file() for e in EvidenceFile.objects.filter(task=task)
    )


def test_deleting_a_task_with_reports_is_refused_with_the_counts_and_nothing_is_deleted(
    login, wuhan, reported
):
    before = task_state(reported)
    assert before[1:3] == (2, 3) and files_on_disk(reported)
    url = reverse("programmes:plan_object_delete", args=[wuhan.slug, "task", reported.pk])
    response = login("office_wuhan").post(url)
    assert response.status_code == 409
    page = response.content.decode()
    assert "该任务已有 2 条填报和 3 个证明材料,不能删除" in page
    assert (
        "停用" in page
        and reverse("programmes:plan_object_archive", args=[wuhan.slug, "task", reported.pk, "archive"])
        in page
    )
    assert "已删除" not in page
    assert task_state(reported) == before and files_on_disk(reported)


def test_the_confirm_page_already_says_what_holds_data_and_offers_archive(login, wuhan, reported):
    url = reverse("programmes:plan_object_delete", args=[wuhan.slug, "task", reported.pk])
    page = login("office_wuhan").get(url).content.decode()
    assert "该任务已有 2 条填报和 3 个证明材料" in page and "不能删除" in page
    assert 'type="submit">停用<' in page.replace("\n", "")


def test_the_database_refuses_too_protect_on_every_reported_foreign_key(reported):
    with pytest.raises(ProtectedError):
        reported.delete()
    with pytest.raises(ProtectedError):
        reported.programme.delete()
    assert task_state(reported)[1:3] == (2, 3)


def test_a_task_without_reports_is_deleted_after_the_confirm_step(login, wuhan):
    task = wuhan.tasks.exclude(reports__isnull=False).exclude(evidence_files__isnull=False).last()
    client = login("office_wuhan")
    url = reverse("programmes:plan_object_delete", args=[wuhan.slug, "task", task.pk])
    assert "确认删除" in client.get(url).content.decode() and Task.objects.filter(pk=task.pk).exists()
    assert client.post(url).status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()


def test_another_citys_office_cannot_delete_or_archive(login, wuhan, reported):
    before = task_state(reported)
    client = login("office_harbin")
    assert (
        client.post(
            reverse("programmes:plan_object_delete", args=[wuhan.slug, "task", reported.pk])
        ).status_code
        == 404
    )
    archive = reverse("programmes:plan_object_archive", args=[wuhan.slug, "task", reported.pk, "archive"])
    assert client.post(archive).status_code == 404
    reported.refresh_from_db()
    assert task_state(reported) == before and not reported.is_archived
    assert login("reporter_wuhan_kjj").post(archive).status_code == 403
    reported.refresh_from_db()
    assert not reported.is_archived


def test_archiving_takes_a_task_out_of_new_rounds_but_keeps_its_history(login, wuhan, reported):
    client = login("office_wuhan")
    response = client.post(
        reverse("programmes:plan_object_archive", args=[wuhan.slug, "task", reported.pk, "archive"])
    )
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.is_archived and reported.archived_by.username == "office_wuhan"
    assert reported.history.first().history_user.username == "office_wuhan"
    tasks_page = client.get(reverse("programmes:programme_tasks", args=[wuhan.slug])).content.decode()
    assert "已停用" in tasks_page and "恢复" in tasks_page
    # a new round lists no item for the archived task; its reports and files stay
    y1, q1 = free_quarter(wuhan)
    round = round_open(
        programme=wuhan,
        year=y1,
        quarter=q1,
        due_date=timezone.localdate() + timedelta(days=9),
        user=user("office_wuhan"),
    )
    assert not Submission.objects.filter(round=round, task=reported).exists()
    assert Submission.objects.filter(round=round, kind="task").exists()
    assert task_state(reported)[1:3] == (2, 3) and files_on_disk(reported)
    # the task page still shows what was reported
    detail = client.get(reported.get_absolute_url()).content.decode()
    assert "第1季度工作" in detail
    # 恢复: back in the next round
    client.post(reverse("programmes:plan_object_archive", args=[wuhan.slug, "task", reported.pk, "restore"]))
    reported.refresh_from_db()
    assert not reported.is_archived
    y2, q2 = free_quarter(wuhan, skip=[(y1, q1)])
    later = round_open(
        programme=wuhan,
        year=y2,
        quarter=q2,
        due_date=timezone.localdate() + timedelta(days=9),
        user=user("office_wuhan"),
    )
    assert Submission.objects.filter(round=later, task=reported).exists()


def test_deleting_a_milestone_indicator_with_a_completion_record_is_refused(login):
    yichang = Programme.objects.get(slug="yichang-2020")
    indicator = yichang.indicators.filter(kind="milestone").first()
    MilestoneCompletion.objects.create(indicator=indicator, is_done=True, done_on=date(2021, 6, 30))
    response = login("office_harbin").post(
        reverse("programmes:plan_object_delete", args=[yichang.slug, "indicator", indicator.pk])
    )
    assert response.status_code == 404  # not Harbin's programme
    with pytest.raises(PlanObjectInUse) as exc:
        delete_or_refuse(obj=indicator, user=None)
    assert "该指标已有 1 条里程碑完成记录,不能删除" in exc.value.messages[0]
    assert yichang.indicators.filter(pk=indicator.pk).exists()
    assert MilestoneCompletion.objects.filter(indicator=indicator).count() == 1


def test_deleting_a_phase_with_a_recorded_completion_is_refused(login, harbin):
    phase = harbin.phases.first()
    phase.reached_on = date(2017, 8, 31)
    phase.save()
    response = login("office_harbin").post(
        reverse("programmes:plan_object_delete", args=[harbin.slug, "phase", phase.pk])
    )
    assert response.status_code == 409
    assert "该阶段已有 1 个完成日期记录,不能删除" in response.content.decode()
    assert Phase.objects.filter(pk=phase.pk, reached_on=date(2017, 8, 31)).exists()


def test_deleting_an_agency_with_reports_is_refused_and_archiving_it_is_offered(login, reported):
    agency = user("reporter_wuhan_kjj").profile.agency
    client = login("office_wuhan")
    response = client.post(reverse("programmes:agency_delete", args=[agency.pk]))
    assert response.status_code == 409
    page = response.content.decode()
    assert "该单位已有 2 条填报、3 个证明材料" in page and "项任务分工" in page
    assert Agency.objects.filter(pk=agency.pk).exists() and task_state(reported)[1:3] == (2, 3)
    assert client.post(reverse("programmes:agency_archive", args=[agency.pk, "archive"])).status_code == 302
    agency.refresh_from_db()
    assert agency.is_archived
    assert (
        login("office_harbin").post(reverse("programmes:agency_delete", args=[agency.pk])).status_code == 404
    )


def test_a_programme_with_reported_data_is_refused_with_the_counts(wuhan, reported):
    holders = holders_of(wuhan)
    assert holders["tasks.TaskReport"] == 2 and holders["tasks.EvidenceFile"] == 3
    with pytest.raises(PlanObjectInUse) as exc:
        delete_or_refuse(obj=wuhan, user=None)
    assert exc.value.messages[0].startswith("该方案已有") and "2 条填报" in exc.value.messages[0]
    assert isinstance(exc.value, ValidationError)
    assert Programme.objects.filter(pk=wuhan.pk).exists() and task_state(reported)[1:3] == (2, 3)


def _wuhan_document():
    return json.loads((settings.SEED_DATA_DIR / "wuhan-2017.json").read_text(encoding="utf-8"))


def test_the_canonical_sync_archives_a_dropped_task_with_reports_and_deletes_one_without(wuhan, reported):
    data = copy.deepcopy(_wuhan_document())
    empty = next(
        t
        for t in data["tasks"]
        if t["number"] != "二.3" and not holders_of(wuhan.tasks.get(number=t["number"]))
    )
    for duty in data.get("duties") or []:
        duty["tasks"] = [n for n in duty["tasks"] if n not in ("二.3", empty["number"])]
    data["tasks"] = [t for t in data["tasks"] if t["number"] not in ("二.3", empty["number"])]
    programme = programme_sync_from_canonical(data=data, user=user("office_wuhan"))
    reported.refresh_from_db()
    assert reported.is_archived
    assert not wuhan.tasks.filter(number=empty["number"]).exists()
    notes = " ".join(programme.sync_notes)
    assert "二.3" in notes and "2 条填报和 3 个证明材料" in notes and "已停用而未删除" in notes
    assert task_state(reported)[1:3] == (2, 3) and files_on_disk(reported)
    # loading it again writes nothing more and says nothing new
    again = programme_sync_from_canonical(data=data, user=user("office_wuhan"))
    assert again.sync_notes == []
