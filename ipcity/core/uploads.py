"""Checks every uploaded file goes through before anything reads or stores it: its name,
zip archives that expand to far more than they weigh (decompression bombs), and evidence
files (type allow-list, file signature, size, macros).

One place for each rule: the statistics upload (`submissions.ingest`), task report and
milestone evidence, and the plan import (.docx) all call these. Every answer is a Chinese
sentence naming the file, '' when the file is fine. Nothing here writes anything."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
EVIDENCE_MAX_BYTES = 20 * MB
_CHUNK = 256 * 1024
_RATIO_FLOOR = 1 * MB  # below this much content the ratio says nothing about a bomb


def filename_problem(filename: str) -> str:
    """Why an uploaded file's name is refused ('' when it is fine): paths, `..`, control
    characters. The name is only ever shown and kept as a label, never used as a path."""
    if not filename or not filename.strip():
        return _("文件名为空。")
    if "/" in filename or "\\" in filename or ".." in filename.replace("...", ""):
        return _("文件名“%(n)s”不合法:不能包含路径(/、\\ 或 ../),请只用文件本身的名字。") % {"n": filename}
    if any(ord(ch) < 32 for ch in filename) or len(filename) > 200:
        return _("文件名不合法:含有控制字符或过长(最多200个字符)。")
    return ""


# --- zip archives (.xlsx, .docx, .pptx, .zip) ---------------------------------------------


def zip_limits() -> tuple[int, int, int]:
    """(largest total uncompressed size in bytes, largest ratio, most members), from settings."""
    return (
        getattr(settings, "UPLOAD_MAX_UNCOMPRESSED_MB", 200) * MB,
        getattr(settings, "UPLOAD_MAX_ZIP_RATIO", 100),
        getattr(settings, "UPLOAD_MAX_ZIP_MEMBERS", 10000),
    )


def _too_big(name: str, size: int, limit: int) -> str:
    return _(
        "“%(n)s”解压后约为 %(s).0f MB,超过 %(l).0f MB 的上限(疑似“压缩炸弹”),未读取也未保存。"
        "请检查文件内容,删除无关的工作表或图片后重新上传。"
    ) % {"n": name, "s": size / MB, "l": limit / MB}


def _member_size(data: bytes, info: zipfile.ZipInfo, budget: int) -> int:
    """How many bytes a member really expands to, counted while inflating and stopped just
    past `budget`: the sizes the central directory declares can lie, the data cannot."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile(f"unsupported compression {info.compress_type}")
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    view = memoryview(data)[start : start + info.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    for offset in range(0, len(view), _CHUNK):
        chunk = inflater.decompress(view[offset : offset + _CHUNK], budget + 1 - total)
        total += len(chunk)
        while inflater.unconsumed_tail and total <= budget:
            chunk = inflater.decompress(inflater.unconsumed_tail, budget + 1 - total)
            total += len(chunk)
        if total > budget or inflater.eof:
            break
    return total


def zip_bomb_check(data: bytes, *, name: str) -> str:
    """Why a zip-based file is refused as a decompression bomb ('' when it is fine): its
    total uncompressed size, its compression ratio and its number of members, read from the
    central directory and then counted for real while inflating (capped), before any parser
    sees it. A file that is not a zip at all is the caller's to judge ('' here)."""
    max_total, max_ratio, max_members = zip_limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""
    if len(members) > max_members:
        return _("“%(n)s”包含 %(c)s 个内部文件,超过 %(l)s 个的上限,未读取也未保存。") % {
            "n": name,
            "c": len(members),
            "l": max_members,
        }
    declared = sum(m.file_size for m in members)
    if declared > max_total:
        return _too_big(name, declared, max_total)
    packed = max(sum(m.compress_size for m in members), 1)
    if declared > _RATIO_FLOOR and declared / packed > max_ratio:
        return _(
            "“%(n)s”的压缩比为 %(r).0f:1,超过 %(l)s:1 的上限(疑似“压缩炸弹”),未读取也未保存。"
            "正常的 Excel/Word 文件压缩比通常在 10:1 以内,请检查文件后重新上传。"
        ) % {"n": name, "r": declared / packed, "l": max_ratio}
    real = 0
    try:
        for member in members:
            size = _member_size(data, member, max(member.file_size, 0))
            if size > member.file_size:
                return _("“%(n)s”内部文件“%(m)s”的实际大小与声明不符,文件已损坏或被篡改,未读取也未保存。") % {
                    "n": name,
                    "m": member.filename,
                }
            real += size
    except (zipfile.BadZipFile, zlib.error, struct.error):
        return _("“%(n)s”已损坏,无法打开(压缩数据无效),未读取也未保存。") % {"n": name}
    if real > max_total:
        return _too_big(name, real, max_total)
    return ""


# --- evidence files -----------------------------------------------------------------------

_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
_ZIP = (b"PK\x03\x04",)
_JPEG = (b"\xff\xd8\xff",)
_TIFF = (b"II*\x00", b"MM\x00*")
# extension → the file signatures it may start with (so a renamed .exe is refused)
EVIDENCE_TYPES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "gif": (b"GIF87a", b"GIF89a"),
    "bmp": (b"BM",),
    "webp": (b"RIFF",),  # and b"WEBP" at offset 8, checked below
    "tif": _TIFF,
    "tiff": _TIFF,
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "wps": _OLE,
    "et": _OLE,
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "zip": (*_ZIP, b"PK\x05\x06"),
}
EVIDENCE_ACCEPT = ",".join(f".{e}" for e in EVIDENCE_TYPES)  # the file picker's `accept`


def evidence_problem(*, name: str, data: bytes) -> str:
    """Why an evidence file is refused ('' when accepted): its name, size, type (an
    allow-list of extensions), its signature (the first bytes must be what the extension
    says), macros in Office files, and decompression bombs. Used by every evidence upload."""
    problem = filename_problem(name)
    if problem:
        return problem
    if len(data) > EVIDENCE_MAX_BYTES:
        return _("“%(n)s”为 %(s).1f MB,超过 20 MB 的上限,请压缩或拆分后上传。") % {
            "n": name,
            "s": len(data) / MB,
        }
    if not data:
        return _("“%(n)s”是空文件。") % {"n": name}
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        return _(
            "“%(n)s”的类型不允许。证明材料只接受 PDF、图片(jpg/png/gif/bmp/webp/tif)、"
            "Office 文档(doc/docx/xls/xlsx/ppt/pptx/wps/et/odt/ods/odp)和 zip 压缩包。"
        ) % {"n": name}
    if not data.startswith(EVIDENCE_TYPES[extension]) or (extension == "webp" and data[8:12] != b"WEBP"):
        return _("“%(n)s”的内容与扩展名 .%(e)s 不符,可能是改了扩展名的其他文件。") % {
            "n": name,
            "e": extension,
        }
    if data.startswith(_ZIP):
        problem = zip_bomb_check(data, name=name)
        if problem:
            return problem
        if extension != "zip":
            try:
                names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            except zipfile.BadZipFile:
                return _("“%(n)s”已损坏,无法打开。") % {"n": name}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return _("“%(n)s”包含宏(VBA),为安全起见不接受,请另存为不含宏的文档。") % {"n": name}
    return ""
