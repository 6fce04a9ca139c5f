"""The plan importer's parsing core (planimport.parsing): no database, no Django."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from planimport.parsing import PlanImportError, parse_plan, read_document
from planimport.parsing.normalize import traditional_share
from planimport.parsing.scoring import BARS, failures, score_plan

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = ROOT / "programmes" / "seed_data"
TEXT_DIR = SEED_DIR / "texts"
SEEDS = ["wuhan-2017", "harbin-2016", "yichang-2020", "anshan-2015", "fuzhou-2022"]


def text_path(slug: str) -> Path:
    return TEXT_DIR / (slug.replace("-", "_") + ".txt")


_cache: dict[str, dict] = {}


def canonical(slug: str) -> dict:
    if slug not in _cache:
        _cache[slug] = parse_plan(read_document(text_path(slug))).to_canonical()
    return _cache[slug]


def _error(data: bytes, filename: str) -> PlanImportError:
    with pytest.raises(PlanImportError) as exc:
        read_document(data, filename)
    return exc.value


# --------------------------------------------------------------------- bad input


def test_empty_file_is_refused():
    err = _error(b"", "plan.txt")
    assert err.code == PlanImportError.EMPTY
    assert "空" in err.message_zh and "plan.txt" in err.message_zh


def test_whitespace_only_file_is_refused():
    err = _error("  \n\u3000\n".encode(), "plan.txt")
    assert err.code == PlanImportError.EMPTY
    assert "没有文字" in err.message_zh


def test_binary_file_is_refused():
    err = _error(bytes(range(256)) * 40, "plan.txt")
    assert err.code == PlanImportError.BINARY
    assert "二进制" in err.message_zh


def test_image_file_is_refused():
    err = _error(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.png")
    assert err.code == PlanImportError.IMAGE
    assert "OCR" in err.message_zh


def test_image_only_pdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    err = _error(buf.getvalue(), "scan.pdf")
    assert err.code == PlanImportError.IMAGE_ONLY_PDF
    assert "共 2 页" in err.message_zh and "文字层" in err.message_zh and "OCR" in err.message_zh


def test_old_word_doc_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    err = _error(ole, "方案.doc")
    assert err.code == PlanImportError.LEGACY_DOC
    assert ".docx" in err.message_zh and "另存为" in err.message_zh
    # A .doc name on something else is refused the same way, with the same advice.
    err = _error("一、重点任务".encode(), "方案.doc")
    assert err.code == PlanImportError.LEGACY_DOC


def test_file_over_20_mb_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: the size is checked before reading
        fh.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(PlanImportError) as exc:
        read_document(big)
    assert exc.value.code == PlanImportError.TOO_LARGE
    assert "20 MB" in exc.value.message_zh
    err = _error(b"x" * (20 * 1024 * 1024 + 1), "big.txt")
    assert err.code == PlanImportError.TOO_LARGE


def test_undecodable_text_is_refused_not_guessed():
    # Latin-1 bytes: not UTF-8, and read as GB18030 or Big5 they are not Chinese.
    data = ("Ceci n'est pas un plan: été, déjà, façade, garçon, où. " * 20).encode("latin-1")
    err = _error(data, "plan.txt")
    assert err.code in (PlanImportError.ENCODING_UNKNOWN, PlanImportError.ENCODING_AMBIGUOUS)
    assert "UTF-8" in err.message_zh


def test_ambiguous_encoding_is_refused_not_guessed(monkeypatch):
    from planimport.parsing import reader

    # Both GB18030 and Big5 decode these bytes; if both readings looked equally Chinese
    # the reader must refuse rather than pick one.
    data = "智慧財產權工作方案".encode("big5")
    assert data.decode("gb18030") and data.decode("big5")
    monkeypatch.setattr(reader, "_plausibility", lambda text: 0.9)
    err = _error(data, "plan.txt")
    assert err.code == PlanImportError.ENCODING_AMBIGUOUS
    assert "GB18030" in err.message_zh and "Big5" in err.message_zh and "UTF-8" in err.message_zh


def test_utf8_is_reported_without_a_warning():
    doc = read_document(text_path("harbin-2016"))
    assert (doc.format, doc.encoding, doc.warnings) == ("txt", "utf-8", [])


def test_text_without_structure_is_refused():
    text = "这是一段普通的文字,说明会议的时间和地点,没有编号,也没有任务和目标。" * 5
    with pytest.raises(PlanImportError) as exc:
        parse_plan(text)
    assert exc.value.code == PlanImportError.NO_STRUCTURE
    assert "编号" in exc.value.message_zh and "方案全文" in exc.value.message_zh


def test_text_of_only_page_furniture_is_refused():
    text = "中国文化产业网>哈尔滨>产业政策>\nhttp://example.com/a.html\n扫描二维码查看原文\n"
    with pytest.raises(PlanImportError) as exc:
        parse_plan(text)
    assert exc.value.code == PlanImportError.EMPTY


def test_unreadable_period_is_none_with_a_warning():
    plan = parse_plan(read_document(text_path("anshan-2015")))
    assert plan.period is None
    assert any("实施期限" in w for w in plan.warnings)
    assert plan.fields["period"]["confidence"]["level"] == "low"


# --------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("codec", "reported"),
    [
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("utf-16-le", "utf-16-le"),
        ("utf-8-sig", "utf-8-sig"),
    ],
)
def test_encodings_give_the_same_canonical_json(tmp_path, codec, reported):
    slug = "wuhan-2017"
    raw = text_path(slug).read_text(encoding="utf-8")
    path = tmp_path / text_path(slug).name
    path.write_bytes(raw.encode(codec))
    doc = read_document(path)
    assert doc.encoding == reported
    assert parse_plan(doc).to_canonical() == canonical(slug)


def test_gbk_copy_of_every_seed_reads_the_same(tmp_path):
    for slug in ("harbin-2016", "yichang-2020", "anshan-2015"):
        raw = text_path(slug).read_text(encoding="utf-8")
        path = tmp_path / text_path(slug).name
        path.write_bytes(raw.encode("gb18030"))
        doc = read_document(path)
        assert doc.encoding == "gb18030"
        assert parse_plan(doc).to_canonical() == canonical(slug), slug


def test_big5_traditional_text_is_read_and_converted(tmp_path):
    raw = text_path("fuzhou-2022").read_text(encoding="utf-8")
    path = tmp_path / "fuzhou_2022.txt"
    path.write_bytes(raw.encode("big5", errors="strict"))
    doc = read_document(path)
    assert doc.encoding == "big5"
    assert parse_plan(doc).to_canonical() == canonical("fuzhou-2022")


def test_docx_built_from_seed_lines_gives_the_same_json(tmp_path):
    import docx

    for slug in ("wuhan-2017", "yichang-2020"):
        document = docx.Document()
        for line in text_path(slug).read_text(encoding="utf-8").splitlines():
            document.add_paragraph(line)
        path = tmp_path / (slug.replace("-", "_") + ".docx")
        document.save(path)
        doc = read_document(path)
        assert doc.format == "docx" and doc.encoding is None
        assert parse_plan(doc, source_file=text_path(slug).name).to_canonical() == canonical(slug), slug


def test_docx_automatic_numbering_is_rendered(tmp_path):
    """Word list numbers are not in the paragraph text; the reader renders them."""
    import docx

    document = docx.Document()
    document.add_paragraph("某某市知识产权示范城市建设工作方案")
    document.add_paragraph("一、重点任务")
    for item in (
        "加强专利创造。每年新增发明专利不少于500件。(牵头单位:市科技局;配合单位:市财政局)",
        "强化知识产权保护。专利侵权纠纷案件结案率达到95%以上。(责任单位:市市场监管局、市公安局)",
    ):
        document.add_paragraph(item, style="List Number")
    path = tmp_path / "numbered.docx"
    document.save(path)
    plan = parse_plan(read_document(path))
    assert [t.number for t in plan.tasks] == ["1", "2"]
    assert plan.tasks[0].lead == ["市科技局"] and plan.tasks[0].support == ["市财政局"]
    assert plan.tasks[1].lead == ["市市场监管局"] and plan.tasks[1].support == ["市公安局"]
    assert [(i.target, i.unit, i.comparator) for i in plan.indicators] == [(500, "件", ">="), (95, "%", ">=")]


def test_pdf_with_a_text_layer_reads_like_the_text(tmp_path):
    """A typeset PDF (hard-wrapped lines, running header, page numbers) of Harbin's plan."""
    import html

    from weasyprint import HTML

    lines = [
        ln.strip() for ln in text_path("harbin-2016").read_text(encoding="utf-8").splitlines() if ln.strip()
    ]
    css = (
        "@page { size: A4; margin: 3cm 2.6cm; @top-center { content: '哈尔滨市人民政府'; }"
        " @bottom-center { content: '— ' counter(page) ' —'; } }"
        " body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: 16pt; } p { margin: 0; }"
    )
    body = "".join(f"<p>{html.escape(ln)}</p>" for ln in lines)
    path = tmp_path / "harbin_2016.pdf"
    HTML(string=f"<html><head><style>{css}</style></head><body>{body}</body></html>").write_pdf(path)
    doc = read_document(path)
    assert doc.format == "pdf" and doc.pages and doc.pages > 3
    plan = parse_plan(doc)
    scores = score_plan(
        plan.to_canonical(), json.loads((SEED_DIR / "harbin-2016.json").read_text(encoding="utf-8"))
    )
    assert not failures(scores), failures(scores)
    assert "— 2 —" not in plan.text


