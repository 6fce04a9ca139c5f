"""Indicator formulas: arithmetic over statistic codes, parsed with a whitelist, never eval-ed.

Grammar (the DHIS2 way): numbers, statistic codes (UPPER_SNAKE), `+ - * /`, parentheses,
and three functions of one argument: `yoy(X)` (growth on the previous year, %), `cagr(X)`
(average annual growth since the baseline year, %), `cumulative(X)` (sum since the plan
started). Python's `ast` does the tokenising; every node outside the whitelist is refused
with a Chinese message that names the column (1-based, in characters) and the token.

Full-width operators typed with a Chinese input method (`×`, `÷`, `（`, `）`, `＋`, `－`)
are accepted and normalised one character for one, so columns stay right.
"""

from __future__ import annotations

import ast
import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

FUNCTIONS = ("yoy", "cagr", "cumulative")
MAX_LENGTH = 500
CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
# One character for one, so the columns of the normalised text are the user's columns.
_FULL_WIDTH = str.maketrans(
    {"×": "*", "÷": "/", "（": "(", "）": ")", "＋": "+", "－": "-", "＊": "*", "／": "/", "\u3000": " "}
)
_ALLOWED_CHARS = re.compile(r"[A-Za-z0-9_.,+\-*/() \t]")


# --- the parsed tree ----------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: float
    col: int
    src: str


@dataclass(frozen=True)
class Code:
    code: str
    col: int
    src: str


@dataclass(frozen=True)
class Neg:
    operand: Node
    col: int
    src: str


@dataclass(frozen=True)
class BinOp:
    op: str  # one of + - * /
    left: Node
    right: Node
    col: int
    src: str


@dataclass(frozen=True)
class Call:
    func: str  # one of FUNCTIONS
    arg: Node
    col: int
    src: str


Node = Num | Code | Neg | BinOp | Call


@dataclass(frozen=True)
class Formula:
    """A parsed formula: the normalised text, its tree and the codes/functions it uses."""

    text: str
    root: Node
    codes: tuple[str, ...]  # in order of first appearance
    functions: frozenset[str]

    @property
    def uses_cumulative(self) -> bool:
        return "cumulative" in self.functions


class FormulaError(ValueError):
    """A formula refused, with the column (1-based) and the token it points at."""

    def __init__(self, message: str, *, column: int, token: str = ""):
        super().__init__(message)
        self.message = message
        self.column = column
        self.token = token

    def pointer(self, text: str) -> str:
        """The formula with a caret under the column, for the command line."""
        return f"{text}\n{' ' * max(self.column - 1, 0)}^"


# --- parsing ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    return (text or "").translate(_FULL_WIDTH)


def _error(kind: str, *, column: int, token: str = "", **extra) -> FormulaError:
    where = {"col": column, "token": token, **extra}
    messages = {
        "empty": _("公式不能为空。"),
        "too_long": _("公式过长(最多 %(max)s 个字符)。"),
        "char": _("第%(col)s列:无法识别的字符“%(token)s”,公式只能使用统计数据代码、数字、+ - * / 和括号。"),
        "unclosed": _("第%(col)s列:左括号“(”没有对应的右括号。"),
        "unmatched": _("第%(col)s列:多余的右括号“)”。"),
        "syntax": _("第%(col)s列附近“%(token)s”:公式语法错误,请检查运算符和括号是否完整。"),
        "dangling": _("第%(col)s列:运算符“%(token)s”后面缺少数字或统计数据代码。"),
        "operator": _("第%(col)s列:不支持的运算符“%(token)s”,只能使用 + - * /。"),
        "unsupported": _("第%(col)s列:不支持的写法“%(token)s”。"),
        "unknown_code": _("第%(col)s列:未知的统计数据代码“%(token)s”。"),
        "unknown_function": _("第%(col)s列:不支持的函数“%(token)s”,只能使用 yoy()、cagr()、cumulative()。"),
        "arity": _("第%(col)s列:函数 %(token)s() 需要且只能有一个参数,例如 %(token)s(PAT_APP)。"),
        "nested": _("第%(col)s列:函数的参数中不能再使用函数“%(token)s”。"),
        "cumulative_stock": _(
            "第%(col)s列:cumulative() 只能用于按季累加的流量统计,“%(token)s”是存量(取最新值)。"
        ),
        "zero_division": _("第%(col)s列:除数“%(token)s”恒等于0。"),
        "no_code": _("公式至少要引用一个统计数据代码。"),
    }
    message = messages[kind] % where
    if extra.get("hint"):
        message += _("是否应为 %(hint)s?") % {"hint": extra["hint"]}
    return FormulaError(message, column=column, token=token)


