"""Decompression bombs built in memory, quickly: a real file's zip with one member holding
a long run of zeros (deflate packs 1 MB of zeros into about 1 KB)."""

import io
import struct
import zipfile

MB = 1024 * 1024


def zip_with(base: bytes | None = None, *, member: str, megabytes: float, extra: dict | None = None) -> bytes:
    """`base` (a zip: .xlsx, .docx) with one more member of `megabytes` of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        if base is not None:
            with zipfile.ZipFile(io.BytesIO(base)) as source:
                for info in source.infolist():
                    if info.filename != member:
                        target.writestr(info, source.read(info))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
        with target.open(member, "w") as handle:
            chunk = b"\0" * MB
            whole, part = divmod(int(megabytes * MB), MB)
            for _ in range(whole):
                handle.write(chunk)
            handle.write(b"\0" * part)
    return out.getvalue()


def lying(data: bytes, member: str, declared: int = 1000) -> bytes:
    """The same zip with `member`'s uncompressed size declared as `declared` bytes in both its
    local header and the central directory: a bomb that hides from a size-only check."""
    data = bytearray(data)
    encoded = member.encode()
    offset = 0
    while True:
        central = data.find(b"PK\x01\x02", offset)
        if central < 0:
            raise ValueError(member)
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_len]) == encoded:
            break
        offset = central + 4
    flags = struct.unpack_from("<H", data, central + 8)[0]
    assert not flags & 0x08, "no data descriptor expected"
    struct.pack_into("<I", data, central + 24, declared)
    local = struct.unpack_from("<I", data, central + 42)[0]
    struct.pack_into("<I", data, local + 22, declared)
    return bytes(data)