# --------------------------------------------------------------------- normalisation


def test_anshan_pasted_twice_is_read_once():
    plan = parse_plan(read_document(text_path("anshan-2015")))
    assert plan.duplicate_removed
    assert len(plan.tasks) == 29
    assert [t.number for t in plan.tasks][:4] == ["一.1", "一.2", "一.3", "二.4"]
    assert any("重复" in w for w in plan.warnings)
    assert plan.text.count("鞍山市创建国家知识产权示范城市工作方案为贯彻落实") == 1


def test_fuzhou_comes_out_in_simplified_with_mainland_vocabulary():
    plan = parse_plan(read_document(text_path("fuzhou-2022")))
    assert plan.script_converted
    assert plan.title == "福州市国家知识产权强市建设示范城市工作方案"
    assert traditional_share(plan.text) < 0.005
    for taiwan in ("智慧财产", "智慧財產", "軟體", "软体", "积体电路", "最佳化"):
        assert taiwan not in plan.text
    assert "集成电路" in plan.text and "优化" in plan.text and "建立健全" in plan.text
    assert plan.tasks[11].title == "优化知识产权管理体制机制"
    assert any("繁体" in w for w in plan.warnings)


def test_page_furniture_does_not_become_text():
    for slug in ("harbin-2016", "yichang-2020", "fuzhou-2022"):
        text = parse_plan(read_document(text_path(slug))).text
        for junk in (
            "中国文化产业网>",
            "扫描二维码",
            "http",
            "侦策百科",
            "二维码无法",
            "热门词条",
            "编辑:邱娟",
        ):
            assert junk not in text, (slug, junk)


