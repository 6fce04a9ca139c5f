"""From raw extracted text to the normalised text every span points into.

Order matters: summary lines (a web page's preview that concatenates the next
paragraphs) are found before furniture is removed; the duplicated copy of a pasted
document is dropped before lines broken by PDF extraction are joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .columns import column_role
from .text import halfwidth_alnum, is_cjk, unbalanced_open

# Taiwan vocabulary to mainland vocabulary, applied only to text that was converted
# from traditional script. OpenCC's 'tw2sp' phrase table is not used: on these texts it
# rewrites ordinary words (建立→创建, 核心→内核, 执行→运行, 指标→指针, 整合→集成).
TW_VOCABULARY = (
    ("智慧财产权", "知识产权"),
    ("智慧财产局", "知识产权局"),
    ("智慧财产", "知识产权"),
    ("积体电路", "集成电路"),
    ("人工智慧", "人工智能"),
    ("智慧型", "智能"),
    ("最佳化", "优化"),
    ("网际网路", "互联网"),
    ("网路", "网络"),
    ("软体", "软件"),
    ("硬体", "硬件"),
    ("资讯", "信息"),
    ("资料库", "数据库"),
    ("伺服器", "服务器"),
    ("晶片", "芯片"),
    ("数位", "数字"),
    ("程式", "程序"),
    ("套用型", "应用型"),
    ("视讯", "视频"),
    ("介面", "界面"),
)

_FURNITURE_PATTERNS = [
    re.compile(p)
    for p in (
        r"^(https?://|www\.)\S+$",
        r"(扫描|扫一扫|扫码|长按).{0,8}二维码",
        r"二维码.{0,12}(访问|查看|打开|原文)",
        r"收集整理",
        r"相关权利归属",
        r"联系客服",
        r"免费提供原文",
        r"^(当前位置|您的位置|您现在的位置|所在位置|当前页面)\s*[:：]",
        r"^(首页|网站首页|主页)\s*[>＞»›]",
        r"^[^。，,；;]{0,60}[>＞»›][^。，,；;]{0,60}[>＞»›]",
        r"^[^。，,；;]{1,40}[>＞»›]$",
        r"^(来源|作者|编辑|责任编辑|浏览次数|点击数|阅读次数|访问次数|字号|栏目|信息来源|发布者)\s*[:：]",
        r"(来源|编辑)\s*[:：].{0,40}(编辑|来源|作者|浏览)\s*[:：]",
        r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+.{0,40}(来源|编辑|作者)\s*[:：]",
        r"^[【\[]?\s*(打印本页|打印|关闭窗口|关闭|返回顶部|收藏|分享到|字体|大\s*中\s*小)\s*[】\]]?(\s*[【\[]?\s*(打印|关闭|收藏|分享|大|中|小)\s*[】\]]?)*$",
        r"^[(（]\s*此件(公开发布|主动公开|不予公开|依申请公开)\s*[)）]$",
        r"^公开(方式|属性)\s*[:：]",
        r"^([\u4e00-\u9fff]{2,8}[，,、]){2,}$",
    )
]

_FURNITURE_EXACT = {
    "基本介绍",
    "基本信息",
    "相关词条",
    "热门词条",
    "联系我们",
    "联络我们",
    "内容解读",
    "目录",
    "参考资料",
    "词条标签",
    "发布时间",
    "政策解读",
    "相关链接",
    "相关文件",
    "分享",
    "打印",
    "关闭",
    "返回顶部",
    "附件下载",
    "图片",
    "视频",
    "扫一扫",
    "产业政策",
    "政策文件",
    "政府文件",
    "信息公开",
    "意见征集",
    "词条图册",
}

_META_KEYS = (
    "中文名|外文名|颁布时间|发布时间|发布日期|发布单位|发文机关|发文单位|发文字号|成文日期|实施日期|施行日期|"
    "主题分类|索引号|公文种类|生效日期|有效性|文号|类别|发布机构|实施时间|生成日期|所属主题|主题词|时效|名称|标题|分类|"
    "体裁分类|组配分类|信息来源|公开方式|公开范围"
)
_META_RE = re.compile(rf"^({_META_KEYS})\s*[:：]\s*(.*)$")
_META_KEY_RE = re.compile(rf"(?:^|\s)({_META_KEYS})\s*[:：]\s*")


def _meta_pairs(line: str) -> dict[str, str]:
    """ "成文日期: 2023-02-17 发布日期: 2023-02-17 有效性: 有效" -> three pairs."""
    keys = list(_META_KEY_RE.finditer(line))
    out = {}
    for k, m in enumerate(keys):
        end = keys[k + 1].start() if k + 1 < len(keys) else len(line)
        out.setdefault(m.group(1), line[m.end() : end].strip())
    return out


_WEB_DATE_RE = re.compile(r"(?:发布时间|发布日期)?\s*[:：]?\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")

_PAGE_NUMBER_RES = [
    re.compile(r"^[-—–－_~·•\s]+\d{1,4}[-—–－_~·•\s]+$"),
    re.compile(r"^第\s*\d+\s*页(\s*[/,，]?\s*共\s*\d+\s*页)?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^[-—–]\s*\d{1,4}$|^\d{1,4}\s*[-—–]$"),
]

_BULLET_RE = re.compile(r"^(?:[-*•●■◆◇□▪▶►·]\s+|[•●■◆◇▪▶►]\s*)")

# Markers that start a new item/heading: a line starting with one is never glued to
# the line before it.
MARKER_RE = re.compile(
    r"^(?:"
    r"第[一二三四五六七八九十百零〇]+[章节部分条]"
    r"|[一二三四五六七八九十百]+\s*[、．.，,]"
    r"|[(（]\s*[一二三四五六七八九十百]+\s*[)）]"
    r"|\d{1,3}\s*[．.、](?!\d)"
    r"|\d{1,3}\s*$"
    r"|[(（]\s*\d{1,3}\s*[)）]"
    r"|[①-⑳]"
    r"|附\s*件"
    r"|(?:组\s*长|副\s*组\s*长|成\s*员|常务副组长|执行组长|办公室主任)\s*[:：]"
    r")"
)
_DATE_LINE_RE = re.compile(
    r"^(?:到|至|截至)?\s*\d{4}\s*年(\d{1,2}\s*月)?(\d{1,2}\s*日)?(底|末|前)?(印发|发布)?$"
)
TERMINAL = set("。；;！!？?：:")
_BARE_HEADING_RE = re.compile(
    r"^(?:主要|总体|具体|工作|发展|建设|重点|基本)?(?:目标|指标|任务|措施|原则|思想|要求|步骤)$|"
    r"^(?:保障措施|组织保障|实施步骤|进度安排|任务及措施|目标任务|指导思想|基本原则|工作原则|总体要求|组织实施)$"
)


@dataclass
class Line:
    text: str
    start: int
    end: int


@dataclass
class NormalizedText:
    text: str
    lines: list[Line]
    warnings: list[str] = field(default_factory=list)
    script_converted: bool = False
    duplicate_removed: bool = False
    metadata: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _converters():
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("tw2s")


def traditional_share(text: str) -> float:
    """Share of Chinese characters that have a different simplified form."""
    t2s, _ = _converters()
    counts: dict[str, int] = {}
    for ch in text:
        if is_cjk(ch):
            counts[ch] = counts.get(ch, 0) + 1
    total = sum(counts.values())
    if not total:
        return 0.0
    trad = sum(n for ch, n in counts.items() if t2s.convert(ch) != ch)
    return trad / total


def to_simplified(text: str) -> str:
    _, tw2s = _converters()
    out = tw2s.convert(text)
    for tw, cn in TW_VOCABULARY:
        out = out.replace(tw, cn)
    # 線上 (online) is 在线 unless it pairs with 线下 (线上线下 is mainland usage too).
    return re.sub(r"线上(?![线和与及、]*线下)", "在线", out)


def _nospace(s: str) -> str:
    return re.sub(r"\s+", "", s)


def normalize(raw: str) -> NormalizedText:
    warnings: list[str] = []
    metadata: dict[str, str] = {}

    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text, n_heads = _drop_running_heads(text)
    if n_heads:
        warnings.append(f"已忽略 {n_heads} 行页眉页脚(每页重复的文字)。")
    text = text.replace("\f", "\n")
    text = re.sub(r"[\ufeff\u200b-\u200f\u2060\u00ad]", "", text)
    # a tab separates the cells of a table pasted from a web page or a spreadsheet
    text = re.sub(r"[ \u3000]*\t[\t \u3000]*", " ｜ ", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    text = halfwidth_alnum(text)
    text = _unspace_cjk(text)

    # Traditional script is converted after broken lines are joined (a word split over
    # two lines converts wrongly); until then furniture is recognised on a converted copy.
    converted = traditional_share(text) > 0.03
    if converted:
        warnings.append(
            "原文为繁体字(含台湾用语),已转换为简体字和大陆用语(如“智慧财产权”→“知识产权”),请核对。"
        )

    def probe(ln: str) -> str:
        return to_simplified(ln) if converted else ln

    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]

    lines, n_summary = _drop_summary_lines(lines)
    if n_summary:
        warnings.append(f"已忽略 {n_summary} 行网页摘要(与后文重复的拼接文字)。")

    kept: list[str] = []
    n_furniture = 0
    for ln in lines:
        meta = _META_RE.match(_BULLET_RE.sub("", probe(ln)))
        if meta:
            for key, value in _meta_pairs(_BULLET_RE.sub("", probe(ln))).items():
                metadata.setdefault(key, value)
            n_furniture += 1
            continue
        if _is_furniture(probe(ln)):
            m = _WEB_DATE_RE.search(ln)
            if m and "web_date" not in metadata:
                metadata["web_date"] = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            n_furniture += 1
            continue
        ln = re.sub(r"(https?://|www\.)[\w\-./?%&=#:~+]+", "", ln).strip()
        if not ln:
            n_furniture += 1
            continue
        kept.append(_BULLET_RE.sub("", ln).strip())
    lines = [ln for ln in kept if ln]
    if n_furniture:
        warnings.append(f"已忽略 {n_furniture} 行页面附属内容(网址、导航、二维码提示、页码等)。")

    lines, dup = _drop_duplicate_copy(lines)
    if dup:
        warnings.append(dup)

    lines = _drop_page_numbers(lines)
    lines = _join_broken_lines(lines)
    if converted:
        lines = [to_simplified(ln) for ln in lines]
    lines = [_normalize_spaces(ln) for ln in lines]
    lines = [ln for ln in lines if ln]

    out_lines: list[Line] = []
    pos = 0
    for ln in lines:
        out_lines.append(Line(ln, pos, pos + len(ln)))
        pos += len(ln) + 1
    return NormalizedText(
        text="\n".join(lines),
        lines=out_lines,
        warnings=warnings,
        script_converted=converted,
        duplicate_removed=bool(dup),
        metadata=metadata,
    )


def _unspace_cjk(text: str) -> str:
    """Some PDF extractions put a space between every character ("一 、 总 体 目 标");
    when most neighbouring Chinese characters are spaced apart, close the gaps."""
    pairs = re.findall(r"[\u4e00-\u9fff](\s?)(?=[\u4e00-\u9fff])", text[:20000])
    if len(pairs) < 50 or sum(1 for p in pairs if p) < 0.5 * len(pairs):
        return text
    near = rf"(?:{_CJK_OR_PUNCT}|[,.;:()%])"
    return re.sub(rf"(?<={near}) (?={near}|\d)|(?<=\d) (?={near})", "", text)


def _is_furniture(ln: str) -> bool:
    core = _BULLET_RE.sub("", ln).strip()
    if core in _FURNITURE_EXACT:
        return True
    return any(p.search(core) for p in _FURNITURE_PATTERNS)


def _drop_summary_lines(lines: list[str]) -> tuple[list[str], int]:
    """A long line whose text reappears, verbatim, spread over the following lines is a
    web page's preview of the document (Yichang's seed): drop it."""
    squashed = [_nospace(ln) for ln in lines]
    drop = set()
    for i, s in enumerate(squashed):
        if len(s) < 40:
            continue
        following, bounds, total = [], [], 0
        for j in range(i + 1, min(len(lines), i + 80)):
            following.append(squashed[j])
            total += len(squashed[j])
            bounds.append(total)
            if total > 2 * len(s) + 400:
                break
        joined = "".join(following)
        idx = joined.find(s)
        if idx < 0:
            continue
        end = idx + len(s)
        if any(idx < b < end for b in bounds):
            drop.add(i)
    return [ln for i, ln in enumerate(lines) if i not in drop], len(drop)


def _drop_duplicate_copy(lines: list[str]) -> tuple[list[str], str]:
    """Drop the second copy of a block pasted twice (Anshan's seed holds the whole
    notice and plan two times)."""
    message = ""
    while True:
        keys = [_nospace(ln) for ln in lines]
        positions: dict[str, list[int]] = {}
        best = (0, 0, 0)  # (run, i, j)
        for j, key in enumerate(keys):
            for i in positions.get(key, ()):
                if i > 0 and keys[i - 1] == keys[j - 1]:
                    continue  # not the start of a run
                r = 0
                while j + r < len(keys) and i + r < j and keys[i + r] == keys[j + r]:
                    r += 1
                if r > best[0]:
                    best = (r, i, j)
            lst = positions.setdefault(key, [])
            if len(lst) < 50:
                lst.append(j)
        run, i, j = best
        chars = sum(len(k) for k in keys[j : j + run])
        if run < 8 or chars < 500:
            return lines, message
        # Widen the copy over lines that were broken differently in the two copies
        # (a title on one line here, on two lines there).
        start, end = j, j + run
        before = "".join(keys[max(0, i - 10) : i])
        while start - 1 >= i + run and keys[start - 1] and keys[start - 1] in before:
            start -= 1
        after = "".join(keys[i + run : min(j, i + run + 10)])
        while end < len(keys) and keys[end] and keys[end] in after:
            end += 1
        chars = sum(len(k) for k in keys[start:end])
        total = sum(len(k) for k in keys)
        message = (
            f"文档内容重复出现(约 {chars} 字、{end - start} 段被完整粘贴了两次,占全文 {100 * chars // max(1, total)}%),"
            "已只读取一次。"
        )
        lines = lines[:start] + lines[end:]


def _page_key(ln: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", ln))


def _drop_running_heads(text: str) -> tuple[str, int]:
    """Remove page headers/footers: lines at the top or bottom of pages (pages are
    separated by form feeds, as the PDF reader joins them) that repeat on many pages.
    The first occurrence is kept (on page 1 it is usually the real letterhead)."""
    pages = text.split("\f")
    if len(pages) < 3:
        return text, 0
    edges: list[set[str]] = []
    counts: dict[str, int] = {}
    for page in pages:
        lines = [ln.strip() for ln in page.split("\n") if ln.strip()]
        cand = {_page_key(ln) for ln in lines[:2] + lines[-3:]}
        edges.append(cand)
        for k in cand:
            counts[k] = counts.get(k, 0) + 1
    threshold = max(3, int(0.4 * len(pages)))
    running = {k for k, n in counts.items() if n >= threshold and len(k) <= 60}
    if not running:
        return text, 0
    removed = 0
    seen: set[str] = set()
    out_pages = []
    for page_no, page in enumerate(pages):
        raw_lines = page.split("\n")
        nonempty = [i for i, ln in enumerate(raw_lines) if ln.strip()]
        edge_idx = set(nonempty[:2] + nonempty[-3:])
        kept = []
        top = set(nonempty[:2])
        for i, ln in enumerate(raw_lines):
            key = _page_key(ln)
            if i in edge_idx and key in running:
                if key in seen or not (page_no == 0 and i in top):
                    removed += 1
                    continue
                seen.add(key)
            kept.append(ln)
        out_pages.append("\n".join(kept))
    return "\f".join(out_pages), removed


def _drop_page_numbers(lines: list[str]) -> list[str]:
    out = []
    for k, ln in enumerate(lines):
        if any(p.match(ln) for p in _PAGE_NUMBER_RES):
            continue
        if re.fullmatch(r"\d{1,3}", ln):
            # A bare number is an item number when a short heading line follows
            # (Fuzhou's layout); otherwise it is a page number.
            nxt = lines[k + 1] if k + 1 < len(lines) else ""
            if not (
                nxt and len(nxt) <= 40 and not re.search(r"[。；;]", nxt) and not re.fullmatch(r"\d+", nxt)
            ):
                continue
        out.append(ln)
    return out


def _is_prose(ln: str) -> bool:
    return bool(re.search(r"[，,。；;]", ln)) or (len(ln) >= 28 and " " not in ln)


def _is_heading_like(ln: str) -> bool:
    return bool(MARKER_RE.match(ln)) and "。" not in ln and len(ln) < 24


def _ends_open(ln: str) -> bool:
    last = ln[-1]
    if last in TERMINAL:
        return False
    if last in ')）〕〉》】]”’"':
        return False
    return True


_LABEL_LINE_RE = re.compile(r"^[^，,。；;:：]{2,24}[:：]")


def _next_starts_block(nxt: str) -> bool:
    return bool(MARKER_RE.match(nxt) or _DATE_LINE_RE.match(nxt) or _LABEL_LINE_RE.match(nxt))


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Glue lines that a PDF extraction (or a hard-wrapped file) broke in the middle of
    a sentence or a word."""
    if not lines:
        return lines
    prose = [ln for ln in lines if len(ln) >= 15 and _is_prose(ln)]
    open_ends = [ln for ln in prose if _ends_open(ln)]
    wrapped = len(prose) >= 10 and len(open_ends) > 0.3 * len(prose)
    full_width = 0
    if wrapped:
        lengths = sorted(len(ln) for ln in lines)
        full_width = lengths[int(0.9 * (len(lengths) - 1))]

    cells = _one_cell_per_line_rows(lines)
    out: list[str] = []
    cur = lines[0]
    for k, nxt in enumerate(lines[1:], start=1):
        if k not in cells and k - 1 not in cells and _should_join(cur, nxt, wrapped, full_width):
            sep = (
                " "
                if (cur[-1].isascii() and cur[-1].isalnum() and nxt[0].isascii() and nxt[0].isalnum())
                else ""
            )
            cur = cur + sep + nxt
        else:
            out.append(cur)
            cur = nxt
    out.append(cur)
    return out


