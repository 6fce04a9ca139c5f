"""The objects the permission matrix points its URLs at, and the URL name → kwargs map.

Everything belongs to Wuhan (wuhan-2017); the items of an agency are 市科技局's, whose
reporter is reporter_wuhan_kjj, so 市工商局's reporter is the "other agency of the same
city", office_harbin / evaluator_harbin / reporter_yichang_tjj are the "other city"."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

PDF = b"%PDF-1.4\n%%EOF\n"


def _user(username):
    return get_user_model().objects.get(username=username)


def _fake_version(report):
    """A stored report version without rendering (the matrix is about access, not content)."""
    from reports.models import ReportVersion

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
    version.pdf.save("matrix-v1.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    version.xlsx.save("matrix-v1.xlsx", ContentFile(b"PK matrix"), save=False)
    version.save()
    return version


def _plan_draft(office, city):
    from pathlib import Path

    from planimport.services import document_read, plan_draft_create

    text = (
        Path(__file__).resolve().parents[2] / "programmes" / "seed_data" / "texts" / "wuhan_2017.txt"
    ).read_text(encoding="utf-8")
    return plan_draft_create(user=office, city=city, document=document_read(text=text), slug="wuhan-matrix")


def build_world():
    """Create the objects (through the services where there is one) and return
    {url name: kwargs}. Called inside the test's transaction: nothing outlives the test."""
    from indicators.models import Indicator, IndicatorValue, MilestoneCompletion, Statistic
    from indicators.services import programme_recompute_request
    from programmes.models import Agency, Programme
    from reports.services import report_create
    from submissions.models import Notification, Submission
    from submissions.services import round_open, statistics_upload_import, task_report_draft_save
    from tasks.models import Task

    wuhan = Programme.objects.get(slug="wuhan-2017")
    office = _user("office_wuhan")
    kjj_user = _user("reporter_wuhan_kjj")
    kjj = kjj_user.profile.agency
    assert kjj.city_id == wuhan.city_id

    round_q1 = round_open(
        programme=wuhan, year=2020, quarter=4, due_date=timezone.localdate() + timedelta(days=10), user=office
    )
    task_item = (
        Submission.objects.filter(round=round_q1, agency=kjj, kind="task").select_related("task").first()
    )
    report, _ = task_report_draft_save(
        round=round_q1,
        agency=kjj,
        task=task_item.task,
        status="in_progress",
        work_done="做了",
        problems="",
        next_steps="",
        user=kjj_user,
        new_files=[("a.pdf", PDF)],
    )
    from tests.submissions.conftest import codes_of, fill, template_bytes

    template = template_bytes(round_q1, kjj)
    outcome = statistics_upload_import(
        round=round_q1,
        agency=kjj,
        filename="k.xlsx",
        data=fill(template, values={code: 100 for code in codes_of(template)}),
        user=kjj_user,
    )
    assert outcome.upload is not None, outcome.errors
    stats_item = Submission.objects.get(round=round_q1, agency=kjj, kind="statistics")
    notification = Notification.objects.create(
        user=kjj_user, kind="reminder", title="提醒", url="/reporting/"
    )

    job = programme_recompute_request(programme=wuhan, user=office)
    from ipcity.core.models import JobRun
    from submissions.upload_jobs import UPLOAD_JOB_KIND

    upload_job = JobRun.objects.create(  # a big upload of 市科技局, still queued
        kind=UPLOAD_JOB_KIND,
        created_by=kjj_user,
        params={"token": "queued", "confirm": False, "round_id": round_q1.pk, "agency_id": kjj.pk},
    )
    indicator = wuhan.indicators.exclude(kind=Indicator.Kind.MILESTONE).order_by("pk").first()
    value = IndicatorValue.objects.create(
        indicator=indicator,
        year=2019,
        quarter=4,
        period=2019 * 4 + 3,
        value=Decimal("1"),
        formula="PAT_APP",
        inputs=[],
        fingerprint="matrix",
        computed_at=timezone.now(),
    )
    milestone = wuhan.indicators.filter(kind=Indicator.Kind.MILESTONE).order_by("pk").first()
    if milestone is None:
        milestone = Indicator.objects.create(
            programme=wuhan,
            name="建成知识产权运营平台",
            kind=Indicator.Kind.MILESTONE,
            area="运用",
            unit="",
            target=Decimal("1"),
            deadline="2020",
        )
    record = MilestoneCompletion(
        indicator=milestone, is_done=True, done_on=date(2019, 6, 30), recorded_by=office
    )
    record.evidence.save("matrix-evidence.pdf", ContentFile(PDF), save=False)
    record.evidence_name = "证明.pdf"
    record.save()

    acceptance = report_create(programme=wuhan, kind="acceptance", user=office)
    version = _fake_version(acceptance)

    statistic = Statistic.objects.create(
        city=wuhan.city,
        code="WH_MATRIX",
        name="武汉自定义统计",
        unit="件",
        aggregation="flow",
        is_builtin=False,
    )
    owner = wuhan.statistic_owners.filter(agency=kjj).order_by("pk").first()
    assert owner is not None, "市科技局 reports no statistic of wuhan-2017"

    draft = _plan_draft(office, wuhan.city)
    draft_task = draft.review["tasks"][0]["_id"]

    task = Task.objects.get(programme=wuhan, number="二.3")
    from accounts.services import api_token_issue

    api_token, _key = api_token_issue(agency=kjj, name="市科技局接口", user=office)
    from indicators.models import ValidationRule

    rule = ValidationRule.objects.filter(programme=wuhan).order_by("pk").first()
    assert rule is not None, "wuhan-2017 has no validation rule (the seed loader adds the defaults)"
    slug = {"slug": wuhan.slug}
    agency_round = {**slug, "period": round_q1.period, "agency_id": kjj.pk}
    assert Agency.objects.filter(pk=kjj.pk, city=wuhan.city).exists()
    return {
        "home": {},
        "login": {},
        "logout": {},
        "set_language": {},
        "job_status": {"pk": job.pk},
        "programmes:programme_list": {},
        "programmes:programme_create": {},
        "programmes:programme_detail": slug,
        "programmes:programme_indicators": slug,
        "programmes:programme_tasks": slug,
        "programmes:programme_matrix": slug,
        "programmes:programme_funding": slug,
        "programmes:programme_edit": slug,
        "programmes:plan_object_add": {**slug, "kind": "indicator"},
        "programmes:plan_object_edit": {**slug, "kind": "indicator", "pk": indicator.pk},
        "programmes:plan_object_delete": {**slug, "kind": "indicator", "pk": indicator.pk},
        "programmes:plan_object_archive": {
            **slug,
            "kind": "indicator",
            "pk": indicator.pk,
            "action": "archive",
        },
        "programmes:agency_list": {},
        "programmes:agency_add": {},
        "programmes:agency_detail": {"pk": kjj.pk},
        "programmes:agency_edit": {"pk": kjj.pk},
        "programmes:agency_delete": {"pk": kjj.pk},
        "programmes:agency_archive": {"pk": kjj.pk, "action": "archive"},
        "planimport:start": {},
        "planimport:review": {"pk": draft.pk},
        "planimport:confirm": {"pk": draft.pk},
        "planimport:discard": {"pk": draft.pk},
        "planimport:item_add": {"pk": draft.pk, "kind": "task"},
        "planimport:item_edit": {"pk": draft.pk, "kind": "task", "item_id": draft_task},
        "planimport:item_delete": {"pk": draft.pk, "kind": "task", "item_id": draft_task},
        "planimport:programme_reimport": slug,
        "tasks:task_detail": {**slug, "pk": task.pk},
        "indicators:programme_recompute": slug,
        "indicators:recompute_status": {**slug, "job_id": job.pk},
        "indicators:indicator_detail": {**slug, "pk": indicator.pk},
        "indicators:value_inputs": {**slug, "pk": indicator.pk, "value_pk": value.pk},
        "indicators:validation_rule_list": slug,
        "indicators:validation_rule_add": slug,
        "indicators:validation_rule_edit": {**slug, "pk": rule.pk},
        "indicators:validation_rule_active": {**slug, "pk": rule.pk},
        "indicators:milestone_record": {**slug, "pk": milestone.pk},
        "indicators:milestone_evidence": {**slug, "pk": milestone.pk, "record_pk": record.pk},
        "indicators:upload_download": {**slug, "upload_pk": outcome.upload.pk},
        "reports:report_index": {},
        "reports:report_list": slug,
        "reports:report_new": slug,
        "reports:report_detail": {**slug, "pk": acceptance.pk},
        "reports:report_edit": {**slug, "pk": acceptance.pk},
        "reports:report_generate": {**slug, "pk": acceptance.pk},
        "reports:report_finalise": {**slug, "pk": acceptance.pk},
        "reports:version_download": {**slug, "pk": version.pk, "fmt": "pdf"},
        "submissions:statistic_list": {},
        "submissions:statistic_add": {},
        "submissions:statistic_edit": {"pk": statistic.pk},
        "submissions:owner_list": slug,
        "submissions:owner_delete": {**slug, "pk": owner.pk},
        "submissions:round_list": slug,
        "submissions:reporting_rates": slug,
        "submissions:round_detail": {**slug, "period": round_q1.period},
        "submissions:round_action": {**slug, "period": round_q1.period, "action": "close"},
        "submissions:agency_round": agency_round,
        "submissions:statistics_form": agency_round,
        "submissions:template_download": agency_round,
        "submissions:statistics_upload": agency_round,
        "submissions:task_report_form": {**agency_round, "task_id": task_item.task_id},
        "submissions:workspace": {},
        "submissions:upload_marked": {"token": "not-a-token"},
        "submissions:upload_confirm": {"token": "not-a-token"},
        "submissions:upload_job": {"pk": upload_job.pk},
        "submissions:submission_detail": {"pk": stats_item.pk},
        "submissions:submission_action": {"pk": stats_item.pk, "action": "approve"},
        "submissions:review_queue": {},
        "submissions:notification_list": {},
        "submissions:notification_open": {"pk": notification.pk},
        "submissions:evidence_download": {"pk": report.evidence.get().pk},
        "submissions:upload_download": {"pk": outcome.upload.pk},
        "programme-list": {},
        "programme-detail": slug,
        "programme-export": slug,
        "programme-funding": slug,
        "programme-indicators": slug,
        "programme-phases": slug,
        "programme-tasks": slug,
        "agency-list": {},
        "agency-detail": {"pk": kjj.pk},
        "api-root": {},
        "api-schema": {},
        "api-docs": {},
        "api-statistic-values": {},
        "workbench:office": {},
        "workbench:reporter": {},
        "workbench:submit_all": {"round_id": round_q1.pk},
        "workbench:evaluator": {},
        "workbench:report_request": slug,
        "workbench:province": {},
        "workbench:api_tokens": {},
        "workbench:api_token_revoke": {"pk": api_token.pk},
    }
