"""The words of a quantitative target: units, comparators, the filler around a name,
kinds and areas. Shared by the prose reader (prose_targets) and the table reader."""

from __future__ import annotations

import re

from .numerals import cn_number
from .text import split_outside_brackets

UNITS = sorted(
    [
        "万人次",
        "人次",
        "个百分点",
        "百分点",
        "万件",
        "万项",
        "万家",
        "万亿元",
        "亿元",
        "万元",
        "千元",
        "元",
        "万人",
        "人",
        "件",
        "项",
        "家",
        "个",
        "名",
        "所",
        "单",
        "次",
        "篇",
        "场",
        "期",
        "部",
        "套",
        "台",
        "座",
        "条",
        "批",
        "%",
        "‰",
        "倍",
        "个工作日",
        "工作日",
        "个月",
        "天",
        "小时",
        "户",
        "支",
        "位",
        "款",
        "种",
        "亿",
        "分",
    ],
    key=len,
    reverse=True,
)
UNIT_ALT = "|".join(re.escape(u) for u in UNITS)
NUM = r"\d+(?:\.\d+)?"
RANGE_SEP = r"\s*(?:—+|－|-|–|~|～|至|到)\s*"
# Chinese numerals in prose (五十家, 二十个, 十五项): 万/亿 after the numeral belong to the unit
# (一千万元 = 1000 万元, 六十亿元 = 60 亿元), as the keys write numbers in the printed unit.
CN_DIGITS = "〇零一二两三四五六七八九十百千"
CN_NUM = rf"[一二两三四五六七八九十][{CN_DIGITS}]*"  # never 零部件
_ANY_NUM = rf"{NUM}|{CN_NUM}"
Q_RE = re.compile(
    rf"(?:百分之(?P<pct>{_ANY_NUM})|(?P<num>{_ANY_NUM})(?:{RANGE_SEP}(?P<num2>{_ANY_NUM}))?\s*(?P<unit>{UNIT_ALT}))"
    r"(?P<post>及以上|以上|以下|以内|左右)?"
)


def q_num(m: re.Match) -> str:
    """The number of a quantity match (百分之三十 → 三十)."""
    g = m.groupdict()
    return g.get("num") or g.get("pct")


def q_unit(m: re.Match) -> str | None:
    g = m.groupdict()
    return "%" if g.get("pct") else g.get("unit")


def q_is_chinese(m: re.Match) -> bool:
    return not re.match(r"\d", q_num(m))


PER_YEAR_RE = re.compile(rf"(?P<num>{NUM})\s*/\s*年")

PREFIXES = [
    (
        ">=",
        "不低于|不少于|不小于|不下于|至少|最少|达到|达|突破|提高到|提高至|提升到|提升至|增至|增加到|增加至|增长到|扩大到|保持在|稳定在|实现|为|在",
    ),
    (">", "超过|多于|高于|大于"),
    ("<=", "不高于|不超过|不多于|控制在|压缩至|压缩到|降低到|降低至|降至|缩短至|缩短到"),
    ("<", "低于|少于|小于"),
]
PREFIX_RE = re.compile(
    "(?:" + "|".join(f"(?P<c{k}>{words})" for k, (_, words) in enumerate(PREFIXES)) + r")\s*各?\s*$"
)
# Words after a count that make it a description, not a target ("5个方面").
NOT_TARGET_AFTER = re.compile(r"^(?:方面|环节|维度|层面|阶段|步骤|部分|年|月|日|号|级|大类|板块|领域|维)")
QUALIFIER_AFTER = re.compile(r"^(?:的|之)")
NOT_TARGET_BEFORE = re.compile(r"(?:第|前|近|后|每|约|共计?)$")

