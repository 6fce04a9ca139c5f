from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    """Quarterly reporting rounds, submissions, their review, reminders (see docs/architecture.md)."""

    name = "submissions"
    verbose_name = _("季度填报")

    def ready(self):
        from indicators.selectors import statistic_value_filter_register
        from ipcity.core.services import job_kind_register

        from . import jobs  # noqa: F401 - registers the Celery jobs in web processes too (eager mode)
        from .selectors import statistic_values_pending_excluded
        from .upload_jobs import UPLOAD_JOB_KIND, UPLOAD_TASK_NAME

        job_kind_register("submissions.reminders", "submissions.reminders_run")
        job_kind_register(UPLOAD_JOB_KIND, UPLOAD_TASK_NAME)
        statistic_value_filter_register(statistic_values_pending_excluded)
