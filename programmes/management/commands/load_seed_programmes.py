from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.services import statistic_catalogue_load
from indicators.validation.services import validation_rules_ensure_defaults
from programmes.canonical import CanonicalValidationError
from programmes.services import seed_files, seed_programmes_load


class Command(BaseCommand):
    help = "Load the seed programmes (programmes/seed_data/*.json) idempotently, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="seed files (default: every file in programmes/seed_data)"
        )

    def handle(self, *args, **options):
        paths = [Path(p) for p in options["paths"]] or seed_files()
        if not paths:
            raise CommandError("没有找到种子数据文件。")
        statistic_catalogue_load()
        try:
            programmes = seed_programmes_load(paths=paths)
        except CanonicalValidationError as exc:
            lines = [f"种子数据无效,未做任何修改。文件: {exc.source}"]
            lines += [f"  {e.path}: {e.message}" for e in exc.errors]
            raise CommandError("\n".join(lines)) from exc
        for programme in programmes:
            validation_rules_ensure_defaults(programme=programme)
            self.stdout.write(
                f"{programme.slug}: {programme.tasks.count()} 项任务, {programme.indicators.count()} 个指标, "
                f"{programme.phases.count()} 个阶段"
            )
