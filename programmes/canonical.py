"""The programme's canonical JSON: validation with JSON paths, and the fixed key order.

One shape describes a plan's structure wherever it leaves the system (seed files, the
importer, `manage.py programme_json`, the API export). See docs/seed-format.md.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

TOP_KEYS = [
    "slug",
    "city",
    "province",
    "kind",
    "title",
    "doc_number",
    "issuer",
    "issue_date",
    "period",
    "source_file",
    "notes",
    "goals",
    "indicators",
    "tasks",
    "phases",
    "leading_group",
    "duties",
    "funding_rules",
    "agencies",
    "statistics",
    "reporting",
]
INDICATOR_KEYS = [
    "name",
    "area",
    "kind",
    "comparator",
    "target",
    "target_max",
    "unit",
    "deadline",
    "formula",
    "source_sentence",
    "baseline",
    "baseline_year",
    "attribute",
]
# Optional on an indicator: its formula (the indicator room maps it), and the baseline with its
# year and the 预期性/约束性 attribute where the plan prints them (an indicator table).
INDICATOR_OPTIONAL = ("formula", "baseline", "baseline_year", "attribute")
INDICATOR_ATTRIBUTES = {None, "预期性", "约束性"}
TASK_KEYS = ["number", "section", "title", "text", "lead", "support"]
PHASE_KEYS = ["name", "start", "end", "milestone"]
LEADING_GROUP_KEYS = ["agency", "role", "person", "title"]
DUTY_KEYS = ["agency", "text", "tasks"]
FUNDING_RULE_KEYS = ["name", "kind", "category", "threshold", "unit", "source_sentence"]
GOAL_KEYS = ["area", "title", "text"]
AGENCY_KEYS = ["name", "aliases", "collective"]
STATISTIC_KEYS = ["code", "name", "unit", "aggregation"]
REPORTING_KEYS = ["statistic", "agency"]

KINDS = {"demonstration_city", "strong_city", "operation_service"}
AREAS = {"创造", "运用", "保护", "管理", "服务", "综合"}
INDICATOR_KINDS = {
    "level",
    "annual_flow",
    "share",
    "growth_rate",
    "avg_growth_rate",
    "yearly_minimum",
    "cumulative",
    "rate",
    "range",
    "per_unit",
    "milestone",
}
COMPARATORS = {">=", ">", "<=", "=", "range"}
ROLES = {"组长", "副组长", "成员", "办公室"}
MILESTONES = {None, "midterm", "acceptance"}
FUNDING_KINDS = {"min_share", "min_yearly_amount"}
FUNDING_SOURCES = {"central", "provincial", "municipal", "county", "social", "other"}  # FundingSource
AGGREGATIONS = {"flow", "stock"}

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DEADLINE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class CanonicalError:
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


class CanonicalValidationError(Exception):
    """A canonical document that cannot be loaded; `errors` carry JSON paths."""

    def __init__(self, errors: list[CanonicalError], source: str = ""):
        self.errors = errors
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(head + "; ".join(str(e) for e in errors))


def _key(value):
    """A value usable in a set: documents may hold lists or objects where strings belong."""
    return value if isinstance(value, str | int | float | bool | type(None)) else repr(value)


def _as_list(value) -> list:
    return value if isinstance(value, list) else []


class _Checker:
    def __init__(self):
        self.errors: list[CanonicalError] = []

    def err(self, path: str, message: str):
        self.errors.append(CanonicalError(path, message))

    def keys(self, obj: Any, path: str, required: list[str], optional: tuple[str, ...] = ()) -> bool:
        if not isinstance(obj, dict):
            self.err(path, "应为对象 (JSON object)")
            return False
        for key in required:
            if key not in obj:
                self.err(f"{path}.{key}" if path != "$" else f"$.{key}", "缺少必填项")
        allowed = set(required) | set(optional)
        for key in obj:
            if key not in allowed:
                self.err(f"{path}.{key}", "未知的字段")
        return True

    def text(self, obj: dict, key: str, path: str, *, nullable=False, empty_ok=False):
        if key not in obj:
            return
        value = obj[key]
        if value is None and nullable:
            return
        if not isinstance(value, str):
            self.err(f"{path}.{key}", "应为字符串")
        elif not value.strip() and not empty_ok:
            self.err(f"{path}.{key}", "不能为空")

    def pattern(self, obj: dict, key: str, path: str, regex: re.Pattern, hint: str, *, nullable=False):
        if key not in obj:
            return
        value = obj[key]
        if value is None and nullable:
            return
        if not isinstance(value, str) or not regex.match(value):
            self.err(f"{path}.{key}", f"格式应为 {hint},实际为 {value!r}")

    def choice(self, obj: dict, key: str, path: str, choices: set):
        if key in obj and _key(obj[key]) not in choices:
            shown = ", ".join(sorted(str(c) for c in choices if c is not None))
            self.err(f"{path}.{key}", f"取值 {obj[key]!r} 不在 {shown} 之中")

    def number(self, obj: dict, key: str, path: str, *, nullable=False) -> Decimal | None:
        if key not in obj:
            return None
        value = obj[key]
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.err(f"{path}.{key}", f"应为数字,实际为 {value!r}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.err(f"{path}.{key}", f"应为数字,实际为 {value!r}")
            return None
        if number < 0:
            self.err(f"{path}.{key}", f"不能为负数,实际为 {value!r}")
        return number

    def str_list(self, obj: dict, key: str, path: str):
        if key not in obj:
            return
        value = obj[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.err(f"{path}.{key}", "应为非空字符串组成的列表")

    def array(self, data: dict, key: str) -> list:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.err(f"$.{key}", "应为列表")
            return []
        return value


def validate_canonical(data: Any) -> list[CanonicalError]:
    """Every problem of a canonical document, each with its JSON path ($.tasks[3].lead)."""
    c = _Checker()
    if not c.keys(
        data, "$", ["slug", "city", "title", "period", "indicators", "tasks", "phases"], tuple(TOP_KEYS)
    ):
        return c.errors
    c.pattern(data, "slug", "$", SLUG_RE, "小写字母、数字和连字符,如 wuhan-2017")
    c.text(data, "city", "$")
    c.text(data, "title", "$")
    c.text(data, "province", "$", empty_ok=True)
    c.text(data, "issuer", "$", empty_ok=True)
    c.text(data, "notes", "$", empty_ok=True)
    c.text(data, "source_file", "$", empty_ok=True)
    c.text(data, "doc_number", "$", nullable=True)
    c.choice(data, "kind", "$", KINDS)
    c.pattern(data, "issue_date", "$", DATE_RE, "YYYY-MM-DD", nullable=True)
    period = data.get("period")
    if c.keys(period, "$.period", ["start", "end"]):
        c.pattern(period, "start", "$.period", MONTH_RE, "YYYY-MM")
        c.pattern(period, "end", "$.period", MONTH_RE, "YYYY-MM")
        if MONTH_RE.match(str(period.get("start"))) and MONTH_RE.match(str(period.get("end"))):
            if period["end"] < period["start"]:
                c.err("$.period.end", "截止年月早于起始年月")

    for i, goal in enumerate(c.array(data, "goals")):
        p = f"$.goals[{i}]"
        if c.keys(goal, p, GOAL_KEYS):
            c.choice(goal, "area", p, AREAS)
            c.text(goal, "title", p)
            c.text(goal, "text", p, empty_ok=True)

    names = set()
    for i, ind in enumerate(c.array(data, "indicators")):
        p = f"$.indicators[{i}]"
        if not c.keys(ind, p, [k for k in INDICATOR_KEYS if k not in INDICATOR_OPTIONAL], INDICATOR_OPTIONAL):
            continue
        c.text(ind, "name", p)
        if _key(ind.get("name")) in names:
            c.err(f"{p}.name", f"指标名称 {ind.get('name')!r} 重复")
        names.add(_key(ind.get("name")))
        c.choice(ind, "area", p, AREAS)
        c.choice(ind, "kind", p, INDICATOR_KINDS)
        c.choice(ind, "comparator", p, COMPARATORS)
        low = c.number(ind, "target", p)
        high = c.number(ind, "target_max", p, nullable=True)
        if low is not None and high is not None and high < low:
            c.err(f"{p}.target_max", f"区间上限 {ind['target_max']} 小于下限 {ind['target']}")
        if ind.get("kind") == "range" and ind.get("target_max") is None:
            c.err(f"{p}.target_max", "区间指标需要上限")
        c.text(ind, "unit", p)
        c.pattern(ind, "deadline", p, DEADLINE_RE, "YYYY 或 YYYY-MM")
        c.text(ind, "formula", p, nullable=True)
        c.text(ind, "source_sentence", p, empty_ok=True)
        c.number(ind, "baseline", p, nullable=True)
        year = ind.get("baseline_year")
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100
        ):
            c.err(f"{p}.baseline_year", f"应为四位年份,实际为 {year!r}")
        c.choice(ind, "attribute", p, INDICATOR_ATTRIBUTES)

    numbers = set()
    for i, task in enumerate(c.array(data, "tasks")):
        p = f"$.tasks[{i}]"
        if not c.keys(task, p, TASK_KEYS):
            continue
        c.text(task, "number", p)
        if _key(task.get("number")) in numbers:
            c.err(f"{p}.number", f"任务编号 {task.get('number')!r} 重复")
        numbers.add(_key(task.get("number")))
        c.text(task, "section", p, nullable=True)
        c.text(task, "title", p)
        c.text(task, "text", p, empty_ok=True)
        c.str_list(task, "lead", p)
        c.str_list(task, "support", p)
        lead, support = task.get("lead"), task.get("support")
        both = set(lead) & set(support) if isinstance(lead, list) and isinstance(support, list) else set()
        if both:
            c.err(f"{p}.support", f"{'、'.join(sorted(both))} 同时是牵头单位和配合单位")

    for i, phase in enumerate(c.array(data, "phases")):
        p = f"$.phases[{i}]"
        if c.keys(phase, p, ["name", "start", "end"], ("milestone",)):
            c.text(phase, "name", p)
            c.pattern(phase, "start", p, MONTH_RE, "YYYY-MM")
            c.pattern(phase, "end", p, MONTH_RE, "YYYY-MM")
            c.choice(phase, "milestone", p, MILESTONES)
            if MONTH_RE.match(str(phase.get("start"))) and MONTH_RE.match(str(phase.get("end"))):
                if phase["end"] < phase["start"]:
                    c.err(f"{p}.end", "结束年月早于开始年月")

    for i, row in enumerate(c.array(data, "leading_group")):
        p = f"$.leading_group[{i}]"
        if c.keys(row, p, ["agency", "role"], ("person", "title")):
            c.text(row, "agency", p)
            c.choice(row, "role", p, ROLES)
            c.text(row, "person", p, nullable=True)
            c.text(row, "title", p, nullable=True)

    for i, duty in enumerate(c.array(data, "duties")):
        p = f"$.duties[{i}]"
        if c.keys(duty, p, DUTY_KEYS):
            c.text(duty, "agency", p)
            c.text(duty, "text", p)
            if isinstance(duty.get("tasks"), list):
                for j, number in enumerate(duty["tasks"]):
                    if _key(number) not in numbers:
                        c.err(f"{p}.tasks[{j}]", f"没有编号为 {number!r} 的任务")
            else:
                c.err(f"{p}.tasks", "应为任务编号列表")

    for i, rule in enumerate(c.array(data, "funding_rules")):
        p = f"$.funding_rules[{i}]"
        if c.keys(rule, p, FUNDING_RULE_KEYS, ("source",)):
            c.text(rule, "name", p)
            c.choice(rule, "kind", p, FUNDING_KINDS)
            c.text(rule, "category", p, nullable=True)
            if rule.get("source") is not None:
                c.choice(rule, "source", p, FUNDING_SOURCES)
            threshold = c.number(rule, "threshold", p)
            if rule.get("kind") == "min_share" and threshold is not None and threshold > 100:
                c.err(f"{p}.threshold", "占比不能超过100%")
            c.text(rule, "unit", p)

    known_names: dict[str, int] = {}
    for i, agency in enumerate(c.array(data, "agencies")):
        p = f"$.agencies[{i}]"
        if not c.keys(agency, p, ["name"], ("aliases", "collective")):
            continue
        c.text(agency, "name", p)
        aliases = agency.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            c.err(f"{p}.aliases", "应为非空字符串组成的列表")
            aliases = []
        if not isinstance(agency.get("collective", False), bool):
            c.err(f"{p}.collective", "应为 true 或 false")
        for name in [_key(agency.get("name")), *aliases]:
            if name in known_names and known_names[name] != i:
                c.err(p, f"名称 {name!r} 同时属于两个单位,请合并或改名")
            known_names[name] = i

    codes = set()
    for i, stat in enumerate(c.array(data, "statistics")):
        p = f"$.statistics[{i}]"
        if c.keys(stat, p, STATISTIC_KEYS, ("description",)):
            c.pattern(stat, "code", p, CODE_RE, "大写字母、数字和下划线")
            c.text(stat, "name", p)
            c.text(stat, "unit", p)
            c.choice(stat, "aggregation", p, AGGREGATIONS)
            codes.add(stat.get("code"))

    for i, row in enumerate(c.array(data, "reporting")):
        p = f"$.reporting[{i}]"
        if c.keys(row, p, REPORTING_KEYS, ("area",)):
            c.pattern(row, "statistic", p, CODE_RE, "统计数据代码")
            c.text(row, "agency", p)

    # Every printed agency name must resolve when the document lists its agencies.
    if "agencies" in data and isinstance(data.get("agencies"), list):

        def check_name(name, path):
            if isinstance(name, str) and name not in known_names:
                c.err(path, f"单位 {name!r} 未在 agencies 中列出")

        for i, task in enumerate(_as_list(data.get("tasks"))):
            if isinstance(task, dict):
                for role in ("lead", "support"):
                    names = task.get(role)
                    for j, name in enumerate(names if isinstance(names, list) else []):
                        check_name(name, f"$.tasks[{i}].{role}[{j}]")
        for key in ("leading_group", "duties", "reporting"):
            for i, row in enumerate(_as_list(data.get(key))):
                if isinstance(row, dict):
                    check_name(row.get("agency"), f"$.{key}[{i}].agency")
    return c.errors


def ordered(data: dict) -> dict:
    """The document with keys in the canonical order (for stable files and diffs)."""
    item_keys = {
        "goals": GOAL_KEYS,
        "indicators": INDICATOR_KEYS,
        "tasks": TASK_KEYS,
        "phases": PHASE_KEYS,
        "leading_group": LEADING_GROUP_KEYS,
        "duties": DUTY_KEYS,
        "funding_rules": FUNDING_RULE_KEYS,
        "agencies": AGENCY_KEYS,
        "statistics": STATISTIC_KEYS,
        "reporting": REPORTING_KEYS,
    }
    out = {}
    for key in TOP_KEYS:
        if key not in data:
            continue
        value = data[key]
        if key in item_keys and isinstance(value, list):
            keys = item_keys[key]
            value = [
                {
                    **{k: item[k] for k in keys if k in item},
                    **{k: v for k, v in item.items() if k not in keys},
                }
                for item in value
            ]
        out[key] = value
    for key, value in data.items():
        if key not in out:
            out[key] = value
    return out


def number_out(value: Decimal | None):
    """A stored Decimal as the JSON number a person would write (30, not 30.0000)."""
    if value is None:
        return None
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)
