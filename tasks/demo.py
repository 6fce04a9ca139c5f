"""Demo task reports that read like an agency's own: written per task in the plan's terms,
varied and specific (a meeting held, a policy issued with its document number, a count of
enterprises), different for a lead and a supporting unit. Used by submissions.demo."""

from __future__ import annotations

import re

from ipcity.core.text import first_clause

CITY_ABBR = {"武汉市": "武", "宜昌市": "宜", "哈尔滨市": "哈", "福州市": "榕", "鞍山市": "鞍"}

# (keywords in the task's title or text, what was done: lines with slots)
THEMES = [
    (
        ("统计", "监测", "核算", "评价体系"),
        [
            "围绕{topic}会同统计部门完善统计口径，采集企业数据{m}条，形成监测分析报告{n}份",
        ],
    ),
    (
        ("国际", "海外", "涉外", "对外"),
        [
            "组织企业参加国际知识产权交流活动{n}场，指导{k}家企业开展海外专利布局",
        ],
    ),
    (
        ("宣传", "文化", "宣传周", "社会知晓"),
        [
            "开展知识产权宣传周系列活动{n}场，发放宣传资料{m}份，媒体报道{k}篇",
        ],
    ),
    (
        ("培训", "人才", "队伍", "教育"),
        [
            "围绕{topic}举办专题培训班{n}期，培训企业知识产权管理人员{m}人次",
            "联合高校开设知识产权实务课程，{n}名学员结业，新增知识产权专业人才{k}名",
        ],
    ),
    (
        ("保护", "执法", "维权", "侵权", "打击", "假冒"),
        [
            "开展知识产权保护专项行动，检查市场主体{m}家，查处侵权假冒案件{k}起",
            "围绕{topic}健全部门协作机制，联合公安、海关开展执法检查{n}次，移送涉嫌犯罪线索{j}条",
        ],
    ),
    (
        ("金融", "质押", "保险", "融资", "基金"),
        [
            "组织银企对接会{n}场，推动{k}家企业办理专利权质押融资，登记金额{amount}亿元",
            "推广知识产权保险，新增投保企业{k}家，保障金额{amount}亿元",
        ],
    ),
    (
        ("平台", "服务", "中心", "机构", "运营"),
        [
            "知识产权服务平台完成升级并上线运行，本季度服务企业{m}家次，提供检索分析报告{k}份",
            "本季度引进知识产权服务机构{n}家，新增服务企业{m}家次",
        ],
    ),
    (
        ("企业", "贯标", "示范", "优势", "培育"),
        [
            "组织{k}家企业开展知识产权管理规范贯标，其中{n}家通过认证",
            "新认定知识产权优势企业{k}家，开展入企辅导{m}次",
        ],
    ),
    (
        ("导航", "分析", "预警", "布局"),
        [
            "围绕重点产业完成专利导航分析报告{n}份，形成产业发展建议{k}条",
        ],
    ),
    (
        ("商标", "品牌", "地理标志"),
        [
            "指导企业申请注册商标{m}件，新增地理标志商标{n}件",
            "开展商标品牌培育行动，走访企业{k}家，帮助{n}家企业完成商标海外布局",
        ],
    ),
    (
        ("版权", "著作权", "软件"),
        [
            "推进软件正版化工作，检查单位{k}家；完成作品登记{m}件",
        ],
    ),
    (
        ("转化", "运用", "交易", "许可", "高校", "院所"),
        [
            "推动高校院所专利转让许可{k}项，技术合同成交{n}项",
        ],
    ),
]
GENERIC = [
    "召开{topic}推进会{n}次，细化年度任务清单{k}项并落实到责任处室",
    "制定{topic}实施方案，开展专题调研{n}次，形成调研报告{n}份",
]
POLICIES = ["实施意见", "工作方案", "管理办法", "扶持办法", "实施细则", "行动计划"]


def _topic(title: str) -> str:
    text = re.sub(r"^[\d一二三四五六七八九十.、（）()]+", "", title).strip("。；; ")
    return first_clause(text) or "重点任务"


def _theme(text: str) -> list[str] | None:
    return next((lines for keys, lines in THEMES if any(k in text for k in keys)), None)


_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2})\1")


def task_report_text(**kwargs) -> tuple[str, str, str]:
    """(work_done, problems, next_steps) of one agency's report on one task for one quarter
    (the keywords of `_task_report_text`). A word a template repeats after a title ending
    with it is said once (…评议工作 + 工作方案 → …评议工作方案)."""
    return tuple(_DOUBLED.sub(r"\1", part) for part in _task_report_text(**kwargs))


