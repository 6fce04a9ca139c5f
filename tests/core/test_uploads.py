"""The shared upload checks (ipcity.core.uploads): decompression bombs are refused from the
zip's central directory and from the real inflated size, before any parser; evidence files
by an allow-list of types and their file signature. Every answer names the file, in Chinese."""

import io
import zipfile

import pytest
from django.test import override_settings

from ipcity.core.uploads import evidence_problem, zip_bomb_check

from .bombs import MB, lying, zip_with

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def small_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + "示范城市建设" * 2000 + "</w:document>")
    return out.getvalue()


def test_an_ordinary_office_file_passes():
    assert zip_bomb_check(small_docx(), name="方案.docx") == ""


def test_a_high_ratio_is_refused_with_the_ratio_and_the_limit():
    bomb = zip_with(small_docx(), member="word/media/filler.bin", megabytes=20)
    assert len(bomb) < 100 * 1024  # about 20 KB on disk
    message = zip_bomb_check(bomb, name="方案.docx")
    assert (
        "“方案.docx”的压缩比为" in message and "超过 100:1 的上限" in message and "未读取也未保存" in message
    )


@override_settings(UPLOAD_MAX_UNCOMPRESSED_MB=5, UPLOAD_MAX_ZIP_RATIO=100000)
def test_a_large_total_is_refused_with_its_size():
    message = zip_bomb_check(zip_with(member="a.xml", megabytes=6), name="表.xlsx")
    assert "“表.xlsx”解压后约为 6 MB,超过 5 MB 的上限" in message


def test_declared_sizes_that_lie_are_caught_while_inflating():
    bomb = lying(
        zip_with(small_docx(), member="word/media/filler.bin", megabytes=20), "word/media/filler.bin"
    )
    # the central directory now says 1000 bytes: only inflating tells the truth
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) < MB
    message = zip_bomb_check(bomb, name="方案.docx")
    assert "“方案.docx”内部文件“word/media/filler.bin”的实际大小与声明不符" in message


@override_settings(UPLOAD_MAX_ZIP_MEMBERS=50)
def test_too_many_members_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(51):
            z.writestr(f"m{i}.xml", "x")
    assert "包含 51 个内部文件,超过 50 个的上限" in zip_bomb_check(out.getvalue(), name="a.zip")


def test_not_a_zip_is_left_to_the_caller():
    assert zip_bomb_check(b"plain text", name="a.csv") == ""


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("页面.html", b"<html><script>alert(1)</script></html>", "“页面.html”的类型不允许"),
        ("tool.exe", b"MZ\x90\x00", "“tool.exe”的类型不允许"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "“logo.svg”的类型不允许",
        ),
        ("noext", PDF, "“noext”的类型不允许"),
        ("公告.pdf", b"MZ\x90\x00\x03 really an exe", "“公告.pdf”的内容与扩展名 .pdf 不符"),
        ("照片.png", b"GIF89a....", "“照片.png”的内容与扩展名 .png 不符"),
        ("图.webp", b"RIFF\x00\x00\x00\x00WAVEfmt ", "“图.webp”的内容与扩展名 .webp 不符"),
        ("空.pdf", b"", "“空.pdf”是空文件"),
        ("../x.pdf", PDF, "不能包含路径"),
    ],
)
def test_evidence_refused_by_type_signature_name(name, data, message):
    assert message in evidence_problem(name=name, data=data)


def test_evidence_zip_bomb_is_refused():
    bomb = zip_with(small_docx(), member="word/media/filler.bin", megabytes=20)
    assert "压缩比为" in evidence_problem(name="验收材料.docx", data=bomb)
    assert "压缩比为" in evidence_problem(name="材料.zip", data=bomb)


def test_evidence_accepted():
    assert evidence_problem(name="纪要.pdf", data=PDF) == ""
    assert evidence_problem(name="方案.docx", data=small_docx()) == ""
    assert evidence_problem(name="图.webp", data=b"RIFF\x10\x00\x00\x00WEBPVP8 ") == ""


def test_a_docx_bomb_is_refused_by_the_plan_import_before_python_docx(monkeypatch):
    import docx

    from planimport.parsing.errors import PlanImportError
    from planimport.parsing.reader import read_document

    def boom(*args, **kwargs):
        raise AssertionError("the bomb reached python-docx")

    monkeypatch.setattr(docx, "Document", boom)
    bomb = zip_with(small_docx(), member="word/document.xml", megabytes=20)
    with pytest.raises(PlanImportError) as excinfo:
        read_document(bomb, "方案.docx")
    assert "“方案.docx”的压缩比为" in str(excinfo.value)
