"""Helpers of the production smoke test: its own PostgreSQL database and Redis db, processes
started as the deployment starts them (stopped by PID), and a small HTTP client that talks
to gunicorn as the TLS proxy in front of it would (X-Forwarded-Proto: https)."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings

from tests.worker_support import WorkerProcess

SMOKE_DB = "ipcity_smoke"
SMOKE_REDIS_DB = 13


def service_urls() -> tuple[str, str]:
    """(admin DATABASE_URL of the server, REDIS_URL of the smoke db); fail loudly if unreachable."""
    import psycopg2
    import redis

    base = (
        settings.DATABASES["default"]
        if settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
        else {}
    )
    host, port = base.get("HOST") or "127.0.0.1", base.get("PORT") or 5432
    user, password = base.get("USER") or "postgres", base.get("PASSWORD") or ""
    auth = user + (f":{password}" if password else "")
    admin_url = f"postgres://{auth}@{host}:{port}/postgres"
    try:
        psycopg2.connect(admin_url, connect_timeout=5).close()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(
            f"the production smoke test needs PostgreSQL at {host}:{port} (user {user}): {exc}", pytrace=False
        )
    redis_base = urlsplit(getattr(settings, "REDIS_URL", None) or "redis://127.0.0.1:6379/0")
    redis_url = f"redis://{redis_base.netloc}/{SMOKE_REDIS_DB}"
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=3)
        client.ping()
        client.flushdb()  # its own db number: nothing of anyone else's
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"the production smoke test needs Redis at {redis_base.netloc}: {exc}", pytrace=False)
    return admin_url, redis_url


def database_recreate(admin_url: str) -> str:
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SMOKE_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {SMOKE_DB}")
    conn.close()
    return admin_url.rsplit("/", 1)[0] + f"/{SMOKE_DB}"


def query(database_url: str, sql: str, params=()) -> list[tuple]:
    """Read the smoke database directly (what a user would see is checked over HTTP)."""
    import psycopg2

    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict[str, str], *args: str, timeout: float = 900) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=str(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result.stdout + result.stderr


def python(env: dict[str, str], code: str) -> str:
    """Run Django code in a production process (to set up a scenario the UI cannot)."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=str(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        pytest.fail(f"setup code failed:\n{result.stderr[-5000:]}")
    return result.stdout.strip()


class ServiceProcess(WorkerProcess):
    """A process of the stack; ready when a line contains `ready_marker`."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], ready_marker: str):
        self.name = name
        self.ready_marker = ready_marker
        super().__init__(command, env)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if self.ready_marker in line:
                self.ready.set()

    def text(self) -> str:
        return "\n".join(self.lines)


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """Cookies, CSRF and redirects by hand, over plain HTTP to 127.0.0.1, presenting itself
    as HTTPS through the proxy header (gunicorn runs behind a TLS proxy in production)."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.last_path = "/"

    def raw(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()

    def request(self, method: str, path: str, fields=None, *, follow: bool = True) -> Response:
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            data = list(fields.items()) if isinstance(fields, dict) else list(fields or [])
            data.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
            body = urlencode(data).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + self.last_path,
                }
            )
        response = self.raw(method, path, body, headers)
        for header in response.all("Set-Cookie"):
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.status < 300:
            self.last_path = path
        if follow and response.status in (301, 302, 303):
            location = response.header("Location")
            if location.startswith(self.origin):
                location = location[len(self.origin) :]
            return self.request("GET", location)
        return response

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, fields=None, **kw) -> Response:
        return self.request("POST", path, fields, **kw)


def poll(predicate: Callable[[], object], *, timeout: float, what: str, processes=()) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        for p in processes:
            if p.process.poll() is not None:
                pytest.fail(f"{p.name} exited while waiting for {what}:\n{p.output}", pytrace=False)
        time.sleep(0.5)
    logs = "\n".join(f"--- {p.name}:\n{p.output}" for p in processes)
    pytest.fail(f"gave up after {timeout} s waiting for {what}\n{logs}", pytrace=False)


def job_status(browser: Browser, job_id: int) -> tuple[str, str]:
    html = browser.get(f"/jobs/{job_id}/").text
    match = re.search(r'data-status="(\w+)"', html)
    return (match.group(1) if match else "", html)


def job_finished(browser: Browser, job_id: int, what: str, processes, *, timeout: float) -> tuple[str, str]:
    """Poll the job's status page (as the page's htmx does) until it succeeded or failed."""
    return poll(
        lambda: (s := job_status(browser, job_id))[0] in {"succeeded", "failed"} and s,
        timeout=timeout,
        what=what,
        processes=processes,
    )
