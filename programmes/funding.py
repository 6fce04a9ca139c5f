"""Funding use against the plan: budgets, spending and every funding rule's check, as of a date.

The one place where funding rules are judged: the funding page, the API and the reports all
call `funding_summary(programme=..., as_of=...)` (re-exported by `programmes.selectors`).

- A rule is checked on its own money: the ledger lines of its category (all spending when
  it names none; the reserved category 以市场化方式使用 means lines marked market-based) and
  of its source when it names one (a share rule's whole is then that source's spending).
- A yearly minimum is judged year by year over the plan's years up to `as_of`; a year still
  running is shown as provisional and judged once it has ended; a year with no ledger line
  at all is "no data", not a failure.
- Spending above the year's budget (in total, and per source where both are recorded) is
  flagged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ipcity.core.text import joined, year_amount

from .models import FundingBudget, FundingExpense, FundingRule, FundingSource, Programme

# The reserved category of a rule that means "expenses used through market mechanisms"
# (FundingExpense.market_based), as Yichang's plan requires; see docs/decisions.md.
MARKET_BASED_CATEGORY = "以市场化方式使用"
ZERO = Decimal("0")


@dataclass(frozen=True)
class FundingRuleYear:
    """One year of a yearly-minimum rule: the rule's money that year and the verdict."""

    year: int
    amount: Decimal
    holds: bool | None  # None: the year is still running, or no spending at all was recorded
    provisional: bool


@dataclass(frozen=True)
class FundingRuleCheck:
    rule_id: int
    name: str
    kind: str
    kind_label: str
    category: str  # "" for all spending
    source: str  # "" for every source
    source_label: str
    threshold: Decimal
    unit: str
    value: Decimal | None  # the actual share (%) of a share rule
    part: Decimal | None  # a share rule's money in the category, and the whole it is a share of
    whole: Decimal | None
    holds: bool | None  # None: nothing recorded yet that could judge it
    detail: str
    source_sentence: str
    years: tuple[FundingRuleYear, ...] = ()

    @property
    def money_label(self) -> str:
        """Which money the rule is checked on, e.g. "专利运用补助 · 市级财政资金"."""
        parts = [self.category or _("全部支出")]
        if self.source:
            parts.append(self.source_label)
        return " · ".join(parts)


@dataclass(frozen=True)
class FundingSourceYear:
    year: int
    source: str
    source_label: str
    budget: Decimal | None
    spent: Decimal | None
    over_budget: bool


@dataclass(frozen=True)
class FundingSummary:
    as_of: date
    budget_by_year: tuple[tuple[int, Decimal], ...]
    spent_by_year: tuple[tuple[int, Decimal], ...]
    spent_by_category: tuple[tuple[str, Decimal], ...]
    spent_by_year_category: tuple[tuple[str, tuple[Decimal | None, ...]], ...]  # per category, per year
    by_source: tuple[FundingSourceYear, ...]
    budget_total: Decimal
    spent_total: Decimal
    checks: tuple[FundingRuleCheck, ...]

    @property
    def years(self) -> list[dict]:
        """Per year: budget, spending, the share spent and whether spending exceeds the budget."""
        budget, spent = dict(self.budget_by_year), dict(self.spent_by_year)
        rows = []
        for y in sorted(set(budget) | set(spent)):
            b, s = budget.get(y), spent.get(y)
            rows.append(
                {
                    "year": y,
                    "budget": b,
                    "spent": s,
                    "rate": s / b * 100 if b and s is not None else None,
                    "over_budget": b is not None and s is not None and s > b,
                }
            )
        return rows

    @property
    def year_columns(self) -> list[int]:
        return sorted({y for y, _ in self.spent_by_year})

    @property
    def total_rate(self) -> Decimal | None:
        return self.spent_total / self.budget_total * 100 if self.budget_total else None

    @property
    def over_budget_years(self) -> list[int]:
        return [row["year"] for row in self.years if row["over_budget"]]

    @property
    def over_budget_sources(self) -> list[FundingSourceYear]:
        return [row for row in self.by_source if row.over_budget]


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def _matches(line: dict, rule: FundingRule) -> bool:
    if rule.source and line["source"] != rule.source:
        return False
    category = (rule.category or "").strip()
    if not category:
        return True
    if category == MARKET_BASED_CATEGORY:
        return line["market_based"]
    return line["category"].strip() == category


def _share_check(rule: FundingRule, lines: list[dict]) -> dict:
    pool = [x for x in lines if not rule.source or x["source"] == rule.source]
    whole = sum((x["amount"] for x in pool), ZERO)
    part = sum((x["amount"] for x in pool if _matches(x, rule)), ZERO)
    if not whole:
        return {"value": None, "part": part, "whole": whole, "holds": None, "detail": _("暂无支出记录")}
    share = part / whole * 100
    return {
        "value": share,
        "part": part,
        "whole": whole,
        "holds": share >= rule.threshold,
        "detail": _("%(part)s / %(whole)s 万元") % {"part": _money(part), "whole": _money(whole)},
    }


