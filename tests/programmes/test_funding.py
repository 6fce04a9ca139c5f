"""Funding rules checked on their own money (category, source), year by year, and spending
above budget flagged; one `funding_summary` behind the page, the API and the reports.

Every figure below is worked out by hand from the ledger lines the test writes. Harbin's case
is the one the issue reports: 专利运用补助 380 / 425 / 470 万元 in 2016 / 2017 / 2018, total
spending 1320 / 1455 / 1590 万元 against budgets of 1200 / 1350 / 1500 万元."""

from datetime import date
from decimal import Decimal

import pytest

from programmes.models import FundingBudget, FundingExpense, FundingRule
from programmes.selectors import funding_summary
from reports import data as report_data

D = Decimal


def check_named(summary, name):
    return next(c for c in summary.checks if c.name == name)


@pytest.fixture
def clean_harbin(harbin):
    """Harbin with an empty ledger and no budgets, for hand-made lines."""
    FundingExpense.objects.filter(programme=harbin).delete()
    FundingBudget.objects.filter(programme=harbin).delete()
    return harbin


def spend(programme, day, amount, category, source="municipal", market_based=False):
    return FundingExpense.objects.create(
        programme=programme,
        date=day,
        amount=D(amount),
        category=category,
        source=source,
        market_based=market_based,
        description="测试",
    )


@pytest.fixture
def harbin_issue_case(clean_harbin):
    """The issue's figures: the rule's category, then two other categories (+60, +120)."""
    for i, year in enumerate((2016, 2017, 2018)):
        FundingBudget.objects.create(
            programme=clean_harbin, year=year, source="municipal", amount=1200 + 150 * i
        )
        for j, category in enumerate(["专利运用补助", "执法维权", "宣传培训"]):
            spend(clean_harbin, date(year, 3 + 3 * j, 15), 380 + 45 * i + 60 * j, category)
    return clean_harbin


def test_harbin_patent_subsidy_rule_fails_on_its_own_category(harbin_issue_case):
    """每年用于专利运用补助的经费保持在500万元以上: 380, 425, 470 < 500 every year, although
    total spending (1320, 1455, 1590) is above 500."""
    summary = funding_summary(programme=harbin_issue_case, as_of=date(2019, 1, 1))
    check = check_named(summary, "专利运用补助经费")
    assert [(y.year, y.amount, y.holds) for y in check.years] == [
        (2016, D("380"), False),
        (2017, D("425"), False),
        (2018, D("470"), False),
    ]
    assert check.holds is False
    assert check.detail == "未达标年度:2016年 380、2017年 425、2018年 470"
    assert dict(summary.spent_by_year) == {2016: D("1320"), 2017: D("1455"), 2018: D("1590")}


def test_harbin_spending_above_budget_is_flagged_every_year(harbin_issue_case):
    summary = funding_summary(programme=harbin_issue_case, as_of=date(2019, 1, 1))
    rows = {r["year"]: r for r in summary.years}
    assert summary.over_budget_years == [2016, 2017, 2018]
    assert rows[2016]["rate"] == D("1320") / D("1200") * 100  # 110 %
    assert [(s.year, s.source, s.over_budget) for s in summary.over_budget_sources] == [
        (2016, "municipal", True),
        (2017, "municipal", True),
        (2018, "municipal", True),
    ]


def test_anshan_rule_without_category_counts_all_spending(db):
    from programmes.models import Programme

    anshan = Programme.objects.get(slug="anshan-2015")  # 每年全市知识产权工作投入不少于1000万元
    FundingExpense.objects.filter(programme=anshan).delete()
    for year, amounts in {2015: (600, 500), 2016: (300, 650), 2017: (1000, 0.5)}.items():
        for month, amount in zip((3, 9), amounts, strict=True):
            spend(anshan, date(year, month, 1), str(amount), "专利运用补助" if month == 3 else "宣传培训")
    check = check_named(funding_summary(programme=anshan, as_of=date(2019, 1, 1)), "全市知识产权工作投入")
    assert [(y.year, y.amount, y.holds) for y in check.years] == [
        (2015, D("1100"), True),
        (2016, D("950"), False),
        (2017, D("1000.5"), True),
        (2018, D("0"), None),
    ]
    assert check.holds is False


def test_yearly_minimum_per_year_category_and_source(clean_harbin):
    rule = FundingRule.objects.create(
        programme=clean_harbin,
        order=9,
        name="中央资金专利补助",
        kind="min_yearly_amount",
        category="专利运用补助",
        source="central",
        threshold=D("100"),
        unit="万元",
    )
    spend(clean_harbin, date(2016, 3, 1), "60", "专利运用补助", source="central")
    spend(clean_harbin, date(2016, 4, 1), "70", "专利运用补助", source="municipal")  # other source
    spend(clean_harbin, date(2016, 5, 1), "500", "宣传培训", source="central")  # other category
    spend(clean_harbin, date(2017, 3, 1), "120", "专利运用补助", source="central")
    # 2018: no ledger line at all → no data for that year, not a failure
    check = check_named(funding_summary(programme=clean_harbin, as_of=date(2019, 1, 1)), rule.name)
    assert [(y.year, y.amount, y.holds) for y in check.years] == [
        (2016, D("60"), False),
        (2017, D("120"), True),
        (2018, D("0"), None),
    ]
    assert check.holds is False
    assert check.money_label == "专利运用补助 · 中央财政资金"


