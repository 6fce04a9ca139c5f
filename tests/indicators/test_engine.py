"""The engine on the database: reported quarters → totals → indicator values with lineage →
status; time rules, no-data reasons, range check, idempotency and incremental recompute.
Numbers are computed by hand in the comments."""

from decimal import Decimal

import pytest

from indicators import services
from indicators.models import IndicatorProgress, IndicatorValue, Statistic, StatisticTotal, StatisticValue
from indicators.selectors import value_lineage
from indicators.services import indicator_recompute, statistic_value_range_error

from .factories import StatisticUploadFactory, owner_agency, report, report_year

PER_10K = "每万人口发明专利拥有量"  # INV_VALID / POP, level ≥ 30 by 2020, baseline year 2016


def values_of(programme, name):
    return list(
        IndicatorValue.objects.filter(indicator__programme=programme, indicator__name=name).order_by("period")
    )


def progress_of(programme, name):
    return IndicatorProgress.objects.get(indicator__programme=programme, indicator__name=name)


def snapshot(programme):
    """Every computed row of a programme, as comparable content."""
    return {
        "totals": sorted(
            StatisticTotal.objects.filter(programme=programme).values_list(
                "pk", "statistic__code", "year", "quarter", "value", "value_ids", "problem", "computed_at"
            )
        ),
        "values": sorted(
            IndicatorValue.objects.filter(indicator__programme=programme).values_list(
                "pk", "indicator_id", "year", "quarter", "value", "reason", "inputs", "computed_at"
            )
        ),
        "progress": sorted(
            IndicatorProgress.objects.filter(indicator__programme=programme).values_list(
                "pk",
                "indicator_id",
                "status",
                "value",
                "completion",
                "reason",
                "projection_text",
                "computed_at",
            )
        ),
    }


def content(snap):
    """A snapshot without primary keys and times: what a fresh computation must reproduce."""
    return {key: sorted(row[1:-1] for row in rows) for key, rows in snap.items()}


@pytest.mark.django_db
def test_per_10000_residents_level_hand_computed(wuhan):
    # baseline 2016: 15000 / 1000 = 15; 2019: 28400 / 1000 = 28.4 (n_obs = 3, n_req = 4)
    # observed (28.4/15)^(1/3) − 1 = 23.71 %, required (30/15)^(1/4) − 1 = 18.92 % → R = 1.253
    # projection 28.4 × 1.2371 = 35.1 at 2020-12; completion (28.4 − 15)/(30 − 15) = 89.3 %
    report(wuhan, "INV_VALID", 2016, 4, 15000)
    report(wuhan, "POP", 2016, 4, 1000)
    report(wuhan, "INV_VALID", 2019, 4, 28400)
    report(wuhan, "POP", 2019, 4, 1000)
    indicator_recompute(programme=wuhan)
    p = progress_of(wuhan, PER_10K)
    assert p.status == "on_track"
    assert p.value == Decimal("28.4")
    assert (p.year, p.quarter, p.is_partial) == (2019, 4, False)
    assert p.baseline_value == Decimal("15") and p.baseline_year == 2016
    assert float(p.ratio) == pytest.approx(1.25319, abs=1e-5)
    assert float(p.completion) == pytest.approx(28.4 / 30)  # 完成率 = 完成值 ÷ 目标值
    assert float(p.progress) == pytest.approx(13.4 / 15)  # 进展度 from the baseline
    assert p.projection_text == "预计2020-12达到35.13件/万人(目标30)"
    assert p.projection_period == "2020-12"
    assert "R≥0.95" in p.reason and "开放SDG" in p.rule
    assert [(v.year, v.quarter, v.value) for v in values_of(wuhan, PER_10K)] == [
        (2016, 4, Decimal("15")),
        (2019, 4, Decimal("28.4")),
    ]


