"""Each home in Chromium: the counts follow the state (submit → the office's 待审核 +1 →
approve → −1), the reporter submits a round's items in one confirmed step, the evaluator
asks for a report and the office is told, the province sees its cities side by side; and
the reporter's pages at 390 px scroll only down, never sideways."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(seeded_live_server):
    from django.contrib.auth import get_user_model

    from programmes.models import Programme
    from submissions.services import round_open

    office = get_user_model().objects.get(username="office_wuhan")
    round = round_open(
        programme=Programme.objects.get(slug="wuhan-2017"),
        year=2020,
        quarter=1,
        due_date=timezone.localdate() + timedelta(days=5),
        user=office,
    )
    return seeded_live_server, round


def signed_in(browser, browser_context_args, base_url, username, **extra):
    context = browser.new_context(**{**browser_context_args, **extra})
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo12345")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def draft(round, username, count=1):
    from django.contrib.auth import get_user_model

    from tests.workbench.helpers import draft_task_reports

    return draft_task_reports(round, get_user_model().objects.get(username=username), count=count)


def test_office_count_goes_up_on_submit_and_down_on_approve(browser, browser_context_args, world):
    from django.contrib.auth import get_user_model

    from submissions.models import Submission
    from submissions.services import submissions_approve

    base, round = world
    office = signed_in(browser, browser_context_args, base, "office_wuhan")
    expect(office.get_by_role("heading", name="工作台")).to_be_visible()
    pending = office.locator("[data-count=pending]")
    before = int(pending.inner_text())
    expect(office.locator(f"tr[data-round='{round.pk}'] [data-colour=yellow]")).to_have_text(
        str(round.submissions.values("agency").distinct().count())
    )

    # the reporter submits from its home, in one confirmed step
    draft(round, "reporter_wuhan_kjj", count=2)
    reporter = signed_in(browser, browser_context_args, base, "reporter_wuhan_kjj")
    expect(reporter.get_by_role("heading", name="本季度填报 · 市科技局(市知识产权局)")).to_be_visible()
    expect(reporter.locator(".round-card .countdown")).to_have_text("还剩 5 天")
    reporter.get_by_role("button", name="全部提交(2 项)").click()
    expect(reporter.get_by_role("heading", name="确认全部提交")).to_be_visible()
    reporter.locator(f"#submit-all-confirm-{round.pk}").click()
    expect(reporter.locator(".alert-success")).to_contain_text("已提交 2 项")

    office.reload()
    expect(pending).to_have_text(str(before + 2))
    expect(office.locator("#review-count")).to_have_text(str(before + 2))
    office.goto(f"{base}/notifications/")
    expect(office.locator("body")).to_contain_text("市科技局(市知识产权局) 提交了")

    kjj = get_user_model().objects.get(username="reporter_wuhan_kjj").profile.agency
    submitted = list(Submission.objects.filter(round=round, agency=kjj, state="submitted"))
    submissions_approve(submissions=submitted[:1], user=get_user_model().objects.get(username="office_wuhan"))
    office.goto(f"{base}/workbench/")
    expect(pending).to_have_text(str(before + 1))
    office.locator("#count-pending").click()
    expect(office).to_have_url(f"{base}/review/")


def test_evaluator_asks_for_a_report_and_the_office_is_told(browser, browser_context_args, world):
    base, _round = world
    evaluator = signed_in(browser, browser_context_args, base, "evaluator")
    expect(evaluator.get_by_role("heading", name="工作台 · 评估专家")).to_be_visible()
    card = evaluator.locator(".evaluator-programme[data-programme=wuhan-2017]")
    expect(card.locator(".empty-reports")).to_contain_text("还没有生成报告")
    card.locator("select[name=kind]").select_option("midterm")
    card.get_by_role("button", name="申请报告").click()
    expect(evaluator.locator(".alert-success")).to_contain_text("已通知领导小组办公室")

    office = signed_in(browser, browser_context_args, base, "office_wuhan")
    expect(office.locator("#unread-count")).to_have_text("1")
    office.goto(f"{base}/notifications/")
    expect(office.locator("body")).to_contain_text("中期评价报告")


def test_province_sees_its_cities_side_by_side_and_the_pending_count_follows(
    browser, browser_context_args, world
):
    from accounts.models import Profile
    from accounts.services import user_with_role_ensure
    from programmes.models import City
    from submissions.services import submission_submit

    base, round = world
    City.objects.filter(name__in=["武汉市", "宜昌市"]).update(province="湖北省")
    user_with_role_ensure(
        username="province_hubei",
        password="demo12345",
        role=Profile.Role.PROVINCE,
        province="湖北省",
        display_name="湖北省知识产权局",
    )
    page = signed_in(browser, browser_context_args, base, "province_hubei")
    expect(page.get_by_role("heading", name="工作台 · 湖北省")).to_be_visible()
    expect(page.locator("tr[data-programme]")).to_have_count(2)
    wuhan_pending = page.locator("tr[data-programme=wuhan-2017] [data-count=pending]")
    expect(wuhan_pending).to_have_text("0")
    from django.contrib.auth import get_user_model

    item = draft(round, "reporter_wuhan_gsj")[0]
    submission_submit(submission=item, user=get_user_model().objects.get(username="reporter_wuhan_gsj"))
    page.reload()
    expect(wuhan_pending).to_have_text("1")
    expect(page.locator("tr[data-programme=harbin-2016]")).to_have_count(0)


REPORTER_PAGES = [
    "/workbench/reporter/",
    "/reporting/",
    "/programmes/wuhan-2017/rounds/2020Q1/agencies/{agency}/",
    "/programmes/wuhan-2017/rounds/2020Q1/agencies/{agency}/statistics/",
    "/programmes/wuhan-2017/rounds/2020Q1/agencies/{agency}/tasks/{task}/",
    "/programmes/wuhan-2017/",
    "/programmes/wuhan-2017/indicators/",
    "/programmes/wuhan-2017/tasks/",
    "/notifications/",
]


def test_reporter_pages_at_390px_do_not_scroll_sideways(browser, browser_context_args, world):
    from django.contrib.auth import get_user_model

    base, round = world
    items = draft(round, "reporter_wuhan_kjj")
    agency = get_user_model().objects.get(username="reporter_wuhan_kjj").profile.agency_id
    page = signed_in(
        browser, browser_context_args, base, "reporter_wuhan_kjj", viewport={"width": 390, "height": 844}
    )
    too_wide = {}
    for path in REPORTER_PAGES:
        url = base + path.format(agency=agency, task=items[0].task_id)
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
    assert not too_wide, too_wide
