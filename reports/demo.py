"""Demo 自评报告: Wuhan's acceptance and Yichang's mid-term with their chapters written, the
manual scores given with reasons, the issuing fields, and small generated evidence files (a
notice PDF, a photo-like image, a table) attached to framework items, tasks and indicators.
Registered in settings.DEMO_LOADERS; idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ipcity.core.demo_files import notice_pdf as _notice_pdf
from ipcity.core.demo_files import photo_png as _photo_png
from ipcity.core.demo_files import table_xlsx as _table_xlsx
from ipcity.core.text import first_clause
from programmes.models import LeadingGroupMember, Programme
from programmes.services import FORMULA_CODE_RE

from .frameworks.models import AssessmentEvidence, Item, ManualScore
from .frameworks.services import evidence_attach, framework_default_ensure, manual_score_set
from .models import Report
from .services import as_of_default

WUHAN = {
    "basic_info": """武汉市于2017年11月印发《武汉市推进国家知识产权强市创建工作方案（2017—2020年）》，明确以知识产权保护、创造、运用、管理和环境优化五大工程为主线，提出20项主要指标和33项重点任务。

市政府成立市推进国家知识产权强市创建工作领导小组，市长任组长，分管副市长任副组长，市直有关部门和各区人民政府（开发区管委会）{members}家单位为成员单位，领导小组办公室设在市科技局（市知识产权局）。领导小组每年召开全体会议，审定年度工作要点，成员单位按任务分工逐季报送进展。""",
    "work_summary": """## 健全工作机制，压实各方责任

领导小组办公室每年制定工作要点并分解到成员单位，建立季度报送、半年督办、年度考核的推进机制。四年来共召开领导小组全体会议4次、专题协调会16次，印发督办通报11期。

## 强化知识产权保护

建成中国（武汉）知识产权保护中心，开通专利快速预审通道；组建知识产权纠纷人民调解委员会，设立仲裁院知识产权仲裁中心。持续开展“铁拳”“蓝天”等专项行动，查处侵权假冒案件的结案率保持在九成以上。

## 促进知识产权创造和运用

出台高价值专利培育、专利质押融资贴息等扶持政策，设立知识产权质押融资风险补偿资金池。支持光电子信息、生物医药等重点产业开展专利导航，推动高校院所专利转让许可，每万人口发明专利拥有量稳步提升。

## 优化知识产权服务环境

建设知识产权服务业集聚区，引进国内知名服务机构；面向中小企业开展“知识产权进园区”活动，累计培训企业管理人员逾万人次。""",
    "cases": """## 知识产权纠纷多元化解

市知识产权局会同市司法局组建知识产权纠纷人民调解委员会，与仲裁院知识产权仲裁中心、知识产权保护中心建立案件移交和信息共享机制，专利侵权纠纷案件实现“受理—调解—仲裁—诉讼”衔接，按期结案率保持在较高水平。

## 光谷知识产权保护“一站式”服务

东湖高新区整合保护中心、调解委员会和仲裁机构，提供快速审查、快速确权、快速维权“一站式”服务，专利预审授权周期由两年多缩短到数月，为光电子信息产业创新提供了有力保障。""",
    "problems": """## 部分指标和任务未达到方案要求

{shortfalls}

## 知识产权运用效益有待提升

专利转化实施率不高，高校院所专利“沉睡”现象仍然存在，知识产权运营服务机构的专业能力有待提高。

## 数据报送的及时性有待加强

个别成员单位季度进展报送滞后、证明材料不齐，影响了过程监测的准确性。""",
    "next_steps": """## 巩固强市创建成果

对照验收意见逐项整改，将强市创建中形成的机制转为常态化工作制度。

## 推进知识产权保护体系建设

加快建设知识产权保护中心分中心，完善行政执法与司法保护衔接机制。

## 提升知识产权运用效益

深入实施专利转化专项计划，推动高校院所与企业精准对接，扩大质押融资和保险覆盖面。

## 加强监测评估

完善成员单位季度报送和证明材料归集制度，按季度开展指标监测分析。""",
}

YICHANG = {
    "basic_info": """宜昌市于2020年获批国家知识产权运营服务体系建设重点城市，印发《宜昌市知识产权运营服务体系建设实施方案（2020~2023年）》，提出28项主要指标和18项重点任务，分五个阶段推进，本报告为中期评价自评。

市政府成立宜昌市知识产权运营服务体系建设领导小组，领导小组办公室设在市市场监管局（知识产权局），负责统筹协调、专项资金预算编制和绩效评价。""",
    "work_summary": """## 健全工作机制

领导小组办公室制定年度工作要点，建立“月调度、季通报、年考核”机制，中期前召开领导小组会议2次、专题推进会9次。

## 拓展知识产权金融服务

设立知识产权质押融资风险补偿基金，推动银行开发“知识价贷”等专属产品，开展知识产权保险试点。

## 建设知识产权服务业集聚区

知识产权服务业集聚区挂牌运行，引进专利代理、运营、评估等服务机构入驻，为企业提供一站式服务。

