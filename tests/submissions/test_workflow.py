"""Draft → submit → read-only → returned with a comment → corrected (a new version) →
resubmitted → approved (locked) → reopened with a reason; late marking; history kept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.models import StatisticValue
from submissions.models import Notification, ReportingRound, Submission, SubmissionEvent
from submissions.services import (
    round_close,
    round_open,
    statistics_form_save,
    statistics_upload_import,
    submission_reopen,
    submission_return,
    submission_submit,
    submissions_approve,
)

from .conftest import codes_of, filled, snapshot, template_bytes

pytestmark = pytest.mark.django_db


def stats_item(round, agency):
    return Submission.objects.get(round=round, agency=agency, kind="statistics")


def test_opening_a_round_lists_what_each_agency_owes(round_q1, wuhan, kjj, gsj):
    items = Submission.objects.filter(round=round_q1)
    lead_or_support = wuhan.tasks.filter(assignments__agency=kjj).count()
    assert items.filter(agency=kjj, kind="task").count() == lead_or_support > 0
    assert items.filter(agency=kjj, kind="statistics").count() == 1
    assert items.filter(agency=gsj, kind="statistics").count() == 1  # TM_APP, TM_VALID, TM_WELLKNOWN
    assert set(items.values_list("state", flat=True)) == {"not_started"}


def test_the_same_quarter_cannot_be_opened_twice(round_q1, wuhan, office):
    with pytest.raises(ValidationError, match="已经开启过了"):
        round_open(programme=wuhan, year=2020, quarter=1, due_date=timezone.localdate(), user=office)


def test_only_the_office_of_the_city_opens_rounds(wuhan, kjj_user):
    from django.contrib.auth import get_user_model

    for username in ("reporter_wuhan_kjj", "office_harbin", "evaluator"):
        with pytest.raises(PermissionDenied):
            round_open(
                programme=wuhan,
                year=2020,
                quarter=3,
                due_date=timezone.localdate(),
                user=get_user_model().objects.get(username=username),
            )
    assert not ReportingRound.objects.filter(programme=wuhan).exists()


def test_office_opens_a_round_in_the_browser_form(login, wuhan):
    client = login("office_wuhan")
    url = reverse("submissions:round_list", args=["wuhan-2017"])
    response = client.post(url, {"period": "2020q3", "due_date": "2020-10-15"})
    assert response.status_code == 302
    round = ReportingRound.objects.get(programme=wuhan)
    assert (round.year, round.quarter, str(round.due_date)) == (2020, 3, "2020-10-15")
    bad = client.post(url, {"period": "2024年", "due_date": "2020-10-15"})
    assert "请按 2024Q1 的格式填写报告期" in bad.content.decode()
    assert ReportingRound.objects.filter(programme=wuhan).count() == 1


def test_full_cycle_with_versions_and_events(round_q1, kjj, kjj_user, office):
    first = statistics_upload_import(
        round=round_q1, agency=kjj, filename="v1.xlsx", data=filled(round_q1, kjj), user=kjj_user
    )
    assert first.accepted and first.created == first.rows
    item = stats_item(round_q1, kjj)
    assert item.state == "draft"
    submission_submit(submission=item, user=kjj_user)
    item.refresh_from_db()
    assert item.state == "submitted" and not item.is_late

    # read-only until returned: uploads and form saves say why
    locked = statistics_upload_import(
        round=round_q1, agency=kjj, filename="v2.xlsx", data=filled(round_q1, kjj, value=110), user=kjj_user
    )
    assert locked.status == "rejected" and "等待领导小组办公室审核" in locked.errors[0].message
    with pytest.raises(ValidationError, match="等待领导小组办公室审核"):
        statistics_form_save(round=round_q1, agency=kjj, values={}, notes={}, user=kjj_user)

    with pytest.raises(ValidationError, match="必须填写意见"):
        submission_return(submission=item, user=office, comment="  ")
    submission_return(submission=item, user=office, comment="PCT申请量与国知局数据不符,请核对。")
    item.refresh_from_db()
    assert item.state == "returned" and item.review_comment.startswith("PCT")
    assert Notification.objects.filter(user=kjj_user, kind="returned", body__contains="PCT申请量").exists()

    second = statistics_upload_import(
        round=round_q1, agency=kjj, filename="v2.xlsx", data=filled(round_q1, kjj, value=110), user=kjj_user
    )
    assert second.accepted and second.created == second.rows
    code = codes_of(template_bytes(round_q1, kjj))[0]
    versions = StatisticValue.objects.filter(statistic__code=code, year=2020, quarter=1).order_by("version")
    assert [(v.version, v.value, v.is_current) for v in versions] == [(1, 100, False), (2, 110, True)]
    assert versions[1].supersedes_id == versions[0].pk and versions[1].upload.original_name == "v2.xlsx"
    assert versions[0].upload.original_name == "v1.xlsx" and len(versions[0].upload.sha256) == 64

    submission_submit(submission=item, user=kjj_user)
    submissions_approve(submissions=[item], user=office)
    item.refresh_from_db()
    assert item.state == "approved" and item.reviewed_by == office
    actions = list(SubmissionEvent.objects.filter(submission=item).values_list("action", flat=True))
    assert actions == ["uploaded", "submitted", "returned", "uploaded", "submitted", "approved"]

    # approved values are locked, and the lock says who approved and when
    with pytest.raises(ValidationError, match="审核通过,数据已锁定"):
        statistics_form_save(round=round_q1, agency=kjj, values={}, notes={}, user=kjj_user)

    with pytest.raises(ValidationError, match="必须填写理由"):
        submission_reopen(submission=item, user=office, reason="")
    submission_reopen(submission=item, user=office, reason="国家局更新了PCT数据")
    item.refresh_from_db()
    assert item.state == "returned"
    third = statistics_upload_import(
        round=round_q1, agency=kjj, filename="v3.xlsx", data=filled(round_q1, kjj, value=115), user=kjj_user
    )
    assert third.accepted


def test_submitting_needs_every_value(round_q1, kjj, kjj_user):
    item = stats_item(round_q1, kjj)
    statistics_form_save(round=round_q1, agency=kjj, values={"INV_APP|": Decimal(5)}, notes={}, user=kjj_user)
    with pytest.raises(ValidationError, match="还不能提交"):
        submission_submit(submission=item, user=kjj_user)
    item.refresh_from_db()
    assert item.state == "draft"


def test_late_submission_is_accepted_and_marked_late(wuhan, office, kjj, kjj_user):
    round = round_open(
        programme=wuhan, year=2019, quarter=4, due_date=timezone.localdate() - timedelta(days=3), user=office
    )
    item = stats_item(round, kjj)
    assert item.display_state() == "overdue" and item.display_state_label() == "逾期"
    statistics_upload_import(
        round=round, agency=kjj, filename="late.xlsx", data=filled(round, kjj), user=kjj_user
    )
    submission_submit(submission=item, user=kjj_user)
    item.refresh_from_db()
    assert item.state == "submitted" and item.is_late
    assert SubmissionEvent.objects.get(submission=item, action="submitted").is_late


def test_a_closed_round_refuses_everything_and_says_so(round_q1, kjj, kjj_user, office):
    round_close(round=round_q1, user=office)
    before = snapshot()
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="x.xlsx", data=filled(round_q1, kjj), user=kjj_user
    )
    assert (
        outcome.status == "rejected"
        and "填报已于" in outcome.errors[0].message
        and "关闭" in outcome.errors[0].message
    )
    assert snapshot() == before


def test_approving_many_at_once_is_all_or_nothing(round_q1, kjj, gsj, kjj_user, gsj_user, office):
    for agency, user in ((kjj, kjj_user), (gsj, gsj_user)):
        statistics_upload_import(
            round=round_q1, agency=agency, filename="a.xlsx", data=filled(round_q1, agency), user=user
        )
    kjj_item, gsj_item = stats_item(round_q1, kjj), stats_item(round_q1, gsj)
    submission_submit(submission=kjj_item, user=kjj_user)
    with pytest.raises(ValidationError, match="只有已提交的事项可以审核通过"):
        submissions_approve(submissions=[kjj_item, gsj_item], user=office)
    kjj_item.refresh_from_db()
    assert kjj_item.state == "submitted"
    submission_submit(submission=gsj_item, user=gsj_user)
    assert submissions_approve(submissions=[kjj_item, gsj_item], user=office) == 2
    assert set(
        Submission.objects.filter(pk__in=[kjj_item.pk, gsj_item.pk]).values_list("state", flat=True)
    ) == {"approved"}


def test_bulk_approve_in_the_review_queue(login, round_q1, kjj, gsj, kjj_user, gsj_user):
    for agency, user in ((kjj, kjj_user), (gsj, gsj_user)):
        statistics_upload_import(
            round=round_q1, agency=agency, filename="a.xlsx", data=filled(round_q1, agency), user=user
        )
        submission_submit(submission=stats_item(round_q1, agency), user=user)
    client = login("office_wuhan")
    page = client.get(reverse("submissions:review_queue"))
    assert page.status_code == 200 and kjj.name in page.content.decode() and gsj.name in page.content.decode()
    ids = [stats_item(round_q1, a).pk for a in (kjj, gsj)]
    asked = client.post(reverse("submissions:review_queue"), {"ids": ids})
    assert asked.status_code == 200 and "确认批量审核通过" in asked.content.decode()
    assert set(Submission.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"submitted"}
    response = client.post(reverse("submissions:review_queue"), {"ids": ids, "confirmed": "1"})
    assert response.status_code == 302
    assert set(Submission.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"approved"}
    assert client.get(reverse("submissions:review_queue")).content.decode().count('name="ids"') == 0


def test_web_form_shows_unit_and_last_quarter_and_saves_a_draft(
    login, wuhan, office, round_q1, kjj, kjj_user
):
    previous = round_open(programme=wuhan, year=2019, quarter=4, due_date=timezone.localdate(), user=office)
    statistics_upload_import(
        round=previous, agency=kjj, filename="q4.xlsx", data=filled(previous, kjj, value=4321), user=kjj_user
    )
    client = login("reporter_wuhan_kjj")
    url = reverse("submissions:statistics_form", args=["wuhan-2017", "2020Q1", kjj.pk])
    page = client.get(url).content.decode()
    assert "4,321" in page and "上季度" in page and "件" in page
    rows = codes_of(template_bytes(round_q1, kjj))
    data = {f"v{i}": "4400" for i in range(len(rows))}
    data["v0"] = "约300"
    bad = client.post(url, {**data, "save": "1"})
    assert "“约300”不是数字" in bad.content.decode()
    assert not StatisticValue.objects.filter(year=2020, quarter=1).exists()
    data["v0"] = "4400"
    ok = client.post(url, {**data, "save": "1"})
    assert ok.status_code == 302
    assert StatisticValue.objects.filter(
        year=2020, quarter=1, source="form", reported_by=kjj_user
    ).count() == len(rows)
    assert stats_item(round_q1, kjj).state == "draft"


def test_web_form_warnings_need_confirmation(login, wuhan, office, round_q1, kjj, kjj_user):
    previous = round_open(programme=wuhan, year=2019, quarter=4, due_date=timezone.localdate(), user=office)
    statistics_upload_import(
        round=previous, agency=kjj, filename="q4.xlsx", data=filled(previous, kjj, value=1000), user=kjj_user
    )
    client = login("reporter_wuhan_kjj")
    url = reverse("submissions:statistics_form", args=["wuhan-2017", "2020Q1", kjj.pk])
    rows = codes_of(template_bytes(round_q1, kjj))
    data = {f"v{i}": "1000" for i in range(len(rows))}
    index = rows.index("INV_VALID")  # a stock
    data[f"v{index}"] = "900"
    data["v0"] = "2000"  # BRAND_SVC_ORG, stock too: +100%
    flow = rows.index("INV_APP")
    data[f"v{flow}"] = "400"  # a flow 60% down
    page = client.post(url, {**data, "save": "1"}).content.decode()
    assert "存量一般不会减少" in page and "超过50%" in page and "我已核实" in page
    assert not StatisticValue.objects.filter(year=2020, quarter=1).exists()
    response = client.post(url, {**data, "save": "1", "confirm_warnings": "on"})
    assert response.status_code == 302
    assert StatisticValue.objects.get(statistic__code="INV_VALID", year=2020, quarter=1).value == 900


def test_upload_warnings_then_confirmation_in_the_browser(
    login, wuhan, office, round_q1, kjj, kjj_user, upload_url
):
    previous = round_open(programme=wuhan, year=2019, quarter=4, due_date=timezone.localdate(), user=office)
    statistics_upload_import(
        round=previous, agency=kjj, filename="q4.xlsx", data=filled(previous, kjj, value=1000), user=kjj_user
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login("reporter_wuhan_kjj")
    response = client.post(
        upload_url, {"file": SimpleUploadedFile("q1.xlsx", filled(round_q1, kjj, value=100))}
    )
    text = response.content.decode()
    assert response.status_code == 200 and "需要确认" in text and "超过50%" in text
    assert not StatisticValue.objects.filter(year=2020, quarter=1).exists()
    import re

    confirm = re.search(r'action="(/reporting/uploads/[^"]+/confirm/)"', text).group(1)
    assert login("reporter_wuhan_gsj").post(confirm).status_code == 302  # not theirs: expired for them
    assert not StatisticValue.objects.filter(year=2020, quarter=1).exists()
    client = login("reporter_wuhan_kjj")
    assert client.post(confirm).status_code == 302
    assert StatisticValue.objects.filter(year=2020, quarter=1, source="upload").count() == len(
        codes_of(template_bytes(round_q1, kjj))
    )


def test_locked_form_says_why_in_the_page(login, round_q1, kjj, kjj_user, office):
    statistics_upload_import(
        round=round_q1, agency=kjj, filename="a.xlsx", data=filled(round_q1, kjj), user=kjj_user
    )
    item = stats_item(round_q1, kjj)
    submission_submit(submission=item, user=kjj_user)
    client = login("reporter_wuhan_kjj")
    url = reverse("submissions:statistics_form", args=["wuhan-2017", "2020Q1", kjj.pk])
    page = client.get(url).content.decode()
    assert "正在等待领导小组办公室审核" in page and "张伟" in page and "disabled" in page
    submissions_approve(submissions=[item], user=office)
    page = client.get(url).content.decode()
    assert "王敏" in page and "审核通过,数据已锁定" in page
    posted = client.post(url, {"v0": "1", "save": "1"})
    assert posted.status_code == 302
    assert StatisticValue.objects.filter(year=2020, quarter=1, value=1).count() == 0


def test_reporter_sees_who_returned_and_the_comment(login, round_q1, kjj, kjj_user, office):
    statistics_upload_import(
        round=round_q1, agency=kjj, filename="a.xlsx", data=filled(round_q1, kjj), user=kjj_user
    )
    item = stats_item(round_q1, kjj)
    submission_submit(submission=item, user=kjj_user)
    client = login("office_wuhan")
    response = client.post(
        reverse("submissions:submission_action", args=[item.pk, "return"]), {"comment": "请补充说明"}
    )
    assert response.status_code == 302
    client = login("reporter_wuhan_kjj")
    page = client.get(
        reverse("submissions:statistics_form", args=["wuhan-2017", "2020Q1", kjj.pk])
    ).content.decode()
    assert "王敏" in page and "退回修改" in page and "请补充说明" in page
    detail = client.get(item.get_absolute_url()).content.decode()
    assert "退回修改" in detail and "请补充说明" in detail
    workspace = client.get(reverse("submissions:workspace")).content.decode()
    assert "已退回" in workspace and "请补充说明" in workspace
