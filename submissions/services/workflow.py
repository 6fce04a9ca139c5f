"""The review workflow: submit, approve (recompute enqueued), return and reopen, and the
events each step records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import reporters_of
from indicators.models import StatisticValue
from tasks.models import TaskReport

from .. import ingest
from ..models import (
    Notification,
    Submission,
    SubmissionEvent,
)
from ..notifications import office_notify_submitted
from ..selectors import (
    current_values,
    lock_reason,
    owned_statistics,
    require_report_for,
    require_review,
    user_label,
)


def _event(
    submission: Submission, action: str, user, comment: str = "", is_late: bool = False
) -> SubmissionEvent:
    return SubmissionEvent.objects.create(
        submission=submission, action=action, user=user, comment=comment, is_late=is_late
    )


def _mark_draft(item: Submission) -> None:
    if item.state == Submission.State.NOT_STARTED:
        item.state = Submission.State.DRAFT
        item.save(update_fields=["state", "updated_at"])


def _require_editable(item: Submission) -> None:
    reason = lock_reason(submission=item)
    if reason:
        raise ValidationError(reason)


# --- the workflow ---------------------------------------------------------------------------


def submission_missing(*, submission: Submission) -> list[str]:
    """What still has to be filled before an item can be submitted."""
    round = submission.round
    if submission.kind == Submission.Kind.TASK:
        has = TaskReport.objects.filter(
            task_id=submission.task_id,
            agency_id=submission.agency_id,
            year=round.year,
            quarter=round.quarter,
            is_current=True,
        ).exists()
        return [] if has else [_("尚未填写该任务的进展报告")]
    owners = owned_statistics(programme=round.programme, agency=submission.agency)
    have = current_values(
        programme=round.programme,
        year=round.year,
        quarter=round.quarter,
        statistic_ids={o.statistic_id for o in owners},
    )
    return [
        _("缺少“%(name)s”(%(code)s,%(area)s)的数值")
        % {"name": o.statistic.name, "code": o.statistic.code, "area": o.area or ingest.CITY_AREA_LABEL}
        for o in owners
        if (o.statistic_id, o.area) not in have
    ]


@transaction.atomic
def submission_submit(*, submission: Submission, user) -> Submission:
    """Submit an item for review; read-only from now until the office returns it. After the
    due date it is still accepted, and marked late."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("round__programme", "agency", "task")
        .get(pk=submission.pk)
    )
    require_report_for(user=user, agency=submission.agency)
    _require_editable(submission)
    missing = submission_missing(submission=submission)
    if missing:
        raise ValidationError([_("还不能提交:") + "; ".join(missing[:20])])
    now = timezone.now()
    late = now > submission.round.due_at
    submission.state = Submission.State.SUBMITTED
    submission.submitted_at, submission.submitted_by = now, user
    if submission.first_submitted_at is None:
        submission.first_submitted_at = now
        submission.is_late = late
    submission.save()
    _event(submission, SubmissionEvent.Action.SUBMITTED, user, is_late=late)
    office_notify_submitted(submission=submission, user=user)
    return submission


def _notify_reporters(submission: Submission, kind: str, title: str, body: str) -> None:
    url = reverse("submissions:submission_detail", args=[submission.pk])
    Notification.objects.bulk_create(
        [
            Notification(user=reporter, kind=kind, title=title, body=body, url=url)
            for reporter in reporters_of(agency_ids=[submission.agency_id])
        ]
    )


@transaction.atomic
def submissions_approve(*, submissions: list[Submission], user, comment: str = "") -> int:
    """Approve one or many submitted items at once (all or none); their values lock."""
    if not submissions:
        raise ValidationError(_("请至少选择一项。"))
    locked = list(
        Submission.objects.select_for_update(of=("self",))
        .select_related("round__programme", "agency", "task")
        .filter(pk__in=[s.pk for s in submissions])
    )
    for item in locked:
        require_review(user=user, programme=item.round.programme)
        if item.state != Submission.State.SUBMITTED:
            raise ValidationError(
                _("“%(a)s · %(i)s”当前为“%(s)s”,只有已提交的事项可以审核通过。")
                % {"a": item.agency.name, "i": item.item_label, "s": item.get_state_display()}
            )
    now = timezone.now()
    for item in locked:
        item.state, item.reviewed_at, item.reviewed_by, item.review_comment = (
            Submission.State.APPROVED,
            now,
            user,
            comment,
        )
        item.save(update_fields=["state", "reviewed_at", "reviewed_by", "review_comment", "updated_at"])
        _event(item, SubmissionEvent.Action.APPROVED, user, comment=comment)
        _notify_reporters(
            item,
            Notification.Kind.APPROVED,
            _("%(label)s %(item)s 已审核通过") % {"label": item.round.label, "item": item.item_label},
            _("审核人:%(who)s。%(c)s") % {"who": user_label(user), "c": comment},
        )
    _recompute_after_approval(items=locked, user=user)
    return len(locked)


