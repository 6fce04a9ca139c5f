"""Checking validation rules against a submission's values. Pure: no database here except
`expression_check`, which reads the city's catalogue to validate a rule being saved.

A rule is checked for each area the submission reports one of its codes for. Every code
takes the submitted value, else the value stored for that quarter (another agency's, or a
field the reporter left blank); a code with neither leaves the rule unchecked (no message).
Expressions are the indicator formula grammar (indicators.formulas), never eval-ed,
without its functions: a rule compares one quarter's figures."""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators import formulas
from indicators.formulas import Code, Formula, FormulaError, evaluate

OPERATORS = {
    "<=": (lambda a, b: a <= b, "≤"),
    "<": (lambda a, b: a < b, "<"),
    ">=": (lambda a, b: a >= b, "≥"),
    ">": (lambda a, b: a > b, ">"),
    "=": (lambda a, b: a == b, "="),
}


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(formulas.normalise(text).strip())
    except (decimal.InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def expression_check(text: str, *, city, allow_number: bool) -> str:
    """The expression normalised, or ValidationError with the column and the token."""
    from indicators.models import Statistic

    if allow_number and _number(text or "") is not None:
        return formulas.normalise(text).strip()
    catalogue = dict(Statistic.objects.for_city(city).values_list("code", "aggregation"))
    try:
        parsed = formulas.parse(text, statistics=catalogue)
    except FormulaError as exc:
        raise ValidationError(exc.message) from exc
    if parsed.functions:
        raise ValidationError(
            _("校验规则比较同一季度的数值,不能使用函数 %(f)s()。")
            % {"f": "、".join(sorted(parsed.functions))}
        )
    return parsed.text


@dataclass(frozen=True)
class RuleSpec:
    """A rule ready to check: expressions parsed once per round context."""

    pk: int
    name: str
    kind: str  # compare | change
    severity: str  # error | warning
    left: Formula
    operator: str = ""
    right: Formula | Decimal | None = None
    max_drop_pct: Decimal | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        right = self.right.codes if isinstance(self.right, Formula) else ()
        return tuple(dict.fromkeys(self.left.codes + right))


def rule_spec(rule) -> RuleSpec | None:
    """A stored ValidationRule as a RuleSpec; None if it no longer parses (never raises)."""
    try:
        left = formulas.parse(rule.left)
        right = None
        if rule.kind == "compare":
            number = _number(rule.right)
            right = number if number is not None else formulas.parse(rule.right)
    except FormulaError:
        return None
    return RuleSpec(
        pk=rule.pk,
        name=rule.name,
        kind=rule.kind,
        severity=rule.severity,
        left=left,
        operator=rule.operator,
        right=right,
        max_drop_pct=rule.max_drop_pct,
    )


@dataclass
class RuleInputs:
    """What a round's rule check needs besides the submitted values."""

    rules: list[RuleSpec] = field(default_factory=list)
    stored: dict = field(default_factory=dict)  # (code, area) → this quarter's current value
    previous: dict = field(default_factory=dict)  # (code, area) → previous quarter's value


@dataclass
class Violation:
    level: str  # error | warning
    rule: str  # the rule's name
    code: str  # the submitted statistic the message points at
    area: str
    message: str


def plain(value: Decimal) -> str:
    value = value.quantize(Decimal("0.0001")) if value.as_tuple().exponent < -4 else value
    text = format(value.normalize(), "f")
    return text


def _side(side, values: dict, names: dict) -> tuple[Decimal | None, str]:
    if isinstance(side, Decimal):
        return side, plain(side)
    value = evaluate(side.root, values)
    if value is None:
        return None, ""
    if isinstance(side.root, Code):
        label = f"{names.get(side.root.code, side.root.code)}({side.root.code})"
    else:
        label = side.text
    return value, f"{label} = {plain(value)}"


def _stored_note(codes, area, submitted, stored) -> str:
    others = [c for c in codes if (c, area) not in submitted and (c, area) in stored]
    if not others:
        return ""
    return _("(%(codes)s 取系统中已保存的本季度数值)") % {"codes": "、".join(others)}


def check(inputs: RuleInputs | None, submitted: dict, names: dict) -> list[Violation]:
    """Every rule broken by the submitted values: (code, area) → Decimal."""
    if not inputs or not inputs.rules or not submitted:
        return []
    submitted = {key: v if isinstance(v, Decimal) else Decimal(str(v)) for key, v in submitted.items()}
    out = []
    areas = sorted({area for _code, area in submitted})
    for rule in inputs.rules:
        codes = rule.codes
        for area in areas:
            here = [c for c in codes if (c, area) in submitted]
            if not here:
                continue
            values = {}
            for code in codes:
                value = submitted.get((code, area), inputs.stored.get((code, area)))
                if value is not None:
                    values[code] = value
            if rule.kind == "change":
                detail = _change_detail(rule, values, area, inputs.previous, names)
            else:
                detail = _compare_detail(rule, values, names)
            if detail is None:
                continue
            detail += _stored_note(codes, area, submitted, inputs.stored)
            out.append(
                Violation(
                    level=rule.severity,
                    rule=rule.name,
                    code=here[0],
                    area=area,
                    message=_("未通过校验规则“%(rule)s”:%(detail)s") % {"rule": rule.name, "detail": detail},
                )
            )
    return out


def _compare_detail(rule: RuleSpec, values: dict, names: dict) -> str | None:
    left, left_text = _side(rule.left, values, names)
    right, right_text = _side(rule.right, values, names)
    if left is None or right is None:
        return None  # a value missing: not checked
    test, symbol = OPERATORS[rule.operator]
    if test(left, right):
        return None
    return _("%(left)s,%(right)s,应满足 %(l)s %(op)s %(r)s") % {
        "left": left_text,
        "right": right_text,
        "l": rule.left.text,
        "op": symbol,
        "r": rule.right.text if isinstance(rule.right, Formula) else plain(rule.right),
    }


def _change_detail(rule: RuleSpec, values: dict, area: str, previous: dict, names: dict) -> str | None:
    now = evaluate(rule.left.root, values)
    before = evaluate(
        rule.left.root, {c: previous[(c, area)] for c in rule.left.codes if (c, area) in previous}
    )
    if now is None or before is None or before <= 0 or rule.max_drop_pct is None:
        return None
    floor = before * (1 - rule.max_drop_pct / 100)
    if now >= floor:
        return None
    root = rule.left.root
    label = f"{names.get(root.code, root.code)}({root.code})" if isinstance(root, Code) else rule.left.text
    return _("%(label)s 本季度 %(now)s,比上季度 %(before)s 下降 %(pct)s%%,超过允许的 %(max)s%%") % {
        "label": label,
        "now": plain(now),
        "before": plain(before),
        "pct": plain(((before - now) / before * 100).quantize(Decimal("0.1"))),
        "max": plain(rule.max_drop_pct),
    }
