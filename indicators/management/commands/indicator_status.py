import json

from django.core.management.base import BaseCommand, CommandError

from indicators import progress as rules
from indicators.selectors import programme_status_rows
from programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Print every indicator of a programme: value and its reference period, target, completion (完成率),"
        " progress from the baseline (进展度), provisional year-to-date figure, status, projection."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        programme = Programme.objects.filter(slug=options["slug"]).first()
        if programme is None:
            raise CommandError(f"没有找到方案 {options['slug']}。")
        rows = programme_status_rows(programme=programme)
        if options["format"] == "json":
            payload = {
                "programme": programme.slug,
                "title": programme.title,
                "indicators": [
                    {
                        key: row[key]
                        for key in (
                            "name",
                            "kind",
                            "formula",
                            "value",
                            "unit",
                            "period",
                            "comparator",
                            "target",
                            "target_max",
                            "deadline",
                            "baseline",
                            "completion",
                            "progress",
                            "provisional",
                            "status",
                            "status_label",
                            "final",
                            "reason",
                            "projection",
                            "flags",
                        )
                    }
                    for row in rows
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{programme.title}({programme.slug})")
        for row in rows:
            target = rules.fmt(row["target"]) + (
                f"—{rules.fmt(row['target_max'])}" if row["target_max"] is not None else ""
            )
            comparator = "" if row["comparator"] == "range" else row["comparator"] + " "
            value = rules.fmt(row["value"]) if row["value"] is not None else "—"
            self.stdout.write(
                f"- {row['name']} [{row['formula'] or '里程碑'}]\n"
                f"    值 {value}{row['unit'] if row['value'] is not None else ''}({row['period'] or '—'})"
                f" · 目标 {comparator}{target}{row['unit']} · 完成率 {rules.pct(row['completion'])}"
                f" · 进展度 {rules.pct(row['progress'])}"
                f" · {row['status_label']}({row['status']})"
                + (
                    f"\n    参考值 {rules.fmt(row['provisional']['value'])}{row['unit']}"
                    f"({row['provisional']['period']},仅供参考)"
                    if row["provisional"]
                    else ""
                )
                + "\n"
                f"    {row['reason']}" + (f"\n    {row['projection']['text']}" if row["projection"] else "")
            )
