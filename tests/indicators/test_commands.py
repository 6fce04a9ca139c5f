"""`recompute_indicators <slug>` runs the service synchronously; `indicator_status <slug>`
prints every indicator, in JSON with a status code and a reason."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indicators.models import IndicatorProgress

from .factories import fill_programme, report


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_recompute_then_status_as_json(wuhan):
    fill_programme(wuhan, through=(2019, 2))
    first = run("recompute_indicators", "wuhan-2017")
    assert first.startswith("wuhan-2017: 20 项指标,写入 ")
    assert "写入 0 行" in run("recompute_indicators", "wuhan-2017")  # idempotent
    data = json.loads(run("indicator_status", "wuhan-2017", "--format", "json"))
    assert data["programme"] == "wuhan-2017" and len(data["indicators"]) == 20
    for row in data["indicators"]:
        assert set(row) >= {
            "name",
            "formula",
            "value",
            "unit",
            "period",
            "target",
            "completion",
            "progress",
            "provisional",
            "status",
            "reason",
            "projection",
        }
        assert row["status"] in {"achieved", "on_track", "at_risk", "behind", "no_data", "missed", "pending"}
        assert row["reason"]
    per_10k = next(r for r in data["indicators"] if r["name"] == "每万人口发明专利拥有量")
    assert (
        per_10k["formula"] == "INV_VALID / POP" and per_10k["unit"] == "件/万人" and per_10k["target"] == 30
    )
    assert per_10k["period"] == "2019年第2季度" and per_10k["status"] == "behind"
    assert per_10k["projection"]["period"] == "2020-12"
    assert per_10k["projection"]["text"].startswith("预计2020-12达到")


@pytest.mark.django_db
def test_status_as_a_table(wuhan):
    report(wuhan, "INV_VALID", 2016, 4, 15000)
    report(wuhan, "POP", 2016, 4, 1000)
    report(wuhan, "INV_VALID", 2019, 4, 28400)
    report(wuhan, "POP", 2019, 4, 1000)
    run("recompute_indicators", "wuhan-2017", "--codes", "POP")
    assert IndicatorProgress.objects.filter(indicator__programme=wuhan).count() == 1
    text = run("indicator_status", "wuhan-2017")
    assert "- 每万人口发明专利拥有量 [INV_VALID / POP]" in text
    assert (
        "值 28.4件/万人(2019年) · 目标 >= 30件/万人 · 完成率 94.7% · 进展度 89.3% · 正常推进(on_track)"
        in text
    )
    assert "预计2020-12达到35.13件/万人(目标30)" in text
    assert "尚未计算:请运行 recompute_indicators wuhan-2017。" in text


@pytest.mark.django_db
def test_unknown_programme():
    with pytest.raises(CommandError, match="没有找到方案 nowhere"):
        run("indicator_status", "nowhere")
    with pytest.raises(CommandError, match="没有找到方案 nowhere"):
        run("recompute_indicators", "nowhere")
