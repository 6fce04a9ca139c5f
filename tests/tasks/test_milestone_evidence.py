"""Milestone evidence goes through the same evidence validator as task evidence: .html,
.exe, .svg and a .pdf that is really an exe are refused at the field, nothing is stored."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from indicators.models import MilestoneCompletion
from tests.core.bombs import zip_with

pytestmark = pytest.mark.django_db


def stored_files():
    media = Path(settings.MEDIA_ROOT)
    return sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def milestone_url():
    from programmes.models import Programme

    yichang = Programme.objects.get(slug="yichang-2020")
    milestone = yichang.indicators.get(name="知识产权证券化产品")
    return reverse("indicators:milestone_record", args=[yichang.slug, milestone.pk])


@pytest.fixture
def office():
    client = Client()
    client.force_login(get_user_model().objects.get(username="office_yichang"))
    return client


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("公告.html", b"<html><script>alert(1)</script></html>", "“公告.html”的类型不允许"),
        ("setup.exe", b"MZ\x90\x00", "“setup.exe”的类型不允许"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "“logo.svg”的类型不允许",
        ),
        ("公告.pdf", b"MZ\x90\x00\x03\x00 an exe", "“公告.pdf”的内容与扩展名 .pdf 不符"),
        ("验收.docx", zip_with(member="word/document.xml", megabytes=20), "压缩比为"),
    ],
)
def test_bad_milestone_evidence_is_refused_and_nothing_is_stored(office, milestone_url, name, data, message):
    before = (MilestoneCompletion.objects.count(), stored_files())
    response = office.post(
        milestone_url,
        {"is_done": "1", "done_on": "2021-11-30", "note": "", "evidence": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (MilestoneCompletion.objects.count(), stored_files()) == before


def test_good_milestone_evidence_is_stored_under_its_own_name(office, milestone_url):
    pdf = b"%PDF-1.4\n%%EOF\n"
    response = office.post(
        milestone_url,
        {
            "is_done": "1",
            "done_on": "2021-11-30",
            "evidence": SimpleUploadedFile("../公告.pdf".split("/")[-1], pdf),
        },
    )
    assert response.status_code == 302
    record = MilestoneCompletion.objects.get()
    assert record.evidence_name == "公告.pdf" and record.evidence.read() == pdf