def _task_report_text(
    *, task, agency: str, city: str, lead: bool, status: str, year: int, quarter: int, rng, already_done=False
):
    """`already_done`: the task was reported done in an earlier quarter (the lead consolidates)."""
    # The title says what the task is about; its text names much else (a task on 强区建设
    # mentions 人才 in passing), so it is read only when the title matches no theme.
    lines = _theme(task.title) or _theme(task.text or "") or GENERIC
    topic = _topic(task.title)
    slots = {
        "topic": topic,
        "n": rng.randint(2, 6),
        "j": rng.randint(1, 9),
        "m": rng.randint(60, 480),
        "k": rng.randint(8, 45),
        "amount": f"{rng.uniform(0.6, 9.5):.1f}",
    }
    done = rng.choice(lines).format(**slots)
    abbr = CITY_ABBR.get(city, city[:1])
    if status == "not_started":
        return (
            "",
            f"“{topic}”需待上级配套政策明确后启动，已完成前期资料收集。",
            f"第{quarter % 4 + 1}季度启动实施。",
        )
    if not lead:
        work = f"配合牵头单位推进“{topic}”：{done}。"
        return work, "", "继续按分工做好配合工作，按时报送进展和数据。"
    if status == "done" and already_done:
        work = f"“{topic}”已按期完成，本季度巩固成果：{done}。"
        return work, "", rng.choice(["做好经验总结和成果推广。", "建立长效机制，纳入年度常规工作。"])
    if status == "done":
        doc_no = f"{abbr}知〔{year}〕{rng.randint(3, 48)}号"
        policy = rng.choice(POLICIES)
        work = (
            f"“{topic}”已完成：印发《{city}{topic}{policy}》（{doc_no}），{done}；"
            f"工作总结已报领导小组办公室备案。"
        )
        return work, "", "巩固任务成果，整理验收材料，做好经验总结推广。"
    if status == "delayed":
        problem = rng.choice(
            [
                "专项资金拨付滞后，项目承接主体尚未确定",
                "相关部门数据共享机制尚未建立，工作进度慢于计划",
                "配套政策仍在征求意见，尚未正式印发",
            ]
        )
        return (
            f"{year}年第{quarter}季度完成前期调研和方案起草，{done}，但进度慢于计划。",
            f"{problem}。",
            "提请领导小组办公室协调，下月召开专题协调会，明确时间节点。",
        )
    # 年度任务完成约 x%: the year's share done grows quarter by quarter.
    share = rng.randint(*{1: (15, 30), 2: (35, 55), 3: (60, 75), 4: (85, 95)}[quarter])
    return (
        f"{year}年第{quarter}季度{done}；年度任务完成约{share}%。",
        rng.choice(["", "", "部分区县工作进展不均衡。", "企业参与积极性有待提高。"]),
        rng.choice(
            [
                "下季度开展督导检查，推动各区落实。",
                "下季度完成政策文件起草并征求意见。",
                "继续扩大覆盖面，做好年度总结。",
            ]
        ),
    )


def demo_task_leads_load(stdout=None) -> None:
    """Plans that name no unit per task (Harbin's, Fuzhou's) leave every task to the leading
    group's office, as offices set it up in the portal: its agency (the office seat of the
    leading group, else the city's 知识产权 agency) becomes each unassigned task's lead, through
    the same service as the task form. Idempotent: tasks that have a lead are left alone."""
    from accounts.models import Profile
    from programmes.models import LeadingGroupMember, Programme

    from .models import TaskAssignment
    from .services import task_save

    for programme in Programme.objects.select_related("city").order_by("slug"):
        orphans = list(programme.tasks.exclude(assignments__role=TaskAssignment.Role.LEAD))
        if not orphans:
            continue
        seat = programme.leading_group.filter(
            role=LeadingGroupMember.Role.OFFICE, agency__isnull=False
        ).first()
        office_agency = (
            seat.agency if seat else programme.city.agencies.filter(name__contains="知识产权").first()
        )
        office = Profile.objects.filter(role=Profile.Role.OFFICE, city=programme.city).select_related("user")
        user = office.first().user if office.exists() else None
        if office_agency is None or user is None:
            continue
        for task in orphans:
            support = [
                a.agency for a in task.assignments.select_related("agency") if a.agency_id != office_agency.pk
            ]
            task_save(task=task, lead=[office_agency], support=support, user=user)
        if stdout is not None:
            stdout.write(f"  演示任务分工 {programme.slug}: {len(orphans)} 项任务由{office_agency.name}牵头")
