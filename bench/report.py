"""Wuhan's acceptance report: end to end against WeasyPrint alone on the same HTML.

End to end is `reports.services.report_generate`, what the Celery job and `manage.py
render_report` run: read the data, draw the charts, lay out the HTML, WeasyPrint, the Excel
workbook, hashes, storage and the version row. The baseline is WeasyPrint alone on that
report's HTML, saved to a file (the floor). Prints both medians, the ratio and the page
count; the last line is `bench report: RATIO× (aim ≤ 1.2×)`. Runs on a throwaway SQLite database with the seed plans and `make run`'s demo
data (statistics, task reports, the engine's results):

    DEBUG=1 .venv/bin/python bench/report.py [--rounds 5]
"""

import argparse
import atexit
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRATCH = tempfile.mkdtemp(prefix="ipcity-bench-report-")
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)
# A throwaway SQLite database and media folder, eager jobs: nothing outside SCRATCH is touched.
for name in ("DATABASE_URL", "REDIS_URL"):
    os.environ.pop(name, None)
os.environ["IPCITY_VAR_DIR"] = SCRATCH
os.environ["MEDIA_ROOT"] = os.path.join(SCRATCH, "media")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--slug", default="wuhan-2017")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from programmes.models import Programme
    from reports.rendering.pdf import pdf_from_html
    from reports.services import report_ensure, report_generate, report_render

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_seed_programmes", verbosity=0)
    # The demo records of `make run`: budgets, quarterly statistics and task reports, and the
    # indicator engine's results, so the report has values, charts and task progress.
    call_command("load_demo_data", stdout=io.StringIO())
    print(f"setup: seeds and demo data in a throwaway SQLite in {SCRATCH} ({time.perf_counter() - t:.1f} s)")

    programme = Programme.objects.get(slug=args.slug)
    report = report_ensure(programme=programme, kind="acceptance")

    html_file = Path(SCRATCH) / "report.html"
    html_file.write_text(report_render(report=report).html, encoding="utf-8")  # also warms up

    def weasyprint_alone():
        return pdf_from_html(html_file.read_text(encoding="utf-8"))

    weasyprint_alone()  # warm-up: fonts loaded once per process, as in a worker

    end_to_end, alone, pages = [], [], None
    for _ in range(args.rounds):
        t = time.perf_counter()
        version = report_generate(report=report)
        end_to_end.append(time.perf_counter() - t)
        pages = version.page_count
        t = time.perf_counter()
        pdf = weasyprint_alone()
        alone.append(time.perf_counter() - t)
        assert pdf.page_count == pages

    def runs(values):
        return ", ".join(f"{x:.2f}" for x in values)

    e2e, base = statistics.median(end_to_end), statistics.median(alone)
    print(f"report: {programme.title} 验收报告, as of {report.as_of}")
    print(f"end to end (report_generate): {e2e:.2f} s  (runs: {runs(end_to_end)})")
    print(f"WeasyPrint alone on the same HTML: {base:.2f} s  (runs: {runs(alone)})")
    print(f"pages: {pages}")
    print(f"bench report: {e2e / base:.2f}× (aim ≤ 1.2×)")


if __name__ == "__main__":
    main()
