"""manage.py import_plan: bad input exits 2 with its message and stores nothing; --dry-run
stores nothing; .docx, GBK and UTF-8 copies of one plan give the same JSON; a real run
creates a draft programme through the review page's service."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from planimport.models import PlanImportDraft
from programmes.canonical import validate_canonical
from programmes.models import Agency, AgencyAlias, City, Programme

TEXTS = Path(__file__).resolve().parents[2] / "programmes" / "seed_data" / "texts"


def _counts():
    from tasks.models import Task

    return (
        Programme.objects.count(),
        PlanImportDraft.objects.count(),
        City.objects.count(),
        Agency.objects.count(),
        AgencyAlias.objects.count(),
        Task.objects.count(),
    )


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def exit_status(capsys, monkeypatch):
    """Run as `manage.py import_plan …` does: the exit status and what went to stderr.

    (run_from_argv closes every database connection when it ends, which would close the
    test's own connection on PostgreSQL: kept open here.)"""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)

    def _run(*args) -> tuple[int, str]:
        with pytest.raises(SystemExit) as exc:
            ManagementUtility(["manage.py", "import_plan", *[str(a) for a in args]]).execute()
        return exc.value.code, capsys.readouterr().err

    return _run


def _image_only_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _big(path: Path) -> None:
    with path.open("wb") as fh:  # sparse: the size is checked before reading
        fh.truncate(20 * 1024 * 1024 + 1)


BAD_INPUTS = [
    ("empty.txt", lambda p: p.write_bytes(b""), "是空的"),
    ("binary.txt", lambda p: p.write_bytes(bytes(range(256)) * 40), "二进制"),
    ("scan.pdf", lambda p: p.write_bytes(_image_only_pdf()), "文字层"),
    ("方案.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512), ".docx"),
    ("big.txt", _big, "20 MB"),
    (
        "notice.txt",
        lambda p: p.write_text("今天天气很好,我们去公园散步,看见许多人在锻炼身体。\n" * 30, encoding="utf-8"),
        "没有识别出实施方案的结构",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name,make,message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_says_what_was_found_exits_2_and_stores_nothing(tmp_path, exit_status, name, make, message):
    path = tmp_path / name
    make(path)
    before = _counts()
    with pytest.raises(CommandError) as exc:
        run(path)
    assert exc.value.returncode == 2
    assert message in str(exc.value)
    code, err = exit_status(path)
    assert code == 2
    assert message in err
    assert _counts() == before


@pytest.mark.django_db
def test_a_missing_file_exits_2(tmp_path, exit_status):
    code, err = exit_status(tmp_path / "nope.txt")
    assert code == 2 and "找不到文件" in err


@pytest.mark.django_db
def test_a_plan_without_a_period_asks_for_it_instead_of_inventing_one(exit_status):
    path = TEXTS / "anshan_2015.txt"  # Anshan's plan prints no period
    before = _counts()
    code, err = exit_status(path, "--slug", "anshan-import")
    assert code == 2
    assert "实施期限" in err and "--period 2016-01:2018-12" in err
    code, err = exit_status(path, "--dry-run", "--format", "json")
    assert code == 2 and "--period" in err
    assert _counts() == before

    code, err = exit_status(path, "--period", "2015-13:2017-12")
    assert code == 2 and "格式不对" in err
    code, err = exit_status(path, "--period", "2017-01:2015-12")
    assert code == 2 and "早于" in err
    assert _counts() == before

    out, _err = run(path, "--slug", "anshan-import", "--period", "2015-01:2017-12")
    programme = Programme.objects.get(slug="anshan-import")
    assert (programme.period_start, programme.period_end) == ("2015-01", "2017-12")
    assert "按办公室指定" in programme.notes
    assert not programme.indicators.filter(deadline="").exists()
    assert set(programme.indicators.values_list("deadline", flat=True)) <= {"2015", "2016", "2017"}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_dry_run_stores_nothing(fmt):
    before = _counts()
    out, err = run(TEXTS / "yichang_2020.txt", "--dry-run", "--format", fmt, "--slug", "yichang-dry")
    assert _counts() == before
    assert not Programme.objects.filter(slug="yichang-dry").exists()
    if fmt == "json":
        data = json.loads(out)  # stdout is the JSON alone; the reading goes to stderr
        assert "编码 UTF-8" in err
        assert data["slug"] == "yichang-dry" and len(data["tasks"]) == 18 and len(data["indicators"]) == 28
        assert validate_canonical({k: v for k, v in data.items() if k != "agencies"}) == []
    else:
        assert "编码 UTF-8" in out and "任务 18 项" in out and "指标 28 项" in out


def _docx_from(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_docx_gbk_and_utf8_copies_of_one_plan_give_the_same_json(tmp_path):
    text = (TEXTS / "wuhan_2017.txt").read_text(encoding="utf-8")
    copies = {"utf-8": tmp_path / "utf8" / "wuhan_2017.txt", "gbk": tmp_path / "gbk" / "wuhan_2017.txt"}
    for path in copies.values():
        path.parent.mkdir()
    copies["utf-8"].write_bytes(text.encode("utf-8"))
    copies["gbk"].write_bytes(text.encode("gbk"))  # strict GBK: every character of this plan has one
    copies["docx"] = tmp_path / "wuhan_2017.docx"
    copies["docx"].write_bytes(_docx_from(text))

    outputs, readings = {}, {}
    for label, path in copies.items():
        out, err = run(path, "--dry-run", "--format", "json", "--slug", "wuhan-2017-copy")
        data = json.loads(out)
        assert data.pop("source_file") == path.name
        outputs[label], readings[label] = data, err
    assert "编码 UTF-8" in readings["utf-8"]
    assert "编码 GB18030/GBK" in readings["gbk"]
    assert "Word (.docx)" in readings["docx"]
    assert outputs["gbk"] == outputs["utf-8"]
    assert outputs["docx"] == outputs["utf-8"]
    assert len(outputs["utf-8"]["tasks"]) == 33


@pytest.mark.django_db
def test_a_real_run_creates_a_draft_programme_through_the_review_service():
    out, _err = run(TEXTS / "harbin_2016.txt", "--slug", "harbin-2016-cmd")
    assert "编码 UTF-8" in out
    assert "已创建草稿方案 harbin-2016-cmd" in out
    programme = Programme.objects.get(slug="harbin-2016-cmd")
    assert programme.status == Programme.Status.DRAFT
    assert programme.city.name == "哈尔滨市"
    assert programme.tasks.count() == 12 and programme.indicators.count() == 11
    assert programme.phases.count() == 4
    assert "哈尔滨市推进国家知识产权示范城市工作" in programme.source_text
    draft = PlanImportDraft.objects.get(programme=programme)
    assert draft.status == PlanImportDraft.Status.CONFIRMED and draft.encoding == "utf-8"
    # the existing agency was matched, not duplicated
    assert Agency.objects.filter(city=programme.city, name="市知识产权局").count() == 1


@pytest.mark.django_db
def test_an_existing_slug_is_refused_not_overwritten(exit_status):
    harbin = Programme.objects.get(slug="harbin-2016")
    updated = harbin.updated_at
    before = _counts()
    code, err = exit_status(TEXTS / "harbin_2016.txt", "--slug", "harbin-2016")
    assert code == 2 and "已被方案" in err
    assert _counts() == before
    harbin.refresh_from_db()
    assert harbin.updated_at == updated


@pytest.mark.django_db
def test_city_option_sets_the_city():
    out, _err = run(TEXTS / "harbin_2016.txt", "--slug", "harbin-in-wuhan", "--city", "武汉市", "--dry-run")
    assert "城市:武汉市" in out
    assert "原文的城市是哈尔滨市" in out


# --------------------------------------------------------------- city scope (issue 9 item 4)


@pytest.mark.django_db
def test_a_text_naming_no_city_needs_the_city_option_and_stores_nothing(tmp_path, exit_status):
    text = (
        (TEXTS / "harbin_2016.txt")
        .read_text(encoding="utf-8")
        .replace("哈尔滨市", "本市")
        .replace("哈尔滨", "本市")
    )
    path = tmp_path / "no_city.txt"
    path.write_text(text, encoding="utf-8")
    before = _counts()
    code, err = exit_status(path, "--slug", "no-city")
    assert code == 2 and "没有从原文读出城市名称" in err and "--city" in err
    assert _counts() == before


@pytest.mark.django_db
def test_another_citys_plan_put_into_a_city_matches_agencies_within_that_city_only():
    """Wuhan's plan put into Harbin from the command line: its 市知识产权局 is Harbin's, never
    Wuhan's; agencies Harbin lacks are listed first (--dry-run) and created in Harbin only."""
    harbin, wuhan = City.objects.get(name="哈尔滨市"), City.objects.get(name="武汉市")
    wuhan_agencies = set(Agency.objects.filter(city=wuhan).values_list("pk", "name"))
    before = _counts()
    out, _err = run(TEXTS / "wuhan_2017.txt", "--slug", "wuhan-in-harbin", "--city", "哈尔滨市", "--dry-run")
    assert "原文的城市是武汉市,将导入到哈尔滨市" in out and "城市:哈尔滨市" in out
    assert _counts() == before  # the dry run lists, and stores nothing

    out, _err = run(TEXTS / "wuhan_2017.txt", "--slug", "wuhan-in-harbin", "--city", "哈尔滨市")
    programme = Programme.objects.get(slug="wuhan-in-harbin")
    assert programme.city == harbin
    from tasks.models import Task

    assigned = Agency.objects.filter(
        assignments__task__in=Task.objects.filter(programme=programme)
    ).distinct()
    assert assigned.exists() and set(assigned.values_list("city", flat=True)) == {harbin.pk}
    assert set(Agency.objects.filter(city=wuhan).values_list("pk", "name")) == wuhan_agencies
    assert Agency.objects.filter(city=harbin, name="市知识产权局").count() == 1  # Harbin's own, matched
