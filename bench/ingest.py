"""Upload of a 100,000-row statistics file through the same service as the web upload
(`submissions.services.statistics_upload_import`: read, check every row, store the file
with its SHA-256, write versioned values in one transaction) next to pandas reading the same
file alone with the fastest engine installed (calamine). Prints both and the ratio.

    DEBUG=1 .venv/bin/python bench/ingest.py            # throwaway SQLite in a temp folder
    DATABASE_URL=postgres://… DEBUG=1 .venv/bin/python bench/ingest.py   # that database
                                                     (a throwaway one: the run's rows stay)

The file is district × code for one quarter (4,000 districts × 25 statistics), in the
portal's template layout. Three imports are timed: the first (100,000 new values), a
correction (100,000 new versions superseding the old ones), and the same file again
(nothing changes). The aim is ingest ≤ 3 × the bare read.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = tempfile.mkdtemp(prefix="ipcity-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings")
os.environ.setdefault("DEBUG", "1")
if not os.environ.get("DATABASE_URL"):
    os.environ["IPCITY_VAR_DIR"] = SCRATCH  # a throwaway SQLite database and media folder
os.environ.setdefault("MEDIA_ROOT", str(Path(SCRATCH) / "media"))

import django  # noqa: E402

django.setup()

import pandas as pd  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

DISTRICTS = 4000
CODES = [
    "PAT_APP", "INV_APP", "SVC_APP", "INV_GRANT", "INV_VALID", "HV_INV_VALID", "PCT_APP", "FOREIGN_APP",
    "TM_APP", "TM_VALID", "TM_WELLKNOWN", "GI_TM", "COPYRIGHT_REG", "TECH_CONTRACT", "PLEDGE_AMT", "PLEDGE_CNT",
    "INSURANCE_AMT", "CASE_ACCEPTED", "CASE_CLOSED", "CASE_CLOSED_ONTIME", "IP_SPEND", "CERT_ENT", "DEMO_ENT",
    "NAV_PROJ", "TRAINED",
]  # fmt: skip


def world():
    from django.contrib.auth import get_user_model

    from accounts.models import Profile
    from indicators.models import Statistic, StatisticOwner
    from programmes.models import Agency, City, Programme
    from submissions.services import round_open

    stamp = str(int(time.time()))
    city = City.objects.create(name=f"基准市{stamp}")
    agency = Agency.objects.create(city=city, name="市统计局")
    programme = Programme.objects.create(
        city=city,
        slug=f"bench-{stamp}",
        kind="strong_city",
        title="基准测试方案",
        period_start="2024-01",
        period_end="2025-12",
    )
    stats = list(Statistic.objects.filter(code__in=CODES))
    StatisticOwner.objects.bulk_create(
        [
            StatisticOwner(programme=programme, statistic=s, agency=agency, area=f"第{d:04d}区")
            for d in range(DISTRICTS)
            for s in stats
        ],
        batch_size=5000,
    )
    User = get_user_model()
    office = User.objects.create_user(f"bench_office_{stamp}")
    Profile.objects.create(user=office, role=Profile.Role.OFFICE, city=city)
    reporter = User.objects.create_user(f"bench_reporter_{stamp}")
    Profile.objects.create(user=reporter, role=Profile.Role.REPORTER, agency=agency, city=city)
    round = round_open(programme=programme, year=2024, quarter=1, due_date=date(2024, 4, 20), user=office)
    return programme, agency, round, reporter, stats


def write_file(path: Path, *, programme, agency, stats, bump: int) -> None:
    """The template layout (title rows, header, one row per district × code, hidden _meta)."""
    from submissions.ingest import STAT_COLUMNS, TEMPLATE_MARK, TEMPLATE_VERSION

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("统计数据")
    ws.append([f"{agency.name} · 2024年第1季度 统计数据填报表"])
    ws.append(["基准测试文件"])
    ws.append([header for _key, header in STAT_COLUMNS])
    for d in range(DISTRICTS):
        area = f"第{d:04d}区"
        for i, s in enumerate(stats):
            value = (d * 7 + i * 13) % 900 + 10 + bump
            ws.append(["2024Q1", agency.name, s.code, s.name, area, s.unit, None, value, None])
    meta = wb.create_sheet("_meta")
    for row in (
        ("template", TEMPLATE_MARK),
        ("version", TEMPLATE_VERSION),
        ("programme", programme.slug),
        ("period", "2024Q1"),
        ("agency_id", str(agency.pk)),
        ("agency", agency.name),
    ):
        meta.append(row)
    wb.save(path)


def bare_read(path: Path) -> float:
    start = time.perf_counter()
    frames = pd.read_excel(path, engine="calamine", sheet_name=None, header=None)
    elapsed = time.perf_counter() - start
    assert len(frames["统计数据"]) == DISTRICTS * len(CODES) + 3
    return elapsed


def ingest(path: Path, *, round, agency, reporter) -> tuple[float, object]:
    from submissions.services import statistics_upload_import

    data = path.read_bytes()
    start = time.perf_counter()
    outcome = statistics_upload_import(
        round=round, agency=agency, filename=path.name, data=data, user=reporter
    )
    elapsed = time.perf_counter() - start
    assert outcome.accepted, [str(p) for p in outcome.errors[:5]]
    return elapsed, outcome


def main() -> None:
    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    call_command("migrate", verbosity=0)
    programme, agency, round, reporter, stats = world()
    folder = Path(SCRATCH)
    first, second = folder / "stats-a.xlsx", folder / "stats-b.xlsx"
    start = time.perf_counter()
    write_file(first, programme=programme, agency=agency, stats=stats, bump=0)
    write_file(second, programme=programme, agency=agency, stats=stats, bump=1)
    rows = DISTRICTS * len(stats)
    print(
        f"file: {rows:,} rows (district × code), {first.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - start:.1f} s"
    )

    reads = [bare_read(first) for _ in range(3)]
    read = statistics.median(reads)
    print(
        f"pandas.read_excel(engine='calamine') alone: median {read:.2f} s  (runs {', '.join(f'{r:.2f}' for r in reads)})"
    )
    runs = [
        ("first import (100,000 new values)", first),
        ("correction (100,000 new versions)", second),
        ("same file again (nothing changes)", second),
    ]
    ratios = []
    for label, path in runs:
        elapsed, outcome = ingest(path, round=round, agency=agency, reporter=reporter)
        ratios.append(elapsed / read)
        print(
            f"ingest {label}: {elapsed:.2f} s  → {outcome.created:,} written, {outcome.unchanged:,} unchanged"
            f"  ratio {elapsed / read:.2f}×"
        )
    print(f"ratio ingest / bare read: worst {max(ratios):.2f}× (aim ≤ 3×)")


if __name__ == "__main__":
    import shutil

    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