def test_lines_broken_by_pdf_extraction_are_joined():
    tasks = {t["number"]: t for t in canonical("wuhan-2017")["tasks"]}
    assert "畅通行政保护与司法保护工作对接渠道" in tasks["二.3"]["text"]
    assert tasks["五.6"]["support"][-1] == "武汉东湖新技术开发区管委会"
    goals = canonical("wuhan-2017")["goals"]
    assert "驰名商标和精品版权" in goals[1]["text"]


def test_spans_point_at_the_source_sentences():
    plan = parse_plan(read_document(text_path("yichang-2020")))
    for task in plan.tasks:
        assert plan.text[task.title_span.start : task.title_span.end] == task.title
        assert task.title in plan.text[task.span.start : task.span.end]
    for ind in plan.indicators:
        assert plan.text[ind.span.start : ind.span.end] == ind.source_sentence
        assert str(ind.target) in ind.source_sentence or ind.kind == "milestone"
    for phase in plan.phases:
        assert phase.start[:4] in plan.text[phase.span.start : phase.span.end]
    review = plan.review()
    assert review["tasks"][0]["span"] == [plan.tasks[0].span.start, plan.tasks[0].span.end]
    assert review["indicators"][0]["confidence"]["level"] in ("high", "medium", "low")


# --------------------------------------------------------------------- extraction details


