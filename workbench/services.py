"""Writes started from a home: submitting a round's items together (after an import)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from submissions.models import ReportingRound, Submission
from submissions.selectors import require_report_for
from submissions.services import submission_missing, submission_submit


@transaction.atomic
def round_items_submit_all(*, round: ReportingRound, agency, user, ids: list[int]) -> int:
    """Submit the chosen draft or corrected items of an agency in a round, all or none: one
    confirmed step after an import instead of 提交 on every item. An item that still lacks
    something is named with what it lacks, and nothing is submitted."""
    require_report_for(user=user, agency=agency)
    items = list(
        Submission.objects.filter(round=round, agency=agency, pk__in=ids)
        .select_related("round__programme", "agency", "task")
        .order_by("kind", "task__order")
    )
    if not items:
        raise ValidationError(_("请至少选择一项。"))
    problems = []
    for item in items:
        if item.state not in (Submission.State.DRAFT, Submission.State.RETURNED):
            problems.append(
                _("“%(i)s”当前为“%(s)s”,不能提交。") % {"i": item.item_label, "s": item.get_state_display()}
            )
            continue
        missing = submission_missing(submission=item)
        if missing:
            problems.append(
                _("“%(i)s”还不能提交:%(m)s") % {"i": item.item_label, "m": "; ".join(missing[:3])}
            )
    if problems:
        raise ValidationError(problems)
    for item in items:
        submission_submit(submission=item, user=user)
    return len(items)
