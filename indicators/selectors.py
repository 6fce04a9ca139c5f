"""Reads of the indicators room: statistic rows into pandas, indicator results for pages,
commands and reports, and the lineage of a computed number back to the uploads."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from django.db import connection
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext as _

from . import engine
from . import progress as rules
from .models import (
    Indicator,
    IndicatorProgress,
    IndicatorValue,
    MilestoneCompletion,
    Statistic,
    StatisticTotal,
    StatisticValue,
)

FRAME_COLUMNS = ["programme_id", *engine.ROW_COLUMNS]

# Which reported rows count: every current version, narrowed by the filters other rooms
# register (e.g. the reporting room: only rows of approved submissions). Each takes and
# returns a StatisticValue queryset; registered in an AppConfig.ready().
VALUE_FILTERS: list = []


def statistic_value_filter_register(function) -> None:
    if function not in VALUE_FILTERS:
        VALUE_FILTERS.append(function)


def statistic_rows_queryset(
    *, programme_ids: list[int] | None = None, codes: list[str] | None = None, catalogue: dict | None = None
):
    """The reported rows that count: current versions, narrowed by VALUE_FILTERS. Codes are
    resolved to ids first (from `catalogue`, code → StatMeta, when given), so the
    (programme, statistic, is_current) index does the work."""
    qs = StatisticValue.objects.filter(is_current=True)
    if programme_ids is not None:
        qs = qs.filter(programme_id__in=programme_ids)
    if codes is not None:
        if catalogue is not None:
            ids = [catalogue[c].id for c in codes if c in catalogue]
        else:
            ids = list(Statistic.objects.filter(code__in=codes).values_list("pk", flat=True))
        qs = qs.filter(statistic_id__in=ids)
    for narrow in VALUE_FILTERS:
        qs = narrow(qs)
    return qs


def statistic_rows_frame(
    *, programme_ids: list[int] | None = None, codes: list[str] | None = None, catalogue: dict | None = None
) -> pd.DataFrame:
    """The current statistic rows (one query) as a DataFrame: programme_id, id, version,
    code, area, year, quarter, value (float). The engine's only read of reported data."""
    if codes is not None and not codes:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    qs = statistic_rows_queryset(programme_ids=programme_ids, codes=codes, catalogue=catalogue)
    # .order_by(): no ORDER BY (Meta.ordering would add three joins and a sort); the
    # engine sorts the rows itself (Totals: one lexsort by code, quarter, id).
    qs = (
        qs.order_by()
        .annotate(v=Cast("value", FloatField()))
        .values_list("programme_id", "id", "version", "statistic_id", "area", "year", "quarter", "v")
    )
    sql, params = qs.query.sql_with_params()
    frame = _rows_read(sql, params)
    if frame.empty:
        return frame
    if catalogue is not None:
        code_of = {meta.id: code for code, meta in catalogue.items()}
    else:
        code_of = dict(Statistic.objects.values_list("pk", "code"))
    frame["code"] = frame["code"].map(code_of)
    frame["value"] = frame["value"].astype("float64")
    return frame


