"""The review page of the plan importer: upload or paste → a stored draft beside its source
text → staff edit, delete, add items → confirm creates the programme in one transaction;
a revised plan for an existing programme is a diff applied only where staff accept it,
never losing reported data. Plus the permission matrix of every URL added."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planimport.diff import attached_data
from planimport.models import PlanImportDraft
from planimport.parsing import DecodedDocument
from planimport.services import plan_draft_create
from programmes.models import Agency, AgencyAlias, City, Programme
from tests.conftest import PERSONAS
from tests.permissions import assert_matrix, status_for

TEXTS = Path(__file__).resolve().parents[2] / "programmes" / "seed_data" / "texts"
LOGIN = 302
NEW_BADGE = '<span class="badge text-bg-warning">拟新增单位</span>'
NEW_CHIP = re.compile(r'class="agency-chip[^"]*agency-new')


def text_of(name: str) -> str:
    return (TEXTS / f"{name}.txt").read_text(encoding="utf-8")


def paste(client, text: str, slug: str = "", **extra):
    return client.post(reverse("planimport:start"), {"text": text, "slug": slug, **extra})


def draft_from(response) -> PlanImportDraft:
    assert response.status_code == 302, response.content.decode()[:2000]
    pk = int(re.search(r"/imports/(\d+)/", response["Location"]).group(1))
    return PlanImportDraft.objects.get(pk=pk)


def item(draft: PlanImportDraft, key: str, **match) -> dict:
    draft.refresh_from_db()
    for row in draft.review[key]:
        if all(row.get(k) == v for k, v in match.items()):
            return row
    raise AssertionError(f"no {key} item with {match}")


def edit(client, draft, kind, item_id, data):
    url = reverse("planimport:item_edit", args=[draft.pk, kind, item_id])
    return client.post(url, data)


def task_form(row: dict, **changes) -> dict:
    data = {
        "number": row["number"],
        "section": row.get("section") or "",
        "title": row["title"],
        "text": row.get("text") or "",
        "lead": "\n".join(row.get("lead") or []),
        "support": "\n".join(row.get("support") or []),
    }
    data.update(changes)
    return data


def confirm(client, draft, accept=(), create_agencies=True):
    data = {"accept": list(accept)}
    if create_agencies:  # staff ticked "新增这些单位" beside the list of agencies to create
        data["create_agencies"] = "1"
    return client.post(reverse("planimport:confirm", args=[draft.pk]), data)


# --------------------------------------------------------------------------- create


@pytest.mark.django_db
def test_pasted_text_becomes_a_draft_shown_beside_its_source(login):
    client = login("office_harbin")
    before = Programme.objects.count()
    draft = draft_from(paste(client, text_of("harbin_2016"), "harbin-2016-review"))
    assert Programme.objects.count() == before  # nothing but the draft is stored
    assert draft.city.name == "哈尔滨市" and draft.created_by.username == "office_harbin"
    assert draft.file_format == "paste" and draft.review["slug"] == "harbin-2016-review"
    assert len(draft.review["tasks"]) == 12 and len(draft.review["indicators"]) == 11

    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    # the source panel holds the normalised text exactly, cut into linked segments
    panel = re.search(
        r'<div class="source-panel" id="source"[^>]*>(.*?)</div>\n</div>\n</div>', html, re.S
    ).group(1)
    assert unescape(re.sub(r"<[^>]+>", "", panel)) == draft.text
    for row in draft.review["tasks"] + draft.review["indicators"] + draft.review["phases"]:
        assert re.search(rf'data-items="[^"]*\b{row["_id"]}\b', html), row
        assert f'data-show="{row["_id"]}"' in html
        start, end = row["span"]
        assert draft.text[start:end]  # a real sentence of the text
    task = draft.review["tasks"][0]
    segment = re.search(rf'<span class="seg" data-items="[^"]*\b{task["_id"]}\b[^"]*">([^<]*)</span>', html)
    assert unescape(segment.group(1)) in draft.text[task["span"][0] : task["span"][1]]
    # basics, with the sentence they were read from and their confidence
    assert 'data-show="f-title"' in html and 'data-show="f-period"' in html
    assert "需核对" in html  # the period was read with medium confidence
    assert "2016-01 至 2018-12" in html


@pytest.mark.django_db
def test_uploads_say_how_they_were_read(login):
    from docx import Document

    client = login("office_wuhan")
    text = text_of("wuhan_2017")
    upload = SimpleUploadedFile("wuhan_2017.txt", text.encode("gbk"), content_type="text/plain")
    draft = draft_from(client.post(reverse("planimport:start"), {"file": upload, "slug": "wuhan-gbk"}))
    assert draft.encoding == "gb18030" and draft.file_format == "txt"
    assert "编码 GB18030/GBK" in client.get(draft.get_absolute_url()).content.decode()
    assert len(draft.review["tasks"]) == 33

    document = Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    upload = SimpleUploadedFile("wuhan_2017.docx", buf.getvalue())
    docx_draft = draft_from(client.post(reverse("planimport:start"), {"file": upload, "slug": "wuhan-docx"}))
    assert docx_draft.file_format == "docx"
    strip = {"slug", "source_file", "_seq"}

    def canon(d):
        from planimport.review import review_to_canonical

        return {k: v for k, v in review_to_canonical(d.review).items() if k not in strip}

    assert canon(docx_draft) == canon(draft)


def _image_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


BAD_UPLOADS = [
    ("empty.txt", b"", "是空的"),
    ("binary.txt", bytes(range(256)) * 40, "二进制"),
    ("scan.pdf", _image_pdf(), "文字层"),
    ("方案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".docx"),
    ("big.txt", b"a" * (20 * 1024 * 1024 + 1), "20 MB"),
    ("notice.txt", "今天天气很好,我们去公园散步。\n".encode() * 40, "没有识别出实施方案的结构"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name,data,message", BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_uploads_show_what_was_found_and_store_nothing(login, name, data, message):
    client = login("office_wuhan")
    before = (PlanImportDraft.objects.count(), Programme.objects.count(), Agency.objects.count())
    response = client.post(reverse("planimport:start"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'data-field="file"' in html
    assert (PlanImportDraft.objects.count(), Programme.objects.count(), Agency.objects.count()) == before


@pytest.mark.django_db
def test_empty_paste_and_nothing_at_all_are_refused(login):
    client = login("office_wuhan")
    response = paste(client, "   \n  ")
    assert response.status_code == 200 and "请上传方案文件,或粘贴方案全文" in response.content.decode()
    response = paste(client, "今天天气很好。" * 20)
    assert response.status_code == 200 and "没有识别出实施方案的结构" in response.content.decode()
    assert not PlanImportDraft.objects.exists()


# --------------------------------------------------------------------------- review flow


@pytest.mark.django_db
def test_edit_delete_add_then_confirm_creates_the_programme_with_those_edits(login):
    client = login("office_harbin")
    draft = draft_from(paste(client, text_of("harbin_2016"), "harbin-2016-reviewed"))

    # edit a task: title and a lead agency (a new agency, proposed, never merged)
    task = item(draft, "tasks", number="3")
    response = edit(
        client, draft, "task", task["_id"], task_form(task, title="引导和促进知识产权运用", lead="市工信局")
    )
    assert response.status_code == 302 and f"#item-{task['_id']}" in response["Location"]
    assert item(draft, "tasks", number="3")["title"] == "引导和促进知识产权运用"
    html = client.get(draft.get_absolute_url()).content.decode()
    assert NEW_BADGE in html and "已人工修改" in html

    # delete an indicator and a task
    indicator = item(draft, "indicators", name="假冒专利案件结案率")
    response = client.post(reverse("planimport:item_delete", args=[draft.pk, "indicator", indicator["_id"]]))
    assert response.status_code == 302
    last = item(draft, "tasks", number="12")
    client.post(reverse("planimport:item_delete", args=[draft.pk, "task", last["_id"]]))

    # fix an indicator's target, add a phase, edit the basics
    rate = item(draft, "indicators", name="专利侵权纠纷结案率")
    response = edit(
        client,
        draft,
        "indicator",
        rate["_id"],
        {
            **{k: rate[k] for k in ("name", "area", "kind", "comparator", "unit", "deadline")},
            "target": "95",
            "target_max": "",
            "formula": "",
            "source_sentence": rate["source_sentence"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        reverse("planimport:item_add", args=[draft.pk, "phase"]),
        {"name": "整改提高阶段", "start": "2019-03", "end": "2019-06", "milestone": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("planimport:item_add", args=[draft.pk, "basics"]),
        {
            "slug": "harbin-2016-reviewed",
            "title": "哈尔滨市推进国家知识产权示范城市工作实施方案(修订)",
            "kind": "demonstration_city",
            "doc_number": "哈政办发〔2016〕1号",
            "issuer": "哈尔滨市人民政府",
            "issue_date": "",
            "period_start": "2016-01",
            "period_end": "2018-12",
            "notes": "",
        },
    )
    assert response.status_code == 302

    # an invalid edit is refused at its field, the draft unchanged
    response = edit(
        client,
        draft,
        "phase",
        item(draft, "phases", name="启动宣传阶段")["_id"],
        {"name": "启动宣传阶段", "start": "2016-08", "end": "2016-02"},
    )
    assert response.status_code == 200 and "结束年月不能早于开始年月" in response.content.decode()

    agencies_before = Agency.objects.filter(city__name="哈尔滨市").count()
    response = confirm(client, draft)
    programme = Programme.objects.get(slug="harbin-2016-reviewed")
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    assert programme.status == Programme.Status.DRAFT
    assert programme.title.endswith("(修订)") and programme.doc_number == "哈政办发〔2016〕1号"
    assert programme.tasks.count() == 11 and not programme.tasks.filter(number="12").exists()
    task3 = programme.tasks.get(number="3")
    assert task3.title == "引导和促进知识产权运用"
    assert [a.agency.name for a in task3.assignments.all()] == ["市工信局"]
    assert Agency.objects.filter(city__name="哈尔滨市").count() == agencies_before + 1
    assert programme.indicators.count() == 10
    assert not programme.indicators.filter(name="假冒专利案件结案率").exists()
    assert programme.indicators.get(name="专利侵权纠纷结案率").target == Decimal("95")
    assert list(programme.phases.values_list("name", flat=True))[-1] == "整改提高阶段"
    assert "完善知识产权政策法规" in programme.source_text
    draft.refresh_from_db()
    assert draft.status == PlanImportDraft.Status.CONFIRMED and draft.programme == programme
    assert draft.confirmed_by.username == "office_harbin"
    page = client.get(programme.get_absolute_url())
    assert page.status_code == 200 and "草稿" in page.content.decode()

    # a confirmed draft is read-only
    response = edit(client, draft, "task", task["_id"], task_form(task, title="再改"))
    assert response.status_code == 302
    assert programme.tasks.get(number="3").title == "引导和促进知识产权运用"
    assert confirm(client, draft).status_code == 302
    assert Programme.objects.filter(slug="harbin-2016-reviewed").count() == 1


@pytest.mark.django_db
def test_htmx_edits_are_fragments_and_reload_the_page_at_the_item(login):
    client = login("office_harbin")
    draft = draft_from(paste(client, text_of("harbin_2016"), "harbin-htmx"))
    task = draft.review["tasks"][0]
    url = reverse("planimport:item_edit", args=[draft.pk, "task", task["_id"]])
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content and b'hx-post="' in fragment.content
    response = client.post(url, task_form(task, title="新标题"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].endswith(f"?saved={task['_id']}#item-{task['_id']}")
    response = client.post(url, task_form(task, title=""), HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200
        and b"<html" not in response.content
        and b"invalid-feedback" in response.content
    )


@pytest.mark.django_db
def test_confirm_shows_canonical_errors_at_the_item_and_creates_nothing(login):
    client = login("office_harbin")
    draft = draft_from(paste(client, text_of("harbin_2016"), "harbin-2016"))  # the seeded slug
    second = item(draft, "tasks", number="2")
    edit(client, draft, "task", second["_id"], task_form(second, number="1"))  # duplicate number
    before = Programme.objects.count()
    response = confirm(client, draft)
    assert response.status_code == 400
    html = response.content.decode()
    assert Programme.objects.count() == before
    block = re.search(rf'id="item-{second["_id"]}".*?<div id="edit-{second["_id"]}">', html, re.S).group(0)
    assert "任务编号 &#x27;1&#x27; 重复" in block or "任务编号 '1' 重复" in unescape(block)
    basics = re.search(r'id="list-basics".*?id="edit-basics"', html, re.S).group(0)
    assert "已被方案" in basics
    draft.refresh_from_db()
    assert draft.status == PlanImportDraft.Status.OPEN


@pytest.mark.django_db
def test_a_plan_without_a_period_asks_for_it(login):
    client = login("admin")
    anshan = City.objects.get(name="鞍山市")
    draft = draft_from(paste(client, text_of("anshan_2015"), "anshan-review", city=anshan.pk))
    assert draft.review["period"] is None
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "原文未载明实施期限,请填写" in html
    response = confirm(client, draft)
    assert response.status_code == 400 and not Programme.objects.filter(slug="anshan-review").exists()
    response = client.post(
        reverse("planimport:item_add", args=[draft.pk, "basics"]),
        {
            "slug": "anshan-review",
            "title": draft.review["title"],
            "kind": "demonstration_city",
            "doc_number": draft.review["doc_number"] or "",
            "issuer": "",
            "issue_date": "",
            "period_start": "2015-01",
            "period_end": "2017-12",
            "notes": "原文未载明期限,按批复执行。",
        },
    )
    assert response.status_code == 302
    response = confirm(client, draft)
    assert response.status_code == 302
    programme = Programme.objects.get(slug="anshan-review")
    assert (programme.period_start, programme.period_end) == ("2015-01", "2017-12")
    assert programme.indicators.filter(deadline="2017").count() == programme.indicators.count()


# --------------------------------------------------------------------------- agencies


@pytest.mark.django_db
def test_agencies_match_existing_by_alias_first_and_new_ones_are_proposed_not_merged(login):
    client = login("office_wuhan")
    wuhan = City.objects.get(name="武汉市")
    kjj = Agency.objects.get(city=wuhan, name="市科技局(市知识产权局)")
    assert AgencyAlias.objects.filter(agency=kjj, name="市科技局").exists()
    draft = draft_from(paste(client, text_of("wuhan_2017"), "wuhan-agencies"))
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "“市科技局”是其别名" in html  # matched through the alias
    assert NEW_BADGE not in html and not NEW_CHIP.search(html)  # every Wuhan agency already exists

    task = item(draft, "tasks", number="一.2")
    edit(client, draft, "task", task["_id"], task_form(task, support="市科技局\n市数据局"))
    other = item(draft, "tasks", number="四.5")  # lead 市质监局; support 市科技局 …
    renamed = ["市科学技术局" if n == "市科技局" else n for n in other["support"]]
    assert "市科学技术局" in renamed
    edit(client, draft, "task", other["_id"], task_form(other, support="\n".join(renamed)))
    html = client.get(draft.get_absolute_url()).content.decode()
    assert html.count(NEW_BADGE) == 2 and len(NEW_CHIP.findall(html)) == 2
    # staff say 市科学技术局 is 市科技局 written another way: an explicit match, not a guess
    group = item(draft, "agencies", name="市科学技术局")
    response = edit(
        client, draft, "agency", group["_id"], {"name": "市科学技术局", "aliases": "", "match": str(kjj.pk)}
    )
    assert response.status_code == 302
    html = client.get(draft.get_absolute_url()).content.decode()
    assert html.count(NEW_BADGE) == 1 and "由办公室指定" in html
    # putting another agency's name into the group is a conflict staff must resolve
    edit(
        client,
        draft,
        "agency",
        group["_id"],
        {"name": "市科学技术局", "aliases": "市工商局", "match": str(kjj.pk)},
    )
    response = confirm(client, draft)
    assert response.status_code == 400 and "不能并入" in response.content.decode()
    edit(client, draft, "agency", group["_id"], {"name": "市科学技术局", "aliases": "", "match": str(kjj.pk)})
    # one agency twice in a task (under two of its names) is refused at the task
    edit(client, draft, "task", other["_id"], task_form(other, support="\n".join([*renamed, "市科技局"])))
    response = confirm(client, draft)
    assert response.status_code == 400 and "是同一单位" in response.content.decode()
    assert not Programme.objects.filter(slug="wuhan-agencies").exists()
    edit(client, draft, "task", other["_id"], task_form(other, support="\n".join(renamed)))

    count = Agency.objects.filter(city=wuhan).count()
    response = confirm(client, draft)
    assert response.status_code == 302, response.content.decode()[:3000]
    programme = Programme.objects.get(slug="wuhan-agencies")
    assert Agency.objects.filter(city=wuhan).count() == count + 1  # only 市数据局 is new
    assert Agency.objects.filter(city=wuhan, name="市数据局").exists()
    assert AgencyAlias.objects.get(city=wuhan, name="市科学技术局").agency == kjj
    support = programme.tasks.get(number="四.5").assignments.get(printed_name="市科学技术局")
    assert (support.role, support.agency) == ("support", kjj)


@pytest.mark.django_db
def test_names_that_lead_to_two_agencies_are_a_conflict_not_a_merge(login):
    client = login("office_wuhan")
    draft = draft_from(paste(client, text_of("wuhan_2017"), "wuhan-conflict"))
    group = item(draft, "agencies", name="市工商局")
    edit(client, draft, "agency", group["_id"], {"name": "市工商局", "aliases": "市文化局", "match": "auto"})
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "名称冲突" in html and "不会自动合并" in html
    assert confirm(client, draft).status_code == 400
    assert not Programme.objects.filter(slug="wuhan-conflict").exists()


# --------------------------------------------------------------------------- re-import


def _revised_wuhan() -> str:
    text = text_of("wuhan_2017")
    replacements = [
        ("分别达到32000件、12000件", "分别达到35000件、12000件"),  # indicator target changed
        ("国家知识产权示范企业超过 15 个,", ""),  # indicator removed (has data: kept)
        ("中小学知识产权教育试点学校超过10个,", ""),  # indicator removed (rejected)
        (
            "(牵头单位:各区人民政府〈含开发区管委会,下同〉;配合单位:市科技局)",
            "(牵头单位:各区人民政府〈含开发区管委会,下同〉;配合单位:市科技局、市财政局)",
        ),  # support added
        ("(牵头单位:市科技局;配合单位:市教育局)\n", "(牵头单位:市科技局;配合单位:市人力资源社会保障局)\n"),
        ("7.打造知识产权特色园区。", "7.打造知识产权特色园区和创新街区。"),  # task title changed (rejected)
    ]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    lines = text.split("\n")
    drop = [
        i
        for i, ln in enumerate(lines)
        if ln.startswith(("5.大力推进知识产权国际合作", "8.深化专利导航促进产业创新服务"))
    ]
    assert len(drop) == 2
    for i in reversed(drop):
        del lines[i]
    at = next(i for i, ln in enumerate(lines) if ln.startswith("6.强力推进知识产权人才队伍建设"))
    while not lines[at].rstrip().endswith(")"):
        at += 1
    lines.insert(at + 1, "")
    lines.insert(
        at + 2,
        "7.建设知识产权公共服务平台。整合专利、商标、版权信息资源,建成全市知识产权公共服务平台并投入运行。"
        "(牵头单位:市科技局;配合单位:市数据局)",
    )
    return "\n".join(lines)


@pytest.mark.django_db
def test_reimport_shows_a_diff_and_applies_only_what_staff_accept(login, wuhan):
    from indicators.models import Indicator
    from programmes.models import FundingExpense
    from tasks.models import Task

    client = login("office_wuhan")
    kept_task = Task.objects.get(programme=wuhan, number="五.5")
    gone_task = Task.objects.get(programme=wuhan, number="四.8")
    FundingExpense.objects.filter(task=gone_task).update(task=None)
    # reported data on a task the revised plan drops
    FundingExpense.objects.create(
        programme=wuhan,
        date=datetime.date(2018, 3, 1),
        amount=Decimal("12.5"),
        category="国际合作",
        task=kept_task,
        description="驻汉领事机构通报会",
    )
    assert attached_data(kept_task) and not attached_data(gone_task)
    kept_indicator = Indicator.objects.get(programme=wuhan, name="国家知识产权示范企业")
    dropped_indicator = Indicator.objects.get(programme=wuhan, name="中小学知识产权教育试点学校")
    indicator_data = _attach_indicator_data(kept_indicator)
    assert not attached_data(dropped_indicator)
    target_before = Indicator.objects.get(programme=wuhan, name="发明专利申请量").target
    task_count = wuhan.tasks.count()

    url = reverse("planimport:programme_reimport", args=[wuhan.slug])
    assert client.get(url).status_code == 200
    draft = draft_from(client.post(url, {"text": _revised_wuhan()}))
    assert draft.target_programme == wuhan and draft.review["slug"] == wuhan.slug
    html = client.get(draft.get_absolute_url()).content.decode()
    changes = set(re.findall(r'name="accept" value="([^"]+)"', html))
    expected = {
        "ind:chg:发明专利申请量",
        "ind:del:国家知识产权示范企业",
        "ind:del:中小学知识产权教育试点学校",
        "task:del:五.5",
        "task:del:四.8",
        "task:add:五.7",
        "task:chg:四.7",
    }
    assert expected <= changes, changes - expected
    asg = {c for c in changes if c.startswith("asg:")}
    assert any(c.startswith("asg:一.2:") for c in asg) and any(c.startswith("asg:三.1:") for c in asg)
    assert "已有填报数据" in html and "将保留" in html
    assert not any(c.startswith(("task:chg:二", "ind:chg:专利")) for c in changes)  # unchanged stays quiet

    accept = [
        "ind:chg:发明专利申请量",
        "ind:del:国家知识产权示范企业",
        "task:del:五.5",
        "task:del:四.8",
        "task:add:五.7",
        *[c for c in asg if c.startswith("asg:一.2:")],
    ]
    response = confirm(client, draft, accept)
    assert response.status_code == 302 and response["Location"] == wuhan.get_absolute_url()
    wuhan.refresh_from_db()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("五.5" in m and "已保留" in m for m in messages)
    assert any("国家知识产权示范企业" in m and "已保留" in m for m in messages)

    target = Indicator.objects.get(programme=wuhan, name="发明专利申请量").target
    assert target == Decimal("35000") != target_before
    assert Indicator.objects.filter(pk=kept_indicator.pk).exists()  # removal accepted, data kept it
    assert _indicator_data_count(kept_indicator, indicator_data) == indicator_data[1]
    assert Indicator.objects.filter(pk=dropped_indicator.pk).exists()  # removal rejected
    assert Task.objects.filter(pk=kept_task.pk).exists() and kept_task.expenses.count() == 1
    assert not Task.objects.filter(pk=gone_task.pk).exists()
    new_task = Task.objects.get(programme=wuhan, number="五.7")
    assert new_task.title == "建设知识产权公共服务平台"
    assert Agency.objects.filter(city=wuhan.city, name="市数据局").exists()
    assert wuhan.tasks.count() == task_count  # -1 removed, +1 added, 五.5 kept
    assert Task.objects.get(programme=wuhan, number="四.7").title == "打造知识产权特色园区"  # rejected
    t12 = Task.objects.get(programme=wuhan, number="一.2")
    assert "市财政局" in [a.printed_name for a in t12.assignments.filter(role="support")]
    t31 = Task.objects.get(programme=wuhan, number="三.1")
    assert [a.printed_name for a in t31.assignments.filter(role="support")] == ["市教育局"]  # rejected
    assert wuhan.status == Programme.Status.ACTIVE  # a revision does not demote the programme
    draft.refresh_from_db()
    assert draft.status == PlanImportDraft.Status.CONFIRMED


def _attach_indicator_data(indicator) -> tuple[type, int]:
    """Reported data on an indicator, with whatever model the indicator room has for it."""
    from django.apps import apps

    try:
        model = apps.get_model("indicators", "MilestoneCompletion")
    except LookupError:
        pytest.skip("no model records data against an indicator yet")
    model.objects.create(indicator=indicator, is_done=True, done_on=datetime.date(2018, 6, 30), note="测试")
    return model, 1


def _indicator_data_count(indicator, data) -> int:
    return data[0].objects.filter(indicator=indicator).count()


@pytest.mark.django_db
def test_attached_data_counts_reported_rows_but_not_computed_rows_without_a_value(wuhan):
    from django.apps import apps
    from django.utils import timezone

    try:
        progress = apps.get_model("indicators", "IndicatorProgress")
    except LookupError:
        pytest.skip("no computed indicator rows yet")
    indicator = next(i for i in wuhan.indicators.all() if not attached_data(i))
    progress.objects.filter(indicator=indicator).delete()
    row = progress.objects.create(
        indicator=indicator,
        status="no_data",
        value=None,
        reason="无数据",
        rule="—",
        spec_hash="x",
        fingerprint="x",
        computed_at=timezone.now(),
    )
    assert attached_data(indicator) == []  # "no data" is not data
    row.value = Decimal("12")
    row.save()
    assert attached_data(indicator) == [(str(progress._meta.verbose_name), 1)]


# --------------------------------------------------------------------------- permissions


@pytest.fixture
def wuhan_draft(db):
    user = get_user_model().objects.get(username="office_wuhan")
    document = DecodedDocument(text=text_of("wuhan_2017"), filename="", format="paste", encoding=None, size=1)
    return plan_draft_create(
        user=user, city=City.objects.get(name="武汉市"), document=document, slug="wuhan-perm"
    )


OFFICE_ONLY = {
    "anonymous": LOGIN,
    "office_wuhan": 200,
    "office_harbin": 200,
    "reporter_wuhan_kjj": 403,
    "reporter_wuhan_gsj": 403,
    "reporter_yichang_tjj": 403,
    "evaluator": 403,
    "evaluator_harbin": 403,
}
WUHAN_DRAFT = {**OFFICE_ONLY, "office_harbin": 404}
WUHAN_WRITE = {
    **WUHAN_DRAFT,
    "evaluator_harbin": 404,
    "reporter_yichang_tjj": 404,
}  # a programme out of scope does not exist


@pytest.mark.django_db
def test_import_pages_matrix(wuhan, wuhan_draft):
    task = wuhan_draft.review["tasks"][0]["_id"]
    agency = wuhan_draft.review["agencies"][0]["_id"]
    rows = [
        ("GET", reverse("planimport:start"), OFFICE_ONLY),
        ("GET", reverse("planimport:review", args=[wuhan_draft.pk]), WUHAN_DRAFT),
        ("GET", reverse("planimport:item_add", args=[wuhan_draft.pk, "task"]), WUHAN_DRAFT),
        ("GET", reverse("planimport:item_add", args=[wuhan_draft.pk, "basics"]), WUHAN_DRAFT),
        ("GET", reverse("planimport:item_edit", args=[wuhan_draft.pk, "task", task]), WUHAN_DRAFT),
        ("GET", reverse("planimport:item_edit", args=[wuhan_draft.pk, "agency", agency]), WUHAN_DRAFT),
        ("GET", reverse("planimport:programme_reimport", args=[wuhan.slug]), WUHAN_WRITE),
    ]
    assert_matrix(rows, PERSONAS)


@pytest.mark.django_db
def test_import_writes_by_anyone_but_the_citys_office_change_nothing(wuhan, wuhan_draft):
    task = wuhan_draft.review["tasks"][0]["_id"]
    posts = [
        reverse("planimport:item_delete", args=[wuhan_draft.pk, "task", task]),
        reverse("planimport:discard", args=[wuhan_draft.pk]),
        reverse("planimport:confirm", args=[wuhan_draft.pk]),
        reverse("planimport:item_edit", args=[wuhan_draft.pk, "task", task]),
    ]
    review = dict(wuhan_draft.review)
    for url in posts:
        for persona in [p for p in PERSONAS if p != "office_wuhan"]:
            expected = {"anonymous": LOGIN, "office_harbin": 404}.get(persona, 403)
            assert status_for(persona, "POST", url) == expected, (url, persona)
    wuhan_draft.refresh_from_db()
    assert wuhan_draft.review == review and wuhan_draft.status == PlanImportDraft.Status.OPEN
    assert not Programme.objects.filter(slug="wuhan-perm").exists()
    reimport = reverse("planimport:programme_reimport", args=[wuhan.slug])
    for persona in [p for p in PERSONAS if p != "office_wuhan"]:
        assert status_for(persona, "POST", reimport) == WUHAN_WRITE[persona], persona
    assert not PlanImportDraft.objects.filter(target_programme=wuhan).exists()
    # the city's own office may: delete, then confirm
    assert status_for("office_wuhan", "POST", posts[0]) == 302
    assert status_for("office_wuhan", "POST", posts[2]) == 302
    assert Programme.objects.get(slug="wuhan-perm").status == Programme.Status.DRAFT


@pytest.mark.django_db
def test_the_list_page_offers_import_to_office_staff_only(login):
    html = login("office_wuhan").get(reverse("programmes:programme_list")).content.decode()
    assert reverse("planimport:start") in html and "导入方案" in html
    html = login("reporter_wuhan_kjj").get(reverse("programmes:programme_list")).content.decode()
    assert reverse("planimport:start") not in html
