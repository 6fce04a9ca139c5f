"""Writes to users and their roles."""

from django.contrib.auth import get_user_model
from django.db import transaction

from programmes.models import Agency, City, Programme

from .models import Profile


@transaction.atomic
def user_with_role_ensure(
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    city: City | None = None,
    agency: Agency | None = None,
    programmes: list[Programme] | None = None,
    email: str = "",
    province: str = "",
):
    """Create or update a user with exactly one role (idempotent; used by demo data and tests)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created or not user.check_password(password):
        user.set_password(password)
    user.email = email or user.email
    user.save()
    profile, _ = Profile.objects.update_or_create(
        user=user,
        defaults={
            "role": role,
            "city": city or (agency.city if agency else None),
            "agency": agency,
            "display_name": display_name,
            "province": province,
        },
    )
    if programmes is not None:
        profile.programmes.set(programmes)
    return user


# --- the write API's tokens ----------------------------------------------------------------

API_KEY_PREFIX = "ipc_"


def api_key_hash(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_issue(*, agency: Agency, name: str, user):
    """Issue a token for a machine user of `agency`; returns (token, key). The key is shown
    once: only its SHA-256 is stored. Only the office of the agency's city may issue one."""
    import secrets

    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import ApiToken
    from .permissions import require

    require(user, "api_token.manage", agency)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称,例如“市统计局数据平台”。")})
    if len(name) > 100:
        raise ValidationError({"name": _("令牌名称不能超过 100 个字。")})
    if agency.is_archived:
        raise ValidationError({"agency": _("该单位已停用,不能签发令牌。")})
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    User = get_user_model()
    machine = User(username=f"api-{agency.pk}-{secrets.token_hex(4)}", is_active=True)
    machine.set_unusable_password()
    machine.save()
    Profile.objects.create(
        user=machine, role=Profile.Role.REPORTER, agency=agency, city=agency.city, display_name=name[:50]
    )
    token = ApiToken.objects.create(
        name=name,
        agency=agency,
        user=machine,
        prefix=key[: len(API_KEY_PREFIX) + 6],
        key_sha256=api_key_hash(key),
        created_by=user,
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token, user):
    """Revoke a token: from now on its key is refused (401). Its pushes and values stay."""
    from django.utils import timezone

    from .permissions import require

    require(user, "api_token.manage", token.agency)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), user
        token.save(update_fields=["revoked_at", "revoked_by"])
        token.user.is_active = False
        token.user.save(update_fields=["is_active"])
    return token