LEAD_FILLER = re.compile(
    r"^(?:(?:力争|争取|确保|努力|预计|其中|同时|并|且|使|通过|实现|到|至|截至|截止到?|于)\s*)*"
    r"(?:\d{4}\s*年(?:底|末|前)?[，,]?\s*)?"
    r"(?:(?:全市|全省|全区|全县|我市|本市|市级|三年内|五年内|两年内|[一二三四五六七八九十]年内|每年|年均|累计|三年|五年)\s*)*"
)
TRAIL_VERB = re.compile(
    r"(?:年均|累计)?(?:保持在|稳定在|达到|达|不低于|不少于|超过|突破|提高到|提高至|提升到|提升至|增至|增加到|为|在|至少|进一步提高|稳步增长|"
    r"明显提高|显著提高|不断提高|大幅提升|显著提升|年均|每年|累计|力争|争取)$"
)
_VERBS = (
    r"新培育|培育|扶持|引导|推动|支持|实施|开展|组建|建立|认定|培训|服务|打造|争创|建设|推进|形成|新增|发行|覆盖|促进|"
    r"完成|建成|创建|引进|评选|举办|设立|资助|奖励|认证|推广|建|办理|受理|处理|查处|申请|力争|即"
)
LEAD_VERB = re.compile(rf"^(?:(?:{_VERBS})(?:并|和|及|、)?)+")
# "在洛阳经济技术开发区等产业集聚区建设…": a place before the verb is not part of the name.
LOCATIVE = re.compile(rf"^在[^，,；;。]{{2,30}}?(?=(?:{_VERBS}))")
DEADLINE_CLAUSE = re.compile(r"(?:力争|争取|确保|预计)?(?:到|至|截至|截止到?)\d{4}年(?:底|末)?")
MEASURE_TAIL = re.compile(
    r"(?:按期结案率|结案率|增长率|覆盖率|占比|比例|比重|总量|金额|数量|规模|件数|个数|[额量数率])"
)


