"""Demo steps of `load_demo_data` in the engine's room: fit the demo statistics to each plan's
targets, then compute every programme's indicators. Registered last in settings.DEMO_LOADERS,
after the statistics are loaded.

The reporting room's demo draws plausible quarterly figures (from published baselines where
they exist); on their own they know nothing of the targets, so a plan of 5 navigation projects
got 120 and a 40 % growth target got 10 %. The fit gives each indicator an outcome — most
achieved, some narrowly missed, a few well behind, drawn per programme — and moves one
statistic of its formula (its "lever") until the engine, the same code that assesses real
data, says that outcome: the lever is scaled, or for growth targets and published figures
its growth after the baseline year is tilted, so published baselines stay as published."""

from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pandas as pd

from programmes.models import Programme

from . import engine
from .models import Indicator, IndicatorProgress, StatisticValue
from .services import indicator_recompute, indicator_spec, programme_spec, statistic_catalogue

CODE_RE = re.compile(r"\b[A-Z][A-Z0-9_]*\b")
# (completion range, weight): achieved, narrowly missed, well behind.
OUTCOMES = [((1.03, 1.3), 72), ((0.86, 0.97), 18), ((0.62, 0.8), 10)]
GROWTH_KINDS = {Indicator.Kind.GROWTH_RATE, Indicator.Kind.AVG_GROWTH_RATE}
PUBLISHED = "公开数据"  # in the note of demo rows drawn from a published figure
NEVER_LEVERS = {"POP"}  # denominators the demo takes as given
TWO_PLACES = {"亿元", "万人", "%"}
# Totals and their parts, which the demo draws in proportion (closed ≤ accepted for the rate
# indicators, inventions ≤ all applications); the fit moves them together.
DEMO_PARTS = (
    ("CASE_ACCEPTED", {"CASE_CLOSED": 0.93, "CASE_CLOSED_ONTIME": 0.9}),
    ("FAKE_PAT_ACCEPTED", {"FAKE_PAT_CLOSED": 0.95, "FAKE_PAT_CLOSED_ONTIME": 0.92}),
    ("PAT_APP", {"INV_APP": 0.38, "SVC_APP": 0.62}),
    ("IP_MGR", {"IP_MGR_TRAINED": 0.8}),
)


def _places(unit: str) -> Decimal:
    return Decimal("0.01") if unit in TWO_PLACES else Decimal("1")


class _Fit:
    """The demo rows of one programme in memory, and the engine run on them."""

    def __init__(self, programme: Programme):
        self.programme = programme
        self.spec = programme_spec(programme)
        self.catalogue = statistic_catalogue(city=programme.city)
        self.rows = list(
            StatisticValue.objects.filter(
                programme=programme, source=StatisticValue.Source.DEMO, is_current=True
            ).select_related("statistic")
        )
        self.by_code: dict[str, list[StatisticValue]] = defaultdict(list)
        for row in self.rows:
            self.by_code[row.statistic.code].append(row)
        self.value = {row.pk: float(row.value) for row in self.rows if row.value is not None}
        self.published = {c for c, rows in self.by_code.items() if any(PUBLISHED in r.note for r in rows)}
        self.today = date(self.spec.end[0] + 1, 12, 31)  # the plan is over: final verdicts

    def completion(self, spec, overrides: dict[int, float]) -> float | None:
        codes = set(CODE_RE.findall(spec.formula))
        records = [
            (
                row.pk,
                row.version,
                code,
                row.area,
                row.year,
                row.quarter,
                overrides.get(row.pk, self.value.get(row.pk)),
            )
            for code in codes
            for row in self.by_code.get(code, [])
        ]
        frame = pd.DataFrame.from_records(records, columns=engine.ROW_COLUMNS)
        result = engine.compute_programme(
            rows=frame, stats=self.catalogue, programme=self.spec, indicators=[spec], today=self.today
        )
        return result.indicators[0].assessment.completion

    def family(self, codes: list[str], tilt: bool, parameter: float) -> dict[int, float]:
        """The lever's (and its proportional companions') rows moved by one parameter:
        scaled by it, or grown by (1 + it) a year more after the baseline year."""
        out = {}
        base_year = self.spec.baseline_year
        for code in codes:
            meta = self.catalogue.get(code)
            places = float(_places(meta.unit if meta else ""))
            running = {}
            for row in sorted(self.by_code[code], key=lambda r: (r.area, r.year, r.quarter)):
                value = self.value.get(row.pk)
                if value is None:
                    continue
                if tilt:
                    years = max(0.0, row.year - base_year + (row.quarter - 4) / 4)
                    moved = value * (1 + parameter) ** years
                else:
                    moved = value * parameter
                if meta is not None and meta.max_value is not None:
                    moved = min(moved, meta.max_value)
                moved = max(round(moved / places) * places, 0.0)
                if meta is not None and meta.aggregation == "stock":  # a stock never goes down
                    moved = running[row.area] = max(moved, running.get(row.area, 0.0))
                out[row.pk] = moved
        return out

    def companions(self, lever: str, formula_codes: set[str]) -> list[str]:
        """Codes the demo draws in proportion to the lever (DEMO_PARTS: closed cases to
        accepted ones, invention applications to all) move with it, so shares stay
        consistent, except where the formula divides one by the other."""
        group = {lever}
        for total, parts in DEMO_PARTS:
            if lever == total or lever in parts:
                group |= {total, *parts}
        group = {c for c in group if c in self.by_code and (c == lever or c not in formula_codes)}
        return [lever, *sorted(group - {lever})]

    def solve(self, spec, codes: list[str], tilt: bool, want: float) -> dict[int, float] | None:
        """Bisection on the parameter until the engine's completion is `want` (within 1 %)."""
        lo, hi = (-0.6, 2.5) if tilt else (math.log(1e-3), math.log(1e3))

        def at(x):
            moved = self.family(codes, tilt, x if tilt else math.exp(x))
            return self.completion(spec, moved), moved

        (c_lo, _), (c_hi, _) = at(lo), at(hi)
        if c_lo is None or c_hi is None or (c_lo - want) * (c_hi - want) > 0:
            return None
        rising = c_hi > c_lo
        best = None
        for _ in range(22):
            mid = (lo + hi) / 2
            c, moved = at(mid)
            if c is None:
                return best
            best = moved
            if abs(c - want) <= 0.01 * want:
                break
            if (c < want) == rising:
                lo = mid
            else:
                hi = mid
        return best


