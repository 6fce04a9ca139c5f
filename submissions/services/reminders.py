"""Notifications read and reminders sent before and after a round's due date."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import reporters_of

from ..models import (
    Notification,
    ReportingRound,
    Submission,
)
from ..selectors import (
    user_label,
)

# --- notifications and reminders ------------------------------------------------------------


def notification_mark_read(*, notification: Notification, user) -> None:
    if notification.user_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def reminders_send(*, today: date | None = None, horizon_days: int = 7) -> dict:
    """Remind the reporters of every agency with items not yet submitted in an open round
    due within `horizon_days` or overdue: one portal notification and one email per reporter
    per day at most (the unique reminder per user and day makes a second run a no-op)."""
    today = today or timezone.localdate()
    items = (
        Submission.objects.filter(
            state__in=Submission.OPEN_STATES,
            round__status=ReportingRound.Status.OPEN,
            round__due_date__lte=today + timedelta(days=horizon_days),
        )
        .select_related("round__programme", "task")
        .order_by("round__due_date", "kind", "task__order")
    )
    by_agency: dict[int, list[Submission]] = {}
    for item in items:
        by_agency.setdefault(item.agency_id, []).append(item)
    sent = skipped = emailed = 0
    url = reverse("submissions:workspace")
    for reporter in reporters_of(agency_ids=list(by_agency)):
        owed = by_agency[reporter.profile.agency_id]
        overdue = [i for i in owed if i.round.is_overdue(today)]
        lines = [
            f"- {i.round.programme.title} · {i.round.label} · {i.item_label}"
            f"({_('已逾期') if i.round.is_overdue(today) else _('截止 %(d)s') % {'d': i.round.due_date}})"
            for i in owed
        ]
        title = (
            _("您有 %(n)s 项填报已逾期、共 %(t)s 项尚未提交") % {"n": len(overdue), "t": len(owed)}
            if overdue
            else _("您有 %(t)s 项填报将在 7 天内截止,尚未提交") % {"t": len(owed)}
        )
        body = "\n".join(lines)
        try:
            with transaction.atomic():
                notification, created = Notification.objects.get_or_create(
                    user=reporter,
                    kind=Notification.Kind.REMINDER,
                    day=today,
                    defaults={"title": title, "body": body, "url": url},
                )
        except IntegrityError:  # another run created it at the same moment
            created = False
        if not created:
            skipped += 1
            continue
        sent += 1
        if reporter.email:
            send_mail(
                subject=f"[ipcity] {title}",
                message=_(
                    "%(name)s,您好:\n\n以下填报事项尚未提交:\n%(body)s\n\n请登录平台的“本季度填报”页面(%(url)s)填报。\n"
                )
                % {"name": user_label(reporter), "body": body, "url": url},
                from_email=None,
                recipient_list=[reporter.email],
                fail_silently=False,
            )
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            emailed += 1
    return {"agencies": len(by_agency), "notified": sent, "emailed": emailed, "already_today": skipped}
