"""Messages to the office: an agency submitted, a round closed with gaps, an evaluator asks
for a report. Each is a `Notification` in the portal inbox of every office member of the
city, and an e-mail through Django's e-mail backend (console unless EMAIL_BACKEND says
SMTP) sent once the transaction commits, so a rolled-back write never mails anyone."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import office_staff_of

from .models import Notification, ReportingRound, Submission
from .selectors import user_label

log = logging.getLogger(__name__)


def _notify_office(*, city_id: int, kind: str, title: str, body: str, url: str) -> int:
    staff = list(office_staff_of(city_id=city_id))
    Notification.objects.bulk_create(
        [Notification(user=member, kind=kind, title=title, body=body, url=url) for member in staff]
    )
    recipients = [member.email for member in staff if member.email]
    if recipients:
        transaction.on_commit(lambda: _mail(title=title, body=body, url=url, recipients=recipients))
    return len(staff)


def _mail(*, title: str, body: str, url: str, recipients: list[str]) -> None:
    try:
        send_mail(
            subject=f"[ipcity] {title}",
            message=f"{body}\n\n{url}\n",
            from_email=None,
            recipient_list=recipients,
            fail_silently=False,
        )
    except Exception:  # noqa: BLE001 - the inbox has it; a mail server down must not undo the write
        log.exception("mail to %s failed: %s", recipients, title)


def office_notify_submitted(*, submission: Submission, user) -> int:
    """An agency submitted an item: the office is told, with a link to review it."""
    round = submission.round
    title = _("%(agency)s 提交了 %(label)s %(item)s") % {
        "agency": submission.agency.name,
        "label": round.label,
        "item": submission.item_label,
    }
    body = _("提交人:%(who)s%(late)s。请在“审核待办”中审核。") % {
        "who": user_label(user),
        "late": _("(逾期提交)") if submission.is_late else "",
    }
    url = reverse("submissions:submission_detail", args=[submission.pk])
    return _notify_office(
        city_id=round.programme.city_id, kind=Notification.Kind.SUBMITTED, title=title, body=body, url=url
    )


def office_notify_round_gaps(*, round: ReportingRound) -> int:
    """A round closed with items not submitted: the office gets the agencies and counts."""
    gaps: dict[str, int] = {}
    for name in (
        round.submissions.exclude(state__in=Submission.DONE_STATES)
        .order_by("agency__name")
        .values_list("agency__name", flat=True)
    ):
        gaps[name] = gaps.get(name, 0) + 1
    if not gaps:
        return 0
    title = _("%(label)s 已关闭,%(n)s 个单位未报齐") % {"label": round.label, "n": len(gaps)}
    body = "\n".join(_("%(agency)s:%(n)s 项未提交") % {"agency": name, "n": n} for name, n in gaps.items())
    return _notify_office(
        city_id=round.programme.city_id,
        kind=Notification.Kind.ROUND_GAPS,
        title=title,
        body=body,
        url=round.get_absolute_url(),
    )


def office_notify_report_request(*, programme, kind_label: str, message: str, user) -> int:
    """An evaluator asks for a report: the office of the programme's city is told."""
    title = _("%(who)s 申请 %(programme)s 的%(kind)s") % {
        "who": user_label(user),
        "programme": programme.city.name,
        "kind": kind_label,
    }
    body = (message or "").strip()[:2000] or _("(未填写说明)")
    url = reverse("reports:report_list", args=[programme.slug])
    return _notify_office(
        city_id=programme.city_id, kind=Notification.Kind.REPORT_REQUEST, title=title, body=body, url=url
    )


def report_request(*, programme, kind: str, message: str, user) -> int:
    """An evaluator's "request a report" (申请报告): only for its assigned programmes."""
    from django.core.exceptions import ValidationError

    from accounts.permissions import require
    from reports.models import Report

    require(user, "report.request", programme, message=_("只有该方案的评估专家可以申请报告。"))
    labels = dict(Report.Kind.choices)
    if kind not in labels or kind == Report.Kind.QUARTERLY:
        raise ValidationError({"kind": _("请选择报告类型(验收报告、中期评价报告或年度报告)。")})
    return office_notify_report_request(
        programme=programme, kind_label=str(labels[kind]), message=message, user=user
    )