def _parts_within_totals(fit: _Fit) -> None:
    """No part above its total in any quarter, whatever the fit moved (closed cases ≤ those
    accepted: a 结案率 over 100 % in the base year reads as an error). One over is drawn back
    to the demo's own proportion of the total."""
    by_key = {(r.statistic.code, r.area, r.year, r.quarter): r for r in fit.rows}
    for total, parts in DEMO_PARTS:
        for (code, area, year, quarter), row in by_key.items():
            whole = by_key.get((total, area, year, quarter)) if code in parts else None
            if whole is None or row.pk not in fit.value or whole.pk not in fit.value:
                continue
            if fit.value[row.pk] > fit.value[whole.pk]:
                places = float(_places(row.statistic.unit))
                fit.value[row.pk] = math.floor(fit.value[whole.pk] * parts[code] / places) * places


def _statistics_from_ledger(fit: _Fit) -> set[str]:
    """A sum the plan states once is one figure. Where one sentence of the plan gives both an
    indicator over a single statistic and a yearly funding rule (Harbin's 每年用于专利运用补助
    的经费保持在500万元以上), the demo statistic is the ledger's spending of that category,
    quarter by quarter in the ledger's years, so the indicator table and the funding check
    agree. Returns the codes so set (the fit leaves them alone)."""
    from programmes.models import FundingExpense, FundingRule

    rules = {
        r.source_sentence: r
        for r in fit.programme.funding_rules.filter(kind=FundingRule.Kind.MIN_YEARLY_AMOUNT)
        if r.source_sentence and r.category
    }
    done = set()
    for indicator in fit.programme.indicators.exclude(source_sentence=""):
        rule = rules.get(indicator.source_sentence)
        codes = list(dict.fromkeys(CODE_RE.findall(indicator.formula or "")))
        if rule is None or len(codes) != 1 or codes[0] not in fit.by_code:
            continue
        spent: dict[tuple[int, int], float] = defaultdict(float)
        years = set()
        for on, amount in FundingExpense.objects.filter(
            programme=fit.programme, category=rule.category
        ).values_list("date", "amount"):
            spent[(on.year, (on.month - 1) // 3 + 1)] += float(amount)
            years.add(on.year)
        for row in fit.by_code[codes[0]]:
            if row.area == "" and row.year in years:
                fit.value[row.pk] = spent.get((row.year, row.quarter), 0.0)
        done.add(codes[0])
    return done


def demo_statistics_fit(programme: Programme) -> int:
    """Move the demo statistics of one programme so its indicators show a believable mix of
    outcomes (see the module's text); returns how many indicators were fitted."""
    fit = _Fit(programme)
    if not fit.rows:
        return 0
    rng = random.Random(f"fit:{programme.slug}")
    used: set[str] = _statistics_from_ledger(fit)
    fitted = 0
    for indicator in programme.indicators.order_by("order", "pk"):
        if indicator.kind in (Indicator.Kind.MILESTONE, Indicator.Kind.RANGE) or not indicator.formula:
            continue
        if indicator.target_max is not None or not indicator.target:
            continue
        codes = list(dict.fromkeys(CODE_RE.findall(indicator.formula)))
        lever = next((c for c in codes if c not in NEVER_LEVERS and c not in used and c in fit.by_code), None)
        if lever is None:
            continue
        (low, high), _ = rng.choices(OUTCOMES, [w for _, w in OUTCOMES])[0]
        want = rng.uniform(low, high)
        growth = indicator.kind in GROWTH_KINDS or indicator.formula.strip().startswith("cagr(")
        if indicator.unit == "%" and not growth:  # a rate can't pass 100 %
            want = min(want, 99.5 / float(indicator.target))
        group = [c for c in fit.companions(lever, set(codes)) if c not in used]
        moved = fit.solve(indicator_spec(indicator), group, growth or lever in fit.published, want)
        if moved is None:
            continue
        fit.value.update(moved)
        used.update(group)
        fitted += 1
    _parts_within_totals(fit)
    changed = []
    for row in fit.rows:
        new = fit.value.get(row.pk)
        if new is None:
            continue
        value = Decimal(str(new)).quantize(_places(row.statistic.unit))
        if value != row.value:
            row.value = value
            changed.append(row)
    StatisticValue.objects.bulk_update(changed, ["value"], batch_size=1000)
    return fitted


def demo_milestones_load(programme: Programme) -> int:
    """Most of a plan's milestones (建成平台、获批…) recorded as done, on a date inside the plan
    and before their deadline, with a notice as evidence, by the city's office; the rest
    stay open. Returns how many were recorded done."""
    from datetime import datetime, time

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import Profile
    from ipcity.core.demo_files import notice_pdf

    from .models import MilestoneCompletion
    from .services import milestone_completion_record

    office = (
        Profile.objects.filter(role=Profile.Role.OFFICE, city=programme.city).select_related("user").first()
    )
    milestones = programme.indicators.filter(kind=Indicator.Kind.MILESTONE).order_by("order", "pk")
    if office is None or MilestoneCompletion.objects.filter(indicator__in=milestones).exists():
        return 0
    rng = random.Random(f"milestones:{programme.slug}")
    done = 0
    for indicator in milestones:
        if rng.random() > 0.75:
            continue
        spec = engine.plan_of(indicator_spec(indicator), programme_spec(programme))
        last = date(*engine.deadline_of(indicator.deadline, programme_spec(programme)), 1)
        first = date(spec.baseline_year + 1, 6, 1)
        on = first + (last - first) * rng.uniform(0.45, 0.9)
        title = f"关于{indicator.name}的情况说明"
        evidence = SimpleUploadedFile(
            f"{indicator.name}.pdf",
            notice_pdf(
                title, f"{programme.city.name}{indicator.name}已于{on.year}年{on.month}月建成并投入运行。"
            ),
            content_type="application/pdf",
        )
        record = milestone_completion_record(
            indicator=indicator, user=office.user, is_done=True, done_on=on, evidence=evidence
        )
        stamp = timezone.make_aware(datetime.combine(on, time(11)))
        MilestoneCompletion.objects.filter(pk=record.pk).update(recorded_at=stamp)
        done += 1
    return done


def demo_indicators_recompute(*, stdout=None) -> None:
    for programme in Programme.objects.order_by("slug"):
        # Fitted once, when the demo statistics are new (before their first computation).
        first = not IndicatorProgress.objects.filter(indicator__programme=programme).exists()
        fitted = demo_statistics_fit(programme) if first else 0
        if first:
            demo_milestones_load(programme)
        summary = indicator_recompute(programme=programme)
        if stdout is not None:
            statuses = "、".join(f"{k} {v}" for k, v in sorted(summary.get("statuses", {}).items()))
            stdout.write(
                f"指标计算 {programme.slug}: {summary['indicators']} 项({statuses}),演示数据按目标拟合 {fitted} 项"
            )
