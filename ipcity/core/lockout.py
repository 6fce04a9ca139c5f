"""What a locked-out login sees (django-axes calls `lockout_response`, see settings).

The login page and the admin get a Chinese page with the navigation; the API (HTTP Basic)
gets the same message as JSON. Status 429: too many attempts, not a wrong password.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "登录失败次数过多(连续%(limit)s次),该账户在本地址已被锁定%(minutes)s分钟。"
        "请稍后再试,或联系系统管理员在管理后台解锁。"
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": lockout_minutes()}


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    return render(
        request,
        "registration/locked_out.html",
        {"lockout_message": lockout_message(), "username": (credentials or {}).get("username", "")},
        status=429,
    )