def _rows_read(sql: str, params) -> pd.DataFrame:
    """The engine's rows into pandas. On PostgreSQL through COPY (the same query, its text
    streamed as CSV straight into pandas: no Python tuple per row, the bench's floor
    mechanism); elsewhere (SQLite for `make run`) through the cursor."""
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            query = cursor.mogrify(sql, params).decode()
            cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH CSV", buffer)
        buffer.seek(0)
        if not buffer.getvalue():
            return pd.DataFrame(columns=FRAME_COLUMNS)
        return pd.read_csv(
            buffer,
            header=None,
            names=FRAME_COLUMNS,
            dtype={"area": str, "value": "float64"},
            keep_default_na=False,  # area "" stays "", not NaN
            na_values={"value": [""]},  # a NULL value (a row that says why there is none)
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        records = cursor.fetchall()
    return pd.DataFrame.from_records(records, columns=FRAME_COLUMNS)


def indicator_get_for_user(*, user, slug: str, pk: int) -> tuple:
    """(programme, indicator) when the user may see the programme; 404 otherwise."""
    from accounts.selectors import programme_get_for_user

    programme = programme_get_for_user(user=user, slug=slug)
    indicator = Indicator.objects.filter(programme=programme, pk=pk).select_related("progress").first()
    if indicator is None:
        raise Http404(_("没有找到该指标。"))
    indicator.programme = programme
    return programme, indicator


def progress_by_indicator(*, programme) -> dict[int, IndicatorProgress]:
    """Every indicator's current assessment, in one query."""
    return {p.indicator_id: p for p in IndicatorProgress.objects.filter(indicator__programme=programme)}


def progress_is_stale(*, indicator: Indicator, progress: IndicatorProgress | None) -> bool:
    """True when the indicator's settings or the thresholds changed since it was computed."""
    from .services import indicator_spec, indicator_spec_hash, programme_spec

    if progress is None:
        return True
    return progress.spec_hash != indicator_spec_hash(
        indicator_spec(indicator), programme_spec(indicator.programme)
    )


def indicator_values(*, indicator: Indicator):
    return IndicatorValue.objects.filter(indicator=indicator).order_by("period")


def indicator_chart_data(*, indicator: Indicator, progress: IndicatorProgress | None) -> dict:
    """Series for the ECharts trend: quarterly values (flows year-to-date), year values, the
    target line(s) and the projection to the deadline, on a continuous quarter axis."""
    rows = list(indicator_values(indicator=indicator))
    from .services import indicator_spec, programme_spec

    plan = engine.plan_of(indicator_spec(indicator), programme_spec(indicator.programme))
    deadline = plan.deadline_index
    periods = [r.period for r in rows]
    first = min(periods) if periods else plan.baseline_year * 4
    last = max(periods + [deadline])
    categories = [engine.period_code(p) for p in range(first, last + 1)]
    by_period = {r.period: r for r in rows}
    quarterly = []
    for p in range(first, last + 1):
        r = by_period.get(p)
        quarterly.append(None if r is None or r.value is None else float(r.value))
    yearly = [
        [engine.period_code(r.period), float(r.value)] for r in rows if r.quarter == 4 and r.value is not None
    ]
    data = {
        "categories": categories,
        "quarterly": quarterly,
        "yearly": yearly,
        "target": float(indicator.target),
        "target_max": None if indicator.target_max is None else float(indicator.target_max),
        "deadline": engine.period_code(deadline),
        "unit": indicator.unit,
        "projection": None,
        "labels": {
            "quarterly": _("季度值(流量为年内累计)"),
            "yearly": _("年度值"),
            "target": _("目标"),
            "target_max": _("区间上限"),
            "projection": _("预计"),
            "deadline": _("完成时限"),
        },
    }
    if progress is not None and progress.projection_value is not None:
        points = [[engine.period_code(deadline), float(progress.projection_value)]]
        if progress.year and progress.value is not None:
            points.insert(0, [f"{progress.year}Q{progress.quarter}", float(progress.value)])
        data["projection"] = points
    return data


def _period(code: str) -> int:
    year, quarter = code.split("Q")
    return int(year) * 4 + int(quarter) - 1


def value_lineage(*, value: IndicatorValue, agency_ids: set[int] | None) -> list[dict]:
    """A computed number opened up: per statistic and quarter, the total used and the exact
    reported rows (version, agency, who, when, upload). Rows of agencies the user may not
    see (a reporter sees only its own) are counted, not shown."""
    programme = value.indicator.programme
    result = []
    for code, first, last in value.inputs:
        totals = list(
            StatisticTotal.objects.filter(
                programme=programme,
                statistic__code=code,
                period__gte=_period(first),
                period__lte=_period(last),
            )
            .select_related("statistic")
            .order_by("period")
        )
        ids = [pk for t in totals for pk in t.value_ids]
        rows = {
            r.pk: r
            for r in StatisticValue.objects.filter(pk__in=ids).select_related(
                "agency", "upload", "reported_by", "statistic", "superseded_by"
            )
        }
        quarters = []
        for total in totals:
            shown, hidden = [], 0
            for pk in total.value_ids:
                row = rows.get(pk)
                if row is None:
                    continue
                if agency_ids is not None and row.agency_id not in agency_ids:
                    hidden += 1
                else:
                    shown.append(row)
            quarters.append({"total": total, "rows": shown, "hidden": hidden})
        statistic = totals[0].statistic if totals else None
        result.append(
            {"code": code, "first": first, "last": last, "statistic": statistic, "quarters": quarters}
        )
    return result


def milestone_records(*, indicator: Indicator):
    return MilestoneCompletion.objects.filter(indicator=indicator).select_related("recorded_by")


def indicator_assess_as_of(*, indicator: Indicator, year: int, quarter: int, today: date | None = None):
    """The assessment of an indicator as it stood at the end of a quarter (for a mid-term
    report): the stored quarterly values up to then, judged by the same rules."""
    return indicators_assess_as_of(indicators=[indicator], year=year, quarter=quarter, today=today)[
        indicator.pk
    ]


def indicators_assess_as_of(*, indicators, year: int, quarter: int, today: date | None = None) -> dict:
    """`indicator_assess_as_of` for many indicators of one programme in two queries (their
    values, their milestone records), whatever their number: indicator pk → assessment.
    An indicator carrying `.progress` (from `progress_by_indicator`) gives its baseline."""
    from .services import _milestone_states, indicator_spec, programme_spec

    indicators = list(indicators)
    if not indicators:
        return {}
    spec = programme_spec(indicators[0].programme)
    cutoff = year * 4 + quarter - 1
    points: dict[int, list] = {ind.pk: [] for ind in indicators}
    values = IndicatorValue.objects.filter(indicator__in=indicators, period__lte=cutoff).order_by(
        "indicator_id", "period"
    )
    for v in values.only("indicator_id", "year", "quarter", "value", "is_partial", "reason"):
        value = None if v.value is None else float(v.value)
        points[v.indicator_id].append(rules.Point(v.year, v.quarter, value, v.is_partial, v.reason))
    milestones = _milestone_states([ind.pk for ind in indicators], as_of=today)
    results = {}
    for ind in indicators:
        plan = engine.plan_of(indicator_spec(ind), spec)
        progress = getattr(ind, "progress", None)
        base_value = (
            None if progress is None or progress.baseline_value is None else float(progress.baseline_value)
        )
        baseline = rules.Baseline(base_value, plan.baseline_year, _("缺少基期值。"))
        results[ind.pk] = rules.assess(
            plan,
            points[ind.pk],
            baseline=baseline,
            thresholds=spec.thresholds,
            milestone=milestones.get(ind.pk),
            today=today,
        )
    return results


def programme_status_rows(*, programme) -> list[dict]:
    """One row per indicator for `manage.py indicator_status` and exports."""
    progress = progress_by_indicator(programme=programme)
    rows = []
    for indicator in programme.indicators.order_by("order", "pk"):
        p = progress.get(indicator.pk)
        period = p.period_label if p is not None else ""
        provisional = None
        if p is not None and p.provisional_value is not None:
            provisional = {"value": float(p.provisional_value), "period": p.provisional_period}
        rows.append(
            {
                "name": indicator.name,
                "kind": indicator.kind,
                "formula": indicator.formula,
                "value": None if p is None or p.value is None else float(p.value),
                "unit": indicator.unit,
                "period": period,
                "comparator": indicator.comparator,
                "target": float(indicator.target),
                "target_max": None if indicator.target_max is None else float(indicator.target_max),
                "deadline": indicator.deadline,
                "baseline": None if p is None or p.baseline_value is None else float(p.baseline_value),
                "completion": None if p is None or p.completion is None else float(p.completion),
                "progress": None if p is None or p.progress is None else float(p.progress),
                "provisional": provisional,
                "final": bool(p is not None and p.is_final),
                "status": p.status if p is not None else rules.NO_DATA,
                "status_label": rules.status_label(p.status if p is not None else rules.NO_DATA),
                "reason": p.reason
                if p is not None
                else _("尚未计算:请运行 recompute_indicators %(slug)s。") % {"slug": programme.slug},
                "rule": p.rule if p is not None else "",
                "projection": None
                if p is None or p.projection_value is None
                else {
                    "value": float(p.projection_value),
                    "period": p.projection_period,
                    "text": p.projection_text,
                },
                "flags": p.flags if p is not None else [],
                "computed_at": p.computed_at.isoformat() if p is not None else None,
            }
        )
    return rows
