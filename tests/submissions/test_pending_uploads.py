"""With Redis unreachable, a checked upload still gets its answer: pending uploads (waiting
for confirmation or for their marked copy) live in the database, not the cache."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import load_workbook

from indicators.models import StatisticValue
from submissions.models import PendingUpload, previous_quarter
from submissions.services import round_open, statistics_upload_import

from .conftest import codes_of, fill, filled, snapshot, template_bytes

pytestmark = pytest.mark.django_db


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5},
    }
}


@override_settings(CACHES=DEAD_REDIS)
def test_with_redis_down_an_upload_with_errors_is_answered_then_fixed_and_confirmed(
    login, upload_url, round_q1, kjj, kjj_user, wuhan, office
):
    from django.core.cache import caches

    with pytest.raises(Exception):  # noqa: B017 - whatever redis-py raises: the cache is really down
        caches["default"].set("probe", 1)
    client = login("reporter_wuhan_kjj")
    before = snapshot()
    bad = client.post(
        upload_url,
        {"file": SimpleUploadedFile("kjj.xlsx", fill(filled(round_q1, kjj), cells={"H4": "约300"}))},
    )
    text = bad.content.decode()
    assert bad.status_code == 422 and "“约300”不是数字" in text and "H4" in text
    assert snapshot() == before
    marked_url = re.search(r'href="(/reporting/uploads/[^"]+/marked\.xlsx)"', text).group(1)
    assert (
        "不是数字"
        in load_workbook(io.BytesIO(content(client.get(marked_url))))["统计数据"]["H4"].comment.text
    )

    # fixed, but with a warning (more than 50% below last quarter): confirm, then it is written
    year, quarter = previous_quarter(round_q1.year, round_q1.quarter)
    previous = round_open(
        programme=wuhan, year=year, quarter=quarter, due_date=round_q1.due_date, user=office
    )
    statistics_upload_import(
        round=previous, agency=kjj, filename="q4.xlsx", data=filled(previous, kjj, value=1000), user=kjj_user
    )
    warned = client.post(
        upload_url, {"file": SimpleUploadedFile("kjj.xlsx", filled(round_q1, kjj, value=100))}
    )
    text = warned.content.decode()
    assert warned.status_code == 200 and "需要确认" in text
    assert not StatisticValue.objects.filter(year=round_q1.year, quarter=round_q1.quarter).exists()
    confirm = re.search(r'action="(/reporting/uploads/[^"]+/confirm/)"', text).group(1)
    assert client.post(confirm).status_code == 302
    assert StatisticValue.objects.filter(
        year=round_q1.year, quarter=round_q1.quarter, source="upload"
    ).count() == len(codes_of(template_bytes(round_q1, kjj)))
    token = confirm.split("/")[-3]
    assert not PendingUpload.objects.filter(token=token).exists()  # used: gone
