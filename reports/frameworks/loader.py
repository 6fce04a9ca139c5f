"""Reading an evaluation framework from a file (YAML or JSON; docs/framework-format.md).

`framework_spec_read` returns a validated `FrameworkSpec` or raises `FrameworkFileError`
naming the file, the place in it (``aspects[2].items[0].max_score``) and the reason. Nothing
is written here: `services.framework_load` stores a spec."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

RULES = ("indicator", "task_section", "milestone", "funding_rule", "evidence", "manual")
RULES_WITH_TARGET = ("indicator", "task_section", "milestone", "funding_rule")


class FrameworkFileError(ValueError):
    def __init__(self, file: str, where: str, reason: str):
        self.file, self.where, self.reason = file, where, reason
        place = f"{file}:{where}" if where else file
        super().__init__(_("评价指标体系文件 %(place)s:%(reason)s") % {"place": place, "reason": reason})


@dataclass(frozen=True)
class ItemSpec:
    title: str
    max_score: Decimal
    rule: str
    target: str
    evidence: str


@dataclass(frozen=True)
class AspectSpec:
    title: str
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class FrameworkSpec:
    name: str
    aspects: tuple[AspectSpec, ...]

    @property
    def total(self) -> Decimal:
        return sum((i.max_score for a in self.aspects for i in a.items), Decimal(0))


def _text(value, file, where, *, required=True) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FrameworkFileError(file, where, _("不能为空。"))
        return ""
    if not isinstance(value, str | int | float):
        raise FrameworkFileError(file, where, _("应为文字。"))
    return str(value).strip()


def spec_from_data(raw, *, file: str = "<数据>") -> FrameworkSpec:
    """Validate parsed YAML/JSON data (dicts and lists) into a spec."""
    if not isinstance(raw, dict):
        raise FrameworkFileError(file, "", _("文件顶层应为一个对象(含 name 和 aspects)。"))
    unknown = set(raw) - {"name", "aspects", "total"}
    if unknown:
        raise FrameworkFileError(file, sorted(unknown)[0], _("未知的字段。"))
    name = _text(raw.get("name"), file, "name")
    aspects_raw = raw.get("aspects")
    if not isinstance(aspects_raw, list) or not aspects_raw:
        raise FrameworkFileError(file, "aspects", _("应为至少包含一个方面的列表。"))
    aspects = []
    for a, aspect in enumerate(aspects_raw):
        at = f"aspects[{a}]"
        if not isinstance(aspect, dict):
            raise FrameworkFileError(file, at, _("应为一个对象(含 title 和 items)。"))
        title = _text(aspect.get("title"), file, f"{at}.title")
        items_raw = aspect.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            raise FrameworkFileError(file, f"{at}.items", _("应为至少包含一个评价指标的列表。"))
        items = []
        for i, item in enumerate(items_raw):
            it = f"{at}.items[{i}]"
            if not isinstance(item, dict):
                raise FrameworkFileError(file, it, _("应为一个对象。"))
            unknown = set(item) - {"title", "max_score", "rule", "target", "evidence"}
            if unknown:
                raise FrameworkFileError(file, f"{it}.{sorted(unknown)[0]}", _("未知的字段。"))
            try:
                score = Decimal(str(item.get("max_score")))
            except InvalidOperation:
                score = None
            if score is None or not score.is_finite() or score <= 0:
                raise FrameworkFileError(
                    file,
                    f"{it}.max_score",
                    _("分值应为大于 0 的数,收到 %(v)r。") % {"v": item.get("max_score")},
                )
            rule = _text(item.get("rule"), file, f"{it}.rule")
            if rule not in RULES:
                raise FrameworkFileError(
                    file,
                    f"{it}.rule",
                    _("未知的评分规则 %(rule)r(可选:%(rules)s)。")
                    % {"rule": rule, "rules": "、".join(RULES)},
                )
            target = _text(item.get("target"), file, f"{it}.target", required=rule in RULES_WITH_TARGET)
            items.append(
                ItemSpec(
                    title=_text(item.get("title"), file, f"{it}.title"),
                    max_score=score,
                    rule=rule,
                    target=target,
                    evidence=_text(item.get("evidence"), file, f"{it}.evidence", required=False),
                )
            )
        aspects.append(AspectSpec(title=title, items=tuple(items)))
    spec = FrameworkSpec(name=name, aspects=tuple(aspects))
    if "total" in raw:
        try:
            total = Decimal(str(raw["total"]))
        except InvalidOperation:
            raise FrameworkFileError(file, "total", _("总分应为数字。")) from None
        if total != spec.total:
            raise FrameworkFileError(
                file,
                "total",
                _("各项分值之和为 %(sum)s,与总分 %(total)s 不符。") % {"sum": spec.total, "total": total},
            )
    return spec


def framework_spec_read(path: Path | str) -> FrameworkSpec:
    """A framework file (.yaml/.yml/.json) read and validated."""
    path = Path(path)
    file = str(path)
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise FrameworkFileError(file, "", _("只支持 .yaml、.yml 或 .json 文件。"))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkFileError(file, "", _("文件不存在。")) from None
    except UnicodeDecodeError:
        raise FrameworkFileError(file, "", _("文件不是 UTF-8 编码。")) from None
    try:
        if path.suffix.lower() == ".json":
            raw = json.loads(text)
        else:
            import yaml

            raw = yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise FrameworkFileError(
            file, f"第 {exc.lineno} 行", _("JSON 格式错误:%(msg)s") % {"msg": exc.msg}
        ) from None
    except Exception as exc:  # yaml.YAMLError and its subclasses
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else ""
        raise FrameworkFileError(
            file, where, _("YAML 格式错误:%(msg)s") % {"msg": getattr(exc, "problem", exc)}
        ) from None
    return spec_from_data(raw, file=file)
