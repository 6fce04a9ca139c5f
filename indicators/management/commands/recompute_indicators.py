from django.core.management.base import BaseCommand, CommandError

from indicators.services import indicator_recompute
from programmes.models import Programme


class Command(BaseCommand):
    help = "Recompute a programme's indicators now (the same service as the Celery job)."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="programme slug, e.g. wuhan-2017")
        parser.add_argument("--all", action="store_true", help="every programme")
        parser.add_argument(
            "--codes", default="", help="only indicators using these statistic codes, comma-separated"
        )

    def handle(self, *args, **options):
        if options["all"]:
            programmes = list(Programme.objects.order_by("slug"))
        elif options["slug"]:
            programmes = list(Programme.objects.filter(slug=options["slug"]))
            if not programmes:
                raise CommandError(f"没有找到方案 {options['slug']}。")
        else:
            raise CommandError("请给出方案标识(如 wuhan-2017),或使用 --all。")
        codes = [c.strip() for c in options["codes"].split(",") if c.strip()] or None
        for programme in programmes:
            summary = indicator_recompute(programme=programme, statistic_codes=codes)
            statuses = "、".join(f"{k} {v}" for k, v in sorted(summary.get("statuses", {}).items()))
            self.stdout.write(
                f"{programme.slug}: {summary['indicators']} 项指标,写入 {summary.get('written', 0)} 行,"
                f"删除 {summary.get('deleted', 0)} 行,用时 {summary['seconds']:.2f} 秒"
                + (f"({statuses})" if statuses else "")
            )
