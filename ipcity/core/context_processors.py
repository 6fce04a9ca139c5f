from django.conf import settings

from accounts.selectors import user_role_label


def portal(request):
    user = getattr(request, "user", None)
    return {
        "role_label": user_role_label(user=user) if user and user.is_authenticated else "",
        "demo_mode": settings.DEMO_MODE,
    }
