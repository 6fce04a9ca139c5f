from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("指标与统计")

    def ready(self):
        from ipcity.core.services import job_kind_register

        from . import jobs  # noqa: F401 - registers the Celery job in web processes too
        from .services import RECOMPUTE_JOB_KIND, RECOMPUTE_TASK_NAME

        job_kind_register(RECOMPUTE_JOB_KIND, RECOMPUTE_TASK_NAME)

        from programmes.services import plan_object_saved

        from .recompute_triggers import on_plan_object_saved

        plan_object_saved.connect(on_plan_object_saved, dispatch_uid="indicators.recompute_on_change")
