"""Reading PDFs back with poppler-utils (pdftotext, pdffonts), as an evaluator's tools would."""

import re
import subprocess
import tempfile
from pathlib import Path


def _run(args: list[str], pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_text(pdf: bytes) -> str:
    return _run(["pdftotext", "-enc", "UTF-8"], pdf)


_HALF = str.maketrans("（）：；，！？", "():;,!?")


def squash(text: str) -> str:
    """Without whitespace (table cells wrap long names over several lines), punctuation in
    one width and digits ungrouped, so a test names what it means, not the typography."""
    text = re.sub(r"\s+", "", text).translate(_HALF)
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def squash_exact(text: str) -> str:
    """Without whitespace only: for tests of the typography itself."""
    return re.sub(r"\s+", "", text)


def pdf_fonts(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def embedded_cjk_fonts(pdf: bytes) -> list[str]:
    """Names of embedded fonts that are CJK faces (the `emb` column says yes)."""
    found = []
    for line in pdf_fonts(pdf).splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 5 and re.search(r"CJK|Han|WenQuanYi", parts[0]):
            # columns: name type [type…] encoding emb sub uni object ID
            if parts[-5] == "yes":
                found.append(parts[0])
    return found


def word_boxes(pdf: bytes) -> list[tuple[int, float, float, float, str]]:
    """(page, page width, xMin, xMax, word) for every word, from `pdftotext -bbox`."""
    html = _run(["pdftotext", "-bbox", "-enc", "UTF-8"], pdf)
    boxes, page, width = [], 0, 0.0
    for line in html.splitlines():
        if m := re.search(r'<page width="([\d.]+)"', line):
            page, width = page + 1, float(m.group(1))
        elif m := re.search(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line
        ):
            boxes.append((page, width, float(m.group(1)), float(m.group(2)), m.group(3)))
    return boxes


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))
