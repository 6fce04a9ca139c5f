"""`import_statistics` and `statistics_template` go through the same services as the web."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import StatisticUpload, StatisticValue

from .conftest import fill, filled, snapshot

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    code = 0
    try:
        call_command("import_statistics", *args, stdout=out)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def sheet_values(data):
    wb = load_workbook(io.BytesIO(data))
    return {
        name: [row for row in wb[name].iter_rows(values_only=True)]
        for name in wb.sheetnames
        if name != "_meta"
    }


def test_import_a_good_file_by_city_and_agency_name(tmp_path, round_q1, kjj):
    path = tmp_path / "kjj.xlsx"
    path.write_bytes(filled(round_q1, kjj, tasks={"二.3": ("推进中", "召开执法协作会议")}))
    code, out = run(str(path), "--agency", "武汉市/市科技局", "--period", "2020Q1")
    assert code == 0, out
    assert "已导入 kjj.xlsx" in out and "任务进展 1 行" in out
    upload = StatisticUpload.objects.get()
    assert upload.channel == "command" and upload.uploaded_by is None
    assert (
        StatisticValue.objects.filter(upload=upload, source="command", reported_by=None).count()
        == upload.row_count - 1
    )


def test_import_with_user_and_json_output(tmp_path, round_q1, kjj, kjj_user):
    path = tmp_path / "kjj.xlsx"
    path.write_bytes(filled(round_q1, kjj))
    code, out = run(
        str(path),
        "--agency",
        str(kjj.pk),
        "--period",
        "2020Q1",
        "--user",
        "reporter_wuhan_kjj",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "accepted" and data["rows_accepted"] == data["values_written"] > 0
    assert StatisticUpload.objects.get().uploaded_by == kjj_user


def test_import_rejected_prints_every_error_and_exits_2(tmp_path, round_q1, kjj):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(fill(filled(round_q1, kjj), cells={"H4": "约300", "H5": -1, "H6": "N/A"}))
    marked = tmp_path / "marked.xlsx"
    before = snapshot()
    code, out = run(
        str(path), "--agency", "武汉市/市科技局", "--period", "2020Q1", "--marked-out", str(marked)
    )
    assert code == 2
    assert "已拒绝 bad.xlsx" in out and "3 处错误" in out
    for cell in ("H4", "H5", "H6"):
        assert f"单元格 {cell}" in out
    assert snapshot() == before
    assert "不是数字" in load_workbook(marked)["统计数据"]["H4"].comment.text


def test_import_rejected_as_json(tmp_path, round_q1, kjj):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(fill(filled(round_q1, kjj), cells={"H4": "见说明"}))
    code, out = run(str(path), "--agency", "武汉市/市科技局", "--period", "2020Q1", "--format", "json")
    data = json.loads(out)
    assert code == 2 and data["status"] == "rejected"
    assert data["errors"][0]["cell"] == "H4" and data["errors"][0]["sheet"] == "统计数据"


def test_import_needs_a_round_and_a_known_agency(tmp_path, round_q1, kjj):
    path = tmp_path / "kjj.xlsx"
    path.write_bytes(filled(round_q1, kjj))
    with pytest.raises(CommandError, match="没有填报轮次"):
        run(str(path), "--agency", "武汉市/市科技局", "--period", "2019Q1")
    with pytest.raises(CommandError, match="没有找到单位"):
        run(str(path), "--agency", "武汉市/不存在的局", "--period", "2020Q1")
    with pytest.raises(CommandError, match="报告期格式"):
        run(str(path), "--agency", "武汉市/市科技局", "--period", "2024-1")


def test_a_user_of_another_agency_cannot_import_for_it(tmp_path, round_q1, kjj):
    path = tmp_path / "kjj.xlsx"
    path.write_bytes(filled(round_q1, kjj))
    with pytest.raises(CommandError, match="填报员"):
        run(str(path), "--agency", "武汉市/市科技局", "--period", "2020Q1", "--user", "reporter_wuhan_gsj")
    assert not StatisticValue.objects.exists()


def test_template_command_writes_the_same_workbook_as_the_web_download(tmp_path, login, round_q1, kjj):
    out = tmp_path / "t.xlsx"
    call_command(
        "statistics_template",
        "--agency",
        "武汉市/市科技局",
        "--period",
        "2020Q1",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    web = login("reporter_wuhan_kjj").get(
        reverse("submissions:template_download", args=["wuhan-2017", "2020Q1", kjj.pk])
    )
    assert web.status_code == 200 and web["Content-Type"].startswith("application/vnd.openxmlformats")
    assert sheet_values(out.read_bytes()) == sheet_values(web.content)


def test_the_template_has_what_the_issue_asks(round_q1, kjj):
    from .conftest import template_bytes

    wb = load_workbook(io.BytesIO(template_bytes(round_q1, kjj)))
    assert wb.sheetnames == ["统计数据", "任务进展", "填报说明", "_meta"]
    meta = wb["_meta"]
    assert meta.sheet_state == "hidden" and meta.protection.sheet
    values = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
    assert (
        values["period"] == "2020Q1"
        and values["agency_id"] == str(kjj.pk)
        and values["programme"] == "wuhan-2017"
    )
    assert any(row[0] == "code" and row[1].startswith("INV_APP|") for row in meta.iter_rows(values_only=True))
    assert wb.security.lockStructure
    data = wb["统计数据"]
    assert [c.value for c in data[3]] == [
        "报告期",
        "填报单位",
        "代码",
        "统计数据项",
        "区域",
        "单位",
        "上季度数值",
        "本季度数值",
        "备注",
    ]
    assert data.protection.sheet and not data["H4"].protection.locked and data["C4"].protection.locked
    kinds = {(dv.type, dv.operator) for dv in data.data_validations.dataValidation}
    assert ("decimal", "greaterThanOrEqual") in kinds
    tasks = wb["任务进展"]
    lists = [dv for dv in tasks.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"未启动,推进中,已完成,滞后"'
    assert "填报说明" == wb["填报说明"]["A1"].value