@pytest.mark.django_db
def test_flows_sum_quarters_year_to_date_flagged_partial(wuhan):
    report_year(wuhan, "INV_APP", 2019, [1000, 2000, 3000, None])
    indicator_recompute(programme=wuhan)
    rows = values_of(wuhan, "发明专利申请量")
    assert [(v.quarter, v.value, v.is_partial) for v in rows] == [
        (1, Decimal("1000"), True),
        (2, Decimal("3000"), True),
        (3, Decimal("6000"), True),
    ]
    assert rows[-1].inputs == [["INV_APP", "2019Q1", "2019Q3"]]
    report(wuhan, "INV_APP", 2019, 4, 4000)
    indicator_recompute(programme=wuhan)
    last = values_of(wuhan, "发明专利申请量")[-1]
    assert (last.quarter, last.value, last.is_partial) == (4, Decimal("10000"), False)


@pytest.mark.django_db
def test_a_missing_quarter_gives_no_data_with_the_reason_never_zero(wuhan):
    report(wuhan, "INV_APP", 2019, 1, 1000)
    report(wuhan, "INV_APP", 2019, 3, 3000)
    indicator_recompute(programme=wuhan)
    q3 = values_of(wuhan, "发明专利申请量")[-1]
    assert (q3.quarter, q3.value) == (3, None)
    assert q3.reason == "INV_APP 2019年第2季度未填报。"


@pytest.mark.django_db
def test_a_stock_takes_its_latest_report_for_at_most_three_quarters(wuhan):
    report(wuhan, "POP", 2018, 4, 1000)
    report_year(wuhan, "INV_VALID", 2019, [20000, 21000, 22000, 23000])
    indicator_recompute(programme=wuhan)
    rows = {v.quarter: v for v in values_of(wuhan, PER_10K) if v.year == 2019}
    assert [rows[q].value for q in (1, 2, 3)] == [Decimal("20"), Decimal("21"), Decimal("22")]
    assert rows[3].inputs == [["INV_VALID", "2019Q3", "2019Q3"], ["POP", "2018Q4", "2018Q4"]]
    assert rows[4].value is None
    assert rows[4].reason == "POP 截至2019年第4季度的最近4个季度未填报。"


@pytest.mark.django_db
def test_a_zero_denominator_is_no_data_never_zero(wuhan):
    name = "处理知识产权侵权纠纷案件按期结案率"  # CASE_CLOSED_ONTIME / CASE_ACCEPTED * 100
    report_year(wuhan, "CASE_ACCEPTED", 2019, [0, 0, 0, 0])
    report_year(wuhan, "CASE_CLOSED_ONTIME", 2019, [0, 0, 0, 0])
    indicator_recompute(programme=wuhan)
    q4 = values_of(wuhan, name)[-1]
    assert q4.value is None
    assert q4.reason == "分母“CASE_ACCEPTED”在2019年第4季度为0,无法计算。"
    p = progress_of(wuhan, name)
    assert p.status == "no_data" and "分母“CASE_ACCEPTED”" in p.reason and p.value is None


@pytest.mark.django_db
def test_districts_are_summed_unless_the_whole_city_is_reported(wuhan):
    report(wuhan, "INV_VALID", 2019, 4, 30600)
    report(wuhan, "POP", 2019, 4, 500, area="江岸区")
    report(wuhan, "POP", 2019, 4, 520, area="武昌区")
    indicator_recompute(programme=wuhan)
    assert values_of(wuhan, PER_10K)[-1].value == Decimal("30")  # 30600 / (500 + 520)
    total = StatisticTotal.objects.get(programme=wuhan, statistic__code="POP", year=2019, quarter=4)
    assert (total.value, total.area_count) == (Decimal("1020"), 2)
    report(wuhan, "POP", 2019, 4, 1000)  # the statistics bureau's city figure wins
    indicator_recompute(programme=wuhan)
    assert values_of(wuhan, PER_10K)[-1].value == Decimal("30.6")


@pytest.mark.django_db
def test_a_population_reported_in_persons_is_flagged_by_the_range_check(wuhan):
    pop = Statistic.objects.get(code="POP")
    assert (pop.unit, pop.max_value) == ("万人", Decimal("5000"))
    assert statistic_value_range_error(statistic=pop, value=12_000_000) == (
        "常住人口(POP)的填报值 12,000,000 超过合理上限 5000万人,可能是单位错误:请按“万人”填报。"
    )
    assert statistic_value_range_error(statistic=pop, value=1121) is None
    report(wuhan, "INV_VALID", 2019, 4, 30000)
    report(wuhan, "POP", 2019, 4, 12_000_000)  # entered in persons, bypassing the form
    indicator_recompute(programme=wuhan)
    row = values_of(wuhan, PER_10K)[-1]
    assert row.value is None
    assert row.reason == (
        "POP 2019年第4季度填报值 12,000,000 超出合理范围(上限 5000万人),可能是单位错误(应按“万人”填报),请核实后更正。"
    )
    total = StatisticTotal.objects.get(programme=wuhan, statistic__code="POP", year=2019, quarter=4)
    assert total.value is None and "超出合理范围" in total.problem
    assert progress_of(wuhan, PER_10K).status == "no_data"
    assert "12,000,000 超出合理范围" in progress_of(wuhan, PER_10K).reason


