"""Filling task reports the way a reporter would, for the homes' tests (server and browser)."""

from submissions.models import Submission
from submissions.services import task_report_draft_save


def draft_task_reports(round, reporter, count=1, exclude=()) -> list[Submission]:
    """Save a draft report on `count` of the reporter's agency's task items in the round."""
    agency = reporter.profile.agency
    items = list(
        Submission.objects.filter(round=round, agency=agency, kind="task")
        .exclude(pk__in=[i.pk for i in exclude])
        .select_related("task")
        .order_by("pk")[:count]
    )
    for item in items:
        task_report_draft_save(
            round=round,
            agency=agency,
            task=item.task,
            status="in_progress",
            work_done="召开推进会",
            problems="",
            next_steps="",
            user=reporter,
        )
    return [Submission.objects.get(pk=item.pk) for item in items]
