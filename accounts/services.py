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
        },
    )
    if programmes is not None:
        profile.programmes.set(programmes)
    return user
