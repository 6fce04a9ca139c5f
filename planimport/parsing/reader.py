"""Turn an uploaded file (.txt in any of the usual Chinese encodings, .docx, .pdf with a
text layer) into text, or say clearly why it cannot be read."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from .errors import PlanImportError
from .model import DecodedDocument
from .tables import render_row
from .text import int_to_cn

MAX_BYTES = 20 * 1024 * 1024

# The ~600 most frequent characters of Chinese running text (simplified) plus the
# government-document vocabulary; used only to tell a right decoding from a wrong one.
_COMMON_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日"
    "军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相"
    "见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名"
    "真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市"
    "直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路"
    "记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联"
    "持组每济车亲极林服快办议往元英士证近失转夫令准布始怎存未远叫台单影具罗字爱击流备兵连调深商算质团集百需"
    "价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功包片史委乎查轻"
    "易早曾除农找装广显阿李标谈吃图念六引历首医局突专费号尼奇创新推进加强完善健全落实促进培育服务保护管理运"
    "营知识产权专利商标版权申请授权示范城市工作方案实施建设体系机制政策资金项目企业单位部门政府人民发展改革"
    "科技教育财政人社农业文化旅游监督督导评价考核验收阶段步骤措施任务目标指标领导小组办公室成员组长牵头配合"
    "责任开展培训宣传融资质押交易转化平台中心机构人才执法维权纠纷案件行政司法审判协作省县乡镇园区高校院所"
    "试点优势品牌地理标志导航密集型战略规划方针意见通知印发各有关认真贯彻执行"
)


def _common_chars() -> frozenset[str]:
    chars = set(_COMMON_SIMPLIFIED)
    try:  # traditional forms too, so a Big5 file is judged fairly
        import opencc

        chars |= set(opencc.OpenCC("s2t").convert(_COMMON_SIMPLIFIED))
    except Exception:  # pragma: no cover - opencc is a declared dependency
        pass
    return frozenset(chars)


_COMMON = _common_chars()

_ENCODING_LABEL = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8(带 BOM)",
    "gb18030": "GB18030/GBK",
    "big5": "Big5",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
}


def encoding_label(encoding: str | None) -> str:
    return _ENCODING_LABEL.get(encoding or "", encoding or "")


def _size_error(size: int) -> PlanImportError:
    return PlanImportError(
        f"文件大小为 {size / 1024 / 1024:.1f} MB,超过 20 MB 的上限。请删除其中的图片、附表扫描件后重新上传,"
        "或只上传方案正文(纯文本、Word .docx 或带文字层的 PDF)。",
        PlanImportError.TOO_LARGE,
    )


def read_document(
    path_or_bytes: str | os.PathLike | bytes | bytearray, filename: str | None = None
) -> DecodedDocument:
    """Read a plan file and return its text.

    ``path_or_bytes`` is a path or the file's bytes; ``filename`` (needed for bytes)
    gives the extension. Raises ``PlanImportError`` for an empty, oversized, binary,
    image-only, old-Word or undecodable file.
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        if len(data) > MAX_BYTES:
            raise _size_error(len(data))
        name = filename or "upload"
    else:
        path = Path(path_or_bytes)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _size_error(size)
        data = path.read_bytes()
        name = filename or path.name
    ext = Path(name).suffix.lower()

    if len(data) == 0:
        raise PlanImportError(
            f"文件“{name}”是空的(0 字节)。请确认选择了正确的文件,并在保存后重新上传。", PlanImportError.EMPTY
        )

    kind = _sniff(data, ext)
    if kind == "ole":
        if ext in (".xls", ".ppt"):
            raise PlanImportError(
                f"“{name}”是旧版 Office 表格/演示文件,不是方案正文。请上传方案的 Word(.docx)、PDF 或纯文本文件。",
                PlanImportError.UNSUPPORTED,
            )
        raise PlanImportError(
            f"“{name}”是旧版 Word(.doc,Word 97-2003)格式,无法直接读取。请在 Word 或 WPS 中打开后"
            "“另存为”Word 文档(.docx)或 PDF,再重新上传。",
            PlanImportError.LEGACY_DOC,
        )
    if ext == ".doc" and kind == "text":
        raise PlanImportError(
            f"“{name}”的扩展名是旧版 Word 的 .doc。请在 Word 或 WPS 中“另存为”.docx 或 PDF 后重新上传;"
            "如果它其实是纯文本,请把扩展名改为 .txt。",
            PlanImportError.LEGACY_DOC,
        )
    if kind == "image":
        raise PlanImportError(
            f"“{name}”是图片文件,不含可读取的文字。本系统不做文字识别(OCR),请上传方案的 Word(.docx)、"
            "带文字层的 PDF 或纯文本文件。",
            PlanImportError.IMAGE,
        )
    if kind == "zip":
        raise PlanImportError(
            f"“{name}”是压缩包或其他 Office 文件,不是 Word 文档。请解压后上传方案的 .docx、PDF 或纯文本文件。",
            PlanImportError.UNSUPPORTED,
        )
    if kind == "rtf":
        raise PlanImportError(
            f"“{name}”是 RTF 格式。请在 Word 或 WPS 中另存为 .docx 或 PDF 后重新上传。",
            PlanImportError.UNSUPPORTED,
        )
    if kind == "docx":
        doc = _read_docx(data, name)
    elif kind == "pdf":
        doc = _read_pdf(data, name)
    else:
        if ext in (".xlsx", ".xls", ".pptx", ".ppt", ".zip", ".rar", ".7z", ".wps", ".ofd", ".jpg", ".png"):
            raise PlanImportError(
                f"不支持“{ext}”格式的文件“{name}”。请上传方案的纯文本(.txt)、Word(.docx)或带文字层的 PDF。",
                PlanImportError.UNSUPPORTED,
            )
        text, encoding = decode_text(data, name)
        doc = DecodedDocument(text=text, filename=name, format="txt", encoding=encoding, size=len(data))
        if encoding not in ("utf-8",):
            doc.warnings.append(f"文本文件按 {encoding_label(encoding)} 编码读取。")
    if not doc.text.strip():
        raise PlanImportError(f"文件“{name}”中没有文字内容。请确认上传的是方案正文。", PlanImportError.EMPTY)
    return doc