## 提升企业知识产权运用能力

围绕磷化工、生物医药等产业开展专利导航，支持企业贯标和高价值专利培育。""",
    "cases": """## 磷化工产业专利导航

针对磷化工产业链开展专利导航分析，形成产业发展和技术攻关建议，指导龙头企业调整研发布局，带动上下游企业开展专利布局。

## “知识价贷”助力中小企业融资

市场监管局会同金融机构推出“知识价贷”产品，以专利、商标组合质押为中小企业提供信贷支持，首批企业在一个月内获得贷款。""",
    "problems": """## 服务机构专业能力不足

本地高端知识产权服务机构数量少，运营、评估等专业人才缺乏。

## 部分任务进度滞后

受疫情影响，个别平台建设和项目招引进度慢于计划。""",
    "next_steps": """## 对照中期评价补短板

针对滞后指标和任务制定整改清单，明确责任单位和完成时限。

## 加快运营平台建设

推动知识产权运营服务平台与省级平台互联互通，扩大服务覆盖面。

## 规范专项资金管理

严格按实施方案规定的比例使用中央财政资金，做好绩效自评。""",
}

REASONS = {
    "定期会商": "领导小组每年召开全体会议审定年度工作要点，办公室按季度调度并印发督办通报，机制运行正常。",
    "财政资金": "财政资金按年度预算拨付，资金台账完整。",
    "典型经验": "形成可复制推广的经验做法2项，被省级媒体报道。",
    "宣传培训": "每年开展宣传周活动和专题培训，社会知晓度较高。",
}


def _reasons(programme: Programme, as_of: date) -> dict[str, str]:
    """The manual scores' bases; the funding one from the ledger (budget, spending, rate)."""
    from programmes.funding import funding_summary

    from .rendering.format import num, pct

    funding = funding_summary(programme=programme, as_of=as_of)
    reasons = dict(REASONS)
    if funding.budget_total:
        reasons["财政资金"] = (
            f"预算{num(funding.budget_total)}万元，支出{num(funding.spent_total)}万元，执行率"
            f"{pct(funding.total_rate)}；资金台账完整，个别项目拨付滞后。"
        )
    return reasons


def _reason_of(item, reasons: dict[str, str]) -> str:
    return next((r for k, r in reasons.items() if k in item.title), "按方案要求完成，材料齐全。")


def _moment(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on, time(15)))


