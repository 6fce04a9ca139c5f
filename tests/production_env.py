"""The environment of a production process (docs/configuration.md, "Production"), for tests
that start manage.py, gunicorn or Celery as the deployment would."""

from __future__ import annotations

import os
import secrets

# What a deployment behind a TLS proxy sets (docker-compose.yml passes the same).
PRODUCTION_FLAGS = {
    "DEBUG": "false",
    "BEHIND_TLS_PROXY": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_COOKIES": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}

# Never inherited from the test run: they would turn the process into a test process.
_DROPPED = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "IPCITY_TEST_REAL_WORKER",
    "CELERY_TASK_ALWAYS_EAGER",
    "DATABASE_URL",
    "REDIS_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "IPCITY_VAR_DIR",
    "CELERY_QUEUE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the test process (Playwright), refused in deployment
    *PRODUCTION_FLAGS,
}


def production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED and not k.startswith("PYTEST")}
    env.update(PRODUCTION_FLAGS)
    env["DJANGO_SETTINGS_MODULE"] = "ipcity.settings"
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # long and random, as check --deploy wants
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env