@pytest.mark.django_db
def test_a_growth_target_without_baseline_is_no_data_with_the_fix(db):
    from programmes.models import Programme

    yichang = Programme.objects.get(slug="yichang-2020")
    name = "知识产权质押融资金额年均增幅"  # cagr(PLEDGE_AMT) ≥ 30 % by 2023, baseline year 2019
    report_year(yichang, "PLEDGE_AMT", 2020, [3, 3, 3, 4])
    report_year(yichang, "PLEDGE_AMT", 2021, [4, 4, 4, 4.9])
    indicator_recompute(programme=yichang)
    p = progress_of(yichang, name)
    assert p.status == "no_data"
    assert p.reason.startswith("无数据:2021年 缺少基期值(基期2019年)。")
    assert "解决办法:补报基期年(2019年)各季度的 PLEDGE_AMT,或在指标设置中填写“基期值”。" in p.reason
    # the fix: a baseline of 10 亿元 → 2021: 16.9 → (16.9/10)^(1/2) − 1 = 30 % → achieved
    indicator = yichang.indicators.get(name=name)
    indicator.baseline_value = Decimal("10")
    indicator.save()
    indicator_recompute(programme=yichang)
    p = progress_of(yichang, name)
    assert p.status == "achieved"
    assert float(p.value) == pytest.approx(30.0)


@pytest.mark.django_db
def test_cagr_from_the_baseline_years_statistics(db):
    from programmes.models import Programme

    yichang = Programme.objects.get(slug="yichang-2020")
    name = "知识产权质押融资金额年均增幅"
    report_year(yichang, "PLEDGE_AMT", 2019, [2.5, 2.5, 2.5, 2.5])  # 10
    report_year(yichang, "PLEDGE_AMT", 2020, [3, 3, 3, 4])  # 13
    report_year(yichang, "PLEDGE_AMT", 2021, [2, 2, 2, 4.9])  # 10.9 → (10.9/10)^(1/2) − 1 = 4.4 %
    indicator_recompute(programme=yichang)
    p = progress_of(yichang, name)
    assert float(p.value) == pytest.approx(((10.9 / 10) ** 0.5 - 1) * 100)
    assert p.status == "behind"  # R = 4.4 / 30 = 0.15
    assert float(p.ratio) == pytest.approx((((10.9 / 10) ** 0.5 - 1) * 100) / 30, abs=1e-5)
    year_2021 = [v for v in values_of(yichang, name) if (v.year, v.quarter) == (2021, 4)][0]
    assert year_2021.inputs == [["PLEDGE_AMT", "2019Q1", "2021Q4"]]


@pytest.mark.django_db
def test_cumulative_sums_from_the_plans_first_quarter(db):
    from programmes.models import Programme

    yichang = Programme.objects.get(slug="yichang-2020")  # 2020-01 … 2023-12
    name = "知识产权管理规范贯标企事业单位"  # cumulative(CERT_ENT) ≥ 200
    report_year(yichang, "CERT_ENT", 2019, [40, 40, 40, 40])  # before the plan: not counted
    report_year(yichang, "CERT_ENT", 2020, [10, 10, 10, 10])
    report_year(yichang, "CERT_ENT", 2021, [15, 15, 15, 15])
    indicator_recompute(programme=yichang)
    p = progress_of(yichang, name)
    # 100 by the end of 2021; E = 2/4 = 0.5; C = 100/200 = 0.5 ≥ 0.95 × 0.5 → on track
    assert p.value == Decimal("100")
    assert float(p.elapsed) == pytest.approx(0.5) and float(p.completion) == pytest.approx(0.5)
    assert p.status == "on_track"
    assert p.projection_text == "预计2023-12达到200家(目标200)"
    rows = values_of(yichang, name)
    assert rows[0].year == 2020 and rows[-1].inputs == [["CERT_ENT", "2020Q1", "2021Q4"]]


