"""The 自评报告: frameworks loaded from files (bad ones refused with the place and the
reason), each scoring rule, manual scores, chapters sanitised and numbered, draft and final
(refused naming what is missing, exit 2), evidence in the annex and in the zip."""

import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from programmes.models import Programme
from reports.frameworks import scoring
from reports.frameworks.chapters import chapter_html, placeholders_in
from reports.frameworks.loader import FrameworkFileError, framework_spec_read
from reports.frameworks.models import Framework, Item, ManualScore
from reports.frameworks.services import (
    evidence_attach,
    framework_default_ensure,
    framework_load,
    manual_score_set,
)
from reports.models import Report, ReportVersion
from reports.rendering.typography import zh_punctuation
from reports.services import report_evidence_zip, report_generate, report_update

from .pdfcheck import pdf_text
from .pdfcheck import squash_exact as squash

CHAPTERS = {
    "basic_info": "武汉市成立领导小组,统筹推进创建工作。",
    "work_summary": "## 健全机制\n\n召开推进会4次。\n\n## 强化保护\n\n### 专项行动\n\n查处案件。",
    "cases": "## 质押融资\n\n帮助企业获得贷款。",
    "problems": "部分指标滞后。",
    "next_steps": "巩固成果。",
}


# --- loading a framework file -------------------------------------------------------------


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), "utf-8")
    return path


GOOD = {
    "name": "湖北省知识产权强市评价指标体系",
    "total": 30,
    "aspects": [
        {
            "title": "组织领导",
            "items": [{"title": "领导小组", "max_score": 10, "rule": "manual", "evidence": "成立文件"}],
        },
        {
            "title": "指标",
            "items": [{"title": "发明专利申请量", "max_score": 20, "rule": "indicator", "target": "IND"}],
        },
    ],
}


def test_a_framework_file_is_stored_as_the_active_framework(wuhan, office, tmp_path):
    target = wuhan.indicators.order_by("order").first().name
    spec = json.loads(json.dumps(GOOD))
    spec["aspects"][1]["items"][0]["target"] = target
    yaml_text = (
        f"name: {spec['name']}\naspects:\n  - title: 组织领导\n    items:\n      - title: 领导小组\n"
        f"        max_score: 10\n        rule: manual\n  - title: 指标\n    items:\n      - title: 指标一\n"
        f"        max_score: 20\n        rule: indicator\n        target: {target}\n"
    )
    for path in (_write(tmp_path, "f.json", spec), _write(tmp_path, "f.yaml", yaml_text)):
        framework = framework_load(programme=wuhan, path=path, user=office)
        assert framework.is_active and framework.source == "file" and framework.source_file == path.name
        items = list(Item.objects.filter(aspect__framework=framework).order_by("aspect__order", "order"))
        assert [(i.title, i.max_score, i.rule) for i in items][0] == ("领导小组", Decimal(10), "manual")
        assert items[1].target == target
    assert Framework.objects.filter(programme=wuhan, is_active=True).count() == 1
    assert Framework.objects.filter(programme=wuhan).count() == 2
    assert Item.history.filter(history_user=office).count() == 4  # every item audited


