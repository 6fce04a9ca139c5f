"""Asking for a recompute: the JobRun row (the outbox) now, the Celery job once the
surrounding transaction commits; from a user, from the approval of a statistics
submission, and from the recompute triggers. Re-exported by `indicators.services`."""

from django.utils.translation import gettext as _

RECOMPUTE_JOB_KIND = "indicator_recompute"
RECOMPUTE_TASK_NAME = "indicators.recompute"


def _recompute_enqueue(*, programme, user, statistic_codes=None, message: str = ""):
    from ipcity.core.services import job_run_enqueue

    codes = sorted(set(statistic_codes)) if statistic_codes is not None else None
    return job_run_enqueue(
        kind=RECOMPUTE_JOB_KIND,
        user=user if getattr(user, "is_authenticated", False) else None,
        target=programme,
        params={"programme_id": programme.pk, "statistic_codes": codes},
        message=message or (_("全部指标重新计算") if codes is None else _("按变更的统计数据重新计算")),
    )


def programme_recompute_request(*, programme, user, statistic_codes: list[str] | None = None):
    """Ask for a recompute: a JobRun row (the outbox) now, the Celery job once the
    surrounding transaction commits. Office staff of the programme's city only."""
    from accounts.permissions import require

    require(user, "programme.edit", programme)
    return _recompute_enqueue(programme=programme, user=user, statistic_codes=statistic_codes)


def on_statistics_approved(*, programme, statistic_codes, user=None):
    """The hook the approval of a statistics submission calls (issue 4), inside its
    transaction: the indicators of `programme` that use any of `statistic_codes` are
    recomputed by a job enqueued when that transaction commits. Returns the JobRun, or None
    when no code was given. The approval was already authorised, so no check here."""
    codes = sorted({str(c) for c in (statistic_codes or [])})
    if not codes:
        return None
    return _recompute_enqueue(
        programme=programme,
        user=user,
        statistic_codes=codes,
        message=_("审核通过后重新计算:%(codes)s") % {"codes": "、".join(codes)},
    )
