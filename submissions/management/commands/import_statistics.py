"""`manage.py import_statistics FILE --agency 武汉市/市科技局 --period 2024Q1 [--user u] [--format json]`

Goes through the same service as the web upload: the whole file or nothing. Prints the rows
accepted, or every error with its sheet, row and cell; exit status 2 when nothing was
imported (errors, or warnings not confirmed with --accept-warnings)."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.models import StatisticUpload
from submissions.models import period_parse
from submissions.services import agency_lookup, round_for_agency, statistics_upload_import, upload_marked_copy


class Command(BaseCommand):
    help = "导入一个成员单位某季度的统计数据文件(.xlsx 模板或 .csv),与网页上传相同的检查,全部通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="填好的 .xlsx 模板或 .csv(UTF-8/GBK)")
        parser.add_argument("--agency", required=True, help="单位编号,或“城市/机构”,如 武汉市/市科技局")
        parser.add_argument("--period", required=True, help="报告期,如 2024Q1")
        parser.add_argument("--user", help="以该用户的名义导入(默认记为“命令行”)")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--accept-warnings", action="store_true", help="确认所有提示(如与上季度相差超过50%%)并导入"
        )
        parser.add_argument("--marked-out", help="被拒绝时,把标出错误的工作簿副本写到这个文件")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件:{path}")
        parsed = period_parse(options["period"])
        if parsed is None:
            raise CommandError("报告期格式应为 2024Q1。")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"没有用户“{options['user']}”。")
        try:
            agency = agency_lookup(text=options["agency"])
            round = round_for_agency(agency=agency, year=parsed[0], quarter=parsed[1])
            outcome = statistics_upload_import(
                round=round,
                agency=agency,
                filename=path.name,
                data=path.read_bytes(),
                user=user,
                channel=StatisticUpload.Channel.COMMAND,
                confirm_warnings=options["accept_warnings"],
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "没有权限。") from exc
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from exc
        if options["marked_out"] and outcome.token and not outcome.accepted:
            marked = upload_marked_copy(token=outcome.token, user=user)
            if marked:
                Path(options["marked_out"]).write_bytes(marked[1])
        if options["format"] == "json":
            data = outcome.as_dict()
            data.update(agency=agency.name, period=round.period, programme=round.programme.slug)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self._text(outcome, agency, round)
        if not outcome.accepted:
            raise SystemExit(2)

    def _text(self, outcome, agency, round):
        where = f"{agency.name} · {round.programme.slug} · {round.period}"
        if outcome.accepted:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已导入 {outcome.filename}({where}):统计数据 {outcome.rows} 行,"
                    f"新版本 {outcome.created} 项,未变化 {outcome.unchanged} 项;任务进展 {outcome.task_rows} 行。"
                )
            )
            for problem in outcome.warnings:
                self.stdout.write(f"  已确认的提示 {problem}")
            return
        if outcome.status == "needs_confirmation":
            self.stdout.write(
                self.style.WARNING(
                    f"未导入 {outcome.filename}({where}):有 {outcome.warning_count} 处提示需要确认"
                )
            )
            for problem in outcome.warnings:
                self.stdout.write(f"  提示 {problem}")
            self.stdout.write("核实无误后加 --accept-warnings 重新运行。")
            return
        self.stdout.write(
            self.style.ERROR(
                f"已拒绝 {outcome.filename}({where}):{outcome.error_count} 处错误,没有写入任何数据"
            )
        )
        for problem in outcome.errors:
            self.stdout.write(f"  错误 {problem}")
