"""The plan's identity: title, city, issuer, document number, issue date, period."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .model import HIGH, LOW, MEDIUM
from .normalize import Line, NormalizedText
from .outline import Region
from .places import province_of_city

PLAN_WORDS = r"(?:实施方案|工作方案|行动方案|建设方案|方案|行动计划|工作计划|计划|实施意见|意见|规划|办法|纲要|细则|工作要点|要点|措施)"
_TITLE_IN_BOOK_RE = re.compile(rf"《([^《》]{{4,80}}?{PLAN_WORDS}(?:[(（][^()（）]{{4,20}}[)）])?)》")
_NOTICE_RE = re.compile(rf"关于印发(.{{4,80}}?{PLAN_WORDS}(?:[(（][^()（）]{{4,20}}[)）])?)的通知")
_DOC_NUMBER_RE = re.compile(r"([\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d{1,4}\s*号)")
_YEAR_RANGE_RE = re.compile(r"[(（]\s*(\d{4})\s*年?\s*(?:—+|－|-|–|~|～|至|到)\s*(\d{4})\s*年?\s*[)）]")
_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_ISSUER_RE = re.compile(
    r"([\u4e00-\u9fff]{2,10}?(?:省|市|自治州|州|县|区|盟|旗))(?:人民政府|政府)(?!办公厅|办公室|各部门|关于|网)"
)

PROVINCES = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
]
_PROVINCE_ABBR = {
    "京": "北京市",
    "津": "天津市",
    "沪": "上海市",
    "渝": "重庆市",
    "冀": "河北省",
    "晋": "山西省",
    "辽": "辽宁省",
    "吉": "吉林省",
    "黑": "黑龙江省",
    "苏": "江苏省",
    "浙": "浙江省",
    "皖": "安徽省",
    "闽": "福建省",
    "赣": "江西省",
    "鲁": "山东省",
    "豫": "河南省",
    "鄂": "湖北省",
    "湘": "湖南省",
    "粤": "广东省",
    "琼": "海南省",
    "川": "四川省",
    "蜀": "四川省",
    "黔": "贵州省",
    "贵": "贵州省",
    "滇": "云南省",
    "云": "云南省",
    "陕": "陕西省",
    "秦": "陕西省",
    "甘": "甘肃省",
    "陇": "甘肃省",
    "青": "青海省",
    "蒙": "内蒙古自治区",
    "桂": "广西壮族自治区",
    "藏": "西藏自治区",
    "宁": "宁夏回族自治区",
    "新": "新疆维吾尔自治区",
}


@dataclass
class Metadata:
    title: str | None = None
    city: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    issue_date: str | None = None
    period: dict[str, str] | None = None
    province: str | None = None
    kind: str | None = None
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def note(
        self, key: str, span: tuple[int, int] | None, level: str = HIGH, reason: str | None = None
    ) -> None:
        self.fields[key] = {
            "span": list(span) if span else None,
            "confidence": {"level": level, "reasons": [reason] if reason else []},
        }


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def extract_metadata(norm: NormalizedText, regions: list[Region], city: str | None = None) -> Metadata:
    lines = norm.lines
    md = Metadata()
    preamble_end = regions[0].end_line if regions else len(lines)
    head_lines = lines[: max(preamble_end, 1)][:25]
    tail_lines = lines[-15:]

    _title(md, head_lines, norm)
    _doc_number(md, lines, head_lines, norm)
    _city_and_issuer(md, head_lines, tail_lines, norm, city)
    _issue_date(md, head_lines, lines, norm)
    _period(md, lines, head_lines)
    _province(md, norm.text)
    _kind(md, norm.text)
    return md


def _title(md: Metadata, head: list[Line], norm: NormalizedText) -> None:
    for ln in head:
        if re.search(r"印发|发布|通知|方案》", ln.text):
            m = _TITLE_IN_BOOK_RE.search(ln.text)
            if m and not re.search(r"国务院|国家|省人民政府|中共中央", m.group(1)[:6]):
                md.title = _squash(m.group(1))
                md.note("title", (ln.start + m.start(1), ln.start + m.end(1)))
                return
    for k, ln in enumerate(head):
        t = _squash(ln.text)
        if (
            re.search(rf"{PLAN_WORDS}(?:[(（][^()（）]{{4,20}}[)）])?$", t)
            and not t.startswith(("关于", "市人民政府关于"))
            and "关于印发" not in t
            and len(t) <= 80
        ):
            title, end = t, ln.end
            if k + 1 < len(head):
                nxt = _squash(head[k + 1].text)
                if _YEAR_RANGE_RE.fullmatch(nxt):
                    title += nxt
                    end = head[k + 1].end
            md.title = title
            md.note("title", (ln.start, end))
            return
    for ln in head:
        m = _NOTICE_RE.search(_squash(ln.text))
        if m:
            md.title = m.group(1)
            md.note("title", (ln.start, ln.end), MEDIUM, "标题取自通知标题。")
            return
    if "中文名" in norm.metadata:
        md.title = _squash(norm.metadata["中文名"])
        md.note("title", None, MEDIUM, "标题取自网页的词条信息。")
        return
    md.warnings.append("未读出方案标题,请填写。")


def _doc_number(md: Metadata, lines: list[Line], head: list[Line], norm: NormalizedText) -> None:
    for key in ("发文字号", "文号"):
        if key in norm.metadata and _DOC_NUMBER_RE.search(norm.metadata[key]):
            md.doc_number = _squash(_DOC_NUMBER_RE.search(norm.metadata[key]).group(1))
            md.note("doc_number", None, MEDIUM, "文号取自网页的发文信息。")
            return
    for ln in lines:
        t = ln.text.strip()
        m = _DOC_NUMBER_RE.fullmatch(t) or re.fullmatch(
            r"(?:文\s*号|发文字号)\s*[:：]\s*" + _DOC_NUMBER_RE.pattern, t
        )
        if m:
            md.doc_number = _squash(m.group(1))
            md.note("doc_number", (ln.start, ln.end))
            return
    for ln in head:
        # "雁政发〔2024〕4号西安市雁塔区人民政府关于印发《…》的通知": glued to the notice title.
        m = re.match(r"\s*" + _DOC_NUMBER_RE.pattern, ln.text)
        if m and re.search(r"关于|人民政府|通知", ln.text[m.end() :]):
            md.doc_number = _squash(m.group(1))
            md.note(
                "doc_number", (ln.start + m.start(1), ln.start + m.end(1)), MEDIUM, "文号与标题印在同一行。"
            )
            return


def _city_and_issuer(
    md: Metadata, head: list[Line], tail: list[Line], norm: NormalizedText, city: str | None
) -> None:
    if city:
        md.city = city
        md.note("city", None, HIGH, "由调用方指定。")
    elif md.title:
        t = md.title
        m = re.match(r"^([\u4e00-\u9fff]{2,8}?市)(?!人民政府|政府)", t) or re.match(
            r"^([\u4e00-\u9fff]{2,8}?(?:自治州|州|地区|盟|县|区))", t
        )
        if m and not t.startswith("市"):
            md.city = m.group(1)
            md.note("city", md.fields.get("title", {}).get("span"))
    issuers: list[tuple[int, str, Line]] = []
    for rank, group in ((0, head), (1, tail)):
        for ln in group:
            for m in _ISSUER_RE.finditer(ln.text):
                name = m.group(1)
                if name.startswith(("关于", "各")) or name in ("市", "县", "区"):
                    continue
                whole = bool(
                    re.fullmatch(rf"{re.escape(name)}(?:人民)?政府(?:文件)?", ln.text.replace(" ", ""))
                )
                if rank == 1 and not whole:
                    continue  # at the end only a signature line counts
                issuers.append((rank * 2 + (0 if whole else 1), name, ln))
    issuers.sort(key=lambda x: x[0])
    if issuers:
        name = issuers[0][1]
        ln = issuers[0][2]
        md.issuer = name + "人民政府"
        md.note("issuer", (ln.start, ln.end))
        if md.city is None and name.endswith(("市", "州", "县", "区", "盟")) and not name.endswith("省"):
            md.city = name
            md.note("city", (ln.start, ln.end), MEDIUM, "城市取自发文机关。")
    elif md.city:
        md.issuer = md.city + "人民政府"
        md.note("issuer", None, MEDIUM, "原文未印发文机关,按城市推定。")
    if md.city is None:
        md.warnings.append("未读出城市,请选择方案所属城市。")


def _issue_date(md: Metadata, head: list[Line], lines: list[Line], norm: NormalizedText) -> None:
    # 1. The signature date under the issuer: a line that is only a date.
    for k, ln in enumerate(head):
        m = re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", ln.text.strip())
        if m and k > 0:
            md.issue_date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            md.note("issue_date", (ln.start, ln.end))
            return
    # 2. "2017年11月1日印发" (the printing office's line)
    for ln in reversed(lines):
        m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:印发|发布|印)$", ln.text)
        if m:
            md.issue_date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            md.note("issue_date", (ln.start, ln.end))
            return
    # 3. A date printed without its 年月日 under the issuer ("201568")
    for k, ln in enumerate(head):
        m = re.fullmatch(r"(20\d{2}|19\d{2})(\d)(\d)", ln.text.strip()) or re.fullmatch(
            r"(20\d{2}|19\d{2})(\d{2})(\d{2})", ln.text.strip()
        )
        if m and k > 0 and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
            md.issue_date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            md.note(
                "issue_date",
                (ln.start, ln.end),
                LOW,
                f"成文日期原文印为“{ln.text.strip()}”,按年月日推定,请核对。",
            )
            md.warnings.append(f"成文日期原文印为“{ln.text.strip()}”,已推定为 {md.issue_date},请核对。")
            return
    # 4. Web metadata: 成文日期 / 颁布时间 (not the page's own publication date)
    for key in ("成文日期", "颁布时间", "印发日期"):
        if key in norm.metadata:
            m = _DATE_RE.search(norm.metadata[key]) or re.search(
                r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?", norm.metadata[key]
            )
            if m:
                md.issue_date = _ymd(m)
                md.note("issue_date", None, MEDIUM, f"取自网页的“{key}”。")
                return
    # 5. "2022年9月,《…》印发"
    for ln in head:
        m = re.search(
            r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?[，,]?\s*《[^》]+》\s*(?:正式)?印发", ln.text
        )
        if m:
            md.issue_date = _ymd(m)
            md.note("issue_date", (ln.start, ln.end), MEDIUM, "取自转载说明。")
            return


def _ymd(m: re.Match) -> str:
    y, mo = int(m.group(1)), int(m.group(2))
    d = m.group(3)
    return f"{y:04d}-{mo:02d}-{int(d):02d}" if d else f"{y:04d}-{mo:02d}"


def _period(md: Metadata, lines: list[Line], head: list[Line]) -> None:
    if md.title:
        m = _YEAR_RANGE_RE.search(md.title)
        if m and int(m.group(1)) <= int(m.group(2)):
            md.period = {"start": f"{m.group(1)}-01", "end": f"{m.group(2)}-12"}
            md.note("period", md.fields.get("title", {}).get("span"))
            return
    # The preamble or the first paragraphs name it: "新一轮(2016—2018年)国家知识产权示范城市工作"
    for ln in lines[:40]:
        m = _YEAR_RANGE_RE.search(ln.text)
        if (
            m
            and 0 <= int(m.group(2)) - int(m.group(1)) <= 10
            and not re.search(r"〔\s*" + m.group(1), ln.text)
        ):
            before = ln.text[max(0, m.start() - 30) : m.start()]
            if re.search(r"《[^》]*$", before):
                continue  # inside a cited title
            md.period = {"start": f"{m.group(1)}-01", "end": f"{m.group(2)}-12"}
            md.note(
                "period", (ln.start + m.start(), ln.start + m.end()), MEDIUM, "实施期限取自正文中的年份区间。"
            )
            return
    # "有效期至2025年6月30日" (with "自印发之日起施行")
    for ln in lines:
        m = re.search(r"有效期(?:至|到|截至)\s*(\d{4})\s*年\s*(\d{1,2})\s*月", ln.text)
        if m:
            end = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
            start = md.issue_date[:7] if md.issue_date else None
            md.period = {"start": start, "end": end}
            level, reason = (HIGH, None) if start else (LOW, "开始月份未读出(方案未写印发日期)。")
            md.note("period", (ln.start + m.start(), ln.start + m.end()), level, reason)
            if start is None:
                md.warnings.append("方案只写了有效期的结束时间,请补充开始月份。")
            return
    for ln in lines:
        m = re.search(r"(\d{4})\s*年?\s*(?:—+|－|-|–|~|～|至|到)\s*(\d{4})\s*年", ln.text)
        if m and 0 < int(m.group(2)) - int(m.group(1)) <= 10 and not re.search(r"阶段|〔", ln.text):
            md.period = {"start": f"{m.group(1)}-01", "end": f"{m.group(2)}-12"}
            md.note(
                "period",
                (ln.start + m.start(), ln.start + m.end()),
                LOW,
                "实施期限取自正文中的年份区间,请核对。",
            )
            return
    md.period = None
    md.note("period", None, LOW, "方案未写明实施期限。")
    md.warnings.append("未读出方案的实施期限(起止年月),请填写;未写截止年份的指标暂无截止年份。")


def _province(md: Metadata, text: str) -> None:
    known = province_of_city(md.city)
    if known:
        md.province = known
        md.note("province", None, MEDIUM, "省份按城市推定。")
        return
    counts = {p: text.count(p) + text.count(p[:-1] if p.endswith("省") else p[:2]) for p in PROVINCES}
    best = max(counts.items(), key=lambda kv: kv[1])
    if best[1] > 0:
        md.province = best[0]
        md.note("province", None, LOW, "省份按正文提及推定。")
        return
    for m in re.finditer(r"([\u4e00-\u9fff])政(?:发|办发|办|函)?\s*〔", text):
        if m.group(1) in _PROVINCE_ABBR:
            md.province = _PROVINCE_ABBR[m.group(1)]
            md.note("province", None, LOW, "省份按引用的省级文号推定。")
            return


def _kind(md: Metadata, text: str) -> None:
    probe = md.title or text[:500]
    if "运营服务体系" in probe:
        md.kind = "operation_service"
    elif "强市" in probe or "强国建设示范" in probe:
        md.kind = "strong_city"
    elif "示范城市" in probe or "试点城市" in probe:
        md.kind = "demonstration_city"
    else:
        counts = {
            "operation_service": text.count("运营服务体系"),
            "strong_city": text.count("强市"),
            "demonstration_city": text.count("示范城市"),
        }
        best = max(counts.items(), key=lambda kv: kv[1])
        md.kind = best[0] if best[1] else None
    md.note("kind", None, MEDIUM, "类型按标题用语推定。")
