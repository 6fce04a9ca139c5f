"""The one place that says who may see and change what.

Every queryset a user reaches is scoped here: outside a user's scope is 404 (the object
"does not exist" for them), a read-only user's write is 403.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from programmes.models import Agency, Programme

from .models import Profile
from .permissions import can, require


def user_profile(*, user) -> Profile | None:
    if not user or not user.is_authenticated:
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def user_role(*, user) -> str | None:
    if user is not None and user.is_authenticated and user.is_superuser:
        return "superuser"
    profile = user_profile(user=user)
    return profile.role if profile else None


def user_role_label(*, user) -> str:
    if user.is_superuser:
        return _("系统管理员")
    profile = user_profile(user=user)
    if profile is None:
        return _("未分配角色")
    where = profile.agency.name if profile.agency_id else (profile.city.name if profile.city_id else "")
    return f"{profile.get_role_display()} · {where}" if where else profile.get_role_display()


def programme_list_for_user(*, user) -> QuerySet[Programme]:
    qs = Programme.objects.select_related("city")
    role = user_role(user=user)
    if role == "superuser":
        return qs
    profile = user_profile(user=user)
    if profile is None:
        return qs.none()
    if profile.role == Profile.Role.OFFICE:
        return qs.filter(city_id=profile.city_id)
    if profile.role == Profile.Role.REPORTER:
        return qs.filter(city_id=profile.agency.city_id)
    if profile.role == Profile.Role.EVALUATOR:
        return qs.filter(evaluators=profile)
    if profile.role == Profile.Role.PROVINCE and profile.province:
        return qs.filter(city__province=profile.province)
    return qs.none()


def programme_get_for_user(*, user, slug: str) -> Programme:
    programme = programme_list_for_user(user=user).filter(slug=slug).first()
    if programme is None:
        raise Http404(_("没有找到该方案,或您无权查看。"))
    return programme


def can_edit_programme(*, user, programme: Programme) -> bool:
    """Kept for callers not yet moved: the decision is accounts.permissions' "programme.edit"."""
    return can(user, "programme.edit", programme)


def require_edit_programme(*, user, programme: Programme) -> None:
    require(user, "programme.edit", programme)


def agency_list_for_user(*, user) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("city")
    role = user_role(user=user)
    if role == "superuser":
        return qs
    profile = user_profile(user=user)
    if profile is None:
        return qs.none()
    if profile.role == Profile.Role.OFFICE:
        return qs.filter(city_id=profile.city_id)
    if profile.role == Profile.Role.REPORTER:
        return qs.filter(pk=profile.agency_id)
    if profile.role == Profile.Role.EVALUATOR:
        return qs.filter(assignments__task__programme__evaluators=profile).distinct()
    if profile.role == Profile.Role.PROVINCE and profile.province:
        return qs.filter(city__province=profile.province)
    return qs.none()


def agency_get_for_user(*, user, pk: int) -> Agency:
    agency = agency_list_for_user(user=user).filter(pk=pk).first()
    if agency is None:
        raise Http404(_("没有找到该单位,或您无权查看。"))
    return agency


def visible_agency_ids(*, user, programme: Programme) -> set[int] | None:
    """Agencies whose items (task reports, statistics) a user may see in a programme.

    None means all of them (office staff, evaluators, superusers); a reporter sees only
    its own agency's items."""
    profile = user_profile(user=user)
    if profile is not None and profile.role == Profile.Role.REPORTER and not user.is_superuser:
        return {profile.agency_id}
    return None
