"""Checked uploads waiting for their uploader (to confirm warnings, or to fetch the copy
with every error marked), kept in the database: an upload with errors still gets its answer
when the cache (Redis) is unreachable. Only `services` calls these."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from .models import PendingUpload

PENDING_TTL = timedelta(hours=1)  # how long a checked upload waits for confirmation / its marked copy


def pending_store(*, data: bytes, filename: str, kind: str, problems: list, round, agency, user) -> str:
    """Keep a checked upload for an hour; returns its token. Expired ones are dropped here."""
    now = timezone.now()
    PendingUpload.objects.filter(expires_at__lt=now).delete()
    token = secrets.token_urlsafe(18)
    PendingUpload.objects.create(
        token=token,
        round=round,
        agency=agency,
        user=user,
        filename=filename,
        kind=kind,
        data=data,
        problems=[p.as_dict() for p in problems],
        expires_at=now + PENDING_TTL,
    )
    return token


def pending_get(*, token: str, user) -> PendingUpload | None:
    """A live pending upload, for its uploader only."""
    if not token:
        return None
    return PendingUpload.objects.filter(
        token=token, user_id=user.pk if user else None, expires_at__gte=timezone.now()
    ).first()


def pending_drop(*, token: str) -> None:
    PendingUpload.objects.filter(token=token).delete()
