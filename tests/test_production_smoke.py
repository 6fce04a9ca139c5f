"""The production stack, as processes (no Docker engine here): collectstatic with the
production settings, gunicorn with DEBUG off on PostgreSQL, a Celery worker and beat on
Redis. Driven over HTTP like a browser behind the TLS proxy: log in, open a programme page
and a hashed static file, approve a submission and see its recompute land, generate and
download a PDF, and watch beat + worker recover a job whose worker was killed.

Its own database (ipcity_smoke, recreated), Redis db (13) and Celery queue. It never skips:
without PostgreSQL or Redis it fails and says which is missing."""

import re
import sys
import uuid

import pytest

from tests.production_env import production_env
from tests.smoke_support import (
    Browser,
    ServiceProcess,
    database_recreate,
    free_port,
    job_finished,
    job_status,
    manage,
    poll,
    python,
    query,
    service_urls,
)

PASSWORD = "demo12345"
SLUG = "wuhan-2017"

# A recompute "killed" at 75% ten minutes ago, and the outbox schedule made due now, so beat
# fires core.requeue_stale_jobs as soon as it starts (instead of after its first minute).
KILLED_JOB = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from ipcity.core.models import JobRun
from programmes.models import Programme

wuhan = Programme.objects.get(slug="wuhan-2017")
ago = timezone.now() - timedelta(minutes=10)
job = JobRun.objects.create(
    kind="indicator_recompute", status="running", progress=75, message="写入计算结果",
    params={"programme_id": wuhan.pk}, target=wuhan, attempts=1,
    created_by=get_user_model().objects.get(username="office_wuhan"),
    started_at=ago, heartbeat_at=ago,
)
PeriodicTask.objects.filter(task="core.requeue_stale_jobs").update(last_run_at=timezone.now() - timedelta(hours=1))
print(job.pk)
"""


@pytest.fixture
def stack(tmp_path):
    admin_url, redis_url = service_urls()
    database_url = database_recreate(admin_url)
    port = free_port()
    env = production_env(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_QUEUE=f"ipcity-smoke-{uuid.uuid4().hex[:8]}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        IPCITY_VAR_DIR=str(tmp_path / "var"),
        ALLOWED_HOSTS="127.0.0.1",
        DB_CONN_MAX_AGE="0",
        LOG_LEVEL="INFO",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "load_seed_programmes")
    manage(env, "load_demo_data", "--i-know-this-is-demo")
    collected = manage(env, "collectstatic", "--noinput")
    assert "post-processed" in collected, collected
    assert (tmp_path / "static" / "staticfiles.json").exists(), "no manifest: every page would be a 500"

    killed_job = int(python(env, KILLED_JOB).splitlines()[-1])
    processes: list[ServiceProcess] = []
    try:
        celery = [sys.executable, "-m", "celery", "-A", "ipcity"]
        processes.append(
            ServiceProcess(
                "gunicorn",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "ipcity.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--timeout",
                    "120",
                    "--access-logfile",
                    "-",
                ],
                env,
                "Booting worker",
            )
        )
        processes.append(
            ServiceProcess(
                "worker",
                [
                    *celery,
                    "worker",
                    "--pool=solo",
                    "-Q",
                    env["CELERY_QUEUE"],
                    "-n",
                    f"smoke-{uuid.uuid4().hex[:6]}@%h",
                    "-l",
                    "info",
                    "--without-gossip",
                    "--without-mingle",
                ],
                env,
                " ready.",
            )
        )
        processes.append(
            ServiceProcess(
                "beat",
                [*celery, "beat", "-l", "info", "--pidfile", str(tmp_path / "beat.pid")],
                env,
                "beat: Starting",
            )
        )
        for p in processes:
            p.wait_ready(timeout=90)
        yield {"port": port, "database_url": database_url, "killed_job": killed_job, "processes": processes}
    finally:
        for p in processes:
            p.stop()
            (tmp_path / f"{p.name}.log").write_text(p.text(), encoding="utf-8")
            print(f"--- {p.name} (full log: {tmp_path / p.name}.log)\n{p.output}")  # shown on failure


def test_the_production_stack_serves_the_office_workflow(stack):
    port, db, processes = stack["port"], stack["database_url"], stack["processes"]
    browser = Browser(port)

    # plain HTTP (no proxy header) is sent to HTTPS: SECURE_SSL_REDIRECT is on
    plain = browser.raw("GET", "/login/", headers={"Host": f"127.0.0.1:{port}"})
    assert plain.status == 301 and plain.header("Location").startswith("https://")

    # log in; the page's stylesheet is the manifest's hashed file, served by WhiteNoise
    login_page = browser.get("/login/")
    assert login_page.status == 200, login_page.text[:2000]
    assert "max-age=31536000" in login_page.header("Strict-Transport-Security")
    css = re.search(r'href="(/static/vendor/bootstrap-5\.3\.9\.min\.[0-9a-f]{12}\.css)"', login_page.text)
    assert css, "the login page does not link a hashed stylesheet from the manifest"
    asset = browser.get(css.group(1))
    assert asset.status == 200 and asset.header("Content-Type").startswith("text/css")
    assert "immutable" in asset.header("Cache-Control") or "max-age" in asset.header("Cache-Control")
    assert b"sourceMappingURL" not in asset.body

    logged_in = browser.post("/login/", {"username": "office_wuhan", "password": PASSWORD}, follow=False)
    assert logged_in.status == 302, logged_in.text[:2000]
    session_cookie = next(c for c in logged_in.all("Set-Cookie") if c.startswith("sessionid="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "Max-Age=28800" in session_cookie

    programme = browser.get(f"/programmes/{SLUG}/")
    assert programme.status == 200, programme.text[:2000]
    assert "武汉" in programme.text and "退出" in programme.text

    # the job beat + worker recover: killed at 75%, re-enqueued after its stale heartbeat
    killed = stack["killed_job"]
    status, html = poll(
        lambda: (s := job_status(browser, killed))[0] == "succeeded" and s,
        timeout=180,
        what="the interrupted job to be re-enqueued by beat and finished by the worker",
        processes=processes,
    )
    assert "任务中断，已自动重试（第1次）" in html
    assert query(db, "SELECT status, attempts, interruptions FROM core_jobrun WHERE id = %s", [killed]) == [
        ("succeeded", 2, 1)
    ]

    # a correction cycle on the demo's approved year-end figures (all plans have ended, so
    # the last round's statistics are in): the office reopens the 市科技局 reporter's latest
    # statistics item, the reporter resubmits it over HTTP, the office approves it below
    [(reopen_id,)] = query(
        db,
        "SELECT s.id FROM submissions_submission s "
        "JOIN submissions_reportinground r ON r.id = s.round_id "
        "JOIN programmes_programme p ON p.id = r.programme_id "
        "JOIN accounts_profile f ON f.agency_id = s.agency_id "
        "JOIN auth_user u ON u.id = f.user_id "
        "WHERE p.slug = %s AND s.kind = 'statistics' AND s.state = 'approved' "
        "AND u.username = 'reporter_wuhan_kjj' ORDER BY r.year DESC, r.quarter DESC LIMIT 1",
        [SLUG],
    )
    reopened = browser.post(f"/submissions/{reopen_id}/reopen/", {"reason": "请核对第四季度数据。"})
    assert reopened.status == 200 and "已重新开放" in reopened.text, reopened.text[:2000]
    reporter = Browser(port)
    reporter.get("/login/")
    signed_in = reporter.post(
        "/login/", {"username": "reporter_wuhan_kjj", "password": PASSWORD}, follow=False
    )
    assert signed_in.status == 302, signed_in.text[:2000]
    resubmitted = reporter.post(f"/submissions/{reopen_id}/submit/", {})
    assert resubmitted.status == 200 and "已提交" in resubmitted.text, resubmitted.text[:2000]

    # approve a submitted statistics item from the review queue; its recompute lands
    queue = browser.get(f"/review/?programme={SLUG}&kind=statistics")
    assert queue.status == 200
    rows = re.findall(r"<tr>.*?</tr>", queue.text, flags=re.S)
    item_ids = [
        int(m.group(1))
        for row in rows
        if "统计数据" in row and (m := re.search(r'href="/submissions/(\d+)/[?"]', row))
    ]
    assert item_ids, "the demo data has no submitted statistics item for Wuhan to approve"
    item = item_ids[0]
    before = query(db, "SELECT coalesce(max(id), 0) FROM core_jobrun WHERE kind = 'indicator_recompute'")[0][
        0
    ]
    approved = browser.post(f"/submissions/{item}/approve/", {})
    assert approved.status == 200 and "已审核通过" in approved.text, approved.text[:2000]
    assert query(db, "SELECT state FROM submissions_submission WHERE id = %s", [item]) == [("approved",)]
    jobs = query(
        db,
        "SELECT j.id FROM core_jobrun j JOIN auth_user u ON u.id = j.created_by_id "
        "WHERE j.kind = 'indicator_recompute' AND j.id > %s AND u.username = 'office_wuhan'",
        [before],
    )
    assert len(jobs) == 1, jobs
    recompute = jobs[0][0]
    status, html = job_finished(
        browser, recompute, "the recompute after the approval", processes, timeout=180
    )
    assert status == "succeeded", html
    assert "100%" in html

    # a PDF report (the demo's, or a new one): generate it in the worker, download it
    listing = browser.get(f"/programmes/{SLUG}/reports/")
    assert listing.status == 200
    existing = re.search(rf'href="/programmes/{SLUG}/reports/(\d+)/"', listing.text)
    if existing:
        report_id = int(existing.group(1))
    else:
        created = browser.post(f"/programmes/{SLUG}/reports/new/", {"kind": "acceptance"})
        assert created.status == 200, created.text[:3000]
        report_id = int(re.search(rf"/programmes/{SLUG}/reports/(\d+)/generate/", created.text).group(1))
    generated = browser.post(f"/programmes/{SLUG}/reports/{report_id}/generate/", {})
    assert generated.status == 200
    job_id = int(re.search(r'id="job-(\d+)"', generated.text).group(1))
    status, html = job_finished(browser, job_id, "the PDF report generation", processes, timeout=300)
    assert status == "succeeded", html
    download = re.search(r'href="(/programmes/[^"]+/pdf/)"', html).group(1)
    pdf = browser.get(download)
    assert pdf.status == 200
    assert pdf.header("Content-Type") == "application/pdf"
    assert pdf.body.startswith(b"%PDF") and len(pdf.body) > 10_000

    # nothing went wrong on the way
    for p in processes:
        assert "Traceback" not in p.text(), f"{p.name}:\n{p.output}"
