"""Quarterly task reports: versioned like values, evidence files checked (type, size,
name, macros) and stored all or nothing, shown on the task page to those who may see them."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from submissions.models import Submission
from submissions.services import round_open, submission_submit, task_report_draft_save
from tasks.models import EvidenceFile, Task, TaskReport
from tasks.services import task_report_save

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def stored_files():
    media = Path(settings.MEDIA_ROOT)
    return sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def setup(wuhan):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    office, kjj_user = (
        User.objects.get(username="office_wuhan"),
        User.objects.get(username="reporter_wuhan_kjj"),
    )
    kjj = kjj_user.profile.agency
    round = round_open(
        programme=wuhan, year=2020, quarter=1, due_date=timezone.localdate() + timedelta(days=9), user=office
    )
    task = wuhan.tasks.get(number="二.3")  # 市科技局 leads it
    return {"round": round, "kjj": kjj, "kjj_user": kjj_user, "office": office, "task": task}


def save(setup, **kwargs):
    args = {
        "round": setup["round"],
        "agency": setup["kjj"],
        "task": setup["task"],
        "status": "in_progress",
        "work_done": "召开行政执法与司法保护衔接联席会议",
        "problems": "",
        "next_steps": "建立案件移送机制",
        "user": setup["kjj_user"],
    }
    args.update(kwargs)
    return task_report_draft_save(**args)


def test_reports_are_versioned_never_overwritten(setup):
    first, changed = save(setup, new_files=[("会议纪要.pdf", PDF)])
    assert changed and first.version == 1 and first.evidence.count() == 1
    same, changed = save(setup, keep_evidence_ids=[first.evidence.get().pk])
    assert not changed and same.pk == first.pk
    second, changed = save(
        setup,
        status="done",
        work_done="联席会议制度已建立",
        keep_evidence_ids=[],
        new_files=[("照片.png", PNG)],
    )
    assert changed and second.version == 2 and second.supersedes == first
    first.refresh_from_db()
    assert not first.is_current and first.evidence.count() == 1  # the old version keeps its evidence
    assert [e.original_name for e in second.evidence.all()] == ["照片.png"]
    assert len(second.evidence.get().sha256) == 64
    item = Submission.objects.get(round=setup["round"], agency=setup["kjj"], task=setup["task"])
    assert item.state == "draft"


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("tool.exe", b"MZ\x90\x00", "类型不允许"),
        ("script.js", b"alert(1)", "类型不允许"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "内容与扩展名 .pdf 不符"),
        ("big.pdf", b"%PDF" + b"\0" * (20 * 1024 * 1024), "超过 20 MB 的上限"),
        ("../../etc/passwd.pdf", PDF, "不能包含路径"),
        ("..\\..\\boot.pdf", PDF, "不能包含路径"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_stored(setup, name, data, message):
    before = (
        list(TaskReport.objects.values_list("pk", flat=True)),
        EvidenceFile.objects.count(),
        stored_files(),
    )
    with pytest.raises(ValidationError) as excinfo:
        save(setup, new_files=[("ok.pdf", PDF), (name, data)])
    assert message in " ".join(excinfo.value.messages)
    assert (
        list(TaskReport.objects.values_list("pk", flat=True)),
        EvidenceFile.objects.count(),
        stored_files(),
    ) == before


def test_an_office_document_with_macros_is_refused(setup):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/vbaProject.bin", b"vba")
    before = stored_files()
    with pytest.raises(ValidationError, match="包含宏"):
        save(setup, new_files=[("方案.docx", buffer.getvalue())])
    assert stored_files() == before and not TaskReport.objects.exists()


def test_allowed_types(setup):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.txt", "x")
    report, _changed = save(
        setup,
        new_files=[
            ("a.pdf", PDF),
            ("b.png", PNG),
            ("c.jpg", b"\xff\xd8\xff\xe0jpg"),
            ("d.zip", buffer.getvalue()),
            ("e.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old"),
        ],
    )
    assert report.evidence.count() == 5
    for evidence in report.evidence.all():
        assert Path(evidence.file.path).is_file() and str(settings.MEDIA_ROOT) in evidence.file.path
        assert ".." not in evidence.file.name


def test_a_failure_after_storing_removes_the_files(setup, monkeypatch):
    """The first file is stored, then the second fails: the first is removed again."""
    import tasks.services as services

    before = stored_files()
    real = services._evidence_store
    calls = []

    def store_then_fail(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 2:
            raise RuntimeError("storage went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "_evidence_store", store_then_fail)
    with pytest.raises(RuntimeError):
        save(setup, new_files=[("a.pdf", PDF), ("b.pdf", PDF)])
    assert calls == ["a.pdf", "b.pdf"]
    assert stored_files() == before and not TaskReport.objects.exists() and not EvidenceFile.objects.exists()


def test_task_report_form_in_the_browser_with_evidence(login, setup):
    client = login("reporter_wuhan_kjj")
    url = reverse(
        "submissions:task_report_form", args=["wuhan-2017", "2020Q1", setup["kjj"].pk, setup["task"].pk]
    )
    page = client.get(url).content.decode()
    assert "未启动" in page and "推进中" in page and "已完成" in page and "滞后" in page
    bad = client.post(
        url, {"status": "in_progress", "work_done": "做了", "evidence": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert "类型不允许" in bad.content.decode() and not TaskReport.objects.exists()
    empty = client.post(url, {"status": "in_progress", "work_done": ""})
    assert "请填写本季度已完成的工作" in empty.content.decode()
    ok = client.post(
        url,
        {
            "status": "in_progress",
            "work_done": "建立联席会议",
            "evidence": [SimpleUploadedFile("纪要.pdf", PDF)],
            "submit": "1",
        },
    )
    assert ok.status_code == 302
    report = TaskReport.objects.get()
    assert report.reported_by == setup["kjj_user"] and report.evidence.get().original_name == "纪要.pdf"
    item = Submission.objects.get(round=setup["round"], agency=setup["kjj"], task=setup["task"])
    assert item.state == "submitted"
    # read-only until returned
    again = client.post(url, {"status": "done", "work_done": "完成"})
    assert again.status_code == 302 and TaskReport.objects.count() == 1
    evidence_url = reverse("submissions:evidence_download", args=[report.evidence.get().pk])
    assert client.get(evidence_url).status_code == 200
    assert login("reporter_wuhan_gsj").get(evidence_url).status_code == 404
    assert login("office_harbin").get(evidence_url).status_code == 404


def test_the_task_page_shows_its_reports_scoped(login, setup):
    save(setup, new_files=[("纪要.pdf", PDF)])
    submission_submit(
        submission=Submission.objects.get(round=setup["round"], agency=setup["kjj"], task=setup["task"]),
        user=setup["kjj_user"],
    )
    url = reverse("tasks:task_detail", args=["wuhan-2017", setup["task"].pk])
    page = login("office_wuhan").get(url).content.decode()
    assert "季度进展报告" in page and "召开行政执法与司法保护衔接联席会议" in page and "纪要.pdf" in page
    assert "召开行政执法与司法保护衔接联席会议" not in login("reporter_wuhan_gsj").get(url).content.decode()


def test_only_the_agency_reporter_saves_its_report(setup):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        save(setup, user=get_user_model().objects.get(username="office_wuhan"))
    with pytest.raises(ValidationError):
        task_report_save(
            task=Task.objects.filter(programme__slug="harbin-2016").first(),
            agency=setup["kjj"],
            year=2020,
            quarter=1,
            status="in_progress",
            work_done="x",
            problems="",
            next_steps="",
            user=setup["kjj_user"],
        )
