from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ipcity.core"
    label = "core"
    verbose_name = _("平台")

    def ready(self):
        from . import heartbeat  # noqa: F401 - connects the heartbeat to Celery's task signals
