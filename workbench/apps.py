from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    """Each role's home (工作台): what needs doing, counted, each count opening its list.

    The top room: it only reads from programmes, indicators, tasks, submissions and reports
    (through their selectors) and writes through their services; nothing imports it."""

    name = "workbench"
    verbose_name = _("工作台")
