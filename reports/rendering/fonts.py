"""The CJK font every report embeds, found through fontconfig.

Without a CJK font WeasyPrint silently draws every Chinese glyph as a box (tofu) while
`pdftotext` still extracts the text, so nothing downstream would notice. Reports refuse to
render instead (`CJKFontMissing`)."""

import functools
import shutil
import subprocess

from ..errors import CJKFontMissing

# In order of preference; the project installs the first (Debian's fonts-noto-cjk).
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)


# The body face, nearest free face to the 宋体/仿宋 of official documents (GB/T 9704): the
# sans family above is the 黑体 of headings and tables. Debian's fonts-noto-cjk has both.
SERIF_FAMILIES = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN")


def fontconfig_chinese_families() -> list[str]:
    """Families fontconfig says cover Simplified Chinese (`fc-list :lang=zh-cn family`)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    families = []
    for line in out.splitlines():
        for name in line.split(","):
            name = name.strip()
            if name and name not in families:
                families.append(name)
    return families


@functools.lru_cache(maxsize=1)
def _cached_family() -> str | None:
    return _choose(fontconfig_chinese_families())


def _choose(families: list[str]) -> str | None:
    for preferred in PREFERRED_FAMILIES:
        if preferred in families:
            return preferred
    # Any other face that covers Simplified Chinese, monospace and serif faces last.
    plain = [f for f in families if "Mono" not in f and "Serif" not in f]
    return (plain or families or [None])[0]


def cjk_font_family(*, refresh: bool = False) -> str:
    """The family to put on `html` (and in the charts); raises `CJKFontMissing` if none."""
    if refresh:
        _cached_family.cache_clear()
    family = _cached_family()
    if family is None:
        _cached_family.cache_clear()  # a font installed later is found on the next try
        raise CJKFontMissing()
    return family


@functools.lru_cache(maxsize=1)
def _cached_serif() -> str | None:
    families = fontconfig_chinese_families()
    return next((f for f in SERIF_FAMILIES if f in families), None)


def cjk_serif_family() -> str:
    """The family of the report's running text (宋体 style); the sans family where no serif
    CJK face is installed, so a report never falls back to boxes."""
    serif = _cached_serif()
    if serif is None:
        _cached_serif.cache_clear()  # a face installed later is found on the next try
        return cjk_font_family()
    return serif
