"""Every bad input the issue names: the reporter sees what to fix, located (sheet, row,
cell), and nothing is written — no value, no upload row, no stored file."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from indicators.models import Statistic, StatisticOwner, StatisticUpload, StatisticValue
from submissions.services import statistics_upload_import

from .conftest import codes_of, fill, filled, snapshot, template_bytes

pytestmark = pytest.mark.django_db


def post_file(client, url, name, data):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def rejected(response, *messages):
    assert response.status_code == 422, response.status_code
    text = response.content.decode()
    assert "整份文件未导入" in text
    for message in messages:
        assert message in text, message
    return text


def row_of(data, code):
    return codes_of(data).index(code) + 4


def test_not_a_number_in_four_shapes_each_located(login, upload_url, round_q1, kjj):
    client = login("reporter_wuhan_kjj")
    base = filled(round_q1, kjj)
    codes = codes_of(base)
    bad = {codes[0]: "约300", codes[1]: "1,2", codes[2]: "N/A", codes[3]: "见说明"}
    data = fill(base, values=bad)
    before = snapshot()
    text = rejected(
        post_file(client, upload_url, "kjj.xlsx", data),
        "“约300”不是数字",
        "“1,2”不是数字",
        "“N/A”不是数字",
        "“见说明”不是数字",
    )
    for index in range(4):
        assert f"H{index + 4}" in text
    assert "工作表" in text and "统计数据" in text
    assert snapshot() == before


def test_thousands_separator_is_a_number_but_a_bare_comma_is_not():
    from submissions.ingest import number_of

    assert number_of("1,200")[0] == 1200
    assert number_of("３００")[0] == 300  # full-width digits
    assert number_of("1,2")[0] is None and "千位分隔符" in number_of("1,2")[1]
    assert number_of(float("nan")) == (None, "")


def test_negative_value_is_refused(login, upload_url, round_q1, kjj):
    data = filled(round_q1, kjj)
    data = fill(data, values={"INV_APP": -5})
    before = snapshot()
    text = rejected(post_file(login("reporter_wuhan_kjj"), upload_url, "kjj.xlsx", data), "不能为负数")
    assert f"H{row_of(data, 'INV_APP')}" in text
    assert snapshot() == before


def test_share_over_100_is_refused(login, wuhan, office, kjj, round_q1, upload_url):
    from submissions.services import round_items_sync, statistic_owner_add, statistic_save

    share = statistic_save(
        statistic=Statistic(code="GRANT_SHARE", name="发明专利授权占比", unit="%", aggregation="stock"),
        user=office,
    )
    statistic_owner_add(programme=wuhan, statistic=share, agency=kjj, area="", user=office)
    round_items_sync(round=round_q1, user=office)
    data = fill(filled(round_q1, kjj), values={"GRANT_SHARE": 120})
    before = snapshot()
    rejected(post_file(login("reporter_wuhan_kjj"), upload_url, "kjj.xlsx", data), "是占比,不能超过100")
    assert snapshot() == before


def test_a_value_over_the_plausible_maximum_names_the_unit(round_q1):
    """POP is in 万人: a figure in people (11,000,000) is a unit error, caught by max_value."""
    tjj = StatisticOwner.objects.get(programme=round_q1.programme, statistic__code="POP").agency
    before = snapshot()
    outcome = statistics_upload_import(
        round=round_q1,
        agency=tjj,
        filename="pop.csv",
        data="代码,本季度数值\nPOP,11000000\n".encode(),
        user=None,
    )
    assert outcome.status == "rejected"
    assert "超过合理上限 5000万人" in outcome.errors[0].message and outcome.errors[0].cell == "B2"
    assert snapshot() == before


def test_a_code_this_agency_does_not_own(login, upload_url, round_q1, kjj):
    data = fill(filled(round_q1, kjj), cells={"C4": "TM_APP"})  # 市工商局's statistic
    before = snapshot()
    text = rejected(
        post_file(login("reporter_wuhan_kjj"), upload_url, "kjj.xlsx", data),
        "“TM_APP”(商标注册申请量)不由本单位填报",
    )
    assert "C4" in text
    assert snapshot() == before


def test_an_unknown_code(login, upload_url, round_q1, kjj):
    data = fill(filled(round_q1, kjj), cells={"C4": "NOT_A_CODE"})
    rejected(post_file(login("reporter_wuhan_kjj"), upload_url, "kjj.xlsx", data), "不在统计数据目录中")


def test_a_template_of_another_round_is_refused(login, wuhan, office, upload_url, round_q1, kjj):
    from datetime import date

    from submissions.services import round_open

    q2 = round_open(programme=wuhan, year=2020, quarter=2, due_date=date(2020, 7, 15), user=office)
    data = filled(q2, kjj)
    before = snapshot()
    text = rejected(
        post_file(login("reporter_wuhan_kjj"), upload_url, "q2.xlsx", data),
        "模板的报告期为 2020Q2,与本次填报轮次 2020Q1 不一致",
    )
    assert "报告期“2020Q2”与本次填报轮次 2020Q1 不一致" in text  # each row's 报告期 cell too
    assert snapshot() == before


def test_a_template_of_another_agency_is_refused(login, upload_url, round_q1, gsj):
    data = filled(round_q1, gsj)
    before = snapshot()
    rejected(
        post_file(login("reporter_wuhan_kjj"), upload_url, "gsj.xlsx", data), "模板的填报单位为“市工商局"
    )
    assert snapshot() == before


def test_csv_with_a_period_or_agency_of_another_round(login, upload_url, round_q1, kjj):
    rows = ["报告期,填报单位,代码,本季度数值"]
    rows += [f"2019Q4,{kjj.name},{code},10" for code in codes_of(template_bytes(round_q1, kjj))]
    rows[2] = rows[2].replace(kjj.name, "市工商局")
    before = snapshot()
    text = rejected(
        post_file(login("reporter_wuhan_kjj"), upload_url, "kjj.csv", "\n".join(rows).encode()),
        "报告期“2019Q4”与本次填报轮次 2020Q1 不一致",
        "填报单位“市工商局”与本次填报单位",
    )
    assert "A2" in text and "B3" in text
    assert snapshot() == before


def test_a_duplicate_row(login, upload_url, round_q1, kjj):
    data = filled(round_q1, kjj)
    codes = codes_of(data)
    data = fill(data, cells={"C5": codes[0]})
    before = snapshot()
    text = rejected(
        post_file(login("reporter_wuhan_kjj"), upload_url, "dup.xlsx", data), "重复的行", "已在第4行填报过"
    )
    assert "C5" in text
    assert snapshot() == before


def test_a_required_value_missing(login, upload_url, round_q1, kjj):
    data = fill(filled(round_q1, kjj), values={"PCT_APP": None})
    before = snapshot()
    text = rejected(
        post_file(login("reporter_wuhan_kjj"), upload_url, "gap.xlsx", data), "缺少“PCT国际专利申请量”的数值"
    )
    assert f"H{row_of(data, 'PCT_APP')}" in text
    assert snapshot() == before


def test_a_row_deleted_from_the_file_is_missing(round_q1, kjj, kjj_user):
    rows = ["代码,本季度数值"] + [f"{c},10" for c in codes_of(template_bytes(round_q1, kjj))[1:]]
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="short.csv", data="\n".join(rows).encode(), user=kjj_user
    )
    assert outcome.status == "rejected"
    assert any("BRAND_SVC_ORG" in p.message and "这一行" in p.message for p in outcome.errors)


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("other.xlsx", None, "不是本平台的填报模板"),
        ("renamed.xlsx", b"this is a text file, not a workbook", "不是有效的 Excel 工作簿"),
        ("notes.txt", b"hello", "不支持“.txt”文件"),
        ("headers.csv", "甲,乙\n1,2\n".encode(), "找不到表头"),
    ],
)
def test_a_file_that_is_not_the_template(login, upload_url, name, data, message):
    if data is None:
        wb = Workbook()
        wb.active["A1"] = "随便一个表格"
        buffer = io.BytesIO()
        wb.save(buffer)
        data = buffer.getvalue()
    before = snapshot()
    rejected(post_file(login("reporter_wuhan_kjj"), upload_url, name, data), message)
    assert snapshot() == before


def with_macro(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba")
    return out.getvalue()


def test_xlsm_and_a_workbook_with_macros_are_refused(login, upload_url, round_q1, kjj):
    data = filled(round_q1, kjj)
    client = login("reporter_wuhan_kjj")
    before = snapshot()
    rejected(post_file(client, upload_url, "kjj.xlsm", data), "不接受启用宏的工作簿(.xlsm)")
    rejected(post_file(client, upload_url, "kjj.xlsx", with_macro(data)), "文件包含宏(VBA)")
    assert snapshot() == before


def test_a_file_over_10_mb_is_refused_unread(login, upload_url):
    data = b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024 + 10)
    before = snapshot()
    rejected(post_file(login("reporter_wuhan_kjj"), upload_url, "big.xlsx", data), "超过 10 MB 的上限")
    assert snapshot() == before


def add_blank_rows(data: bytes, count: int) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb["统计数据"]
    start = ws.max_row + 1
    for offset in range(count):
        ws.cell(row=start + offset, column=9, value=" \u3000" if offset % 2 else "")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_100000_empty_looking_rows_and_empty_looking_values_are_refused(
    login, upload_url, round_q1, kjj, django_capture_on_commit_callbacks
):
    data = template_bytes(round_q1, kjj)
    data = fill(data, values={code: "\u3000 " for code in codes_of(data)})
    data = add_blank_rows(data, 100_000)
    before = snapshot()
    client = login("reporter_wuhan_kjj")
    with django_capture_on_commit_callbacks(execute=True):  # a sheet this long is checked by a job
        response = post_file(client, upload_url, "blank.xlsx", data)
    assert response.status_code == 302 and "/upload-jobs/" in response["Location"]
    rejected(client.get(response["Location"]), "缺少“知识产权服务品牌机构数”的数值")
    assert snapshot() == before


def test_100000_empty_looking_rows_after_good_rows_are_ignored(round_q1, kjj, kjj_user):
    data = add_blank_rows(filled(round_q1, kjj), 100_000)
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="tail.xlsx", data=data, user=kjj_user
    )
    assert outcome.accepted, outcome.errors[:3]
    assert outcome.rows == len(codes_of(data))
    assert StatisticValue.objects.filter(upload=outcome.upload).count() == outcome.rows


def with_cached_formula(data: bytes, cell: str, formula: str, cached: str | None) -> bytes:
    """Put a formula in a cell the way Excel saves it: <f> plus its cached value <v>."""
    wb = load_workbook(io.BytesIO(data))
    wb["统计数据"][cell] = f"={formula}"
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and cached is not None:
                content = re.sub(
                    rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v\s*/?>(</v>)?'.encode(),
                    rb"\1<f>\2</f><v>" + cached.encode() + b"</v>",
                    content,
                )
            target.writestr(item, content)
    return out.getvalue()


def test_a_formula_without_a_cached_value_is_refused_never_evaluated(login, upload_url, round_q1, kjj):
    data = filled(round_q1, kjj)
    data = with_cached_formula(data, "H5", "100+200", None)
    before = snapshot()
    text = rejected(
        post_file(login("reporter_wuhan_kjj"), upload_url, "formula.xlsx", data),
        "该单元格是公式",
        "粘贴为数值",
    )
    assert "H5" in text
    assert snapshot() == before


def test_a_formula_with_a_cached_value_uses_it_after_confirmation(round_q1, kjj, kjj_user):
    data = with_cached_formula(filled(round_q1, kjj), "H5", "100+200", "300")
    before = snapshot()
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="formula.xlsx", data=data, user=kjj_user
    )
    assert outcome.status == "needs_confirmation"
    assert any("已采用文件中保存的计算结果 300" in str(w) and w.cell == "H5" for w in outcome.warnings)
    assert snapshot() == before
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="formula.xlsx", data=data, user=kjj_user, confirm_warnings=True
    )
    assert outcome.accepted
    code = codes_of(data)[1]
    assert (
        StatisticValue.objects.get(statistic__code=code, year=2020, quarter=1, is_current=True).value == 300
    )


def test_a_filename_with_dotdot_is_refused(round_q1, kjj, kjj_user):
    before = snapshot()
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="../../etc/kjj.xlsx", data=filled(round_q1, kjj), user=kjj_user
    )
    assert outcome.status == "rejected"
    assert "不能包含路径" in outcome.errors[0].message
    assert snapshot() == before


def test_a_web_upload_named_with_dotdot_is_stored_under_its_hash_only(
    login, upload_url, round_q1, kjj, settings
):
    """Django keeps only the base name of an uploaded file; the stored path is ours."""
    response = post_file(login("reporter_wuhan_kjj"), upload_url, "../../evil.xlsx", filled(round_q1, kjj))
    assert response.status_code == 302
    upload = StatisticUpload.objects.get()
    assert upload.original_name == "evil.xlsx"
    assert ".." not in upload.file.name and upload.file.name.startswith("uploads/statistics/wuhan-2017/")
    assert upload.file.path.startswith(str(settings.MEDIA_ROOT))


def test_all_errors_are_listed_together_and_nothing_is_written(round_q1, kjj, kjj_user):
    data = filled(round_q1, kjj)
    codes = codes_of(data)
    data = fill(data, values={codes[0]: "约300", codes[1]: -1, codes[2]: None})
    before = snapshot()
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="three.xlsx", data=data, user=kjj_user
    )
    assert outcome.status == "rejected"
    assert [p.cell for p in outcome.errors] == ["H4", "H5", "H6"]
    assert snapshot() == before


def test_the_marked_copy_comments_every_bad_cell(login, upload_url, round_q1, kjj):
    client = login("reporter_wuhan_kjj")
    data = fill(filled(round_q1, kjj), cells={"H4": "约300", "H6": -3})
    response = post_file(client, upload_url, "kjj.xlsx", data)
    marked_url = re.search(
        r'href="(/reporting/uploads/[^"]+/marked\.xlsx)"', response.content.decode()
    ).group(1)
    marked = client.get(marked_url)
    assert marked.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(marked.streaming_content) if marked.streaming else marked.content))
    assert wb.sheetnames[0] == "错误清单"
    ws = wb["统计数据"]
    assert "不是数字" in ws["H4"].comment.text and ws["H4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "不能为负数" in ws["H6"].comment.text
    assert ws["H5"].comment is None
    # another user cannot fetch it
    assert login("reporter_wuhan_gsj").get(marked_url).status_code == 404


def test_csv_in_utf8_and_gbk_are_accepted(round_q1, kjj, kjj_user):
    codes = codes_of(template_bytes(round_q1, kjj))
    text = "代码,统计数据项,区域,本季度数值,备注\n" + "\n".join(f"{c},,全市,12,说明" for c in codes)
    for encoding in ("utf-8-sig", "gbk"):
        outcome = statistics_upload_import(
            round=round_q1,
            agency=kjj,
            filename=f"kjj-{encoding}.csv",
            data=text.encode(encoding),
            user=kjj_user,
        )
        assert outcome.accepted, outcome.errors[:2]
    values = StatisticValue.objects.filter(agency=kjj, year=2020, quarter=1, is_current=True)
    assert values.count() == len(codes) and {v.value for v in values} == {12}
    assert {v.version for v in values} == {1}  # the second file changed nothing: no new versions


def test_csv_in_an_unknown_encoding(round_q1, kjj, kjj_user):
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="x.csv", data="代码,本季度数值\n".encode("utf-16"), user=kjj_user
    )
    assert outcome.status == "rejected"


def test_a_locked_item_refuses_uploads_and_says_why(round_q1, kjj, kjj_user):
    from submissions.models import Submission
    from submissions.services import submission_submit

    statistics_upload_import(
        round=round_q1, agency=kjj, filename="a.xlsx", data=filled(round_q1, kjj), user=kjj_user
    )
    item = Submission.objects.get(round=round_q1, agency=kjj, kind="statistics")
    submission_submit(submission=item, user=kjj_user)
    before = snapshot()
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="b.xlsx", data=filled(round_q1, kjj, value=200), user=kjj_user
    )
    assert outcome.status == "rejected"
    assert "等待领导小组办公室审核" in outcome.errors[0].message
    assert snapshot() == before


def test_owned_by_area_rows(wuhan, office, kjj, round_q1, kjj_user):
    """A statistic owned per district has one row per district, each its own value."""
    from submissions.services import round_items_sync, statistic_owner_add

    stat = Statistic.objects.get(code="PAT_APP")
    for district in ("江岸区", "洪山区"):
        statistic_owner_add(programme=wuhan, statistic=stat, agency=kjj, area=district, user=office)
    round_items_sync(round=round_q1, user=office)
    data = filled(round_q1, kjj)
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="d.xlsx", data=data, user=kjj_user
    )
    assert outcome.accepted
    assert set(
        StatisticValue.objects.filter(statistic=stat, year=2020, quarter=1).values_list("area", flat=True)
    ) == {"江岸区", "洪山区"}
    assert StatisticOwner.objects.filter(statistic=stat, programme=wuhan).count() == 2


def test_unchanged_rows_of_a_submitted_item_are_skipped_so_task_reports_can_follow(round_q1, kjj, kjj_user):
    """A re-downloaded template holds the submitted figures again: they are skipped, not
    refused, and the task reports in the same file are imported."""
    from submissions.models import Submission
    from submissions.services import submission_submit
    from tasks.models import TaskReport

    data = filled(round_q1, kjj)
    statistics_upload_import(round=round_q1, agency=kjj, filename="a.xlsx", data=data, user=kjj_user)
    submission_submit(
        submission=Submission.objects.get(round=round_q1, agency=kjj, kind="statistics"), user=kjj_user
    )
    values = list(StatisticValue.objects.order_by("pk").values_list("pk", "version", "is_current"))
    again = fill(data, tasks={"二.3": ("推进中", "建立行政执法与司法衔接机制")}, sheet="统计数据")
    outcome = statistics_upload_import(
        round=round_q1, agency=kjj, filename="b.xlsx", data=again, user=kjj_user
    )
    assert outcome.accepted, [str(p) for p in outcome.errors]
    assert list(StatisticValue.objects.order_by("pk").values_list("pk", "version", "is_current")) == values
    assert TaskReport.objects.get(task__number="二.3", agency=kjj).work_done == "建立行政执法与司法衔接机制"
