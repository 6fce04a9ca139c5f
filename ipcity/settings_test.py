"""Test overlay: the same settings, with a fixed key, a fast hasher and isolated files.

DATABASE_URL / REDIS_URL still decide the database and the broker, so CI runs the suite on
PostgreSQL and Redis for real (see Makefile)."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-key")
os.environ.setdefault("IPCITY_VAR_DIR", tempfile.mkdtemp(prefix="ipcity-test-"))

from .settings import *  # noqa: E402,F403
from .settings import VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run jobs inline; the worker tests (marked `worker`) start a real worker.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("IPCITY_TEST_REAL_WORKER", "") != "1"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
