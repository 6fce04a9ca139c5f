"""The production stack file is valid and refuses to start without its secrets; production
settings fail loudly when misconfigured and pass `check --deploy` without a warning."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.production_env import PRODUCTION_FLAGS, production_env

ROOT = Path(__file__).resolve().parent.parent


def _compose(*args: str, **env: str) -> subprocess.CompletedProcess:
    exe = shutil.which("docker-compose")
    assert exe, (
        "docker-compose (Debian package) is needed to validate docker-compose.yml: make test installs it"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"POSTGRES_PASSWORD", "SECRET_KEY"}}
    return subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True, env={**clean, **env})


def test_docker_compose_file_is_valid_and_has_the_five_services():
    secrets = {"POSTGRES_PASSWORD": "s3cret-pg", "SECRET_KEY": "k" * 50}
    result = _compose("config", "--services", **secrets)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"web", "worker", "beat", "postgres", "redis"}
    full = _compose("config", **secrets)
    assert full.returncode == 0, full.stderr
    assert "postgres://ipcity:s3cret-pg@postgres:5432/ipcity" in full.stdout
    for flag in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS", "BEHIND_TLS_PROXY"):
        assert flag in full.stdout


@pytest.mark.parametrize("missing", ["POSTGRES_PASSWORD", "SECRET_KEY"])
def test_docker_compose_refuses_to_start_without_a_password_or_key(missing):
    given = {"POSTGRES_PASSWORD": "s3cret-pg", "SECRET_KEY": "k" * 50}
    del given[missing]
    result = _compose("config", "-q", **given)
    assert result.returncode != 0
    assert f"set {missing} (no default)" in result.stderr
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert ":-ipcity}" not in text  # no fallback password left anywhere


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )


def test_check_deploy_with_the_production_environment_prints_no_warning(tmp_path):
    result = _check_deploy(production_env(IPCITY_VAR_DIR=str(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_each_security_setting_left_off(tmp_path):
    env = production_env(IPCITY_VAR_DIR=str(tmp_path))
    for flag in PRODUCTION_FLAGS:
        if flag != "DEBUG":
            env.pop(flag)
    result = _check_deploy(env)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, result.stderr


def _settings_values(tmp_path, names: list[str], **env: str) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings as s; print("
    code += ", ".join(f"s.{n}" for n in names) + ")"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=production_env(IPCITY_VAR_DIR=str(tmp_path), **env),
    )


def test_session_lockout_and_job_thresholds_come_from_the_environment(tmp_path):
    names = ["SESSION_COOKIE_AGE", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "JOB_STALE_SECONDS"]
    defaults = _settings_values(tmp_path, names)
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.split() == ["28800", "5", "0:15:00", "120"]
    chosen = _settings_values(
        tmp_path,
        names,
        SESSION_COOKIE_AGE="3600",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_LOCKOUT_MINUTES="30",
        JOB_STALE_SECONDS="300",
    )
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.split() == ["3600", "3", "0:30:00", "300"]
    bad = _settings_values(tmp_path, names, JOB_STALE_SECONDS="soon")
    assert bad.returncode != 0
    assert "JOB_STALE_SECONDS='soon' is not an integer." in bad.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false"}, "The environment variable SECRET_KEY must be set."),
        ({"DEBUG": "maybe", "SECRET_KEY": "x"}, "DEBUG='maybe' is not a boolean"),
    ],
)
def test_production_settings_refuse_to_start_when_misconfigured(env, message):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ipcity.settings", **env},
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_no_static_file_points_at_a_source_map_that_is_not_there():
    """collectstatic's manifest storage fails on such a reference (vendored .min files ship
    with `sourceMappingURL` comments; strip them or vendor the map too)."""
    import re

    missing = []
    for path in (ROOT / "static").rglob("*"):
        if path.suffix not in {".css", ".js"}:
            continue
        for ref in re.findall(
            r"sourceMappingURL=([^\s*]+)", path.read_text(encoding="utf-8", errors="replace")
        ):
            if not ref.startswith("data:") and not (path.parent / ref).exists():
                missing.append(f"{path.relative_to(ROOT)} -> {ref}")
    assert not missing, "missing source maps: " + ", ".join(missing)