def _one_cell_per_line_rows(lines: list[str]) -> set[int]:
    """Indexes of the lines of a table pasted one cell per line (three or more short
    column headings in a row, then short lines): each is a cell, never a wrapped line."""
    out: set[int] = set()
    k = 0
    while k < len(lines):
        j = k
        while j < len(lines) and len(lines[j]) <= 12 and column_role(lines[j]):
            j += 1
        if j - k < 3:
            k += 1
            continue
        while j < len(lines) and len(lines[j]) <= 60 and not lines[j].endswith("。"):
            j += 1
        out.update(range(k, j))
        k = j
    return out


def _should_join(cur: str, nxt: str, wrapped: bool, full_width: int) -> bool:
    if "｜" in cur or "｜" in nxt:  # rows of a table are never glued together
        return False
    if MARKER_RE.match(nxt):
        return False
    if unbalanced_open(cur) > 0 and unbalanced_open(cur + nxt) < unbalanced_open(cur) and len(cur) >= 8:
        return True
    if wrapped and not _is_heading_like(cur):
        # A hard-wrapped page: a full line continues on the next one, even when it
        # happens to end with a full stop, if the next line reads as running text.
        if (
            len(cur) >= 0.95 * full_width
            and not _next_starts_block(nxt)
            and not re.match(r"^\d{4}\s*年", nxt)
            and not _BARE_HEADING_RE.match(nxt)
            and (len(nxt) >= 0.5 * full_width or nxt[-1] in TERMINAL)
        ):
            return True
        if len(cur) >= 0.85 * full_width and _ends_open(cur):
            return True
    if _next_starts_block(nxt) or not _ends_open(cur):
        return False
    return bool(re.search(r"[，,。；;]", cur)) and len(cur) >= 20 and not _is_heading_like(cur)


_CJK_OR_PUNCT = r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’《》、，。；：？！（）〔〕〈〉【】—…·]"


def _normalize_spaces(ln: str) -> str:
    ln = re.sub(r" {2,}", "  ", ln.strip())
    if "  " in ln and not re.search(r"[，,。；;]", ln):
        return ln  # a table row or a name list: the spaces separate cells
    # "到 2020 年", "40 亿元", "98% 以上": spaces between Chinese and numbers are layout.
    ln = re.sub(rf"(?<={_CJK_OR_PUNCT}) +(?=[\d%])", "", ln)
    ln = re.sub(rf"(?<=[\d%]) +(?={_CJK_OR_PUNCT})", "", ln)
    if re.search(r"[，,。；;]", ln):
        # In running text a space between two Chinese characters is a layout artefact.
        ln = re.sub(rf"(?<={_CJK_OR_PUNCT}) +(?={_CJK_OR_PUNCT})", "", ln)
    return ln