def _recompute_after_approval(*, items: list[Submission], user) -> None:
    """Approving (or reopening) statistics changes which figures count: recompute the
    indicators that use them, per programme, in a job enqueued when this transaction
    commits (the indicators.services hook). One query for all items, however many."""
    from django.db.models import Q

    from indicators.services import on_statistics_approved

    statistics = [item for item in items if item.kind == Submission.Kind.STATISTICS]
    if not statistics:
        return
    keys = Q()
    for item in statistics:
        keys |= Q(
            programme_id=item.round.programme_id,
            agency_id=item.agency_id,
            year=item.round.year,
            quarter=item.round.quarter,
        )
    codes_by_programme: dict[int, set] = {}
    for programme_id, code in (
        StatisticValue.objects.filter(keys, is_current=True)
        .values_list("programme_id", "statistic__code")
        .distinct()
    ):
        codes_by_programme.setdefault(programme_id, set()).add(code)
    programmes = {item.round.programme_id: item.round.programme for item in statistics}
    for programme_id, codes in codes_by_programme.items():
        on_statistics_approved(programme=programmes[programme_id], statistic_codes=sorted(codes), user=user)


def _send_back(
    *, submission: Submission, user, text: str, action: str, kind: str, title: str, body: str
) -> Submission:
    """Return or reopen: the item becomes editable again, with the office's words kept,
    an event written and the agency's reporters told."""
    submission.state, submission.reviewed_at, submission.reviewed_by = (
        Submission.State.RETURNED,
        timezone.now(),
        user,
    )
    submission.review_comment = text
    submission.save()
    _event(submission, action, user, comment=text)
    _notify_reporters(
        submission,
        kind,
        title % {"label": submission.round.label, "item": submission.item_label},
        body % {"who": user_label(user), "c": text},
    )
    return submission


def _locked_for_review(*, submission: Submission, user) -> Submission:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("round__programme", "agency", "task")
        .get(pk=submission.pk)
    )
    require_review(user=user, programme=submission.round.programme)
    return submission


@transaction.atomic
def submission_return(*, submission: Submission, user, comment: str) -> Submission:
    """Return a submitted item to the agency with a comment it sees; it becomes editable."""
    submission = _locked_for_review(submission=submission, user=user)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("退回时必须填写意见,说明需要修改什么。")})
    if submission.state != Submission.State.SUBMITTED:
        raise ValidationError(_("只有已提交、待审核的事项可以退回;已通过的事项请使用“重新开放”。"))
    return _send_back(
        submission=submission,
        user=user,
        text=comment.strip(),
        action=SubmissionEvent.Action.RETURNED,
        kind=Notification.Kind.RETURNED,
        title=_("%(label)s %(item)s 被退回修改"),
        body=_("%(who)s 的意见:%(c)s"),
    )


@transaction.atomic
def submission_reopen(*, submission: Submission, user, reason: str) -> Submission:
    """Unlock an approved item so the agency can correct it; the reason is kept and shown."""
    submission = _locked_for_review(submission=submission, user=user)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("重新开放必须填写理由。")})
    if submission.state != Submission.State.APPROVED:
        raise ValidationError(_("只有已审核通过的事项需要重新开放。"))
    _send_back(
        submission=submission,
        user=user,
        text=reason.strip(),
        action=SubmissionEvent.Action.REOPENED,
        kind=Notification.Kind.REOPENED,
        title=_("%(label)s %(item)s 已重新开放"),
        body=_("%(who)s 的理由:%(c)s"),
    )
    # Reopened figures no longer count until approved again: recompute without them.
    _recompute_after_approval(items=[submission], user=user)
    return submission
