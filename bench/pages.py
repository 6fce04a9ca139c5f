"""Page loads under the production stack: a province-scale dataset served by gunicorn with
the production settings on PostgreSQL, driven by concurrent logged-in users of every role.

Builds, in its own database (ipcity_bench_pages, recreated and dropped here), 50 programmes
(copies of the Wuhan seed plan, each in its own city of one province: about 40 agencies
each), two years of quarterly rounds with their statistics and task reports (the demo
loaders of `make run`), the engine's results and a report per programme; collects the static
files; starts gunicorn as the deployment does (tests/smoke_support.ServiceProcess, the
environment of tests/production_env); then for each role (office, reporter, evaluator,
province) runs 20 users at once, each logged in with its own session cookie, each opening
the role's main pages `--rounds` times (after one user alone, three times: the "alone" column,
the page's service time without queueing), with no pause between pages (the server
saturated: the headline figure), and again with `--think` seconds (mean, default 2) between
a user's pages, as people read them (`pages with 2 s think time: worst p95 X ms`); then
office users approve three resubmitted statistics
items each, one request at a time (`bench approval: p95 X ms (aim < 300 ms)`, the recompute
written and enqueued on Redis). Prints, per page: requests, p50 and p95 in ms,
queries per request (an X-Bench-Queries header added by this file's WSGI wrapper, which only
the bench serves: nothing in the portal counts queries), and requests/s per role. The last
line is `bench pages: p95 X ms (aim < 150 ms)`, X the worst page's p95.

    DEBUG=1 .venv/bin/python bench/pages.py                 # full scale (tens of minutes)
    DEBUG=1 .venv/bin/python bench/pages.py --scale 0.1     # 5 programmes, 2 users per role

Every process it starts is stopped by its PID at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "ipcity_bench_pages"
PASSWORD = "bench-pages-12345"
ROLES = ("office", "reporter", "evaluator", "province")
# The main pages of each role: (name, path template) over the user's programme, round, agency.
PAGES = {
    "office": [
        ("office home", "/workbench/"),
        ("programme detail", "/programmes/{slug}/"),
        ("indicators", "/programmes/{slug}/indicators/"),
        ("tasks", "/programmes/{slug}/tasks/"),
        ("rounds", "/programmes/{slug}/rounds/"),
        ("round detail", "/programmes/{slug}/rounds/{period}/"),
        ("review queue", "/review/"),
        ("reports", "/programmes/{slug}/reports/"),
    ],
    "reporter": [
        ("reporter home", "/workbench/reporter/"),
        ("reporting", "/reporting/"),
        ("agency round", "/programmes/{slug}/rounds/{period}/agencies/{agency}/"),
        ("programme detail", "/programmes/{slug}/"),
    ],
    "evaluator": [
        ("evaluator home", "/workbench/evaluator/"),
        ("programme detail", "/programmes/{slug}/"),
        ("indicators", "/programmes/{slug}/indicators/"),
        ("reports", "/programmes/{slug}/reports/"),
    ],
    "province": [
        ("province home", "/workbench/province/"),
        ("programme list", "/programmes/"),
        ("programme detail", "/programmes/{slug}/"),
    ],
}


# --- the WSGI wrapper gunicorn serves: the portal, plus a query count per response -------------


def _counting_application():
    from django.db import connection

    from ipcity.wsgi import application as portal

    def application(environ, start_response):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        def start(status, headers, exc_info=None):
            headers.append(("X-Bench-Queries", str(count[0])))
            return start_response(status, headers, exc_info)

        with connection.execute_wrapper(counter):
            return portal(environ, start)

    return application


if __name__ != "__main__" and os.environ.get("IPCITY_BENCH_PAGES") == "1":
    application = _counting_application()  # gunicorn --pythonpath bench pages:application


# --- the dataset -------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="0.1: 5 programmes, 2 users per role")
    parser.add_argument(
        "--rounds", type=int, default=0, help="visits of each page per user (default by scale)"
    )
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the Dockerfile's 3)")
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="a second pass with this mean think time between a user's pages, in seconds (0: none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def database(admin_url: str, *, drop_only: bool = False) -> str:
    """The bench's own database, beside the admin URL's (created afresh, or dropped)."""
    from benchkit import scratch_database

    url = admin_url.rsplit("/", 1)[0] + f"/{DB_NAME}"
    scratch_database(url, drop_only=drop_only)
    return url


def seed_copies(n: int, folder: Path) -> list[Path]:
    """n copies of the Wuhan seed plan, each its own city of one province, two years long."""
    source = json.loads((ROOT / "programmes" / "seed_data" / "wuhan-2017.json").read_text(encoding="utf-8"))
    paths = []
    for i in range(n):
        data = dict(source)
        data.update(
            slug=f"bench-{i + 1:02d}",
            city=f"基准{i + 1:02d}市",
            province="基准省",
            title=f"基准{i + 1:02d}市知识产权示范城市建设方案",
            period={"start": "2019-01", "end": "2020-12"},
            source_file="",
        )
        path = folder / f"bench-{i + 1:02d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def build(n_programmes: int, n_users: int, folder: Path) -> dict:
    import io

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from accounts.models import Profile
    from indicators.services import statistic_catalogue_load
    from indicators.validation.services import validation_rules_ensure_defaults
    from programmes.models import Programme
    from programmes.services import seed_programmes_load
    from reports.services import report_ensure

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    statistic_catalogue_load()
    for programme in seed_programmes_load(paths=seed_copies(n_programmes, folder)):
        validation_rules_ensure_defaults(programme=programme)
    # rounds, statistics, task reports, funding and the engine's results, as `make run` has them
    call_command("load_demo_data", "--i-know-this-is-demo", stdout=io.StringIO())
    programmes = list(
        Programme.objects.select_related("city").filter(slug__startswith="bench-").order_by("slug")
    )
    for programme in programmes:
        report_ensure(programme=programme, kind="acceptance")

    User = get_user_model()
    hashed = make_password(PASSWORD)  # one hash for every bench user: setup is not the bench
    users: dict[str, list[dict]] = defaultdict(list)
    for role in ROLES:
        for i in range(n_users):
            programme = programmes[i % len(programmes)]
            latest = programme.reporting_rounds.order_by("-year", "-quarter").first()
            agency = None
            profile = {"role": role}
            if role == Profile.Role.OFFICE:
                profile["city"] = programme.city
            elif role == Profile.Role.REPORTER:
                owned = list(programme.statistic_owners.values_list("agency_id", flat=True).distinct())
                agency = owned[i // len(programmes) % len(owned)]
                profile["agency_id"], profile["city"] = agency, programme.city
            elif role == "province":
                profile["province"] = "基准省"
            user = User.objects.create(username=f"bench_{role}_{i:02d}", password=hashed)
            made = Profile.objects.create(user=user, **profile)
            if role == Profile.Role.EVALUATOR:
                made.programmes.add(programme)
            users[role].append(
                {
                    "username": user.username,
                    "slug": programme.slug,
                    "period": latest.period if latest else "",
                    "agency": agency or "",
                }
            )
    from django.utils import timezone

    from indicators.models import StatisticValue
    from submissions.models import ReportingRound, Submission
    from tasks.models import TaskReport

    # Items for the approval timing: in each office user's programme, three statistics items
    # of the last round put back to 已提交 (bench setup, as if their agencies had resubmitted).
    approvals = []
    for office in users["office"]:
        items = list(
            Submission.objects.filter(
                round__programme__slug=office["slug"], kind="statistics", state="approved"
            ).order_by("-round__year", "-round__quarter", "pk")[:3]
        )
        Submission.objects.filter(pk__in=[i.pk for i in items]).update(
            state="submitted", submitted_at=timezone.now(), reviewed_at=None, reviewed_by=None
        )
        approvals += [(office["username"], item.pk) for item in items]

    counts = {
        "programmes": len(programmes),
        "agencies per programme": round_mean([p.city.agencies.count() for p in programmes]),
        "rounds": ReportingRound.objects.count(),
        "submissions": Submission.objects.count(),
        "statistic values": StatisticValue.objects.count(),
        "task reports": TaskReport.objects.count(),
    }
    return {
        "users": users,
        "counts": counts,
        "approvals": approvals,
        "seconds": time.perf_counter() - started,
    }


def round_mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


# --- driving it --------------------------------------------------------------------------------


def user_session(port: int, username: str):
    from tests.smoke_support import Browser

    browser = Browser(port)
    browser.get("/login/")
    answer = browser.post("/login/", {"username": username, "password": PASSWORD}, follow=False)
    if answer.status != 302:
        raise SystemExit(f"{username} could not log in: {answer.status} {answer.text[:500]}")
    return browser


def drive(port: int, role: str, users: list[dict], rounds: int, think: float = 0.0) -> tuple[dict, float]:
    """Every user of the role at once, each with its own session; returns per page
    [(ms, queries, status)] and the role's requests per second. `think`: the mean seconds a
    user spends on a page before opening the next (uniform between half and one and a
    half times it, from a seeded generator); 0: the next page at once."""
    sessions = [(user_session(port, u["username"]), u) for u in users]  # logins are not timed
    samples: dict[str, list] = defaultdict(list)
    lock = threading.Lock()
    start_gate = threading.Barrier(len(sessions))

    def run(browser, user):
        pause = random.Random(user["username"])
        start_gate.wait()
        if think:
            time.sleep(pause.uniform(0, think))  # users arrive spread out, not in step
        for _ in range(rounds):
            for name, template in PAGES[role]:
                path = template.format(**user)
                t = time.perf_counter()
                response = browser.get(path, follow=False)
                ms = (time.perf_counter() - t) * 1000
                queries = int(response.header("X-Bench-Queries") or -1)
                with lock:
                    samples[name].append((ms, queries, response.status))
                if think:
                    time.sleep(pause.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=run, args=s) for s in sessions]
    t = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t
    total = sum(len(v) for v in samples.values())
    return samples, total / wall


def approve_all(port: int, approvals: list[tuple[str, int]]) -> list[float]:
    """One office user at a time approves its items, one POST each (the review page's
    button), as the production stack answers it: the item approved and its recompute
    written as a JobRun and enqueued on Redis. Returns the milliseconds of each request."""
    sessions: dict[str, object] = {}
    times = []
    for username, item in approvals:
        browser = sessions.get(username) or sessions.setdefault(username, user_session(port, username))
        browser.get(f"/submissions/{item}/")  # the page the button is on (its CSRF cookie)
        t = time.perf_counter()
        answer = browser.post(f"/submissions/{item}/approve/", {}, follow=False)
        times.append((time.perf_counter() - t) * 1000)
        if answer.status != 302:
            raise SystemExit(f"approval of item {item} answered {answer.status}: {answer.text[:500]}")
    return times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    args = parse_args()
    n_programmes = max(1, round(50 * args.scale))
    n_users = max(2, round(20 * args.scale))
    rounds = args.rounds or max(2, round(10 * args.scale))
    scratch = Path(tempfile.mkdtemp(prefix="ipcity-bench-pages-"))
    database_url = database(args.admin_url)
    os.environ.update(DATABASE_URL=database_url, IPCITY_VAR_DIR=str(scratch / "var"))
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ.pop("REDIS_URL", None)  # the build runs jobs inline
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    processes = []
    try:
        world = build(n_programmes, n_users, scratch)
        counts = ", ".join(
            f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in world["counts"].items()
        )
        print(f"dataset (scale {args.scale:g}): {counts}; built in {world['seconds']:.0f} s")
        from django.db import connection, connections

        with connection.cursor() as cursor:
            # settled as a production database is: planner statistics for the fresh rows,
            # and no autovacuum scanning them while the pages are timed
            cursor.execute("VACUUM (ANALYZE)")
        connections.close_all()
        processes = serve(args, database_url, scratch)
        port = processes[0].port
        rows, worst = [], 0.0
        for role in ROLES:
            # One user alone first: the page's own service time, without queueing behind others.
            solo, _rps = drive(port, role, world["users"][role][:1], 3)
            samples, rps = drive(port, role, world["users"][role], rounds)
            print(f"\n{role}: {len(world['users'][role])} concurrent users, {rps:.1f} requests/s")
            # The least the saturated pass can show, whatever the code: N users with no pause,
            # each page's own service time (alone), shared by this machine's cores (Little's law;
            # optimistic, since PostgreSQL and this client use the same cores).
            alone_ms = statistics.mean(percentile([x[0] for x in solo[name]], 50) for name, _t in PAGES[role])
            cores = os.cpu_count() or 1
            users = len(world["users"][role])
            print(
                f"  floor with no pause (Little's law): ≥ {users * alone_ms / cores:.0f} ms mean response "
                f"({users} users × {alone_ms:.0f} ms alone ÷ {cores} cores)"
            )
            print(
                f"  {'page':<18} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'alone ms':>9} {'queries':>9} {'not 200':>8}"
            )
            for name, _template in PAGES[role]:
                got = samples[name]
                ms = [s[0] for s in got]
                queries = sorted({s[1] for s in got})
                bad = sum(1 for s in got if s[2] != 200)
                p50, p95 = percentile(ms, 50), percentile(ms, 95)
                worst = max(worst, p95)
                q = f"{queries[0]}" if len(queries) == 1 else f"{queries[0]}–{queries[-1]}"
                alone = percentile([x[0] for x in solo[name]], 50)
                print(f"  {name:<18} {len(got):>5} {p50:>8.0f} {p95:>8.0f} {alone:>9.0f} {q:>9} {bad:>8}")
                rows.append((role, name, p95, bad))
        paced_worst = None
        if args.think:
            # The same users as people use a portal: a page read for a few seconds before the
            # next. The pass above, with no pause, measures the server saturated: with N users
            # and no think time, each request waits behind the others (Little's law: response
            # time ≥ N × service time ÷ cores), whatever the pages cost.
            paced_worst = 0.0
            paced_rounds = max(1, min(3, rounds))
            print(
                f"\nthe same users with a think time of {args.think:g} s (mean) between pages, {paced_rounds} rounds:"
            )
            for role in ROLES:
                samples, rps = drive(port, role, world["users"][role], paced_rounds, think=args.think)
                parts = []
                for name, _template in PAGES[role]:
                    p95 = percentile([s[0] for s in samples[name]], 95)
                    paced_worst = max(paced_worst, p95)
                    parts.append(f"{name} {percentile([s[0] for s in samples[name]], 50):.0f}/{p95:.0f}")
                print(f"  {role} ({rps:.1f} requests/s), p50/p95 ms: " + ", ".join(parts))
        from indicators.services import RECOMPUTE_JOB_KIND
        from ipcity.core.models import JobRun
        from submissions.models import Submission

        before = JobRun.objects.filter(kind=RECOMPUTE_JOB_KIND).count()
        times = approve_all(port, world["approvals"])
        approved = Submission.objects.filter(
            pk__in=[i for _u, i in world["approvals"]], state="approved"
        ).count()
        enqueued = JobRun.objects.filter(kind=RECOMPUTE_JOB_KIND).count() - before
        print(
            f"\napproval (production settings, recompute enqueued on Redis): {len(times)} requests, "
            f"p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms; "
            f"{approved} approved, {enqueued} recompute jobs written"
        )
        print(f"bench approval: p95 {percentile(times, 95):.0f} ms (aim < 300 ms)")
        failures = [(r, n, b) for r, n, _p, b in rows if b]
        if failures:
            print("\npages answering other than 200: " + ", ".join(f"{r}/{n} ({b}×)" for r, n, b in failures))
        if paced_worst is not None:
            print(f"pages with {args.think:g} s think time: worst p95 {paced_worst:.0f} ms")
        print(f"bench pages: p95 {worst:.0f} ms (aim < 150 ms)")
    finally:
        for process in processes:
            process.stop()
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()  # the bench's own db: no job left queued
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database(args.admin_url, drop_only=True)
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


def serve(args, database_url: str, scratch: Path) -> list:
    """collectstatic, then gunicorn under the production settings; returns [the process]."""
    import subprocess

    from tests.production_env import production_env
    from tests.smoke_support import ServiceProcess, free_port

    port = free_port()
    env = production_env(
        DATABASE_URL=database_url,
        REDIS_URL=args.redis_url,
        STATIC_ROOT=str(scratch / "static"),
        MEDIA_ROOT=str(scratch / "media"),
        IPCITY_VAR_DIR=str(scratch / "var"),
        ALLOWED_HOSTS="127.0.0.1",
        IPCITY_BENCH_PAGES="1",
        LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "pages:application",
        "--pythonpath",
        f"{ROOT / 'bench'},{ROOT}",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "120",
    ]
    process = ServiceProcess("gunicorn", command, env, "Booting worker")
    process.port = port
    process.wait_ready(timeout=90)
    time.sleep(1)  # the other workers boot too
    return [process]


if __name__ == "__main__":
    main()