def _load(programme: Programme, kind: str, chapters: dict, issuer: str) -> None:
    as_of = as_of_default(programme=programme, kind=kind)
    report = Report.objects.filter(programme=programme, kind=kind, as_of=as_of).first()
    if report is None:
        report = Report.objects.create(programme=programme, kind=kind, as_of=as_of)
    if report.basic_info:
        return
    # Written from the report's own tables where it cites them: the member count, and by name
    # the indicators missed and the tasks not finished (an evaluator checks each against them).
    members = programme.leading_group.filter(role=LeadingGroupMember.Role.MEMBER).values("agency").distinct()
    facts = {"members": members.count(), "shortfalls": ""}
    for name, text in chapters.items():
        setattr(report, name, text.format(**facts))
    # Written and issued in the month after its as-of date, once the last quarter is in.
    written = as_of + timedelta(days=20)
    report.issuer, report.issued_on = issuer, written + timedelta(days=5)
    report.save()
    if "{shortfalls}" in chapters.get("problems", ""):
        facts["shortfalls"] = _shortfalls(report)
        report.problems = chapters["problems"].format(**facts)
        report.save(update_fields=["problems"])
    from accounts.models import Profile

    profile = (
        Profile.objects.filter(role=Profile.Role.OFFICE, city=programme.city).select_related("user").first()
    )
    office = profile.user if profile else None
    framework = framework_default_ensure(programme=programme)
    items = list(Item.objects.filter(aspect__framework=framework).order_by("aspect__order", "order"))
    reasons = _reasons(programme, as_of)
    for item in items:
        if item.rule == Item.Rule.MANUAL and office is not None:
            reason = _reason_of(item, reasons)
            score = (item.max_score * Decimal("0.85")).quantize(Decimal("0.5"))
            manual_score_set(report=report, item=item, score=score, reason=reason, user=office)
    # Every timestamp inside the story: the chapters and scores date from the writing.
    Report.objects.filter(pk=report.pk).update(updated_at=_moment(written))
    ManualScore.objects.filter(report=report).update(scored_at=_moment(written))
    ManualScore.history.model.objects.filter(report_id=report.pk).update(history_date=_moment(written))
    if AssessmentEvidence.objects.filter(programme=programme).exists():
        return
    city = programme.city.name
    group = next((i for i in items if i.rule == Item.Rule.EVIDENCE), None)
    try:  # the leading group is set up once the plan is issued, not before
        start = date.fromisoformat(programme.issue_date or "") + timedelta(days=20)
    except ValueError:
        start = date(programme.start_year, 3, 20)
    if group:
        evidence_attach(
            programme=programme,
            item=group,
            user=None,
            uploaded_at=_moment(start),
            name=f"关于成立{city}知识产权工作领导小组的通知.pdf",
            agency_name="市政府办公厅",
            data=_notice_pdf(
                "关于成立领导小组的通知", f"为推进{programme.title}实施，经市政府研究，决定成立领导小组。"
            ),
        )
    # Each manual score backed by the office's account of it (what the score's basis says).
    for n, item in enumerate(i for i in items if i.rule == Item.Rule.MANUAL):
        evidence_attach(
            programme=programme,
            item=item,
            user=None,
            uploaded_at=_moment(as_of + timedelta(days=12 + n)),
            name=f"{first_clause(item.title)}情况说明.pdf",
            agency_name="领导小组办公室",
            data=_notice_pdf(item.title, f"{city}{item.title}情况说明：{_reason_of(item, reasons)}"),
        )
    # Every task and every indicator backed by something: a notice or a photo from the lead
    # per task, the statistics bureau's table per indicator.
    for n, task in enumerate(programme.tasks.order_by("order")):
        lead = task.assignments.filter(role="lead").select_related("agency").first()
        on = as_of - timedelta(days=20 + (n * 37) % 340)  # within the year before the as-of date
        if n % 3 == 0:
            name, data = (
                f"{task.number}.关于{first_clause(task.title)}的工作通知.pdf",
                _notice_pdf(
                    f"关于{first_clause(task.title)}的工作通知",
                    f"为落实{programme.title}第{task.number}项任务“{task.title}”，现将有关工作安排通知如下。",
                ),
            )
        else:
            name, data = f"{task.number}.{first_clause(task.title)}现场照片.png", _photo_png(n)
        evidence_attach(
            programme=programme,
            task=task,
            user=None,
            uploaded_at=_moment(on),
            name=name,
            agency_name=lead.agency.name if lead else "牵头单位",
            data=data,
        )
    # A year's figures are certified after the year ends, by the unit that reports them (the
    # 数据来源 of the indicator table): a table per indicator in the weeks after the as-of
    # date, before the report is written (20 days after it).
    owners = _statistic_owners(programme)
    for n, indicator in enumerate(programme.indicators.exclude(kind="milestone").order_by("order")):
        codes = FORMULA_CODE_RE.findall(indicator.formula or "")
        evidence_attach(
            programme=programme,
            indicator=indicator,
            user=None,
            uploaded_at=_moment(as_of + timedelta(days=5 + n % 15)),
            name=f"{indicator.name}统计表.xlsx",
            agency_name=next((owners[c] for c in codes if c in owners), "市统计局"),
            data=_table_xlsx(
                [
                    ("年度", indicator.name, "单位"),
                    *[
                        (row.year, float(row.value), indicator.unit)
                        for row in indicator.computed_values.filter(quarter=4, year__lte=as_of.year).order_by(
                            "year"
                        )
                        if row.value is not None
                    ],
                ]
            ),
        )


def _shortfalls(report: Report) -> str:
    from .rendering.format import num
    from .selectors import report_document_build

    doc = report_document_build(report=report)
    missed = [
        f"{r.name}（{num(r.value)}{r.unit}，目标{r.target_display}{r.unit}）"
        if r.value is not None
        else r.name
        for r in doc.indicators
        if r.status == "missed"
    ]
    unfinished = [
        f"{t.number}“{first_clause(t.title)}”"
        for section in doc.task_sections
        for t in section.tasks
        if getattr(t, "verdict", None) == "not_done"
    ]
    parts = []
    if missed:
        parts.append(f"{len(missed)}项指标未达到目标值：{'、'.join(missed)}，主要受统计口径调整和疫情影响。")
    if unfinished:
        parts.append(f"{len(unfinished)}项任务未按期完成：{'、'.join(unfinished)}，已列入整改清单。")
    return "".join(parts) or "各项指标和任务均已按方案要求完成，但区域之间发展仍不平衡。"


def _statistic_owners(programme) -> dict[str, str]:
    """Statistic code → the agency that reports it in this programme (its first owner)."""
    from indicators.models import StatisticOwner

    owners: dict[str, str] = {}
    rows = StatisticOwner.objects.filter(programme=programme).order_by("statistic__code", "area", "pk")
    for code, printed, name in rows.values_list("statistic__code", "printed_agency", "agency__name"):
        owners.setdefault(code, printed or name)
    return owners


@transaction.atomic
def demo_reports_load(stdout=None) -> None:
    for slug, kind, chapters, issuer in (
        ("wuhan-2017", Report.Kind.ACCEPTANCE, WUHAN, "李有祥"),
        ("yichang-2020", Report.Kind.MIDTERM, YICHANG, "王建新"),
    ):
        programme = Programme.objects.select_related("city").filter(slug=slug).first()
        if programme is None:
            continue
        _load(programme, kind, chapters, issuer)
        if stdout is not None:
            stdout.write(f"  自评报告 {slug} {kind}: 章节、人工评分与证明材料")
