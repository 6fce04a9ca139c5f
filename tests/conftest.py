"""Shared test setup: the seeded database, named personas, and CI's service checks.

Personas (all with password `demo12345`, created by programmes.demo.demo_users_load):
office_wuhan, office_harbin (office staff of two cities), reporter_wuhan_kjj (市科技局),
reporter_wuhan_gsj (市工商局), evaluator (assigned wuhan-2017 and yichang-2020),
evaluator_harbin (assigned harbin-2016), reporter_yichang_tjj (宜昌市统计局: a reporter of
another city), admin (superuser), and an anonymous client.
"""

import os

import pytest
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright + ORM in one test

PERSONAS = [
    "anonymous",
    "office_wuhan",
    "office_harbin",
    "reporter_wuhan_kjj",
    "reporter_wuhan_gsj",
    "evaluator",
    "evaluator_harbin",
    "reporter_yichang_tjj",
]


def pytest_sessionstart(session):
    """In CI the suite must run on PostgreSQL and Redis for real: fail loudly, never skip."""
    if os.environ.get("CI") != "true":
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.exit(f"CI=true but DATABASE_URL is not PostgreSQL: {url!r}", returncode=3)
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url.startswith("redis://"):
        pytest.exit(f"CI=true but REDIS_URL is not set: {redis_url!r}", returncode=3)
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.exit(f"CI=true but Redis at {redis_url} cannot be reached: {exc}", returncode=3)


def load_seed_world():
    """The five seed programmes, demo users and demo records, as `make run` has them."""
    from programmes.demo import demo_funding_load, demo_users_load

    call_command("load_seed_programmes", verbosity=0)
    demo_users_load()
    demo_funding_load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import connection

        if os.environ.get("CI") == "true":
            assert connection.vendor == "postgresql", f"CI must run on PostgreSQL, not {connection.vendor}"
        load_seed_world()


@pytest.fixture
def login(client):
    """login("office_wuhan") → a client logged in as that persona (anonymous: logged out)."""
    from django.contrib.auth import get_user_model

    def _login(persona: str):
        client.logout()
        if persona != "anonymous":
            client.force_login(get_user_model().objects.get(username=persona))
        return client

    return _login


@pytest.fixture
def wuhan(db):
    from programmes.models import Programme

    return Programme.objects.get(slug="wuhan-2017")


@pytest.fixture
def harbin(db):
    from programmes.models import Programme

    return Programme.objects.get(slug="harbin-2016")
