"""The vocabulary of the indicator engine: the period axis (a quarter as one integer,
year × 4 + quarter − 1) and its labels, the specifications it is given (built by services
from the models) and the results it returns. Re-exported by `indicators.engine`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import progress

ROW_COLUMNS = ["id", "version", "code", "area", "year", "quarter", "value"]
STOCK_CARRY_QUARTERS = 3


def period_code(p: int) -> str:
    return f"{p // 4}Q{p % 4 + 1}"


def quarter_text(p: int) -> str:
    return _("%(year)s年第%(quarter)s季度") % {"year": p // 4, "quarter": p % 4 + 1}


# --- specifications (built by services from the models) -----------------------------------


@dataclass(frozen=True)
class StatMeta:
    code: str
    aggregation: str  # flow | stock
    unit: str = ""
    name: str = ""
    min_value: float | None = None
    max_value: float | None = None
    id: int | None = None


@dataclass(frozen=True)
class ProgrammeSpec:
    id: int
    start: tuple[int, int]  # (year, month)
    end: tuple[int, int]
    baseline_year: int
    thresholds: progress.Thresholds = progress.Thresholds()

    @property
    def start_index(self) -> int:
        year, month = self.start
        return year * 4 + (month - 1) // 3


@dataclass(frozen=True)
class IndicatorSpec:
    id: int
    name: str
    kind: str
    comparator: str
    target: float
    target_max: float | None
    unit: str
    deadline: str  # YYYY, YYYY-MM or YYYY-MM-DD as stored
    formula: str | None
    baseline_value: float | None = None
    baseline_year: int | None = None


def deadline_of(deadline: str, programme: ProgrammeSpec) -> tuple[int, int]:
    """`2020` → (2020, 12); `2020-06` → (2020, 6). A bare year equal to the programme's last
    year means the programme's last month (Fuzhou's plan runs to 2025-06)."""
    parts = (deadline or "").split("-")
    year = int(parts[0]) if parts and parts[0].isdigit() else programme.end[0]
    if len(parts) >= 2 and parts[1].isdigit():
        return year, int(parts[1])
    if year == programme.end[0]:
        return year, programme.end[1]
    return year, 12


def plan_of(spec: IndicatorSpec, programme: ProgrammeSpec) -> progress.Plan:
    return progress.Plan(
        kind=spec.kind,
        comparator=spec.comparator,
        target=spec.target,
        target_max=spec.target_max,
        unit=spec.unit,
        start=programme.start,
        deadline=deadline_of(spec.deadline, programme),
        baseline_year=spec.baseline_year or programme.baseline_year,
    )


# --- results ------------------------------------------------------------------------------


@dataclass
class QuarterTotal:
    code: str
    year: int
    quarter: int
    value: float | None
    area_count: int
    ids: list[int]
    versions: list[int]
    problem: str = ""

    @property
    def period(self) -> int:
        return self.year * 4 + self.quarter - 1


@dataclass
class ValueRow:
    year: int
    quarter: int
    value: float | None
    partial: bool
    reason: str
    inputs: list[list[str]]  # [[code, "2019Q1", "2019Q3"], ...]

    @property
    def period(self) -> int:
        return self.year * 4 + self.quarter - 1


@dataclass
class IndicatorResult:
    indicator_id: int
    formula: str
    rows: list[ValueRow]
    baseline: progress.Baseline
    assessment: progress.Assessment


@dataclass
class ProgrammeResult:
    totals: list[QuarterTotal]
    indicators: list[IndicatorResult]
    timings: dict = field(default_factory=dict)
