"""manage.py import_plan PATH: read a published plan and create a draft programme from it.

    manage.py import_plan plan.docx --dry-run                 # print a readable summary, store nothing
    manage.py import_plan plan.txt --dry-run --format json    # the canonical JSON on stdout
    manage.py import_plan plan.pdf --city 武汉市 --slug wuhan-2024
    manage.py import_plan plan.txt --period 2016-01:2018-12   # a plan that prints no period

Bad input (empty, binary or image-only, .doc, over 20 MB, no recognisable structure, no
readable period) prints what was found and what to do, exits with status 2 and stores
nothing. The file's reading (format, encoding) goes to stderr with --format json, so
stdout is the JSON alone.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from planimport.models import PlanImportDraft
from planimport.parsing import PlanImportError, read_document
from planimport.parsing.reader import encoding_label
from planimport.review import errors_by_item, item_label, period_parse, review_to_canonical
from planimport.selectors import KIND_LABEL, MILESTONE_LABEL, PROGRAMME_KIND_LABEL, target_display
from planimport.services import draft_validation_errors, plan_draft_confirm, plan_draft_create
from programmes.canonical import CanonicalValidationError
from programmes.models import City

FORMAT_LABEL = {"txt": "纯文本", "docx": "Word (.docx)", "pdf": "PDF"}
BAD_INPUT = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


class Command(BaseCommand):
    help = "读取实施方案(.txt/.docx/.pdf),输出其结构;不加 --dry-run 时创建草稿方案。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="方案文件:.txt(UTF-8/GBK/GB18030/UTF-16)、.docx 或带文字层的 .pdf")
        parser.add_argument("--city", help="方案所属城市(如 武汉市);默认取原文标题中的城市")
        parser.add_argument("--slug", help="方案标识(如 wuhan-2024);默认按文件名推定")
        parser.add_argument(
            "--period", help="实施期限 起始年月:截止年月(如 2016-01:2018-12),原文未载明时必须给出"
        )
        parser.add_argument("--dry-run", action="store_true", help="只输出识别结果,不写入数据库")
        parser.add_argument("--format", choices=["text", "json"], default="text", help="输出格式(默认 text)")

    def handle(self, *args, path, city, slug, period, dry_run, format, **options):
        period_value = None
        if period:
            try:
                period_value = period_parse(period)
            except ValueError as exc:
                raise _fail(str(exc)) from exc
        try:
            document = read_document(path)
        except FileNotFoundError as exc:
            raise _fail(f"找不到文件 {path}。") from exc
        except IsADirectoryError as exc:
            raise _fail(f"{path} 是目录,请给出方案文件。") from exc
        except PlanImportError as exc:
            raise _fail(exc.message_zh) from exc

        reading = f"读取 {document.filename}:{FORMAT_LABEL.get(document.format, document.format)}"
        if document.encoding:
            reading += f",编码 {encoding_label(document.encoding)}"
        if document.pages:
            reading += f",{document.pages} 页"
        reading += f",{document.size:,} 字节"
        (self.stderr if format == "json" else self.stdout).write(reading)

        city_obj = None
        if city:
            city_obj = City.objects.filter(name=city).first() or City(name=city)
        try:
            with transaction.atomic():
                if city_obj is not None and city_obj.pk is None:
                    city_obj.save()
                draft = plan_draft_create(
                    user=None, city=city_obj, document=document, slug=slug, period=period_value
                )
                if not draft.review.get("period"):
                    raise _fail(
                        "原文中没有读出实施期限(如“2016—2018年”),系统不会自行推定。"
                        "请查明方案的起止年月,用 --period 指明后重新导入,例如:\n"
                        f"  manage.py import_plan {path} --period 2016-01:2018-12"
                    )
                data = review_to_canonical(draft.review)
                if format == "json":
                    self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
                else:
                    self._summary(draft)
                if dry_run:
                    transaction.set_rollback(True)
                    return
                errors = draft_validation_errors(draft=draft)
                if errors:
                    raise CanonicalValidationError(errors, document.filename)
                result = plan_draft_confirm(draft=draft, user=None, create_agencies=True)
        except PlanImportError as exc:
            raise _fail(exc.message_zh) from exc
        except CanonicalValidationError as exc:
            lines = ["识别结果不完整,未创建方案。请修正后重新导入(或在网页“导入方案”中逐项核对):"]
            by_item = errors_by_item(exc.errors, draft.review)
            for where, messages in by_item.items():
                for message in messages:
                    lines.append(f"  - {item_label(draft.review, where)}:{message}")
            raise _fail("\n".join(lines)) from exc
        programme = result.programme
        (self.stderr if format == "json" else self.stdout).write(
            self.style.SUCCESS(
                f"已创建草稿方案 {programme.slug}(状态:{programme.get_status_display()},"
                f"任务 {programme.tasks.count()} 项,指标 {programme.indicators.count()} 项):"
                f"/programmes/{programme.slug}/"
            )
        )

    def _summary(self, draft: PlanImportDraft) -> None:
        r = draft.review
        out = self.stdout.write
        period = r.get("period")
        out(f"方案:{r.get('title') or '(未识别出标题)'}")
        out(
            f"城市:{r.get('city')}{'(' + r['province'] + ')' if r.get('province') else ''}  "
            f"类型:{PROGRAMME_KIND_LABEL.get(r.get('kind'), r.get('kind') or '—')}  "
            f"文号:{r.get('doc_number') or '—'}  "
            f"实施期限:{period['start'] + ' 至 ' + period['end'] if period else '未载明'}  标识:{r.get('slug')}"
        )

        def flag(item):
            conf = item.get("confidence") or {}
            if conf.get("level") in ("medium", "low"):
                return "  [需核对:" + ";".join(conf.get("reasons") or []) + "]"
            return ""

        indicators = r.get("indicators") or []
        out(f"\n指标 {len(indicators)} 项:")
        for n, ind in enumerate(indicators, 1):
            out(
                f"  {n:>2}. {ind['name']}  {target_display(ind)}  "
                f"({KIND_LABEL.get(ind['kind'], ind['kind'])},{ind['area']},{ind['deadline']}){flag(ind)}"
            )
        tasks = r.get("tasks") or []
        out(f"\n任务 {len(tasks)} 项:")
        section = object()
        for task in tasks:
            if task.get("section") != section:
                section = task.get("section")
                if section:
                    out(f"  【{section}】")
            units = ""
            if task.get("lead"):
                units += "  牵头:" + "、".join(task["lead"])
            if task.get("support"):
                units += "  配合:" + "、".join(task["support"])
            out(f"  {task['number']:>5} {task['title']}{units}{flag(task)}")
        phases = r.get("phases") or []
        out(f"\n实施阶段 {len(phases)} 个:")
        for ph in phases:
            ms = MILESTONE_LABEL.get(ph.get("milestone")) or ""
            out(
                f"  {ph['name']}  {ph.get('start')} 至 {ph.get('end')}{'(' + ms + ')' if ms else ''}{flag(ph)}"
            )
        members = r.get("leading_group") or []
        out(f"\n领导小组 {len(members)} 人:")
        for m in members:
            out(f"  {m['role']}  {m.get('person') or ''} {m.get('title') or ''}  {m.get('agency')}".rstrip())
        agencies = r.get("agencies") or []
        out(f"\n单位 {len(agencies)} 个(确认时按名称和别名匹配本市现有单位,没有的新增)")
        for w in r.get("warnings") or []:
            out(f"提示:{w}")
