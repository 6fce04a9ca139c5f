import json

from django.core.management.base import BaseCommand, CommandError

from programmes.models import Programme
from programmes.selectors import programme_to_canonical


class Command(BaseCommand):
    help = "Print a stored programme in the canonical JSON shape."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        programme = Programme.objects.select_related("city").filter(slug=slug).first()
        if programme is None:
            known = ", ".join(Programme.objects.values_list("slug", flat=True)) or "无"
            raise CommandError(f"没有标识为 {slug!r} 的方案。已有: {known}")
        self.stdout.write(
            json.dumps(programme_to_canonical(programme=programme), ensure_ascii=False, indent=2)
        )
