"""Approving statistics recomputes the indicators that use them; pending figures don't count."""

import pytest

from indicators.models import IndicatorValue, StatisticValue
from indicators.selectors import statistic_rows_queryset
from ipcity.core.models import JobRun
from submissions.models import Submission
from submissions.services import (
    statistics_upload_import,
    submission_reopen,
    submission_submit,
    submissions_approve,
)

from .conftest import filled

pytestmark = pytest.mark.django_db


def test_figures_count_only_once_approved_and_approval_recomputes(
    round_q1, kjj, kjj_user, office, django_capture_on_commit_callbacks
):
    statistics_upload_import(
        round=round_q1, agency=kjj, filename="a.xlsx", data=filled(round_q1, kjj), user=kjj_user
    )
    item = Submission.objects.get(round=round_q1, agency=kjj, kind="statistics")
    submission_submit(submission=item, user=kjj_user)
    rows = StatisticValue.objects.filter(
        programme=round_q1.programme, agency=kjj, year=2020, quarter=1, is_current=True
    )
    row_ids = set(rows.values_list("pk", flat=True))
    assert row_ids
    counted = statistic_rows_queryset(programme_ids=[round_q1.programme_id])
    assert not counted.filter(pk__in=row_ids).exists(), "submitted but unapproved figures must not count"
    jobs_before = JobRun.objects.filter(kind="indicator_recompute").count()

    with django_capture_on_commit_callbacks(execute=True):
        submissions_approve(submissions=[item], user=office)
    assert set(counted.filter(pk__in=row_ids).values_list("pk", flat=True)) == row_ids
    job = JobRun.objects.filter(kind="indicator_recompute").latest("created_at")
    assert JobRun.objects.filter(kind="indicator_recompute").count() == jobs_before + 1
    assert job.status == JobRun.Status.SUCCEEDED, job.error
    assert set(job.params["statistic_codes"]) == set(rows.values_list("statistic__code", flat=True))
    assert IndicatorValue.objects.filter(
        indicator__programme=round_q1.programme, year=2020, quarter=1
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        submission_reopen(submission=Submission.objects.get(pk=item.pk), user=office, reason="数据需核实")
    assert not statistic_rows_queryset(programme_ids=[round_q1.programme_id]).filter(pk__in=row_ids).exists()
    assert JobRun.objects.filter(kind="indicator_recompute").count() == jobs_before + 2
