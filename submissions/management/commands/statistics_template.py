"""`manage.py statistics_template --agency 武汉市/市科技局 --period 2024Q1 --out F.xlsx`: the same
template workbook the web page offers for download."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from submissions.models import period_parse
from submissions.services import agency_lookup, round_for_agency, template_render


class Command(BaseCommand):
    help = "生成某成员单位某季度的 Excel 填报模板(与网页下载的相同)。"

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="单位编号,或“城市/机构”,如 武汉市/市科技局")
        parser.add_argument("--period", required=True, help="报告期,如 2024Q1")
        parser.add_argument("--out", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args, **options):
        parsed = period_parse(options["period"])
        if parsed is None:
            raise CommandError("报告期格式应为 2024Q1。")
        try:
            agency = agency_lookup(text=options["agency"])
            round = round_for_agency(agency=agency, year=parsed[0], quarter=parsed[1])
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from exc
        _name, data = template_render(round=round, agency=agency, user=None)
        out = Path(options["out"])
        out.write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成模板 {out}({agency.name} · {round.programme.slug} · {round.period},{len(data)} 字节)"
            )
        )
