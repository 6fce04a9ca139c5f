from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("评估报告")

    def ready(self):
        from ipcity.core.services import job_kind_register

        from . import jobs  # noqa: F401 - registers the Celery job in web processes too (eager mode)

        job_kind_register("report_generate", "reports.generate_report")
