"""The Celery app. Tasks live in each app's `jobs.py` (not `tasks.py`: the `tasks` app
would make `tasks.tasks` ambiguous), so autodiscovery looks for `jobs` modules."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcity.settings")

app = Celery("ipcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")
