"""Writes of evaluation frameworks: the default one from the plan, one loaded from a file,
weights, manual scores and the evidence attached to a task, an indicator or an item.

Every write names the acting user and is audited (django-simple-history on frameworks,
items, manual scores and evidence)."""

from __future__ import annotations

import hashlib
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from ipcity.core.uploads import evidence_problem

from .loader import AspectSpec, FrameworkSpec, ItemSpec, framework_spec_read
from .models import Aspect, AssessmentEvidence, Framework, Item, ManualScore
from .scoring import section_name

D = Decimal


def _split(total: Decimal, n: int) -> list[Decimal]:
    """`total` in `n` equal shares to 0.01 point, the remainder (never negative) on the first."""
    if n <= 0:
        return []
    base = (total / n).quantize(D("0.01"), rounding=ROUND_DOWN)
    shares = [base] * n
    shares[0] += total - base * n
    return shares


def default_spec(programme) -> FrameworkSpec:
    """A framework derived from the plan: 100 points over its leading-group mechanism and
    milestones, indicators, task sections, funding rules and the city's own effect."""
    aspects = []
    milestones = [p for p in programme.phases.order_by("order", "pk") if p.milestone]
    org = [
        ItemSpec(
            _("建立领导小组及办公室，明确成员单位职责分工"),
            D(4),
            "evidence",
            "",
            _("领导小组成立文件、成员单位职责分工文件"),
        ),
    ]
    org += [
        ItemSpec(_("按期完成“%(p)s”") % {"p": p.name}, share, "milestone", p.name, _("阶段工作总结"))
        for p, share in zip(milestones, _split(D(6), len(milestones)), strict=True)
    ] or [ItemSpec(_("定期会商、督查考核等推进机制运行情况"), D(6), "manual", "", _("会议纪要、督查通报"))]
    aspects.append(AspectSpec(_("组织领导与工作机制"), tuple(org)))
    indicators = list(programme.indicators.order_by("order", "pk"))
    if indicators:
        aspects.append(
            AspectSpec(
                _("主要指标完成情况"),
                tuple(
                    ItemSpec(ind.name, share, "indicator", ind.name, _("统计部门出具的数据"))
                    for ind, share in zip(indicators, _split(D(40), len(indicators)), strict=True)
                ),
            )
        )
    sections = list(dict.fromkeys(programme.tasks.order_by("order", "pk").values_list("section", flat=True)))
    sections = [section_name(s) for s in sections]
    if sections:
        aspects.append(
            AspectSpec(
                _("重点任务推进情况"),
                tuple(
                    ItemSpec(title, share, "task_section", title, _("任务进展报告及其证明材料"))
                    for title, share in zip(sections, _split(D(30), len(sections)), strict=True)
                ),
            )
        )
    rules = list(programme.funding_rules.order_by("order", "pk"))
    aspects.append(
        AspectSpec(
            _("资金保障与使用"),
            tuple(
                ItemSpec(r.name, share, "funding_rule", r.name, _("资金台账、财政拨付文件"))
                for r, share in zip(rules, _split(D(10), len(rules)), strict=True)
            )
            or (ItemSpec(_("财政资金投入与使用绩效"), D(10), "manual", "", _("预算批复、资金台账")),),
        )
    )
    aspects.append(
        AspectSpec(
            _("工作成效与示范带动"),
            (
                ItemSpec(_("典型经验做法及其复制推广"), D(5), "manual", "", _("典型案例材料、经验推广文件")),
                ItemSpec(_("宣传培训与社会知晓度"), D(5), "manual", "", _("宣传报道、培训记录")),
            ),
        )
    )
    total = sum((i.max_score for a in aspects for i in a.items), D(0))
    if total != 100:  # no indicators or no tasks: scale to 100
        scale = D(100) / total
        aspects = [
            AspectSpec(
                a.title,
                tuple(
                    ItemSpec(i.title, (i.max_score * scale).quantize(D("0.01")), i.rule, i.target, i.evidence)
                    for i in a.items
                ),
            )
            for a in aspects
        ]
    return FrameworkSpec(
        name=_("%(city)s自评指标体系（依据建设方案设定）") % {"city": programme.city.name},
        aspects=tuple(aspects),
    )


@transaction.atomic
def framework_store(*, programme, spec: FrameworkSpec, user, source: str, source_file: str = "") -> Framework:
    """Store a spec as the programme's active framework (the previous one is kept, inactive)."""
    if user is not None:
        require(user, "report.generate", programme)
    _targets_check(programme, spec)
    Framework.objects.filter(programme=programme, is_active=True).update(is_active=False)
    framework = Framework(programme=programme, name=spec.name, source=source, source_file=source_file)
    framework._history_user = user
    framework.save()
    for a_order, a in enumerate(spec.aspects, 1):
        aspect = Aspect.objects.create(framework=framework, order=a_order, title=a.title)
        for i_order, i in enumerate(a.items, 1):
            item = Item(
                aspect=aspect,
                order=i_order,
                title=i.title,
                max_score=i.max_score,
                rule=i.rule,
                target=i.target,
                evidence_wanted=i.evidence,
            )
            item._history_user = user
            item.save()
    return framework