def _sniff(data: bytes, ext: str) -> str:
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            import zipfile

            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return "docx"
        except Exception:
            if ext == ".docx":
                return "docx"  # let python-docx report the corruption
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if (
        head.startswith(b"\x89PNG")
        or head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"GIF8")
        or head.startswith(b"BM")
        and ext in (".bmp", "")
        or head.startswith(b"II*\x00")
        or head.startswith(b"MM\x00*")
        or head[:4] == b"RIFF"
        and data[8:12] == b"WEBP"
    ):
        return "image"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if ext == ".pdf":
        return "pdf"
    if ext == ".docx":
        return "docx"
    return "text"


# ----------------------------------------------------------------------------- text


def _plausibility(text: str) -> float:
    """Share of non-space characters that are common Chinese characters, ASCII or
    usual punctuation: ~0.9 for a right decoding, far lower for a wrong one."""
    total = good = 0
    for ch in text:
        if ch.isspace():
            continue
        total += 1
        if ch in _COMMON or ord(ch) < 128 or ch in "，。、；：？！“”‘’（）《》〔〕〈〉【】—…·％":
            good += 1
    return good / total if total else 0.0


def _controls(text: str) -> float:
    n = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return n / max(1, len(text))


def decode_text(data: bytes, name: str = "upload") -> tuple[str, str]:
    """Decode a text file: BOM first, then strict UTF-8, UTF-16 without BOM, and
    GB18030 / Big5 judged by how plausible the result is. Never guesses silently:
    an undecidable file raises ``PlanImportError``."""
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise PlanImportError(
                    f"“{name}”以 {encoding_label(enc)} 的字节顺序标记(BOM)开头,但内容在第 {exc.start} 字节处"
                    "不是合法的该编码。文件可能已损坏,请重新导出为 UTF-8 文本后上传。",
                    PlanImportError.ENCODING_UNKNOWN,
                ) from exc
            label = "utf-16-le" if enc == "utf-16" and bom == b"\xff\xfe" else enc
            label = "utf-16-be" if enc == "utf-16" and bom == b"\xfe\xff" else label
            return _check_binary(text.lstrip("\ufeff"), name), label

    if b"\x00" in data:
        enc = _utf16_without_bom(data)
        if enc:
            try:
                return _check_binary(data.decode(enc), name), enc
            except UnicodeDecodeError:
                pass
        raise PlanImportError(
            f"“{name}”是二进制文件(含大量空字节),不是文本。请上传方案的纯文本(.txt)、Word(.docx)"
            "或带文字层的 PDF。",
            PlanImportError.BINARY,
        )

    try:
        return _check_binary(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass

    candidates: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _controls(text) > 0.01:
            continue
        candidates.append((_plausibility(text), enc, text))
    candidates.sort(reverse=True)
    if not candidates or candidates[0][0] < 0.5:
        raise PlanImportError(
            f"无法识别“{name}”的文字编码:它不是 UTF-8、GB18030/GBK、Big5 或 UTF-16 文本,也可能是二进制文件。"
            "请在记事本或 WPS 中打开确认内容正常后,“另存为”UTF-8 编码的文本再上传。",
            PlanImportError.ENCODING_UNKNOWN,
        )
    best = candidates[0]
    if len(candidates) > 1 and candidates[1][0] > 0.75 * best[0]:
        raise PlanImportError(
            f"无法确定“{name}”的编码:按 {encoding_label(best[1])} 和 {encoding_label(candidates[1][1])} "
            "读取都像是中文。为避免读错,请把文件另存为 UTF-8 编码后重新上传。",
            PlanImportError.ENCODING_AMBIGUOUS,
        )
    return best[2], best[1]


def _utf16_without_bom(data: bytes) -> str | None:
    half = len(data) // 2
    if half < 4:
        return None
    even = data[0 : 2 * half : 2].count(0)
    odd = data[1 : 2 * half : 2].count(0)
    if odd >= 0.01 * half and even <= 0.1 * odd:
        return "utf-16-le"
    if even >= 0.01 * half and odd <= 0.1 * even:
        return "utf-16-be"
    return None


def _check_binary(text: str, name: str) -> str:
    if _controls(text) > 0.01:
        raise PlanImportError(
            f"“{name}”含有大量控制字符,像是二进制文件而不是文本。请上传方案的纯文本(.txt)、Word(.docx)"
            "或带文字层的 PDF。",
            PlanImportError.BINARY,
        )
    return text


# ----------------------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(data: bytes, name: str) -> DecodedDocument:
    try:
        import docx
        import docx.table
        from docx.oxml.ns import qn
    except ImportError as exc:  # pragma: no cover
        raise PlanImportError(
            "服务器缺少 python-docx,无法读取 .docx。请联系管理员。", PlanImportError.UNSUPPORTED
        ) from exc
    from ipcity.core.uploads import zip_bomb_check

    bomb = zip_bomb_check(data, name=name)  # before python-docx inflates anything
    if bomb:
        raise PlanImportError(bomb, PlanImportError.TOO_LARGE)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise PlanImportError(
            f"“{name}”无法作为 Word(.docx)文档打开,文件可能已损坏或只是改了扩展名。请在 Word/WPS 中重新"
            "“另存为”.docx 后上传。",
            PlanImportError.CORRUPT,
        ) from exc

    numbering = _Numbering(document)
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(numbering.prefix(child) + _paragraph_text(child))
        elif child.tag == qn("w:tbl"):
            lines.extend(_docx_table_lines(docx.table.Table(child, document), qn))
    text = "\n".join(lines)
    doc = DecodedDocument(text=text, filename=name, format="docx", encoding=None, size=len(data))
    if numbering.used:
        doc.warnings.append("Word 自动编号已按编号格式还原为文字(如“一、”“(一)”“1.”),请核对任务编号。")
    return doc


def _docx_table_lines(table, qn) -> list[str]:
    """A Word table row by row, cells separated by ``tables.CELL_SEP``: a merged cell
    (across columns or down rows) is given once per column it covers, so every row has
    the header's columns; a cell's paragraphs and line breaks stay apart for the cell
    renderer (agency lists joined with 、)."""
    out = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            parts = []
            for p in cell._tc.iter(qn("w:p")):
                parts.extend(_paragraph_text(p).split("\n"))
            cells.append(parts)
        if any(any(x.strip() for x in c) for c in cells):
            out.append(render_row(cells))
    return out


def _pdf_tables_text(data: bytes) -> dict[int, str]:
    """Pages that hold ruled tables, read with pdfplumber: the text around each table
    and the table row by row (cells separated by ``tables.CELL_SEP``)."""
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency (pyproject.toml)
        return {}
    out: dict[int, str] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i, page in enumerate(pdf.pages):
                found = [t for t in page.find_tables() if len(t.rows) >= 2]
                if not found:
                    continue
                parts, top = [], 0.0
                for t in sorted(found, key=lambda t: t.bbox[1]):
                    x0, y0, x1, y1 = t.bbox
                    if y0 > top:
                        parts.append(page.crop((0, top, page.width, y0)).extract_text() or "")
                    rows = t.extract()
                    parts.extend(render_row([(c or "").split("\n") for c in row]) for row in rows if any(row))
                    top = y1
                if top < page.height:
                    parts.append(page.crop((0, top, page.width, page.height)).extract_text() or "")
                out[i] = "\n".join(p for p in parts if p)
    except Exception:  # a table the library cannot read: the plain text layer stays
        return {}
    return out


def _paragraph_text(p) -> str:
    out = []
    for el in p.iter():
        tag = el.tag
        if tag == _W + "t":
            out.append(el.text or "")
        elif tag == _W + "tab":
            out.append(" ")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
    return "".join(out)


class _Numbering:
    """Renders Word's automatic list numbers (which are not in the paragraph text)."""

    def __init__(self, document):
        self.used = False
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str | None, int | None]] = {}
        try:
            # List styles ("List Number") carry their numbering in the style.
            based_on: dict[str, str] = {}
            for st in document.styles.element.findall(_W + "style"):
                sid = st.get(_W + "styleId")
                base = st.find(_W + "basedOn")
                if base is not None:
                    based_on[sid] = base.get(_W + "val")
                ppr = st.find(_W + "pPr")
                numpr = ppr.find(_W + "numPr") if ppr is not None else None
                if numpr is not None:
                    nid, ilvl = numpr.find(_W + "numId"), numpr.find(_W + "ilvl")
                    self.style_numbering[sid] = (
                        nid.get(_W + "val") if nid is not None else None,
                        int(ilvl.get(_W + "val")) if ilvl is not None else None,
                    )
            for sid in list(based_on):
                seen, cur = set(), sid
                while cur in based_on and cur not in self.style_numbering and cur not in seen:
                    seen.add(cur)
                    cur = based_on[cur]
                if cur in self.style_numbering and sid not in self.style_numbering:
                    self.style_numbering[sid] = self.style_numbering[cur]
        except Exception:
            self.style_numbering = {}
        root = None
        try:
            for rel in document.part.rels.values():
                if rel.reltype.endswith("/numbering"):
                    root = rel.target_part.element
                    break
        except Exception:
            root = None
        if root is None:
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.findall(_W + "abstractNum"):
            aid = an.get(_W + "abstractNumId")
            lv = {}
            for lvl in an.findall(_W + "lvl"):
                ilvl = int(lvl.get(_W + "ilvl", "0"))
                fmt = lvl.find(_W + "numFmt")
                txt = lvl.find(_W + "lvlText")
                start = lvl.find(_W + "start")
                lv[ilvl] = (
                    fmt.get(_W + "val") if fmt is not None else "decimal",
                    txt.get(_W + "val") if txt is not None else "",
                    int(start.get(_W + "val")) if start is not None else 1,
                )
            abstract[aid] = lv
        for num in root.findall(_W + "num"):
            nid = num.get(_W + "numId")
            ref = num.find(_W + "abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(_W + "val"), {}).items():
                self.levels[(nid, ilvl)] = spec

    def prefix(self, p) -> str:
        if not self.levels:
            return ""
        ppr = p.find(_W + "pPr")
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        style = ppr.find(_W + "pStyle") if ppr is not None else None
        style_nid, style_ilvl = self.style_numbering.get(
            style.get(_W + "val") if style is not None else "", (None, None)
        )
        nid_el = numpr.find(_W + "numId") if numpr is not None else None
        ilvl_el = numpr.find(_W + "ilvl") if numpr is not None else None
        nid = nid_el.get(_W + "val") if nid_el is not None else style_nid
        if nid is None:
            return ""
        ilvl = int(ilvl_el.get(_W + "val")) if ilvl_el is not None else (style_ilvl or 0)
        spec = self.levels.get((nid, ilvl))
        if spec is None or nid == "0":
            return ""
        fmt, lvl_text, start = spec
        if fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(nid, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def render(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            lfmt, _, lstart = self.levels.get((nid, level), ("decimal", "", 1))
            return _format_number(counters.get(level, lstart), lfmt)

        self.used = True
        return re.sub(r"%(\d)", render, lvl_text)


def _format_number(n: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "ideographTraditional",
        "taiwaneseCounting",
        "chineseLegalSimplified",
        "japaneseCounting",
        "taiwaneseCountingThousand",
    ):
        return int_to_cn(n)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt in ("upperRoman", "lowerRoman"):
        vals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        out, m = "", n
        for v, s in vals:
            while m >= v:
                out += s
                m -= v
        return out if fmt == "upperRoman" else out.lower()
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    return str(n)


# ----------------------------------------------------------------------------- pdf


def _read_pdf(data: bytes, name: str) -> DecodedDocument:
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover
        raise PlanImportError(
            "服务器缺少 pypdf,无法读取 PDF。请联系管理员。", PlanImportError.UNSUPPORTED
        ) from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise PlanImportError(
                    f"“{name}”是加密的 PDF,无法读取文字。请上传未加密的 PDF 或 Word(.docx)文件。",
                    PlanImportError.CORRUPT,
                ) from exc
        pages = list(reader.pages)
    except PlanImportError:
        raise
    except Exception as exc:
        raise PlanImportError(
            f"“{name}”无法作为 PDF 打开,文件可能已损坏。请重新导出 PDF 或上传 Word(.docx)文件。",
            PlanImportError.CORRUPT,
        ) from exc
    texts = []
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
        except Exception:
            texts.append("")
    for i, text in _pdf_tables_text(data).items():
        if i < len(texts):
            texts[i] = text
    chars = sum(len(re.sub(r"\s", "", t)) for t in texts)
    if not pages or chars < max(20, 10 * len(pages)):
        raise PlanImportError(
            f"“{name}”共 {len(pages)} 页,但没有可提取的文字层(很可能是扫描件或图片生成的 PDF)。本系统不做"
            "文字识别(OCR):请上传带文字层的 PDF(可在 PDF 中选中并复制文字的那种)、原始 Word(.docx)"
            "或纯文本文件。",
            PlanImportError.IMAGE_ONLY_PDF,
        )
    doc = DecodedDocument(
        text="\f".join(texts), filename=name, format="pdf", encoding=None, size=len(data), pages=len(pages)
    )
    empty = [i + 1 for i, t in enumerate(texts) if len(re.sub(r"\s", "", t)) < 5]
    if empty:
        doc.warnings.append(
            "PDF 第 " + "、".join(str(i) for i in empty[:10]) + " 页没有文字层(可能是图片),其中内容未读取。"
        )
    return doc


__all__ = ["MAX_BYTES", "decode_text", "encoding_label", "read_document"]
