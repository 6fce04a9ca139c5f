"""A task's status comes from its lead agencies' reports only; at and after its deadline it
gets a final verdict (已完成 / 基本完成 / 未完成). Plain objects: no database."""

from datetime import date
from types import SimpleNamespace as Obj

from tasks.selectors import deadline_date, task_status_from_leads

LEAD, LEAD2, SUPPORT = 1, 2, 3


def assignment(agency_id, role, name):
    return Obj(agency_id=agency_id, role=role, printed_name=name)


ONE_LEAD = [assignment(LEAD, "lead", "市科技局"), assignment(SUPPORT, "support", "市人民政府法制办")]
TWO_LEADS = [*ONE_LEAD, assignment(LEAD2, "lead", "市工商局")]


def report(agency_id, year, quarter, status):
    return Obj(agency_id=agency_id, year=year, quarter=quarter, status=status)


def decide(assignments, reports, as_of, deadline=""):
    task = Obj(deadline=deadline)
    return task_status_from_leads(
        task=task, assignments=assignments, reports=reports, as_of=as_of, programme_end="2020-12"
    )


def test_a_supporting_agencys_report_never_sets_the_status():
    # Wuhan 五.1: 滞后 per 市人民政府法制办 (support) while the lead 市科技局 has no report that quarter
    reports = [report(LEAD, 2020, 2, "in_progress"), report(SUPPORT, 2020, 3, "delayed")]
    decided = decide(ONE_LEAD, reports, date(2020, 10, 1))
    assert decided.status == "in_progress"  # the lead's latest report (2020Q2)
    assert decided.report.agency_id == LEAD and decided.verdict is None
    nothing = decide(ONE_LEAD, [report(SUPPORT, 2020, 3, "delayed")], date(2020, 10, 1))
    assert nothing.status is None
    assert nothing.note == "牵头单位 市科技局 尚无报送。配合单位的报送不作为任务状态。"


def test_with_two_leads_both_count_and_the_slower_one_decides():
    reports = [report(LEAD, 2020, 3, "done"), report(LEAD2, 2020, 3, "delayed")]
    assert decide(TWO_LEADS, reports, date(2020, 10, 1)).status == "delayed"
    assert decide(TWO_LEADS, reports[:1], date(2020, 10, 1)).status is None  # one lead silent


def test_final_verdict_from_the_deadline_on():
    at_deadline = date(2020, 12, 31)
    done = [report(LEAD, 2020, 4, "done"), report(LEAD2, 2020, 3, "done")]
    decided = decide(TWO_LEADS, done, at_deadline)
    assert (decided.verdict, decided.verdict_label, decided.deadline) == ("done", "已完成", at_deadline)
    mostly = [report(LEAD, 2020, 4, "done"), report(LEAD2, 2020, 4, "in_progress")]
    assert decide(TWO_LEADS, mostly, at_deadline).verdict_label == "基本完成"
    late = [report(LEAD, 2020, 4, "done"), report(LEAD2, 2020, 4, "delayed")]
    assert decide(TWO_LEADS, late, at_deadline).verdict_label == "未完成"
    assert decide(TWO_LEADS, done[:1], at_deadline).verdict_label == "未完成"  # a lead never reported
    assert decide(TWO_LEADS, done, date(2020, 12, 30)).verdict is None  # the day before


def test_a_tasks_own_deadline_counts_else_the_programmes_end():
    assert deadline_date("2018-06", "2020-12") == date(2018, 6, 30)
    assert deadline_date("2019", "2020-12") == date(2019, 12, 31)
    assert deadline_date("", "2025-06") == date(2025, 6, 30)
    early = decide(ONE_LEAD, [report(LEAD, 2018, 2, "in_progress")], date(2018, 7, 1), deadline="2018-06")
    assert early.verdict_label == "基本完成"