def _targets_check(programme, spec: FrameworkSpec) -> None:
    """Every automatic item names something the plan has (else the file is refused)."""
    known = {
        "indicator": set(programme.indicators.values_list("name", flat=True)),
        "task_section": {section_name(s) for s in programme.tasks.values_list("section", flat=True)}
        | {t.section_ordinal for t in programme.tasks.all() if t.section_ordinal},
        "milestone": set(programme.phases.values_list("name", flat=True)),
        "funding_rule": set(programme.funding_rules.values_list("name", flat=True)),
    }
    problems = []
    for a_n, a in enumerate(spec.aspects):
        for i_n, i in enumerate(a.items):
            if i.rule in known and i.target not in known[i.rule]:
                problems.append(
                    _("aspects[%(a)s].items[%(i)s].target:方案中没有“%(t)s”(评分规则 %(r)s)。")
                    % {"a": a_n, "i": i_n, "t": i.target, "r": i.rule}
                )
    if problems:
        raise ValidationError(problems)


def framework_default_ensure(*, programme, user=None) -> Framework:
    """The programme's active framework, the default one created when it has none."""
    framework = Framework.objects.filter(programme=programme, is_active=True).first()
    return framework or framework_store(
        programme=programme, spec=default_spec(programme), user=user, source=Framework.Source.DEFAULT
    )


def framework_load(*, programme, path: Path | str, user) -> Framework:
    """A province's or CNIPA's table loaded from a file (FrameworkFileError when malformed)."""
    spec = framework_spec_read(path)
    return framework_store(
        programme=programme, spec=spec, user=user, source=Framework.Source.FILE, source_file=Path(path).name
    )


@transaction.atomic
def item_weight_set(*, item: Item, max_score, user) -> Item:
    require(user, "report.generate", item.aspect.framework.programme)
    value = D(str(max_score))
    if value <= 0:
        raise ValidationError({"max_score": _("分值应大于 0。")})
    item.max_score = value
    item._history_user = user
    item.save()
    return item


@transaction.atomic
def manual_score_set(*, report, item: Item, score, reason: str, user) -> ManualScore:
    """The office's score of a manual item for a report, with its reason (audited)."""
    require(user, "report.generate", report.programme)
    if item.rule != Item.Rule.MANUAL:
        raise ValidationError({"score": _("“%(t)s”按规则自动计分,不能人工评分。") % {"t": item.title}})
    if item.aspect.framework.programme_id != report.programme_id:
        raise ValidationError({"item": _("该评价指标不属于本报告的方案。")})
    try:
        value = D(str(score)).quantize(D("0.01"))
    except ArithmeticError:
        raise ValidationError({"score": _("得分应为数字,收到 %(v)r。") % {"v": score}}) from None
    if not D(0) <= value <= item.max_score:
        raise ValidationError(
            {
                "score": _("“%(t)s”的得分应在 0 至 %(m)s 之间,收到 %(v)s。")
                % {"t": item.title, "m": item.max_score, "v": value}
            }
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请写明“%(t)s”的评分依据。") % {"t": item.title}})
    existing = ManualScore.objects.filter(report=report, item=item).first() or ManualScore(
        report=report, item=item
    )
    existing.score, existing.reason, existing.scored_by = value, reason.strip(), user
    existing._history_user = user
    existing.save()
    return existing


@transaction.atomic
def evidence_attach(
    *,
    programme,
    name: str,
    data: bytes,
    user,
    task=None,
    indicator=None,
    item=None,
    description: str = "",
    agency_name: str = "",
    uploaded_at=None,
) -> AssessmentEvidence:
    """A proof file for a task, an indicator or a framework item, checked by the one evidence
    validator (ipcity.core.uploads.evidence_problem)."""
    if user is not None:
        require(user, "report.generate", programme)
    if sum(x is not None for x in (task, indicator, item)) != 1:
        raise ValidationError(_("证明材料应对应一项任务、一项指标或一个评价指标。"))
    problem = evidence_problem(name=name, data=data)
    if problem:
        raise ValidationError({"file": problem})
    sha = hashlib.sha256(data).hexdigest()
    evidence = AssessmentEvidence(
        programme=programme,
        task=task,
        indicator=indicator,
        item=item,
        original_name=name,
        description=description,
        agency_name=agency_name,
        sha256=sha,
        size=len(data),
        uploaded_by=user,
        uploaded_at=uploaded_at or timezone.now(),
    )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    evidence.file.save(f"{sha[:16]}.{extension}", ContentFile(data), save=False)
    evidence._history_user = user
    evidence.save()
    return evidence