@pytest.mark.django_db
def test_average_annual_growth_is_compound_from_the_base_year_with_the_yearly_rates(harbin):
    name = "专利申请量年均增长率"  # 年均增长率 ≥ 10 %: cagr(PAT_APP) from 2015 (the seed audit)
    report_year(harbin, "PAT_APP", 2015, [250, 250, 250, 250])  # 1000
    report_year(harbin, "PAT_APP", 2016, [275, 275, 275, 275])  # 1100 → 10 %
    report_year(harbin, "PAT_APP", 2017, [300, 300, 300, 304.5])  # 1204.5 → 9.5 %
    indicator_recompute(programme=harbin)
    p = progress_of(harbin, name)
    # 2017: √(1204.5 / 1000) − 1 = 9.749 %, not 2017's 9.5 % alone; R = 0.975 ≥ 0.95
    assert p.status == "on_track" and p.indicator.kind == "avg_growth_rate"
    assert float(p.value) == pytest.approx(9.7497, abs=1e-4)
    assert float(p.completion) == pytest.approx(0.97497, abs=1e-5)  # achieved ÷ target rate
    assert [(y["year"], round(float(y["rate"]), 2)) for y in p.yearly] == [(2016, 10.0), (2017, 9.5)]
    assert "逐年增速:2016年 10.0%、2017年 9.5%" in p.reason
    report_year(harbin, "PAT_APP", 2018, [300, 300, 300, 306])  # 1206 → 0.1 %, avg 6.45 %
    indicator_recompute(programme=harbin)
    p = progress_of(harbin, name)
    assert p.status == "missed" and p.is_final


@pytest.mark.django_db
def test_lineage_names_the_rows_their_versions_and_the_upload(wuhan):
    upload = StatisticUploadFactory(
        programme=wuhan, agency=owner_agency(wuhan, "POP"), original_name="2019Q4人口.xlsx"
    )
    report(wuhan, "INV_VALID", 2019, 4, 28400)
    first = report(wuhan, "POP", 2019, 4, 1100, upload=upload)
    corrected = report(wuhan, "POP", 2019, 4, 1000, upload=upload)  # a correction: version 2
    assert (corrected.version, corrected.supersedes_id) == (2, first.pk)
    indicator_recompute(programme=wuhan)
    value = values_of(wuhan, PER_10K)[-1]
    assert value.value == Decimal("28.4")
    total = StatisticTotal.objects.get(programme=wuhan, statistic__code="POP", year=2019, quarter=4)
    assert (total.value_ids, total.value_versions) == ([corrected.pk], [2])
    lineage = {item["code"]: item for item in value_lineage(value=value, agency_ids=None)}
    [pop_quarter] = lineage["POP"]["quarters"]
    assert [(r.pk, r.version, r.upload.original_name) for r in pop_quarter["rows"]] == [
        (corrected.pk, 2, "2019Q4人口.xlsx")
    ]
    # a reporter of another agency sees that rows exist, not the rows
    hidden = {i["code"]: i for i in value_lineage(value=value, agency_ids={-1})}
    assert hidden["POP"]["quarters"][0]["hidden"] == 1 and hidden["POP"]["quarters"][0]["rows"] == []


@pytest.mark.django_db
def test_recomputing_twice_changes_nothing(wuhan):
    from tests.indicators.factories import fill_programme

    fill_programme(wuhan, through=(2019, 2))
    first = indicator_recompute(programme=wuhan)
    assert first["written"] > 0
    before = snapshot(wuhan)
    second = indicator_recompute(programme=wuhan)
    assert second["written"] == 0 and second["deleted"] == 0
    assert snapshot(wuhan) == before


