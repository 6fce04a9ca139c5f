"""Loading seed files: idempotent, and a malformed file stops with file, path and reason."""

import json
import shutil

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from indicators.models import Indicator
from programmes.models import Agency, FundingExpense, Programme
from tasks.models import Task, TaskAssignment


def snapshot():
    return {
        "programmes": Programme.objects.count(),
        "tasks": Task.objects.count(),
        "assignments": TaskAssignment.objects.count(),
        "indicators": Indicator.objects.count(),
        "agencies": Agency.objects.count(),
        "task_ids": sorted(Task.objects.values_list("pk", flat=True)),
        "task_history": Task.history.count(),
        "indicator_history": Indicator.history.count(),
        "wuhan_title": Programme.objects.get(slug="wuhan-2017").title,
    }


@pytest.mark.django_db
def test_loading_the_seeds_twice_gives_the_same_rows():
    before = snapshot()
    call_command("load_seed_programmes", verbosity=0)
    assert snapshot() == before


def write_seed(tmp_path, slug, mutate):
    data = json.loads((settings.SEED_DATA_DIR / f"{slug}.json").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / f"{slug}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def break_task_lead(data):
    data["tasks"][3]["lead"] = 42


def break_phase(data):
    data["phases"] = [{"name": "倒置", "start": "2018-05", "end": "2018-01"}]


def break_target(data):
    data["indicators"][0]["target"] = "约300"
    data["title"] = "这个标题不应该被保存"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        (break_task_lead, "$.tasks[3].lead", "应为非空字符串组成的列表"),
        (break_phase, "$.phases[0].end", "结束年月早于开始年月"),
        (break_target, "$.indicators[0].target", "应为数字,实际为 '约300'"),
    ],
)
def test_a_malformed_seed_file_names_file_path_and_reason_and_changes_nothing(tmp_path, mutate, path, reason):
    bad = write_seed(tmp_path, "wuhan-2017", mutate)
    good = tmp_path / "harbin-2016.json"
    shutil.copy(settings.SEED_DATA_DIR / "harbin-2016.json", good)
    # the demo ledger is reported data (PROTECT): remove it first, then the programme…
    FundingExpense.objects.filter(programme__slug="harbin-2016").delete()
    Programme.objects.filter(slug="harbin-2016").delete()  # would be re-created by the good file…
    before = snapshot() | {"harbin": Programme.objects.filter(slug="harbin-2016").exists()}
    with pytest.raises(CommandError) as excinfo:
        call_command("load_seed_programmes", str(good), str(bad), verbosity=0)
    message = str(excinfo.value)
    assert str(bad) in message
    assert f"{path}: {reason}" in message
    assert "未做任何修改" in message
    # …but the whole load is one transaction, so the good file was rolled back too.
    assert snapshot() | {"harbin": Programme.objects.filter(slug="harbin-2016").exists()} == before


@pytest.mark.django_db
def test_a_seed_file_that_is_not_json_names_line_and_column(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"slug": "x",\n  "city": }', encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.json[\s\S]*JSON 语法错误,第 2 行第 11 列"):
        call_command("load_seed_programmes", str(bad), verbosity=0)


@pytest.mark.django_db
def test_an_unknown_statistic_code_in_a_formula_is_refused(tmp_path):
    def unknown_code(data):
        data["indicators"][0]["formula"] = "NOT_A_CODE / POP"

    bad = write_seed(tmp_path, "wuhan-2017", unknown_code)
    before = snapshot()
    with pytest.raises(CommandError, match=r"\$\.indicators\[0\]\.formula: 未知的统计数据代码 NOT_A_CODE"):
        call_command("load_seed_programmes", str(bad), verbosity=0)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_revised_plan_keeps_task_ids_and_moves_assignments(tmp_path, wuhan):
    task_id = wuhan.tasks.get(number="二.3").pk

    def revise(data):
        task = next(t for t in data["tasks"] if t["number"] == "二.3")
        task["support"] = task["support"][:2]

    call_command("load_seed_programmes", str(write_seed(tmp_path, "wuhan-2017", revise)), verbosity=0)
    task = Task.objects.get(pk=task_id)
    assert task.assignments.filter(role="support").count() == 2