def test_wuhan_metadata_and_agency_lists():
    c = canonical("wuhan-2017")
    assert c["doc_number"] == "武政〔2017〕30号"
    assert c["period"] == {"start": "2017-01", "end": "2020-12"}
    assert c["issue_date"] == "2017-11-01"
    first = c["tasks"][0]
    assert first["lead"] == ["武汉东湖新技术开发区管委会", "武汉经济技术开发区管委会〈汉南区人民政府〉"]
    assert c["tasks"][1]["lead"] == ["各区人民政府〈含开发区管委会,下同〉"]
    respectively = [
        i for i in c["indicators"] if i["source_sentence"].startswith("力争到2020年,全市发明专利申请量")
    ]
    assert [(i["target"], i["unit"]) for i in respectively] == [
        (32000, "件"),
        (12000, "件"),
        (1000, "件"),
        (30, "件/万人"),  # 每万人口…拥有量: per 10,000 people
    ]


def test_comparators_ranges_and_kinds():
    harbin = {i["target"]: i for i in canonical("harbin-2016")["indicators"]}
    assert harbin[20]["comparator"] in (">", "range")
    assert [i for i in canonical("harbin-2016")["indicators"] if i["comparator"] == "range"][0][
        "target_max"
    ] == 30
    assert harbin[13]["comparator"] == ">=" and harbin[13]["kind"] == "level"
    # "专利侵权纠纷和假冒专利案件结案率均达到90%以上" is two rates
    rates = [i["name"] for i in canonical("harbin-2016")["indicators"] if i["target"] == 90]
    assert rates == ["专利侵权纠纷结案率", "假冒专利案件结案率"]
    yichang = canonical("yichang-2020")["indicators"]
    kinds = {i["name"]: i["kind"] for i in yichang}
    assert kinds["平均每家被托管企业新增知识产权"] == "per_unit"
    assert kinds["专利技术合同成交额年均增幅"] == "avg_growth_rate"
    assert "知识产权质押融资项目数年均增幅" in kinds  # "金额和项目数" is two indicators
    anshan = {(i["target"], i["unit"]): i for i in canonical("anshan-2015")["indicators"]}
    assert anshan[(1000, "万元")]["kind"] == "yearly_minimum"
    assert anshan[(1000, "名")]["kind"] == "cumulative"
    assert anshan[(1500, "件")]["kind"] == "annual_flow"  # "1500/年": the unit is inferred
    assert all(i["deadline"] is None for i in anshan.values())  # no period, no year in the sentence


def test_yichang_phases_and_milestones():
    phases = canonical("yichang-2020")["phases"]
    assert [(p["start"], p["end"], p["milestone"]) for p in phases] == [
        ("2020-06", "2020-09", None),
        ("2020-10", "2022-01", None),
        ("2022-02", "2022-02", "midterm"),
        ("2022-03", "2023-04", None),
        ("2023-05", "2023-06", "acceptance"),
    ]


def test_leading_group_from_annex_list():
    group = canonical("wuhan-2017")["leading_group"]
    assert group[0] == {"agency": "市人民政府", "role": "组长", "person": "万勇", "title": "市长"}
    assert {"agency": "市科技局(市知识产权局)", "role": "成员", "person": "李记泽", "title": "局长"} in group
    assert group[-1]["role"] == "办公室" and group[-1]["agency"] == "市科技局(市知识产权局)"
    anshan = canonical("anshan-2015")["leading_group"]
    assert anshan[0]["role"] == "组长" and anshan[0]["person"] == "吴忠琼"
    assert any(m["person"] is None and m["agency"] == "鞍山海关" for m in anshan)


