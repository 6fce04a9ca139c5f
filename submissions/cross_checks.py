"""Checks across an upload's values, shared by the upload and the web form: the
programme's validation rules between statistics (indicators.validation.checks), each an
error or a warning, and values that may be right but deserve a second look against the
previous quarter. `value_warnings` is the web form's way in."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.validation.checks import check as rules_check

from .cells import CheckResult, Problem, RoundContext, StatRow, _plain
from .sheets import CITY_AREA_LABEL, CSV_SHEET, DATA_SHEET, STAT_COLUMNS


def _check_warnings(ctx: RoundContext, result: CheckResult) -> None:
    """Values that may be right but deserve a second look; accepted after confirmation."""
    if not ctx.previous:
        return
    for row in result.stat_rows:
        stat = ctx.owned[(row.code, row.area)]
        previous = ctx.previous.get((stat["id"], row.area))
        if previous is None or row.value is None:
            continue
        column, row_number = re.match(r"([A-Z]+)(\d+)", row.cells["value"]).groups()
        where = {
            "sheet": DATA_SHEET if result.kind == "xlsx" else CSV_SHEET,
            "row": row.row,
            "column": column,
        }
        where["field"] = dict(STAT_COLUMNS)["value"]
        if stat["aggregation"] == "stock" and row.value < previous:
            result.warn(
                _("“%(name)s”是存量,本季度 %(v)s 低于上季度 %(p)s(存量一般不会减少),请确认")
                % {"name": stat["name"], "v": _plain(row.value), "p": _plain(previous)},
                **where,
            )
        elif previous > 0 and abs(row.value - previous) / previous > Decimal("0.5"):
            result.warn(
                _("“%(name)s”本季度 %(v)s 与上季度 %(p)s 相差 %(pct)s%%,超过50%%,请确认")
                % {
                    "name": stat["name"],
                    "v": _plain(row.value),
                    "p": _plain(previous),
                    "pct": round(abs(row.value - previous) / previous * 100),
                },
                **where,
            )


def _check_rules(ctx: RoundContext, result: CheckResult) -> None:
    """The programme's validation rules between statistics (indicators.validation.checks):
    an error or a warning at the row of the statistic the rule is about, naming the rule."""
    rows = {(r.code, r.area): r for r in result.stat_rows if r.value is not None}
    names = {code: info["name"] for code, info in ctx.catalogue.items()}
    for violation in rules_check(ctx.rules, {key: r.value for key, r in rows.items()}, names):
        row = rows[(violation.code, violation.area)]
        where = {}
        if result.kind in ("xlsx", "csv"):
            column = re.match(r"([A-Z]+)", row.cells["value"]).group(1)
            where = {
                "sheet": DATA_SHEET if result.kind == "xlsx" else CSV_SHEET,
                "row": row.row,
                "column": column,
                "field": dict(STAT_COLUMNS)["value"],
            }
        message = violation.message
        if not where:  # the web form: name the field instead of a cell
            message = f"“{names.get(violation.code, violation.code)}”({violation.area or CITY_AREA_LABEL}):{message}"
        (result.error if violation.level == "error" else result.warn)(message, **where)


def value_warnings(ctx: RoundContext, values: dict) -> list[Problem]:
    """The same warnings for the web form: values is (code, area) → Decimal.

    A validation rule of severity error broken by the values raises ValidationError naming
    the rule and the statistic: the form saves nothing."""
    result = CheckResult(kind="form")
    for (code, area), value in values.items():
        result.stat_rows.append(
            StatRow(row=0, code=code, area=area, value=value, note="", cells={"value": "A0"})
        )
    _check_rules(ctx, result)
    if result.errors:
        raise ValidationError([p.message for p in result.errors])
    _check_warnings(ctx, result)
    for problem in result.warnings:
        problem.sheet, problem.row, problem.column, problem.field = "", None, "", ""
    return result.warnings
