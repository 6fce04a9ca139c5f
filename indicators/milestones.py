"""Milestone indicators: recording one as done (with a date and evidence) or not done.
Re-exported by `indicators.services`."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Indicator, MilestoneCompletion


def milestone_completion_record(
    *, indicator: Indicator, user, is_done: bool, done_on: date | None = None, evidence=None, note: str = ""
) -> MilestoneCompletion:
    """Record a milestone as done (with a date and evidence) or not done; the indicator's
    status is recomputed at once. The evidence file is checked before anything is stored,
    and removed again if the record cannot be written: all or nothing."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from accounts.permissions import require
    from ipcity.core.uploads import EVIDENCE_MAX_BYTES, evidence_problem

    from . import services  # the recompute, looked up there when called (tests replace it)

    require(user, "programme.edit", indicator.programme)
    errors = {}
    if indicator.kind != Indicator.Kind.MILESTONE:
        errors["is_done"] = _("只有里程碑指标记录完成情况。")
    if is_done and done_on is None:
        errors["done_on"] = _("请填写完成日期。")
    if is_done and evidence is None:
        errors["evidence"] = _("标记为已完成时请上传证明材料。")
    if done_on is not None and done_on > timezone.localdate():
        errors["done_on"] = _("完成日期不能晚于今天。")
    name, data = (getattr(evidence, "name", "") or "", b"") if evidence is not None else ("", b"")
    if evidence is not None:
        # The one evidence validator (type, signature, size, macros, zip bombs), as for tasks.
        data = evidence.read(EVIDENCE_MAX_BYTES + 1)
        problem = evidence_problem(name=name, data=data)
        if problem:
            errors["evidence"] = problem
    if errors:
        raise ValidationError(errors)
    stored = ""
    try:
        with transaction.atomic():
            record = MilestoneCompletion(
                indicator=indicator,
                is_done=is_done,
                done_on=done_on if is_done else None,
                note=note,
                recorded_by=user,
                evidence_name=name,
            )
            if evidence is not None:
                record.evidence.save(
                    f"evidence.{name.rsplit('.', 1)[-1].lower()}", ContentFile(data), save=False
                )
                stored = record.evidence.name
            record.save()
            services.indicator_recompute(
                programme=indicator.programme, indicator_ids=[indicator.pk], user=user
            )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return record