def test_other_city_house_style():
    """A plan in another house style: full-width punctuation, goals inside 总体要求,
    units on their own lines, assignments mid-item, dated step headings."""
    text = (
        "南通市知识产权强市建设实施方案（2021—2025年）\n"
        "一、总体要求\n"
        "（一）主要目标。到2025年，全市每万人口高价值发明专利拥有量达到12件，有效注册商标总量突破20万件，"
        "培育国家知识产权示范企业10家、优势企业30家，结案周期压缩至3个月以内。\n"
        "二、重点任务\n"
        "（一）提升创造质量\n"
        "1．加强高价值专利培育。每年新增高价值发明专利不少于800件。\n"
        "责任单位：市市场监管局（知识产权局）、市科技局、各县（市、区）人民政府\n"
        "2．深化知识产权金融。（牵头单位：市地方金融监管局　配合单位：人民银行南通市中心支行）\n"
        "（1）扩大质押融资。\n"
        "（2）推广知识产权保险。\n"
        "（二）强化保护\n"
        "3．完善行政执法体系。健全协作机制。（市公安局牵头，南通海关、市市场监管局配合）\n"
        "三、实施步骤\n"
        "第一阶段（2021年7月—12月）：动员部署。\n"
        "第二阶段（2022年1月—2024年12月）：全面实施。\n"
        "第三阶段（2025年）：总结验收。\n"
    )
    plan = parse_plan(text)
    c = plan.to_canonical()
    assert c["city"] == "南通市" and c["province"] == "江苏省"
    assert c["period"] == {"start": "2021-01", "end": "2025-12"}
    assert [(t["number"], t["title"]) for t in c["tasks"]] == [
        ("一.1", "加强高价值专利培育"),
        ("一.2", "深化知识产权金融"),
        ("二.3", "完善行政执法体系"),
    ]
    assert c["tasks"][0]["lead"] == ["市市场监管局（知识产权局）"]
    assert c["tasks"][0]["support"] == ["市科技局", "各县（市、区）人民政府"]
    assert (c["tasks"][1]["lead"], c["tasks"][1]["support"]) == (
        ["市地方金融监管局"],
        ["人民银行南通市中心支行"],
    )
    assert (c["tasks"][2]["lead"], c["tasks"][2]["support"]) == (["市公安局"], ["南通海关", "市市场监管局"])
    got = {(i["target"], i["unit"], i["comparator"]) for i in c["indicators"]}
    assert got == {
        (12, "件/万人", ">="),
        (20, "万件", ">="),
        (10, "家", ">="),
        (30, "家", ">="),
        (3, "个月", "<="),
        (800, "件", ">="),
    }
    assert [(p["start"], p["end"], p["milestone"]) for p in c["phases"]] == [
        ("2021-07", "2021-12", None),
        ("2022-01", "2024-12", None),
        ("2025-01", "2025-12", "acceptance"),
    ]


# --------------------------------------------------------------------- accuracy bars


def test_scoring_counts_empty_on_both_sides_as_perfect():
    scores = score_plan(
        {"tasks": [], "phases": [], "indicators": []}, {"tasks": [], "phases": [], "indicators": []}
    )
    assert all(s.precision == 1.0 and s.recall == 1.0 for s in scores.values())
    scores = score_plan(
        {"tasks": [], "phases": []}, {"tasks": [{"title": "x", "lead": ["A"], "support": []}]}
    )
    assert scores["tasks"].recall == 0.0 and scores["lead"].recall == 0.0


@pytest.mark.parametrize("slug", SEEDS)
def test_accuracy_meets_the_bars(slug):
    gold_path = SEED_DIR / f"{slug}.json"
    # Never skipped: a missing seed file is a failure.
    assert gold_path.exists(), f"seed file {gold_path} is missing"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    scores = score_plan(canonical(slug), gold)
    assert not failures(scores, BARS), f"{slug}: " + "; ".join(failures(scores, BARS))


