"""Benchmark: a province-scale indicator recompute against the bare read of its data.

Builds, in a scratch PostgreSQL database (created and dropped here), 50 programmes × 40
indicators over 30 statistics × 40 quarters × 20 districts (1.2 million reported rows),
then times in the same run:

* the floor: the columns the engine reads, `COPY (SELECT …) TO STDOUT` in plain SQL (no
  ORM) read into pandas: the baseline every ratio is taken against;
* the engine's own read (`statistic_rows_frame`: the ORM query, no ORDER BY), for reference;
* a full recompute of every programme, cold (everything written) and warm (nothing
  changes, so nothing is written: the idempotent path);
* a one-agency incremental recompute: one agency's corrected figures in one programme,
  only the indicators that use its statistics.

and prints the ratio of the full recompute to the COPY floor (aim ≤ 1.5×) and the
incremental time (aim < 0.1 s); the last line is `bench recompute: RATIO× (aim ≤ 1.5×)`.
A small run (to check the script works): `--programmes 2 --quarters 8 --districts 2`.

    DEBUG=1 .venv/bin/python bench/recompute.py [--url postgres://postgres@127.0.0.1:5432/ipcity_bench5]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchkit import scratch_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ipcity_bench5"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--programmes", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--statistics", type=int, default=30)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--districts", type=int, default=20)
    parser.add_argument("--agencies", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)  # eager jobs; this bench calls the service directly
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings")
    import django

    django.setup()


# kinds and formulas of the 40 indicators of a programme, over statistics S01..S30
# (S01..S20 flows, S21..S30 stocks), cycled so every kind appears several times.
def indicator_rows(n: int, flows: list[str], stocks: list[str]) -> list[dict]:
    rows = []
    for i in range(n):
        f1, f2 = flows[i % len(flows)], flows[(i + 7) % len(flows)]
        s1, s2 = stocks[i % len(stocks)], stocks[(i + 3) % len(stocks)]
        kind = [
            "level",
            "annual_flow",
            "share",
            "rate",
            "growth_rate",
            "avg_growth_rate",
            "cumulative",
            "yearly_minimum",
            "per_unit",
            "range",
        ][i % 10]
        formula, target, target_max, comparator = {
            "level": (f"{s1} / {s2} * 100", 150, None, ">="),
            "annual_flow": (f1, 6000, None, ">="),
            "share": (f"{f1} / ({f1} + {f2}) * 100", 45, None, ">="),
            "rate": (f"{f2} / {f1} * 100", 90, None, ">="),
            "growth_rate": (f"yoy({f1})", 8, None, ">="),
            "avg_growth_rate": (f"cagr({f2})", 12, None, ">="),
            "cumulative": (f"cumulative({f1})", 40000, None, ">="),
            "yearly_minimum": (f2, 4000, None, ">="),
            "per_unit": (f"cumulative({f1}) / cumulative({f2})", 1.2, None, ">="),
            "range": (s1, 2000, 3000, "range"),
        }[kind]
        rows.append(
            {
                "order": i,
                "name": f"指标{i + 1:02d}",
                "kind": kind,
                "formula": formula,
                "target": target,
                "target_max": target_max,
                "comparator": comparator,
            }
        )
    return rows


def build(args) -> dict:
    import numpy as np
    import pandas as pd
    from django.db import connection
    from django.utils import timezone

    from indicators.models import Indicator, Statistic, StatisticOwner
    from programmes.models import Agency, City, Programme

    started = time.perf_counter()
    city = City.objects.create(name="基准市", province="基准省")
    agencies = Agency.objects.bulk_create(
        [Agency(city=city, name=f"成员单位{i + 1}") for i in range(args.agencies)]
    )
    flows = [f"BENCH_S{i + 1:02d}" for i in range(args.statistics * 2 // 3)]
    stocks = [f"BENCH_S{i + 1:02d}" for i in range(len(flows), args.statistics)]
    stats = Statistic.objects.bulk_create(
        [Statistic(code=c, name=f"统计{c[-2:]}", unit="件", aggregation="flow") for c in flows]
        + [Statistic(code=c, name=f"统计{c[-2:]}", unit="件", aggregation="stock") for c in stocks]
    )
    first_year = 2015
    last_year = first_year + args.quarters // 4 - 1
    programmes = Programme.objects.bulk_create(
        [
            Programme(
                city=city,
                slug=f"bench-{p + 1:02d}",
                kind=Programme.Kind.DEMONSTRATION_CITY,
                title=f"基准方案{p + 1:02d}",
                period_start=f"{first_year + 1}-01",
                period_end=f"{last_year + 1}-12",
            )
            for p in range(args.programmes)
        ]
    )
    specs = indicator_rows(args.indicators, flows, stocks)
    Indicator.objects.bulk_create(
        [
            Indicator(
                programme=prog,
                area="创造",
                unit="件",
                deadline=str(last_year + 1),
                **{**spec, "target": spec["target"], "target_max": spec["target_max"]},
            )
            for prog in programmes
            for spec in specs
        ]
    )
    owner_of = {s.pk: agencies[i % len(agencies)] for i, s in enumerate(stats)}
    StatisticOwner.objects.bulk_create(
        [
            StatisticOwner(programme=prog, statistic=s, agency=owner_of[s.pk])
            for prog in programmes
            for s in stats
        ]
    )

    # 1.2 million reported rows, written with COPY
    rng = np.random.default_rng(5)
    n_q, n_d, n_s, n_p = args.quarters, args.districts, len(stats), len(programmes)
    shape = (n_p, n_s, n_d, n_q)  # one row per programme × statistic × district × quarter
    is_flow = np.array([s.aggregation == "flow" for s in stats])
    base = np.where(is_flow[None, :], rng.uniform(20, 60, (n_p, n_s)), rng.uniform(80, 150, (n_p, n_s)))
    growth = (1 + rng.uniform(0.02, 0.15, (n_p, n_s)))[..., None] ** (np.arange(n_q) / 4)
    values = base[..., None, None] * growth[:, :, None, :] * rng.uniform(0.9, 1.1, shape)
    index = np.indices(shape).reshape(4, -1)
    data = pd.DataFrame(
        {
            "programme_id": np.array([p.pk for p in programmes])[index[0]],
            "statistic_id": np.array([s.pk for s in stats])[index[1]],
            "agency_id": np.array([owner_of[s.pk].pk for s in stats])[index[1]],
            "area": np.array([f"第{d + 1}区" for d in range(n_d)])[index[2]],
            "year": first_year + index[3] // 4,
            "quarter": index[3] % 4 + 1,
            "value": np.round(values.reshape(-1), 2),
        }
    )
    data["version"] = 1
    data["is_current"] = True
    data["source"] = "demo"
    data["reported_at"] = timezone.now().isoformat()
    data["note"] = ""
    columns = list(data.columns)
    buffer = io.StringIO()
    data.to_csv(buffer, index=False, header=False)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY indicators_statisticvalue ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )
        # settled as a production table is (autovacuum would otherwise scan the fresh rows
        # during the timings below), visibility map included
        cursor.execute("VACUUM (ANALYZE)")
    return {
        "programmes": programmes,
        "rows": len(data),
        "flows": flows,
        "stocks": stocks,
        "agency": agencies[0],
        "agency_codes": [s.code for s in stats if owner_of[s.pk].pk == agencies[0].pk],
        "seconds": time.perf_counter() - started,
    }


FLOOR_SQL = (
    "COPY (SELECT programme_id, id, version, statistic_id, area, year, quarter, value::float8"
    " FROM indicators_statisticvalue WHERE is_current AND programme_id = ANY(%s)) TO STDOUT WITH (FORMAT csv)"
)


def copy_read(programme_ids: list[int]):
    """The floor: the columns the engine needs (indicators.selectors.statistic_rows_frame),
    the current rows of the programmes, in plain SQL through psycopg's COPY, into pandas.
    Without the engine's pending-round filter: this dataset has no rounds, and the floor
    is the least any read of these rows can cost."""
    import pandas as pd
    from django.db import connection

    buffer = io.StringIO()
    with connection.cursor() as cursor:
        sql = cursor.mogrify(FLOOR_SQL, [programme_ids]).decode()
        cursor.cursor.copy_expert(sql, buffer)
    buffer.seek(0)
    return pd.read_csv(
        buffer,
        header=None,
        names=["programme_id", "id", "version", "statistic_id", "area", "year", "quarter", "value"],
        dtype={"area": str},
        keep_default_na=False,
    )


def timed(function, *, repeat: int = 1):
    runs = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def main() -> None:
    args = parse_args()
    scratch_database(args.url)
    try:
        setup_django(args.url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        world = build(args)
        run(args, world)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            scratch_database(args.url, drop_only=True)


def run(args, world) -> None:
    from decimal import Decimal

    from indicators.models import IndicatorProgress, IndicatorValue, StatisticTotal, StatisticValue
    from indicators.selectors import statistic_rows_frame
    from indicators.services import indicator_recompute

    programmes = world["programmes"]
    ids = [p.pk for p in programmes]
    print(
        f"dataset: {len(programmes)} programmes × {args.indicators} indicators, "
        f"{args.statistics} statistics × {args.quarters} quarters × {args.districts} districts "
        f"= {world['rows']:,} reported rows (built in {world['seconds']:.1f} s)"
    )

    floor_s, floor = timed(lambda: copy_read(ids), repeat=3)
    print(f"floor: COPY (SELECT …) TO STDOUT → pandas: {floor_s:7.2f} s  ({len(floor):,} rows)")
    read_s, frame = timed(lambda: statistic_rows_frame(programme_ids=ids), repeat=3)
    assert len(frame) == len(floor), (len(frame), len(floor))
    print(
        f"engine's read (statistic_rows_frame):     {read_s:7.2f} s  ({len(frame):,} rows, "
        f"{read_s / floor_s:.2f}× the floor)"
    )

    phases = {"read": 0.0, "compute": 0.0, "write": 0.0}

    def full():
        # Where a full recompute's time goes, from the progress marks the job's bar shows:
        # 15 % once the statistics are read, 75 % once the engine has computed (then written).
        for key in phases:
            phases[key] = 0.0
        out = []
        for p in programmes:
            marks = {}
            start = time.perf_counter()
            summary = indicator_recompute(
                programme=p,
                progress=lambda percent, _m, marks=marks: marks.setdefault(percent, time.perf_counter()),
            )
            end = time.perf_counter()
            read_end, compute_end = marks.get(15, start), marks.get(75, end)
            phases["read"] += read_end - start
            phases["compute"] += compute_end - read_end
            phases["write"] += end - compute_end
            out.append(summary)
        return out

    def shares() -> str:
        return ", ".join(f"{k} {v:.2f} s ({v / floor_s:.2f}× the floor)" for k, v in phases.items())

    cold_s, summaries = timed(full)
    written = sum(s.get("written", 0) for s in summaries)
    print(f"full recompute, cold (all rows written):  {cold_s:7.2f} s  ({written:,} rows written)")
    print(f"  of which {shares()}")
    warm_s, summaries = timed(full)
    written_again = sum(s.get("written", 0) for s in summaries)
    print(f"full recompute, warm (idempotent):        {warm_s:7.2f} s  ({written_again:,} rows written)")
    print(f"  of which {shares()}")

    programme = programmes[0]
    codes = world["agency_codes"]
    agency = world["agency"]

    def correct_and_recompute(step=[0]):  # noqa: B006 - a counter across runs
        step[0] += 1
        current = StatisticValue.objects.filter(
            programme=programme, statistic__code=codes[0], area="第1区", year=2024, quarter=4, is_current=True
        ).get()
        StatisticValue.objects.filter(pk=current.pk).update(is_current=False)
        StatisticValue.objects.create(
            programme=programme,
            statistic=current.statistic,
            agency=agency,
            area=current.area,
            year=current.year,
            quarter=current.quarter,
            value=current.value + Decimal(step[0]),
            version=current.version + 1,
            supersedes=current,
            source=StatisticValue.Source.FORM,
        )
        started = time.perf_counter()
        summary = indicator_recompute(programme=programme, statistic_codes=codes)
        return time.perf_counter() - started, summary

    runs = [correct_and_recompute() for _ in range(5)]
    incremental_s = statistics.median(r[0] for r in runs)
    summary = runs[-1][1]
    print(
        f"one-agency incremental recompute:        {incremental_s:7.3f} s  "
        f"({summary['indicators']} indicators using {len(codes)} statistics of {agency.name}, "
        f"{summary.get('written', 0)} rows written)"
    )
    print(
        f"stored: {StatisticTotal.objects.count():,} quarter totals, {IndicatorValue.objects.count():,} "
        f"indicator values, {IndicatorProgress.objects.count():,} assessments"
    )
    print(
        f"ratio full recompute / COPY floor: {cold_s / floor_s:.2f}× cold, {warm_s / floor_s:.2f}× warm (aim ≤ 1.5×)"
    )
    print(f"incremental one agency: {incremental_s:.3f} s (aim < 0.1 s)")
    print(f"bench recompute: {cold_s / floor_s:.2f}× (aim ≤ 1.5×)")


if __name__ == "__main__":
    main()
