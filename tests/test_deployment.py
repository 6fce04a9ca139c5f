"""The production stack file is valid, and production settings fail loudly without a key."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_docker_compose_file_is_valid_and_has_the_five_services():
    exe = shutil.which("docker-compose")
    assert exe, (
        "docker-compose (Debian package) is needed to validate docker-compose.yml: make test installs it"
    )
    result = subprocess.run(
        [exe, "config", "--services"], cwd=ROOT, capture_output=True, text=True, env={**os.environ}
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"web", "worker", "beat", "postgres", "redis"}
    quiet = subprocess.run([exe, "config", "-q"], cwd=ROOT, capture_output=True, text=True)
    assert quiet.returncode == 0, quiet.stderr


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
