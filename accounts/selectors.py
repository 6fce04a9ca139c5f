"""The one place that says who may see and change what.

Every queryset a user reaches is scoped here: outside a user's scope is 404 (the object
"does not exist" for them), a read-only user's write is 403.
"""

from django.db.models import Q, QuerySet
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


def user_city(*, user):
    """The city a user works for (office staff, reporters): where what they create belongs.
    None for evaluators, superusers without a profile and anonymous users."""
    profile = user_profile(user=user)
    if profile is None:
        return None
    if profile.city_id:
        return profile.city
    return profile.agency.city if profile.agency_id else None


def user_agency(*, user) -> Agency | None:
    """The agency a reporter reports for; None for everyone else."""
    profile = user_profile(user=user)
    if profile is None or profile.role != Profile.Role.REPORTER or not profile.agency_id:
        return None
    return profile.agency


def reporters_of(*, agency_ids) -> QuerySet:
    """The active reporters of the given agencies (whom reminders and returns notify)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True, profile__role=Profile.Role.REPORTER, profile__agency_id__in=agency_ids
        )
        .filter(api_token__isnull=True)  # machine users of the write API get no messages
        .select_related("profile__agency")
    )


def office_staff_of(*, city_id) -> QuerySet:
    """The active office staff of a city (whom submissions, gaps and report requests notify)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, profile__role=Profile.Role.OFFICE, profile__city_id=city_id)
        .select_related("profile")
    )


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


def visible_agency_ids(*, user, programme: Programme | None = None) -> set[int] | None:
    """Agencies whose items (task reports, statistics) a user may see in a programme.

    None means all of them (office staff, evaluators, superusers); a reporter sees only
    its own agency's items."""
    profile = user_profile(user=user)
    if profile is not None and profile.role == Profile.Role.REPORTER and not user.is_superuser:
        return {profile.agency_id}
    return None


def statistic_list_for_user(*, user):
    """The statistics catalogue a user sees: the national codes and those of the cities the
    user works in (evaluators: the cities of their programmes). Another city's own codes
    do not exist for them (404)."""
    from indicators.models import Statistic

    qs = Statistic.objects.all()
    if user_role(user=user) == "superuser":
        return qs
    city = user_city(user=user)
    if city is not None:
        return qs.for_city(city)
    city_ids = programme_list_for_user(user=user).values("city_id")
    return qs.filter(Q(city__isnull=True) | Q(city_id__in=city_ids))


def statistic_get_for_user(*, user, pk: int):
    statistic = statistic_list_for_user(user=user).filter(pk=pk).first()
    if statistic is None:
        raise Http404(_("没有找到该统计数据项,或您无权查看。"))
    return statistic