@pytest.mark.parametrize(
    "name,content,where,reason",
    [
        ("f.json", {"name": "x", "aspects": []}, "aspects", "至少包含一个方面"),
        (
            "f.json",
            {
                "name": "x",
                "aspects": [{"title": "a", "items": [{"title": "t", "max_score": -1, "rule": "manual"}]}],
            },
            "aspects[0].items[0].max_score",
            "大于 0",
        ),
        (
            "f.json",
            {
                "name": "x",
                "aspects": [{"title": "a", "items": [{"title": "t", "max_score": 5, "rule": "guess"}]}],
            },
            "aspects[0].items[0].rule",
            "未知的评分规则",
        ),
        (
            "f.json",
            {
                "name": "x",
                "aspects": [{"title": "a", "items": [{"title": "t", "max_score": 5, "rule": "indicator"}]}],
            },
            "aspects[0].items[0].target",
            "不能为空",
        ),
        ("f.json", {**GOOD, "total": 100}, "total", "与总分 100 不符"),
        ("f.yaml", "name: x\naspects: [\n", "第", "YAML 格式错误"),
        ("f.json", "{not json", "第 1 行", "JSON 格式错误"),
        ("f.txt", "name: x", "", "只支持"),
    ],
)
def test_a_bad_framework_file_is_refused_with_the_place_and_the_reason(
    wuhan, office, tmp_path, name, content, where, reason
):
    path = _write(tmp_path, name, content)
    with pytest.raises(FrameworkFileError) as exc:
        framework_load(programme=wuhan, path=path, user=office)
    message = str(exc.value)
    assert str(path) in message and where in message and reason in message, message
    assert not Framework.objects.filter(programme=wuhan).exists()


def test_a_framework_naming_what_the_plan_lacks_is_refused(wuhan, office, tmp_path):
    path = _write(tmp_path, "f.json", GOOD)  # target "IND" is no indicator of the plan
    with pytest.raises(ValidationError) as exc:
        framework_load(programme=wuhan, path=path, user=office)
    assert "aspects[1].items[0].target" in str(exc.value) and "IND" in str(exc.value)
    assert not Framework.objects.filter(programme=wuhan).exists()
    with pytest.raises(FrameworkFileError):
        framework_spec_read(tmp_path / "missing.yaml")


def test_the_default_framework_comes_from_the_plan_and_totals_100(wuhan):
    framework = framework_default_ensure(programme=wuhan)
    items = Item.objects.filter(aspect__framework=framework)
    assert sum(i.max_score for i in items) == 100
    rules = {i.rule for i in items}
    assert {"indicator", "task_section", "manual", "evidence"} <= rules
    assert items.filter(rule="indicator").count() == wuhan.indicators.count()
    assert framework_default_ensure(programme=wuhan) == framework  # not twice


# --- the scoring rules --------------------------------------------------------------------


def _item(rule, target="", max_score=10):
    return Item(
        pk=1, title="t", rule=rule, target=target, max_score=Decimal(max_score), evidence_wanted="文件"
    )


def _row(**kw):
    base = dict(
        name="专利",
        status="on_track",
        completion=Decimal("75"),
        value=Decimal(75),
        unit="件",
        value_period="2020年",
        target_display="≥100",
    )
    return SimpleNamespace(**{**base, **kw})


def test_indicator_rule_scores_by_completion_capped_and_achieved_in_full():
    doc = SimpleNamespace(
        indicators=[
            _row(),
            _row(name="满", status="achieved", completion=Decimal(130)),
            _row(name="空", status="no_data", completion=None, value=None),
        ]
    )
    assert scoring.score_indicator(_item("indicator", "专利"), doc)[0] == Decimal("7.50")
    assert scoring.score_indicator(_item("indicator", "满"), doc)[0] == Decimal(10)
    score, basis = scoring.score_indicator(_item("indicator", "空"), doc)
    assert score == 0 and "无数据" in basis
    assert "没有名为" in scoring.score_indicator(_item("indicator", "别的"), doc)[1]
    # a milestone not done has no period to name: no empty brackets in the basis
    doc.indicators.append(
        _row(name="节点", completion=Decimal(0), value=Decimal(0), unit="单", value_period="")
    )
    score, basis = scoring.score_indicator(_item("indicator", "节点"), doc)
    assert score == 0 and "（）" not in basis and basis.startswith("尚未完成")


