"""`manage.py render_report wuhan-2017 --kind acceptance --as-of 2020-12-31 --out report.pdf`

Renders synchronously through the same service as the portal's job (`report_generate`):
the version is stored like any other, and its PDF (and, with --xlsx, the workbook) is
also written where asked."""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from programmes.models import Agency, Programme
from reports.errors import ReportError, ReportNotReady
from reports.models import Report
from reports.services import report_ensure, report_generate


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("--as-of 应为 YYYY-MM-DD 格式的日期,收到 %(text)r。") % {"text": text}) from exc


class Command(BaseCommand):
    help = "生成一份报告(验收/中期评价/年度/季度),保存为新版本并写出 PDF。"

    def add_arguments(self, parser):
        parser.add_argument("slug", help="方案标识,如 wuhan-2017")
        parser.add_argument("--kind", required=True, choices=Report.Kind.values)
        parser.add_argument("--as-of", type=_date, help="数据截止日期 YYYY-MM-DD(默认按报告类型)")
        parser.add_argument("--out", required=True, type=Path, help="PDF 写到这里")
        parser.add_argument("--xlsx", type=Path, help="同时写出 Excel")
        parser.add_argument("--year", type=int, help="年度报告/季度报告的年度")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="季度报告的季度")
        parser.add_argument("--agency", help="季度报告的报送单位(名称)")
        parser.add_argument(
            "--final",
            action="store_true",
            help="定稿:有必填章节为空、人工评分缺失或占位文字时拒绝(退出码 2)并列出缺什么",
        )

    def handle(self, *args, slug, kind, as_of, out, xlsx, year, quarter, agency, final=False, **options):
        programme = Programme.objects.select_related("city").filter(slug=slug).first()
        if programme is None:
            known = ", ".join(Programme.objects.order_by("slug").values_list("slug", flat=True)) or _("无")
            raise CommandError(
                _("没有标识为 %(slug)r 的方案。已有: %(known)s") % {"slug": slug, "known": known}
            )
        extra = {}
        if kind == Report.Kind.QUARTERLY:
            if not (agency and year and quarter):
                raise CommandError(_("季度报告需要 --agency、--year 和 --quarter。"))
            found = (
                Agency.objects.filter(city=programme.city, name=agency).first()
                or Agency.objects.filter(city=programme.city, aliases__name=agency).first()
            )
            if found is None:
                raise CommandError(
                    _("%(city)s没有名为 %(agency)r 的成员单位。")
                    % {"city": programme.city.name, "agency": agency}
                )
            extra = {"agency": found, "year": year, "quarter": quarter}
        elif kind == Report.Kind.ANNUAL and year and not as_of:
            extra = {"year": year}
        try:
            report = report_ensure(programme=programme, kind=kind, as_of=as_of, **extra)
            version = report_generate(
                report=report,
                progress=lambda pct, msg: (
                    self.stderr.write(f"  {pct:3d}% {msg}") if options["verbosity"] > 1 else None
                ),
                final=final,
            )
        except ReportNotReady as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(_("不能定稿,还缺:") + "\n" + lines, returncode=2) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        with version.pdf.open("rb") as fh:
            out.write_bytes(fh.read())
        if xlsx:
            with version.xlsx.open("rb") as fh:
                xlsx.write_bytes(fh.read())
        self.stdout.write(
            self.style.SUCCESS(
                _("%(title)s v%(version)s%(final)s: %(pages)s 页, SHA-256 %(sha)s → %(out)s")
                % {
                    "final": _("(定稿)") if version.is_final else _("(草稿)"),
                    "title": report.title,
                    "version": version.version,
                    "pages": version.page_count,
                    "sha": version.sha256,
                    "out": out,
                }
            )
        )