@pytest.mark.django_db
def test_incremental_recompute_touches_only_indicators_using_the_codes(wuhan):
    from tests.indicators.factories import fill_programme

    fill_programme(wuhan, through=(2019, 2))
    indicator_recompute(programme=wuhan)
    before = {
        p.indicator.name: p.computed_at
        for p in IndicatorProgress.objects.filter(indicator__programme=wuhan).select_related("indicator")
    }
    report(wuhan, "POP", 2019, 2, 500)  # doubles the residents per patent
    summary = indicator_recompute(programme=wuhan, statistic_codes=["POP"])
    assert summary["indicators"] == 1 and summary["statistic_codes"] == ["INV_VALID", "POP"]
    after = {
        p.indicator.name: p.computed_at
        for p in IndicatorProgress.objects.filter(indicator__programme=wuhan).select_related("indicator")
    }
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {PER_10K}
    # incremental equals full: a full run now finds nothing to change
    assert indicator_recompute(programme=wuhan)["written"] == 0


@pytest.mark.django_db
def test_a_fresh_full_recompute_reproduces_the_incremental_history(wuhan):
    from tests.indicators.factories import fill_programme

    fill_programme(wuhan, through=(2019, 4))
    indicator_recompute(programme=wuhan)
    report(wuhan, "INV_APP", 2019, 3, 1)
    indicator_recompute(programme=wuhan, statistic_codes=["INV_APP"])
    report(wuhan, "POP", 2019, 4, 900)
    indicator_recompute(programme=wuhan, statistic_codes=["POP"])
    kept = content(snapshot(wuhan))
    IndicatorValue.objects.filter(indicator__programme=wuhan).delete()
    IndicatorProgress.objects.filter(indicator__programme=wuhan).delete()
    StatisticTotal.objects.filter(programme=wuhan).delete()
    indicator_recompute(programme=wuhan)
    assert content(snapshot(wuhan)) == kept


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_the_previous_results(wuhan, monkeypatch):
    from tests.indicators.factories import fill_programme

    fill_programme(wuhan, through=(2019, 2))
    indicator_recompute(programme=wuhan)
    before = snapshot(wuhan)
    report(wuhan, "INV_APP", 2019, 2, 99999)
    real_write = services._write
    state = {"writing": False, "half_written": None}

    def write(*args, **kwargs):
        state["writing"] = True
        return real_write(*args, **kwargs)

    def die_after_the_totals():
        if state["writing"]:  # the first pause inside the write: totals are written, values not
            total = StatisticTotal.objects.get(
                programme=wuhan, statistic__code="INV_APP", year=2019, quarter=2
            )
            state["half_written"] = total.value
            raise RuntimeError("worker died")

    monkeypatch.setattr(services, "_write", write)
    monkeypatch.setattr(services, "_pause", die_after_the_totals)
    with pytest.raises(RuntimeError):
        indicator_recompute(programme=wuhan)
    assert state["half_written"] == Decimal("99999")  # it did die half-way through the write
    assert snapshot(wuhan) == before  # and nothing of it was kept
    monkeypatch.undo()
    indicator_recompute(programme=wuhan)
    # 2019Q1 3041.75 (8000 × 1.15³ ÷ 4) + Q2 99999
    assert values_of(wuhan, "发明专利申请量")[-1].value == Decimal("103040.75")


@pytest.mark.django_db
def test_data_arriving_while_computing_is_computed_again_under_the_lock(wuhan, monkeypatch):
    report_year(wuhan, "INV_APP", 2019, [1000, 1000, 1000, 1000])
    real = services._compute
    arrived = []

    def compute_then_data_arrives(programme, scope, report_progress, today):
        result = real(programme, scope, report_progress, today)
        if not arrived:
            arrived.append(report(wuhan, "INV_APP", 2019, 4, 5000))
        return result

    monkeypatch.setattr(services, "_compute", compute_then_data_arrives)
    indicator_recompute(programme=wuhan)
    assert values_of(wuhan, "发明专利申请量")[-1].value == Decimal("8000")


@pytest.mark.django_db
def test_an_indicator_without_formula_or_data_states_why(wuhan):
    indicator = wuhan.indicators.get(name="发明专利申请量")
    indicator.formula = None
    indicator.save()
    indicator_recompute(programme=wuhan)
    assert progress_of(wuhan, "发明专利申请量").reason.startswith("无数据:该指标尚未设置计算公式。")
    p = progress_of(wuhan, PER_10K)
    assert p.status == "no_data"
    assert p.reason == "无数据:尚未填报 INV_VALID、POP。解决办法:由填报单位报送后审核通过。"
    assert not StatisticValue.objects.filter(programme=wuhan).exists()