def strip_name(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    prev = None
    while prev != name:
        prev = name
        name = LEAD_FILLER.sub("", name)
        name = LOCATIVE.sub("", name)
        name = TRAIL_VERB.sub("", name)
        name = name.strip("，,、：:；;。 ")
    return name


def comparator_of(before: str, post: str | None, is_range: bool) -> tuple[str, bool]:
    """(comparator, explicit) from the words around the number."""
    if is_range:
        return "range", True
    cmp_, explicit = ">=", False
    m = PREFIX_RE.search(before[-6:])
    if m:
        for k, (sym, _) in enumerate(PREFIXES):
            if m.group(f"c{k}"):
                cmp_, explicit = sym, m.group(f"c{k}") not in ("为", "在", "实现")
                break
    if post in ("以上", "及以上"):
        cmp_ = ">" if cmp_ == ">" else ">="
        explicit = True
    elif post in ("以下", "以内"):
        cmp_, explicit = "<=", True
    elif post == "左右":
        # "9左右": no upper bound is set, reaching 9 meets it (the keys' and the seeds' reading).
        cmp_, explicit = ">=", True
    return cmp_, explicit


def to_number(s: str) -> float | int:
    if not re.match(r"\d", s):
        return cn_number(s)
    v = float(s)
    return int(v) if v.is_integer() else v


def area_of(name: str, context_area: str | None) -> str:
    if context_area:
        return context_area
    for area, pattern in (
        ("保护", r"保护|执法|结案|侵权|维权|案件|假冒|纠纷"),
        ("运用", r"转化|运用|质押|融资|交易|许可|转让|成交|保险|证券化|运营|导航|密集型|产业化"),
        ("管理", r"贯标|管理规范|示范企业|优势企业|专员|管理"),
        ("服务", r"服务|机构|人才|培训|代理|平台|学校|经费|投入|资金"),
        ("创造", r"申请|授权|拥有量|登记|注册|驰名|商标|品牌|地理标志|发明|PCT|专利"),
    ):
        if re.search(pattern, name):
            return area
    return "综合"


def context_area(heading: str) -> str | None:
    found = [a for a in ("创造", "运用", "保护", "管理", "服务") if a in heading]
    return found[0] if len(found) == 1 else None


# Per-10k-population measures (每万人口发明专利拥有量, 万人有效发明专利拥有量): the unit is
# "件/万人" (the domain's convention), whatever the plan prints after the number.
PER_CAPITA_RE = re.compile(r"(?:每万人口?|万人口|^万人)(?!次)")


def per_capita_unit(name: str, unit: str | None) -> str | None:
    """``件`` -> ``件/万人`` for a per-10k-population measure; other units unchanged."""
    if not unit or "/" in unit or unit in ("%", "‰", "个百分点", "百分点", "倍") or unit.startswith("万"):
        return unit
    return (
        f"{unit}/万人" if PER_CAPITA_RE.search(re.sub(r"^(?:全市|全省|全区|全县|我市)", "", name)) else unit
    )


def kind_of(name: str, sentence: str, before: str, unit: str | None, comparator: str, target) -> str:
    if comparator == "range":
        return "range"
    if target == 1 and comparator in (">=", ">") and not (unit or "").startswith(("万", "亿")):
        return "milestone"
    if unit in ("%", "个百分点", "百分点", "‰"):
        if re.search(r"增幅|年均增长|平均增长|复合增长", name + before):
            return "avg_growth_rate"
        if re.search(r"增长率|增速|增长", name + before):
            return "growth_rate"
        if re.search(r"占|比例|比重|占比", name):
            return "share"
        return "rate"
    if re.search(r"平均每|户均|人均|家均", name + before):
        return "per_unit"
    lead = LOCATIVE.sub("", LEAD_FILLER.sub("", re.sub(r"\s+", "", before)))
    money = unit in ("万元", "亿元", "元", "千元", "万亿元")
    if re.search(r"每年|/年|年度|当年", before + name):
        return "yearly_minimum" if money and "每年" in before + name else "annual_flow"
    if re.search(r"累计|[一二三四五六七八九十两\d]年内|新增|新培育|培训|期间", before + name):
        return "cumulative"
    if re.search(r"年均", before + name):
        return "yearly_minimum" if money else "annual_flow"
    if re.search(
        r"申请量|授权量|登记量|成交额|成交金额|融资额|投保金额|经费投入|工作投入|资金投入|(?:次数|收入|保额)$",
        name,
    ):
        return "annual_flow"
    if re.match(r"(?:培育|扶持|支持|推动|实施|开展|认定|引进|组织|举办|资助|建设|新建|建成|设立)", lead):
        return "cumulative"
    return "level"


def split_subjects(subject: str, with_and: bool) -> list[str]:
    seps = "、和及与" if with_and else "、"
    parts = [p for p in split_outside_brackets(subject, seps) if p]
    return parts


def complete_heads(parts: list[str]) -> list[str]:
    """ "专利侵权纠纷" + "假冒专利案件结案率" -> both end with 结案率."""
    if len(parts) < 2:
        return parts
    m = MEASURE_TAIL.search(parts[-1])
    if not m:
        return parts
    tail_start = m.start()
    head = parts[-1][tail_start:]
    out = []
    for p in parts[:-1]:
        out.append(p if MEASURE_TAIL.search(p[-4:] if len(p) >= 4 else p) else p + head)
    out.append(parts[-1])
    return out


def share_and_split(subject: str) -> list[str] | None:
    """ "知识产权质押融资金额和项目数年均增幅" -> two measures sharing stem and tail."""
    parts = [p for p in split_outside_brackets(subject, "和及与") if p]
    if len(parts) != 2:
        return None
    left, right = parts
    lm = re.search(r"(金额|数量|规模|总量|[额量数率])$", left)
    rm = re.match(r"^(.{1,6}?(?:金额|数量|规模|总量|[额量数率]))", right)
    if not lm or not rm:
        return None
    stem = left[: lm.start()]
    tail = right[rm.end() :]
    return [left + tail, stem + rm.group(1) + tail]
