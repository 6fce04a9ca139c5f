"""A real Celery worker for tests marked `worker`: started by the test, stopped after.

    # in your tests/<room>/conftest.py:
    from tests.worker_support import celery_worker, celery_worker_factory, reseed_after_module  # noqa: F401

    # in the test module:
    pytestmark = [
        pytest.mark.worker,
        pytest.mark.django_db(transaction=True),
        pytest.mark.usefixtures("reseed_after_module"),
    ]

    def test_something(celery_worker):
        ...  # enqueue through the normal services; wait_for(...) the JobRun

The worker is `celery -A ipcity worker --pool=solo -Q <settings.CELERY_TASK_DEFAULT_QUEUE>`
in a subprocess, on the broker at REDIS_URL and on the SAME database as the test: the
test database's name and credentials are passed as DATABASE_URL (PostgreSQL's test
database is `test_<name>`). Tests must use `django_db(transaction=True)` so that what they
write is committed and visible to the worker; the transactional flush empties the
database afterwards, so `reseed_after_module` loads the seed world again for the tests
that follow (and `ensure_seed_world()` restores it between worker tests).

Without REDIS_URL or PostgreSQL the tests are skipped with the reason, except in CI
(CI=true), where that is a failure: CI must run them for real.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from urllib.parse import quote

import pytest
from django.conf import settings

READY_TIMEOUT = 60
# Stored assessments in tests are made as of this date, in the test process and in its workers:
# before every seed plan's deadline except Harbin's (2018-12). Tests never read the wall clock.
ASSESSMENT_AS_OF = date(2018, 6, 30)


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, but the worker tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("redis://"):
        _unavailable("REDIS_URL is not set: the worker tests need a real Redis broker")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        _unavailable(f"Redis at {url} cannot be reached: {exc}")
    return url


def database_url_for_worker() -> str:
    """The test database (not the configured one) as a DATABASE_URL for the subprocess."""
    from django.db import connection

    if connection.vendor != "postgresql":
        _unavailable(f"the worker needs the test database on PostgreSQL, not {connection.vendor}")
    s = connection.settings_dict
    auth = quote(s.get("USER") or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


class WorkerProcess:
    """A running worker subprocess; its output is kept for failure messages."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.command = command
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            cwd=str(settings.BASE_DIR),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if " ready." in line:
                self.ready.set()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def output(self) -> str:
        return "\n".join(self.lines[-80:])

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready.wait(0.2):
                return
            if self.process.poll() is not None:
                break
        self.stop()
        pytest.fail(f"the Celery worker did not become ready:\n{self.output}", pytrace=False)

    def kill(self) -> None:
        """SIGKILL, as when a machine dies: no warm shutdown, the task is not acknowledged."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM (warm shutdown), then SIGKILL if it does not exit; by PID, nothing else."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reader.join(timeout=5)


@pytest.fixture
def celery_worker_factory(django_db_blocker) -> Callable[..., WorkerProcess]:
    """start(settings_module=None, extra_env=None) → a ready WorkerProcess; every worker
    started is stopped by PID when the test ends (before the database is flushed)."""
    from ipcity.celery import app

    redis_url = _redis_url()
    with django_db_blocker.unblock():
        database_url = database_url_for_worker()
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    eager_before = app.conf.task_always_eager
    app.conf.task_always_eager = False  # this process enqueues to the broker for real
    app.conf.broker_url = redis_url
    try:
        app.control.purge()  # nothing left over from an earlier run on this queue
    except Exception as exc:  # noqa: BLE001
        _unavailable(f"cannot reach the broker at {redis_url}: {exc}")
    started: list[WorkerProcess] = []

    def start(
        *, settings_module: str | None = None, extra_env: dict[str, str] | None = None
    ) -> WorkerProcess:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module or "ipcity.settings_test",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_QUEUE": queue,
            "IPCITY_TEST_REAL_WORKER": "1",
            "IPCITY_VAR_DIR": str(settings.VAR_DIR),
            "DB_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
            # the worker judges as of the same date as the tests (tests/indicators/conftest.py)
            "INDICATOR_ASSESSMENT_DATE": ASSESSMENT_AS_OF.isoformat(),
            **(extra_env or {}),
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ipcity",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"test-{uuid.uuid4().hex[:8]}@%h",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        worker = WorkerProcess(command, env)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
    app.conf.task_always_eager = eager_before


@pytest.fixture
def celery_worker(celery_worker_factory) -> WorkerProcess:
    return celery_worker_factory()


def wait_for(predicate: Callable[[], object], *, timeout: float = 60, interval: float = 0.1, worker=None):
    """Poll until predicate() is truthy; fail with the worker's output otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    output = f"\nworker output:\n{worker.output}" if worker is not None else ""
    pytest.fail(f"gave up waiting after {timeout} s{output}", pytrace=False)


def ensure_seed_world() -> None:
    """The seed world is gone after a transactional test's flush: load it again."""
    from programmes.models import Programme
    from tests.conftest import load_seed_world

    if not Programme.objects.filter(slug="wuhan-2017").exists():
        load_seed_world()


@pytest.fixture(scope="module")
def reseed_after_module(django_db_setup, django_db_blocker):
    """Transactional tests end with a flush; the tests after them expect the seed world."""
    yield
    with django_db_blocker.unblock():
        ensure_seed_world()