def test_a_running_year_is_provisional_not_failed(clean_harbin):
    spend(clean_harbin, date(2016, 6, 1), "600", "专利运用补助")
    spend(clean_harbin, date(2017, 2, 1), "100", "专利运用补助")
    check = check_named(funding_summary(programme=clean_harbin, as_of=date(2017, 6, 30)), "专利运用补助经费")
    assert [(y.year, y.amount, y.holds, y.provisional) for y in check.years] == [
        (2016, D("600"), True, False),
        (2017, D("100"), None, True),
    ]
    assert check.holds is True
    assert "2017年截至目前 100" in check.detail


def test_a_year_with_spending_only_in_other_categories_fails(clean_harbin):
    spend(clean_harbin, date(2016, 6, 1), "900", "宣传培训")
    check = check_named(funding_summary(programme=clean_harbin, as_of=date(2017, 1, 1)), "专利运用补助经费")
    assert [(y.year, y.amount, y.holds) for y in check.years] == [(2016, D("0"), False), (2017, D("0"), None)]
    assert check.holds is False


def test_share_rule_of_one_source_is_a_share_of_that_source(clean_harbin):
    FundingRule.objects.create(
        programme=clean_harbin,
        order=8,
        name="中央资金服务业占比",
        kind="min_share",
        category="服务业集聚区建设",
        source="central",
        threshold=D("40"),
        unit="%",
    )
    FundingRule.objects.create(
        programme=clean_harbin,
        order=7,
        name="市场化",
        kind="min_share",
        category="以市场化方式使用",
        threshold=D("40"),
        unit="%",
    )
    spend(clean_harbin, date(2016, 3, 1), "30", "服务业集聚区建设", source="central", market_based=True)
    spend(clean_harbin, date(2016, 3, 2), "70", "运营服务平台", source="central")
    spend(clean_harbin, date(2016, 3, 3), "400", "服务业集聚区建设", source="municipal")
    summary = funding_summary(programme=clean_harbin, as_of=date(2017, 1, 1))
    central = check_named(summary, "中央资金服务业占比")
    assert (central.part, central.whole, central.value, central.holds) == (D("30"), D("100"), D("30"), False)
    market = check_named(summary, "市场化")
    assert (market.part, market.whole, market.holds) == (D("30"), D("500"), False)
    assert market.value == D("6")


def test_over_budget_per_source_even_when_the_year_is_within_budget(clean_harbin):
    FundingBudget.objects.create(programme=clean_harbin, year=2016, source="municipal", amount=D("100"))
    FundingBudget.objects.create(programme=clean_harbin, year=2016, source="central", amount=D("50"))
    FundingBudget.objects.create(programme=clean_harbin, year=2017, source="municipal", amount=D("100"))
    spend(clean_harbin, date(2016, 3, 1), "120", "宣传培训", source="municipal")
    spend(clean_harbin, date(2016, 3, 1), "30", "宣传培训", source="central")
    spend(clean_harbin, date(2017, 3, 1), "100.01", "宣传培训", source="municipal")
    spend(clean_harbin, date(2017, 3, 1), "5", "宣传培训", source="social")  # no budget: not flagged
    summary = funding_summary(programme=clean_harbin, as_of=date(2018, 1, 1))
    assert summary.over_budget_years == [2017]
    assert [(s.year, s.source) for s in summary.over_budget_sources] == [
        (2016, "municipal"),
        (2017, "municipal"),
    ]
    social = next(s for s in summary.by_source if s.source == "social")
    assert (social.budget, social.spent, social.over_budget) == (None, D("5"), False)


def test_page_shows_the_rule_failing_and_the_over_budget_flag(login, harbin_issue_case):
    harbin = harbin_issue_case
    response = login("office_harbin").get(f"/programmes/{harbin.slug}/funding/")
    assert response.status_code == 200
    html = response.content.decode()
    rule_part = html[html.index("专利运用补助经费") :]
    rule_part = rule_part[: rule_part.index("</li>")]
    assert "不符合" in rule_part
    assert "核算口径" in rule_part and "专利运用补助" in rule_part
    assert "380.00" in rule_part and "未达标" in rule_part
    assert "超出预算" in html
    assert "市级财政资金" in html


def test_api_reports_and_page_agree(login, harbin_issue_case):
    harbin = harbin_issue_case
    response = login("office_harbin").get(f"/api/programmes/{harbin.slug}/funding/?as_of=2019-01-01")
    assert response.status_code == 200
    body = response.json()
    check = next(c for c in body["checks"] if c["name"] == "专利运用补助经费")
    assert check["holds"] is False
    assert [(y["year"], y["amount"], y["holds"]) for y in check["years"]] == [
        (2016, 380.0, False),
        (2017, 425.0, False),
        (2018, 470.0, False),
    ]
    assert [y["year"] for y in body["years"] if y["over_budget"]] == [2016, 2017, 2018]
    assert report_data.funding(harbin, date(2019, 1, 1)) == funding_summary(
        programme=harbin, as_of=date(2019, 1, 1)
    )


def test_api_rejects_a_bad_as_of_date(login, harbin):
    response = login("office_harbin").get(f"/api/programmes/{harbin.slug}/funding/?as_of=2019-13-01")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["as_of"][0]


def test_api_funding_is_scoped_like_the_page(login, harbin):
    assert login("office_wuhan").get(f"/api/programmes/{harbin.slug}/funding/").status_code == 404