def _yearly_check(rule: FundingRule, lines: list[dict], programme: Programme, as_of: date) -> dict:
    recorded_years = {x["year"] for x in lines}
    years = []
    for year in range(programme.start_year, min(programme.end_year, as_of.year) + 1):
        amount = sum((x["amount"] for x in lines if x["year"] == year and _matches(x, rule)), ZERO)
        provisional = as_of < date(year, 12, 31)
        holds = None if provisional or year not in recorded_years else amount >= rule.threshold
        years.append(FundingRuleYear(year=year, amount=amount, holds=holds, provisional=provisional))
    judged = [y for y in years if y.holds is not None]
    failing = [y for y in judged if not y.holds]
    if failing:
        holds = False
        detail = _("未达标年度:%(years)s") % {
            "years": joined(year_amount(y.year, _money(y.amount)) for y in failing)
        }
    elif judged:
        holds = True
        detail = joined(year_amount(y.year, _money(y.amount)) for y in judged)
    else:
        holds = None
        detail = _("暂无完整年度的支出记录")
    provisional = [y for y in years if y.provisional and y.year in recorded_years]
    if provisional:
        detail += _(";%(year)s年截至目前 %(amount)s(未满一年,暂不判定)") % {
            "year": provisional[0].year,
            "amount": _money(provisional[0].amount),
        }
    return {
        "value": None,
        "part": None,
        "whole": None,
        "holds": holds,
        "detail": detail,
        "years": tuple(years),
    }


def funding_summary(*, programme: Programme, as_of: date | None = None) -> FundingSummary:
    """Budgets of the years up to `as_of`, spending up to `as_of` (today by default), the
    split by year, category and source, and each funding rule's check over that spending."""
    as_of = as_of or timezone.localdate()
    budgets = list(
        FundingBudget.objects.filter(programme=programme, year__lte=as_of.year).values(
            "year", "source", "amount"
        )
    )
    lines = [
        {
            "year": row["date"].year,
            "amount": row["amount"],
            "category": row["category"],
            "source": row["source"],
            "market_based": row["market_based"],
        }
        for row in FundingExpense.objects.filter(programme=programme, date__lte=as_of).values(
            "date", "amount", "category", "source", "market_based"
        )
    ]
    budget_by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    budget_by_year_source: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for b in budgets:
        budget_by_year[b["year"]] += b["amount"]
        budget_by_year_source[(b["year"], b["source"])] += b["amount"]
    spent_by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    spent_by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    spent_by_year_category: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    spent_by_year_source: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for x in lines:
        spent_by_year[x["year"]] += x["amount"]
        spent_by_category[x["category"]] += x["amount"]
        spent_by_year_category[(x["category"], x["year"])] += x["amount"]
        spent_by_year_source[(x["year"], x["source"])] += x["amount"]
    labels = dict(FundingSource.choices)
    order = {code: i for i, code in enumerate(labels)}
    by_source = []
    for year, source in sorted(
        set(budget_by_year_source) | set(spent_by_year_source), key=lambda k: (k[0], order.get(k[1], 99))
    ):
        budget = budget_by_year_source.get((year, source))
        spent = spent_by_year_source.get((year, source))
        by_source.append(
            FundingSourceYear(
                year=year,
                source=source,
                source_label=str(labels.get(source, source)),
                budget=budget,
                spent=spent,
                over_budget=budget is not None and spent is not None and spent > budget,
            )
        )
    years = sorted(spent_by_year)
    categories = sorted(spent_by_category, key=lambda c: (-spent_by_category[c], c))
    checks = []
    for rule in programme.funding_rules.order_by("order", "pk"):
        if rule.kind == FundingRule.Kind.MIN_SHARE:
            result = _share_check(rule, lines)
        else:
            result = _yearly_check(rule, lines, programme, as_of)
        checks.append(
            FundingRuleCheck(
                rule_id=rule.pk,
                name=rule.name,
                kind=rule.kind,
                kind_label=str(rule.get_kind_display()),
                category=rule.category or "",
                source=rule.source or "",
                source_label=str(labels.get(rule.source, "")) if rule.source else "",
                threshold=rule.threshold,
                unit=rule.unit,
                source_sentence=rule.source_sentence,
                **result,
            )
        )
    return FundingSummary(
        as_of=as_of,
        budget_by_year=tuple(sorted(budget_by_year.items())),
        spent_by_year=tuple(sorted(spent_by_year.items())),
        spent_by_category=tuple((c, spent_by_category[c]) for c in categories),
        spent_by_year_category=tuple(
            (c, tuple(spent_by_year_category.get((c, y)) for y in years)) for c in categories
        ),
        by_source=tuple(by_source),
        budget_total=sum(budget_by_year.values(), ZERO),
        spent_total=sum(spent_by_year.values(), ZERO),
        checks=tuple(checks),
    )