def test_task_section_rule_scores_the_share_done_with_mostly_done_half():
    # past their deadlines: by the verdict (基本完成 half; 未完成 and no report nothing)
    tasks = [
        SimpleNamespace(status="done", verdict="done"),
        SimpleNamespace(status="in_progress", verdict="mostly_done"),
        SimpleNamespace(status="delayed", verdict="not_done"),
        SimpleNamespace(status=None, verdict=None),
    ]
    doc = SimpleNamespace(task_sections=[SimpleNamespace(title="保护", ordinal="一", tasks=tasks)])
    score, basis = scoring.score_task_section(_item("task_section", "保护", 8), doc)
    assert score == Decimal("3.00") and "4 项任务已完成 1 项" in basis and "按期推进" not in basis
    assert scoring.score_task_section(_item("task_section", "一", 8), doc)[0] == Decimal("3.00")


def test_a_task_not_yet_due_scores_by_its_progress_as_a_midterm_judges_it():
    """Before its deadline a task is not 未完成: on schedule counts in full, behind half, not
    started nothing (a mid-term of a plan whose tasks end in its last year scored 3 of 30)."""
    tasks = [
        SimpleNamespace(status="done", verdict=None),
        SimpleNamespace(status="in_progress", verdict=None),
        SimpleNamespace(status="in_progress", verdict=None),
        SimpleNamespace(status="delayed", verdict=None),
        SimpleNamespace(status="not_started", verdict=None),
    ]
    doc = SimpleNamespace(task_sections=[SimpleNamespace(title="运用", ordinal="二", tasks=tasks)])
    score, basis = scoring.score_task_section(_item("task_section", "运用", 10), doc)
    assert score == Decimal("7.00")  # (1 + 2 + ½) of 5
    assert "5 项任务已完成 1 项" in basis and "按期推进 2 项、滞后 1 项" in basis and "其余 1 项" in basis


def test_milestone_funding_and_evidence_rules():
    doc = SimpleNamespace(
        phases=[
            SimpleNamespace(
                name="中期评价",
                reached_on=date(2022, 6, 30),
                state="done",
                state_label="已完成",
                period_label="",
            ),
            SimpleNamespace(
                name="验收", reached_on=None, state="upcoming", state_label="未开始", period_label="2023年"
            ),
            SimpleNamespace(
                name="建设", reached_on=None, state="overdue", state_label="逾期未完成", period_label="2021年"
            ),
            SimpleNamespace(
                name="启动", reached_on=None, state="done", state_label="已结束", period_label="2020年"
            ),
        ],
        funding=SimpleNamespace(
            checks=[
                SimpleNamespace(name="运营", holds=True, detail="60% ≥ 50%"),
                SimpleNamespace(name="培训", holds=False, detail="5% < 10%"),
                SimpleNamespace(name="新", holds=None, detail=""),
            ]
        ),
    )
    assert scoring.score_milestone(_item("milestone", "中期评价"), doc)[0] == 10
    # not yet due: not deducted (a mid-term is not marked down for the acceptance to come)
    assert scoring.score_milestone(_item("milestone", "验收"), doc) == (
        10,
        "未开始（计划 2023年），未到时限，不扣分。",
    )
    assert scoring.score_milestone(_item("milestone", "建设"), doc) == (0, "逾期未完成（计划 2021年）。")
    assert scoring.score_milestone(_item("milestone", "启动"), doc)[0] == 10  # over, nothing to record
    assert scoring.score_funding_rule(_item("funding_rule", "运营"), doc)[0] == 10
    assert scoring.score_funding_rule(_item("funding_rule", "培训"), doc) == (0, "不符合：5% < 10%")
    assert "尚无" in scoring.score_funding_rule(_item("funding_rule", "新"), doc)[1]
    assert scoring.score_evidence(_item("evidence"), ["通知.pdf"])[0] == 10
    assert scoring.score_evidence(_item("evidence"), []) == (0, "尚未提供证明材料（需要：文件）。")