def _char_column(text: str, byte_offset: int) -> int:
    """ast gives UTF-8 byte offsets; users count characters (1-based)."""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1


def _precheck(text: str) -> None:
    """Characters and parentheses first: clearer messages than Python's own."""
    depth_stack: list[int] = []
    for index, char in enumerate(text):
        if not _ALLOWED_CHARS.fullmatch(char):
            raise _error("char", column=index + 1, token=char)
        if char == "(":
            depth_stack.append(index)
        elif char == ")":
            if not depth_stack:
                raise _error("unmatched", column=index + 1, token=")")
            depth_stack.pop()
    if depth_stack:
        raise _error("unclosed", column=depth_stack[-1] + 1, token="(")


class _Builder:
    def __init__(self, text: str, statistics: Mapping[str, str] | None):
        self.text = text
        self.statistics = statistics
        self.codes: list[str] = []
        self.functions: set[str] = set()

    def col(self, node: ast.AST) -> int:
        return _char_column(self.text, node.col_offset)

    def src(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ""

    def build(self, node: ast.AST, *, in_function: str | None = None) -> Node:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise _error("unsupported", column=self.col(node), token=self.src(node))
            return Num(float(node.value), self.col(node), self.src(node))
        if isinstance(node, ast.Name):
            return self.code(node, in_function=in_function)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand, in_function=in_function)
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, ast.USub):
                return Neg(operand, self.col(node), self.src(node))
            raise _error("unsupported", column=self.col(node), token=self.src(node))
        if isinstance(node, ast.BinOp):
            ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
            op = ops.get(type(node.op))
            if op is None:
                column, token = self.operator_position(node)
                raise _error("operator", column=column, token=token)
            left = self.build(node.left, in_function=in_function)
            right = self.build(node.right, in_function=in_function)
            if op == "/" and constant_value(right) == 0:
                raise _error("zero_division", column=right.col, token=right.src)
            return BinOp(op, left, right, self.col(node), self.src(node))
        if isinstance(node, ast.Call):
            return self.call(node, in_function=in_function)
        raise _error("unsupported", column=self.col(node), token=self.src(node))

    def operator_position(self, node: ast.BinOp) -> tuple[int, str]:
        # The text is ASCII here (_precheck), so byte offsets are character offsets.
        start, end = node.left.end_col_offset, node.right.col_offset
        segment = self.text[start:end]
        stripped = segment.strip().strip("()").strip()
        offset = start + segment.find(stripped) if stripped else start
        return offset + 1, stripped or segment

    def code(self, node: ast.Name, *, in_function: str | None) -> Code:
        name = node.id
        column = self.col(node)
        if self.statistics is not None and name not in self.statistics:
            candidates = difflib.get_close_matches(name.upper(), list(self.statistics), n=1, cutoff=0.75)
            raise _error("unknown_code", column=column, token=name, hint=candidates[0] if candidates else "")
        if self.statistics is None and not CODE_RE.match(name):
            raise _error("unknown_code", column=column, token=name)
        if (
            in_function == "cumulative"
            and self.statistics is not None
            and self.statistics.get(name) == "stock"
        ):
            raise _error("cumulative_stock", column=column, token=name)
        if name not in self.codes:
            self.codes.append(name)
        return Code(name, column, name)

    def call(self, node: ast.Call, *, in_function: str | None) -> Call:
        column = self.col(node)
        if not isinstance(node.func, ast.Name):
            raise _error("unsupported", column=column, token=self.src(node.func))
        func = node.func.id
        if func not in FUNCTIONS:
            hint = difflib.get_close_matches(func.lower(), FUNCTIONS, n=1, cutoff=0.6)
            raise _error("unknown_function", column=column, token=func, hint=hint[0] if hint else "")
        if in_function is not None:
            raise _error("nested", column=column, token=func)
        if len(node.args) != 1 or node.keywords:
            raise _error("arity", column=column, token=func)
        self.functions.add(func)
        arg = self.build(node.args[0], in_function=func)
        return Call(func, arg, column, self.src(node))