def test_docx_tables_give_indicators_and_leading_group(tmp_path):
    import docx

    document = docx.Document()
    for line in ("宿迁市知识产权强市建设工作方案(2023—2025年)", "一、主要目标", "到2025年,主要指标如下:"):
        document.add_paragraph(line)
    rows = [
        ("序号", "指标名称", "单位", "2022年基期值", "2025年目标值"),
        ("1", "每万人口高价值发明专利拥有量", "件", "2.1", "4.5"),
        ("2", "知识产权质押融资登记金额", "亿元", "15", "≥30"),
        ("3", "专利侵权纠纷案件结案率", "%", "92", "95以上"),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for line in (
        "二、重点任务",
        "1.加强高价值专利培育。每万人口高价值发明专利拥有量达到4.5件。(责任单位:市市场监管局、市科技局)",
        "2.深化知识产权金融。(牵头单位:市地方金融监管局;配合单位:人行宿迁市中心支行)",
        "附件",
        "宿迁市知识产权强市建设工作领导小组成员名单",
    ):
        document.add_paragraph(line)
    group = document.add_table(rows=2, cols=3)
    for r, row in enumerate((("组长", "张三", "市长"), ("成员", "李四", "市市场监管局局长"))):
        for c, value in enumerate(row):
            group.cell(r, c).text = value
    path = tmp_path / "suqian.docx"
    document.save(path)
    plan = parse_plan(read_document(path))
    got = [(i.name, i.target, i.unit, i.comparator) for i in plan.indicators]
    assert got == [
        ("每万人口高价值发明专利拥有量", 4.5, "件/万人", ">="),  # the task restates it: listed once
        ("知识产权质押融资登记金额", 30, "亿元", ">="),
        ("专利侵权纠纷案件结案率", 95, "%", ">="),
    ]
    assert all(i.deadline == "2025" for i in plan.indicators)
    members = [m.canonical() for m in plan.leading_group]
    assert members[0] == {"agency": "市人民政府", "role": "组长", "person": "张三", "title": "市长"}
    assert members[1] == {"agency": "市市场监管局", "role": "成员", "person": "李四", "title": "局长"}


def test_web_page_metadata_and_responsibility_forms():
    text = (
        "索引号: 014236233/2023-01114 分类: 市场监管\n"
        "发布机构: 通州区人民政府 文号: 通政发〔2023〕4号\n"
        "成文日期: 2023-02-17 发布日期: 2023-02-18 有效性: 有效\n"
        "区政府关于印发通州区\n江苏省知识产权保护示范区建设工作方案(2022-2025年)的通知\n"
        "《通州区江苏省知识产权保护示范区建设工作方案(2022-2025年)》已经区人民政府常务会议讨论通过,现印发给你们。\n"
        "南通市通州区人民政府\n"
        "一、工作目标\n"
        "到2025年,专利侵权纠纷行政裁决案件平均办案周期不超过60天,知识产权保护社会满意度达到85分以上。\n"
        "二、重点任务\n"
        "1.健全保护体系。建设区知识产权保护中心。(区市场监管局、区司法局负责)\n"
        "2.强化司法保护。推进繁简分流。(区法院牵头,区检察院、区公安分局配合)\n"
    )
    c = parse_plan(text).to_canonical()
    assert (c["doc_number"], c["issue_date"]) == ("通政发〔2023〕4号", "2023-02-17")
    assert c["title"] == "通州区江苏省知识产权保护示范区建设工作方案(2022-2025年)"
    assert c["period"] == {"start": "2022-01", "end": "2025-12"}
    assert (c["city"], c["province"], c["issuer"]) == ("通州区", "江苏省", "南通市通州区人民政府")
    assert [(t["lead"], t["support"]) for t in c["tasks"]] == [
        (["区市场监管局"], ["区司法局"]),
        (["区法院"], ["区检察院", "区公安分局"]),
    ]
    assert [(i["target"], i["unit"], i["comparator"]) for i in c["indicators"]] == [
        (60, "天", "<="),
        (85, "分", ">="),
    ]


def test_sections_versus_sub_points():
    """(一)(二) items with their own text and a few 1. 2. sub-points are the tasks."""
    text = (
        "某市知识产权示范城市工作方案\n"
        "一、工作任务\n"
        "(一)完善政策体系。制定专利资助办法。\n"
        "(二)加强执法。开展专项行动:\n"
        "1.开展电商领域执法;\n"
        "2.开展展会执法。\n"
        "(三)优化服务。建设公共服务平台。\n"
        "(四)加强宣传。开展知识产权宣传周活动。\n"
    )
    plan = parse_plan(text)
    assert [(t.number, t.title) for t in plan.tasks] == [
        ("1", "完善政策体系"),
        ("2", "加强执法"),
        ("3", "优化服务"),
        ("4", "加强宣传"),
    ]
    assert "开展展会执法" in plan.tasks[1].text