def test_manual_scores_are_checked_and_every_change_audited(make_report, office, wuhan):
    report = make_report("wuhan-2017", "acceptance")
    item = Item.objects.filter(
        aspect__framework=framework_default_ensure(programme=wuhan), rule="manual"
    ).first()
    for score, reason, field in (
        (item.max_score + 1, "理由", "score"),
        (3, "  ", "reason"),
        ("x", "理由", "score"),
    ):
        with pytest.raises(ValidationError) as exc:
            manual_score_set(report=report, item=item, score=score, reason=reason, user=office)
        assert field in exc.value.message_dict
    assert not ManualScore.objects.exists()
    manual_score_set(report=report, item=item, score=3, reason="召开会议4次", user=office)
    manual_score_set(report=report, item=item, score=4, reason="补充了督查通报", user=office)
    assert ManualScore.objects.get().score == 4
    history = ManualScore.history.order_by("history_date")
    assert [(h.score, h.history_user) for h in history] == [(3, office), (4, office)]
    automatic = Item.objects.filter(aspect__framework__programme=wuhan).exclude(rule="manual").first()
    with pytest.raises(ValidationError):
        manual_score_set(report=report, item=automatic, score=1, reason="r", user=office)


# --- chapters -----------------------------------------------------------------------------


def test_chapter_text_is_sanitised_and_headings_numbered_officially():
    html = chapter_html(
        "# 一、健全机制\n\n<script>alert(1)</script><b onclick='x()'>粗</b>\n\n## 会议\n\n### 细节\n\n"
        "# 强化保护\n\n[链接](javascript:alert(1)) 文字(括号):完成;"
    )
    assert "<script" not in html and "onclick" not in html and "javascript" not in html and "<a" not in html
    assert "<h3>（一）健全机制</h3>" in html and "<h4>1．会议</h4>" in html and "<h5>（1）细节</h5>" in html
    assert "<h3>（二）强化保护</h3>" in html
    assert "文字（括号）：完成；" in html
    assert placeholders_in("已完成【演示】待填写") == ["【演示】", "待填写"]


def test_punctuation_only_changes_in_chinese_text():
    assert zh_punctuation("(一)基本情况:已完成 3 项;1,234 件") == "（一）基本情况：已完成 3 项；1,234 件"
    assert zh_punctuation("R=0.53 (ratio), 12:30") == "R=0.53 (ratio), 12:30"
    # a comma after a figure and before Chinese ends a clause
    assert zh_punctuation("2020年为 33,410件,达到目标 32,000,完成率 104.4%。") == (
        "2020年为 33,410件，达到目标 32,000，完成率 104.4%。"
    )


# --- draft and final ----------------------------------------------------------------------


def test_final_is_refused_naming_what_is_missing_and_exits_2(make_report, office, tmp_path):
    report = make_report("wuhan-2017", "acceptance")
    report_update(report=report, user=office, values={**CHAPTERS, "cases": "", "problems": "【演示】待补充"})
    with pytest.raises(CommandError) as exc:
        call_command(
            "render_report", "wuhan-2017", "--kind", "acceptance", "--final", "--out", str(tmp_path / "x.pdf")
        )
    message = str(exc.value)
    assert exc.value.returncode == 2
    assert "“典型案例”一章尚未填写" in message and "“存在问题”一章含占位文字“【演示】”" in message
    assert "人工评分)尚未评分" in message and "“基本情况”一章尚未填写" not in message
    assert not ReportVersion.objects.filter(report=report).exists() and not (tmp_path / "x.pdf").exists()