def evaluate(node: Node, values: Mapping[str, Decimal]) -> Decimal | None:
    """A tree's value in exact decimals, codes taken from `values`; None when a code has no
    value, a divisor is zero or a function is met (the engine evaluates those over series).
    Used by the validation rules (indicators.validation.checks) and to refuse `X / 0`."""
    if isinstance(node, Num):
        return Decimal(repr(node.value))
    if isinstance(node, Code):
        return values.get(node.code)
    if isinstance(node, Neg):
        inner = evaluate(node.operand, values)
        return None if inner is None else -inner
    if isinstance(node, BinOp):
        left, right = evaluate(node.left, values), evaluate(node.right, values)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return None if right == 0 else left / right
    return None


def constant_value(node: Node) -> float | None:
    """The value of a subtree made of numbers only, else None (used to refuse `X / 0`)."""
    value = evaluate(node, {})
    return None if value is None else float(value)


def parse(text: str, *, statistics: Mapping[str, str] | None = None) -> Formula:
    """Parse a formula. `statistics` maps every known code to its aggregation (flow/stock):
    given, unknown codes and cumulative() of a stock are refused; None checks the shape only.

    Raises FormulaError (message in Chinese, column, token)."""
    raw = normalise(text)
    stripped = raw.strip()
    if not stripped:
        raise _error("empty", column=1)
    if len(raw) > MAX_LENGTH:
        raise _error("too_long", column=MAX_LENGTH, max=MAX_LENGTH)
    lead = len(raw) - len(raw.lstrip())
    try:
        _precheck(raw)
        try:
            tree = ast.parse(stripped, mode="eval")
        except SyntaxError as exc:
            if stripped[-1] in "+-*/":
                raise _error("dangling", column=len(stripped), token=stripped[-1]) from None
            column = max((exc.offset or 1), 1)
            token = stripped[column - 1 : column] if column <= len(stripped) else stripped[-1:]
            raise _error("syntax", column=column, token=token.strip() or stripped[-1:]) from None
        builder = _Builder(stripped, statistics)
        root = builder.build(tree.body)
    except FormulaError as exc:
        if lead and exc.column:
            shifted = exc.column + lead
            exc.message = exc.message.replace(f"第{exc.column}列", f"第{shifted}列", 1)
            exc.args = (exc.message,)
            exc.column = shifted
        raise
    if not builder.codes:
        raise _error("no_code", column=1)
    return Formula(
        text=stripped, root=root, codes=tuple(builder.codes), functions=frozenset(builder.functions)
    )


def codes_in(text: str | None) -> set[str]:
    """The statistic codes a stored formula mentions (tolerant: never raises)."""
    return set(_codes_in(text or ""))


@functools.lru_cache(maxsize=4096)
def _codes_in(text: str) -> frozenset[str]:
    if not text:
        return frozenset()
    try:
        return frozenset(parse(text).codes)
    except FormulaError:
        return frozenset(re.findall(r"\b[A-Z][A-Z0-9_]*\b", normalise(text)))


@functools.lru_cache(maxsize=4096)
def parse_cached(text: str, statistics: frozenset[tuple[str, str]]) -> Formula:
    """parse() for the engine, which meets the same formulas again and again; `statistics`
    is the catalogue as a frozenset of (code, aggregation) pairs."""
    return parse(text, statistics=dict(statistics))


def walk(node: Node):
    """Every node of a tree, parents first."""
    yield node
    if isinstance(node, Neg):
        yield from walk(node.operand)
    elif isinstance(node, BinOp):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Call):
        yield from walk(node.arg)
