"""A big upload checked and written by a real Celery worker on the real Redis (CI): the
request answers at once with the job, the worker writes the values, the page then shows them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from indicators.models import StatisticValue
from ipcity.core.models import JobRun
from programmes.models import Programme
from submissions.upload_jobs import UPLOAD_JOB_KIND
from tests.worker_support import ensure_seed_world, wait_for

from .conftest import codes_of, fill, filled, template_bytes

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reseed_after_module"),
]


def job_done(pk):
    job = JobRun.objects.get(pk=pk)
    return job if job.is_done else None


@override_settings(UPLOAD_JOB_MIN_ROWS=3)
def test_a_big_upload_is_written_by_the_worker_and_one_with_errors_writes_nothing(celery_worker, client):
    from datetime import timedelta

    from django.utils import timezone

    from submissions.services import round_open

    ensure_seed_world()
    wuhan = Programme.objects.get(slug="wuhan-2017")
    users = get_user_model().objects
    kjj = users.get(username="reporter_wuhan_kjj").profile.agency
    round = round_open(
        programme=wuhan,
        year=2020,
        quarter=1,
        due_date=timezone.localdate() + timedelta(days=10),
        user=users.get(username="office_wuhan"),
    )
    client.force_login(users.get(username="reporter_wuhan_kjj"))
    url = reverse("submissions:statistics_upload", args=["wuhan-2017", "2020Q1", kjj.pk])

    bad = fill(filled(round, kjj), cells={"H4": "约300"})
    response = client.post(url, {"file": SimpleUploadedFile("kjj.xlsx", bad)})
    job = wait_for(lambda: job_done(JobRun.objects.get(kind=UPLOAD_JOB_KIND).pk), worker=celery_worker)
    assert (job.status, job.result["status"]) == ("succeeded", "rejected"), job.error
    assert not StatisticValue.objects.filter(year=2020, quarter=1).exists()
    review = client.get(response["Location"])
    assert review.status_code == 422 and "“约300”不是数字" in review.content.decode()

    response = client.post(url, {"file": SimpleUploadedFile("kjj.xlsx", filled(round, kjj, value=77))})
    assert response.status_code == 302
    job = JobRun.objects.filter(kind=UPLOAD_JOB_KIND).exclude(pk=job.pk).get()
    job = wait_for(lambda: job_done(job.pk), worker=celery_worker)
    assert (job.status, job.result["status"], job.attempts) == ("succeeded", "accepted", 1), job.error
    values = StatisticValue.objects.filter(year=2020, quarter=1, agency=kjj, is_current=True)
    assert values.count() == len(codes_of(template_bytes(round, kjj)))
    assert set(values.values_list("value", flat=True)) == {77}
    assert client.get(response["Location"])["Location"] == reverse(
        "submissions:agency_round", args=["wuhan-2017", "2020Q1", kjj.pk]
    )