def test_a_draft_is_watermarked_and_a_final_has_its_issuing_page(make_report, office, wuhan):
    report = make_report("wuhan-2017", "acceptance")
    report_update(
        report=report, user=office, values={**CHAPTERS, "issuer": "李有祥", "issued_on": date(2021, 1, 15)}
    )
    draft = report_generate(report=report, user=office)
    draft_text = squash(pdf_text(draft.pdf.read()))
    assert not draft.is_final and "草稿" in draft_text and "签发页" not in draft_text
    for item in Item.objects.filter(aspect__framework__programme=wuhan, rule="manual"):
        manual_score_set(report=report, item=item, score=2, reason="按方案完成", user=office)
    final = report_generate(report=report, user=office, final=True)
    text = squash(pdf_text(final.pdf.read()))
    assert final.is_final and final.generated_by == office and len(final.sha256) == 64
    assert "签发页" in text and "李有祥" in text and "2021年1月15日" in text and "草稿" not in text
    for heading in (
        "一、基本情况",
        "二、主要做法与成效",
        "三、自评得分情况",
        "典型案例",
        "存在问题",
        "下一步工作计划",
    ):
        assert heading in text, heading
    assert "（一）健全机制" in text and "自评得分" in text and "评价指标" in text
    assert "(一)" not in text and "尚未填写" not in text
    # no half-width punctuation against Chinese anywhere, the running header included
    import re

    assert not re.findall(r"[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]", text)
    assert "方案（2017—2020年）实施情况验收报告" in text
    assert final.score_table and all("score" in row for row in final.score_table)
    assert "武汉市推进国家知识产权强市创建工作领导小组办公室" in text


# --- evidence -----------------------------------------------------------------------------


def test_evidence_is_listed_in_the_annex_and_filed_by_chapter_in_the_zip(make_report, office, wuhan):
    report = make_report("wuhan-2017", "acceptance")
    framework = framework_default_ensure(programme=wuhan)
    group = Item.objects.get(aspect__framework=framework, rule="evidence")
    task = wuhan.tasks.order_by("order").first()
    evidence_attach(
        programme=wuhan,
        item=group,
        user=office,
        name="成立通知.pdf",
        data=b"%PDF-1.4 notice",
        agency_name="市政府办公厅",
    )
    evidence_attach(programme=wuhan, task=task, user=office, name="现场.png", data=b"\x89PNG\r\n\x1a\nxx")
    with pytest.raises(ValidationError):
        evidence_attach(programme=wuhan, task=task, user=office, name="病毒.pdf", data=b"MZ\x90\x00")
    with pytest.raises(ValidationError):
        evidence_attach(programme=wuhan, user=office, name="a.pdf", data=b"%PDF-1.4")
    assert wuhan.assessment_evidence.count() == 2
    version = report_generate(report=report, user=office)
    text = squash(pdf_text(version.pdf.read()))
    assert "成立通知.pdf" in text and "现场.png" in text
    names = zipfile.ZipFile(report_evidence_zip(version=version)).namelist()
    assert any(
        n.startswith("证明材料/三、自评得分情况/建立领导小组") and n.endswith("成立通知.pdf") for n in names
    ), names
    assert any(
        n.startswith(f"证明材料/六、重点任务进展/{task.number}") and n.endswith("现场.png") for n in names
    ), names
    archive = zipfile.ZipFile(report_evidence_zip(version=version))
    without = archive.read("证明材料/尚无证明材料的事项.txt").decode("utf-8")
    assert "典型经验做法及其复制推广" in without and "建立领导小组" not in without
    assert io.BytesIO(archive.read(f"{version.file_stem}.pdf")).read(5) == b"%PDF-"


def test_demo_chapters_make_wuhans_final_pass(db, tmp_path):
    from reports.demo import demo_reports_load

    demo_reports_load()
    out = tmp_path / "wuhan.pdf"
    call_command("render_report", "wuhan-2017", "--kind", "acceptance", "--final", "--out", str(out))
    version = ReportVersion.objects.get(report__programme__slug="wuhan-2017", is_final=True)
    assert version.report.kind == Report.Kind.ACCEPTANCE and out.exists()
    assert Programme.objects.get(slug="wuhan-2017").assessment_evidence.count() >= 3


def test_weights_split_evenly_never_below_zero():
    from reports.frameworks.services import _split

    shares = _split(Decimal(40), 28)
    assert sum(shares) == 40 and min(shares) > 0 and len(set(shares[1:])) == 1
