from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与权限")

    def ready(self):
        from . import api_auth, permissions  # noqa: F401  (registers the named rules, the schema's token scheme)