@pytest.mark.django_db
def test_other_rooms_can_narrow_which_reported_rows_count(wuhan, monkeypatch):
    from indicators import selectors

    monkeypatch.setattr(selectors, "VALUE_FILTERS", [])
    selectors.statistic_value_filter_register(lambda qs: qs.exclude(note="草稿"))
    report_year(wuhan, "INV_APP", 2019, [1000, 1000, 1000, 1000])
    draft = report(wuhan, "INV_APP", 2019, 4, 5000)
    StatisticValue.objects.filter(pk=draft.pk).update(note="草稿")
    indicator_recompute(programme=wuhan)
    rows = values_of(wuhan, "发明专利申请量")
    assert [(v.quarter, v.value) for v in rows] == [
        (1, 1000),
        (2, 2000),
        (3, 3000),
    ]  # Q4's draft does not count


@pytest.mark.django_db
def test_the_assessment_as_it_stood_at_a_quarter_for_a_mid_term_report(wuhan):
    from indicators.selectors import indicator_assess_as_of

    report(wuhan, "INV_VALID", 2016, 4, 15000)
    report(wuhan, "POP", 2016, 4, 1000)
    report(wuhan, "INV_VALID", 2018, 4, 17000)
    report(wuhan, "POP", 2018, 4, 1000)
    report(wuhan, "INV_VALID", 2019, 4, 28400)
    report(wuhan, "POP", 2019, 4, 1000)
    indicator_recompute(programme=wuhan)
    indicator = wuhan.indicators.get(name=PER_10K)
    then = indicator_assess_as_of(indicator=indicator, year=2018, quarter=4)
    # 2018: 17 from 15 over 2 years → √(17/15) − 1 = 6.46 % against 18.92 % → R = 0.34
    assert (then.year, then.value, then.status) == (2018, 17.0, "behind")
    assert then.ratio == pytest.approx(((17 / 15) ** 0.5 - 1) / ((30 / 15) ** 0.25 - 1))
    assert indicator_assess_as_of(indicator=indicator, year=2019, quarter=4).status == "on_track"


@pytest.mark.django_db
def test_the_admin_lists_computed_rows_read_only(wuhan, client):
    from django.contrib.auth import get_user_model

    report(wuhan, "INV_VALID", 2019, 4, 28400)
    report(wuhan, "POP", 2019, 4, 1000)
    indicator_recompute(programme=wuhan)
    client.force_login(get_user_model().objects.get(username="admin"))
    for model in ("indicatorprogress", "indicatorvalue", "statistictotal", "milestonecompletion"):
        response = client.get(f"/admin/indicators/{model}/")
        assert response.status_code == 200, model
    assert client.get("/admin/indicators/indicatorvalue/add/").status_code == 403


@pytest.mark.django_db
def test_incremental_takes_in_indicators_whose_other_statistics_changed_meanwhile(wuhan):
    from .factories import set_formula

    plain = set_formula(wuhan.indicators.get(name="有效注册商标"), "INV_VALID")  # uses INV_VALID only
    report(wuhan, "INV_VALID", 2019, 4, 28400)
    report(wuhan, "POP", 2019, 4, 1000)
    indicator_recompute(programme=wuhan)
    report(wuhan, "INV_VALID", 2019, 4, 30000)  # reported, but no recompute asked for it
    report(wuhan, "POP", 2019, 4, 1200)
    summary = indicator_recompute(programme=wuhan, statistic_codes=["POP"])
    # the INV_VALID totals changed, so the indicator reading only INV_VALID is recomputed too
    assert summary["indicators"] == 2 and summary["statistic_codes"] == ["INV_VALID", "POP"]
    assert values_of(wuhan, plain.name)[-1].value == Decimal("30000")
    assert values_of(wuhan, PER_10K)[-1].value == Decimal("25")
    total = StatisticTotal.objects.get(programme=wuhan, statistic__code="INV_VALID", year=2019, quarter=4)
    assert total.value == Decimal("30000")
    assert indicator_recompute(programme=wuhan)["written"] == 0  # nothing left behind
