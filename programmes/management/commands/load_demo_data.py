from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programmes.demo import DEMO_PASSWORD, demo_funding_load, demo_phases_load, demo_users_load


class Command(BaseCommand):
    help = "Load demo users and demo records (labelled as demo). For `make run`, never production."

    def add_arguments(self, parser):
        parser.add_argument("--i-know-this-is-demo", action="store_true", help="allow with DEBUG off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["i_know_this_is_demo"]:
            raise CommandError("演示数据只能在 DEBUG 模式下加载(或加 --i-know-this-is-demo)。")
        users = demo_users_load()
        demo_funding_load()
        demo_phases_load()
        for hook in self.extra_loaders():
            hook(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"演示账号(密码均为 {DEMO_PASSWORD}):"))
        for username, display in users:
            self.stdout.write(f"  {username:<24} {display}")

    def extra_loaders(self):
        """Demo loaders of later rooms (statistics, task reports), registered in DEMO_LOADERS."""
        from importlib import import_module

        loaders = []
        for dotted in getattr(settings, "DEMO_LOADERS", []):
            module, name = dotted.rsplit(".", 1)
            loaders.append(getattr(import_module(module), name))
        return loaders
