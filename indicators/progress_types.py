"""The vocabulary of the progress rules: statuses, the inputs (`Point`, `Plan`, `Baseline`,
`Thresholds`, `MilestoneState`), the output (`Assessment`), number and period formatting,
and the rule texts shown beside every status. Re-exported by `indicators.progress`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from ipcity.core.text import number, percent

ACHIEVED = "achieved"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
BEHIND = "behind"
NO_DATA = "no_data"
MISSED = "missed"  # final verdict at or after the deadline: 未完成
PENDING = "pending"  # the deadline passed, its period is not fully reported: 待年度数据
STATUSES = (ACHIEVED, ON_TRACK, AT_RISK, BEHIND, NO_DATA, MISSED, PENDING)
FINAL_STATUSES = (ACHIEVED, MISSED)

LEVEL_KINDS = ("level", "annual_flow", "per_unit", "range")
EVERY_YEAR_KINDS = ("share", "rate", "growth_rate", "yearly_minimum")


def status_label(status: str) -> str:
    return {
        ACHIEVED: _("已完成"),
        ON_TRACK: _("正常推进"),
        AT_RISK: _("有风险"),
        BEHIND: _("滞后"),
        NO_DATA: _("无数据"),
        MISSED: _("未完成"),
        PENDING: _("待年度数据"),
    }[status]


# --- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """An indicator's value at the end of a quarter; `partial` = a flow's year-to-date (q < 4)."""

    year: int
    quarter: int
    value: float | None
    partial: bool = False
    reason: str = ""  # why there is no value

    @property
    def time(self) -> float:
        return self.year + self.quarter / 4

    @property
    def index(self) -> int:
        return self.year * 4 + self.quarter - 1


@dataclass(frozen=True)
class Plan:
    """What the rules need to know about an indicator and its programme."""

    kind: str
    comparator: str  # >= > <= = range
    target: float
    target_max: float | None = None
    unit: str = ""
    start: tuple[int, int] = (2016, 1)  # the programme's first month (year, month)
    deadline: tuple[int, int] = (2018, 12)  # the target's last month (year, month)
    baseline_year: int = 2015

    @property
    def downward(self) -> bool:
        return self.comparator == "<="

    @property
    def start_time(self) -> float:
        """Plans are counted in quarters: from the start of the quarter the plan starts in."""
        year, month = self.start
        return year + ((month - 1) // 3) / 4

    @property
    def deadline_time(self) -> float:
        year, month = self.deadline
        return year + month / 12

    @property
    def deadline_index(self) -> int:
        year, month = self.deadline
        return year * 4 + (month - 1) // 3

    @property
    def baseline_time(self) -> float:
        return self.baseline_year + 1

    @property
    def deadline_label(self) -> str:
        year, month = self.deadline
        return f"{year:04d}-{month:02d}"

    @property
    def first_plan_year(self) -> int:
        """The first year that must meet an every-year target: the first calendar year the
        plan covers whole (a plan starting in June 2015 is judged from 2016)."""
        year, month = self.start
        return year if month == 1 else year + 1

    @property
    def target_text(self) -> str:
        if self.target_max is not None:
            return f"{fmt(self.target)}—{fmt(self.target_max)}"
        return fmt(self.target)


@dataclass(frozen=True)
class Thresholds:
    on_track: float = 0.95
    at_risk: float = 0.60
    gap: float = 0.10


@dataclass(frozen=True)
class Baseline:
    value: float | None
    year: int
    reason: str = ""  # why it is missing, with the fix
    manual: bool = False


@dataclass(frozen=True)
class MilestoneState:
    done: bool = False
    done_on: date | None = None
    has_evidence: bool = False


# --- output -------------------------------------------------------------------------------


@dataclass
class Assessment:
    status: str
    reason: str
    rule: str
    value: float | None = None
    year: int | None = None
    quarter: int | None = None
    partial: bool = False
    completion: float | None = None
    ratio: float | None = None  # Open SDG R
    elapsed: float | None = None  # share of the plan's time elapsed (cumulative)
    baseline: float | None = None
    projection: float | None = None
    projection_text: str = ""
    projection_period: str = ""  # YYYY-MM of the deadline the projection is for
    flags: list[str] = field(default_factory=list)
    yearly: list[dict] = field(default_factory=list)
    progress: float | None = None  # 进展度 (V − B) ÷ (T − B), only with a baseline
    provisional_value: float | None = None  # a later year-to-date / incomplete-year figure
    provisional_year: int | None = None
    provisional_quarter: int | None = None
    provisional_partial: bool = False
    final: bool = False  # a verdict at or after the deadline (已完成 / 未完成)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def period(self) -> str:
        """The reference period the value (完成值) is of: "2019年", "2020年第3季度"."""
        if self.year is None:
            return ""
        return period_label(self.year, self.quarter or 4, self.partial)

    @property
    def provisional_period(self) -> str:
        if self.provisional_year is None:
            return ""
        return period_label(self.provisional_year, self.provisional_quarter or 4, self.provisional_partial)


# --- formatting ---------------------------------------------------------------------------


def fmt(value: float | None) -> str:
    """A number as the report tables print it (`ipcity.core.text.number`: two decimals at
    most, 32,000 grouped), so a note never says 37.9 of the table's 37.91."""
    if value is None:
        return "—"
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    return number(value)


def pct(value: float | None) -> str:
    return "—" if value is None else percent(value * 100)


def period_label(year: int, quarter: int, partial: bool = False) -> str:
    if partial:
        if quarter == 1:
            return _("%(year)s年第1季度") % {"year": year}
        return _("%(year)s年1—%(quarter)s季度") % {"year": year, "quarter": quarter}
    if quarter == 4:
        return _("%(year)s年") % {"year": year}
    return _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter}


def meets(value: float, target: float, comparator: str) -> bool:
    if comparator == ">":
        return value > target
    if comparator == "<=":
        return value <= target
    return value >= target  # >=, = (达到), range (the lower bound)


# --- rule texts (shown beside every status) -----------------------------------------------


def rule_text(plan: Plan, th: Thresholds) -> str:
    values = {"on": fmt(th.on_track), "risk": fmt(th.at_risk), "gap": f"{th.gap * 100:.0f}%"}
    kind = plan.kind
    if kind in ("level", "annual_flow", "per_unit"):
        text = _(
            "最新值达到目标即为已完成;否则按开放SDG方法,R=基期以来实际年均增速÷达到目标所需年均增速:"
            "R≥%(on)s 正常推进,%(risk)s≤R<%(on)s 有风险,R<%(risk)s(含负值)滞后;时限已到仍未达到为滞后。"
        )
    elif kind == "range":
        text = _(
            "达到区间下限即为已完成(超过上限会提示核实);否则按下限计算 R=实际年均增速÷所需年均增速:"
            "R≥%(on)s 正常推进,%(risk)s≤R<%(on)s 有风险,R<%(risk)s 滞后。"
        )
    elif kind == "avg_growth_rate":
        text = _(
            "基期以来的复合年均增速达到目标即为已完成;否则 R=实际年均增速÷目标增速:"
            "R≥%(on)s 正常推进,%(risk)s≤R<%(on)s 有风险,R<%(risk)s 滞后。"
        )
    elif kind == "cumulative":
        text = _(
            "方案开始以来的累计值达到目标即为已完成;否则比较完成率 C=累计÷目标 与时间进度 E:"
            "C≥%(on)s×E 正常推进,C≥%(risk)s×E 有风险,否则滞后;时限已到仍未达到为滞后。"
        )
    elif kind in EVERY_YEAR_KINDS:
        text = _(
            "每个完整年度都须达到目标,时限届满且每年均达到为已完成;最近一个完整年度达到目标为正常推进,"
            "差距不超过目标的%(gap)s为有风险,否则滞后;本年截至当季的数据仅供参考。"
        )
    elif kind == "milestone":
        text = _("有证明材料的完成记录即为已完成;未完成且已过时限为滞后,否则为正常推进。")
    else:
        text = _("无适用规则。")
    text = text % values
    if plan.downward and kind != "milestone":
        text += _("本指标目标为“不高于”,判断方向相反。")
    return text
