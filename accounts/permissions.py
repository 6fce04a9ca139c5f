"""The one module that decides "may this user do this to this object".

Every decision is a named rule in one registry (the `rules` library's permission set), used
alike by views, services, templates (`{% load rules %}{% has_perm "programme.edit" user programme as can_edit %}`),
the API (`HasRule`) and the permission-matrix tests, which read `RULE_NAMES` from here.

Always city-scoped: office staff act on their own city's objects only; a reporter on its
own agency's only; evaluators only read the programmes assigned to them. Nothing outside
this module (and the scoping querysets in `accounts.selectors`) looks at a user's role.

Names are `<object>.<action>`; the object a rule is checked against is given with each
rule below. `user=None` means the command line (manage.py), which is trusted and recorded
as such by the services.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Profile

# --- who the user is --------------------------------------------------------------------


def _profile(user) -> Profile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def _city_id_of(obj) -> int | None:
    """The city an object belongs to: a City, or anything with city_id, programme or agency."""
    if obj is None:
        return None
    from programmes.models import City

    if isinstance(obj, City):
        return obj.pk
    if hasattr(obj, "city_id"):
        return obj.city_id
    for attr in ("programme", "agency", "round", "task", "report"):
        related = getattr(obj, attr, None)
        if related is not None:
            return _city_id_of(related)
    return None


def _agency_id_of(obj) -> int | None:
    from programmes.models import Agency

    if isinstance(obj, Agency):
        return obj.pk
    return getattr(obj, "agency_id", None)


def _programme_id_of(obj) -> int | None:
    from programmes.models import Programme

    if isinstance(obj, Programme):
        return obj.pk
    if hasattr(obj, "programme_id"):
        return obj.programme_id
    for attr in ("round", "task", "report", "indicator"):
        related = getattr(obj, attr, None)
        if related is not None:
            return _programme_id_of(related)
    return None


# --- predicates ------------------------------------------------------------------------


@rules.predicate
def is_superuser(user) -> bool:
    return bool(user is not None and getattr(user, "is_superuser", False) and user.is_active)


@rules.predicate
def is_office_staff(user) -> bool:
    profile = _profile(user)
    return bool(profile and profile.role == Profile.Role.OFFICE and profile.city_id)


@rules.predicate
def is_reporter(user) -> bool:
    profile = _profile(user)
    return bool(profile and profile.role == Profile.Role.REPORTER and profile.agency_id)


@rules.predicate
def is_evaluator(user) -> bool:
    profile = _profile(user)
    return bool(profile and profile.role == Profile.Role.EVALUATOR)


@rules.predicate
def is_office_of_city(user, obj) -> bool:
    """Office staff of the city the object belongs to."""
    profile = _profile(user)
    if not (profile and profile.role == Profile.Role.OFFICE and profile.city_id):
        return False
    return _city_id_of(obj) == profile.city_id


@rules.predicate
def is_reporter_of_agency(user, obj) -> bool:
    """A reporter of the agency the object belongs to (an Agency, or anything with agency_id)."""
    profile = _profile(user)
    if not (profile and profile.role == Profile.Role.REPORTER and profile.agency_id):
        return False
    return _agency_id_of(obj) == profile.agency_id


@rules.predicate
def is_reporter_in_city(user, obj) -> bool:
    profile = _profile(user)
    if not (profile and profile.role == Profile.Role.REPORTER and profile.agency_id):
        return False
    return _city_id_of(obj) == profile.city_id


@rules.predicate
def is_evaluator_of_programme(user, obj) -> bool:
    profile = _profile(user)
    if not (profile and profile.role == Profile.Role.EVALUATOR):
        return False
    programme_id = _programme_id_of(obj)
    if programme_id is None:
        return False
    # Read once per profile object (one request): a list of N programmes asks N times.
    if not hasattr(profile, "_assigned_programme_ids"):
        profile._assigned_programme_ids = set(profile.programmes.values_list("pk", flat=True))
    return programme_id in profile._assigned_programme_ids


@rules.predicate
def is_province_user(user) -> bool:
    profile = _profile(user)
    return bool(profile and profile.role == Profile.Role.PROVINCE and profile.province)


@rules.predicate
def is_province_of_city(user, obj) -> bool:
    """A provincial user, for an object of a city in its province (read-only oversight)."""
    profile = _profile(user)
    if not (profile and profile.role == Profile.Role.PROVINCE and profile.province):
        return False
    city_id = _city_id_of(obj)
    if city_id is None:
        return False
    from programmes.models import City

    if not hasattr(profile, "_province_city_ids"):  # once per profile object (one request)
        profile._province_city_ids = set(
            City.objects.filter(province=profile.province).values_list("pk", flat=True)
        )
    return city_id in profile._province_city_ids


@rules.predicate
def is_api_machine(user) -> bool:
    """A machine user of the write API (its ApiToken); never a person's account."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and hasattr(user, "api_token"))


@rules.predicate
def is_city_defined(user, obj) -> bool:
    """A statistic a city defined itself (built-in catalogue codes have no city: national)."""
    return getattr(obj, "city_id", None) is not None


@rules.predicate
def started_the_job(user, obj) -> bool:
    return user is not None and obj is not None and obj.created_by_id == getattr(user, "pk", None)


# --- the registry: every named check ---------------------------------------------------------
# The object each rule is checked against is in the comment beside it.

RULES = {
    # programmes (plan objects)
    "programme.view": is_superuser
    | is_office_of_city
    | is_reporter_in_city
    | is_evaluator_of_programme
    | is_province_of_city,  # Programme
    "programme.create": is_superuser | is_office_of_city,  # City
    "programme.edit": is_superuser | is_office_of_city,  # Programme (plan, tasks, indicators, funding)
    "programme.import": is_superuser | is_office_of_city,  # City the plan is imported into
    "plan_import.start": is_superuser | is_office_staff,  # no object: the 导入方案 entry point
    "plan_import.choose_city": is_superuser,  # no object: pick the city a plan goes into
    "programme.create_any": is_superuser | is_office_staff,  # no object: the 新建方案 button
    "agency.create": is_superuser | is_office_of_city,  # City
    "agency.edit": is_superuser | is_office_of_city,  # Agency
    # statistics catalogue: built-in codes are national and read-only to offices
    "statistic.create": is_superuser | is_office_of_city,  # City
    "statistic.edit": is_superuser | (is_city_defined & is_office_of_city),  # Statistic
    # reporting
    "round.manage": is_superuser | is_office_of_city,  # Programme: open, close, remind
    "submission.review": is_superuser | is_office_of_city,  # Programme or Submission
    "submission.fill": is_superuser | is_reporter_of_agency,  # Agency or Submission
    "submission.template": is_superuser
    | is_reporter_of_agency
    | is_office_of_city
    | is_evaluator_of_programme,  # Agency (reporter) / Round (others)
    "reporting.workspace": is_reporter,  # no object: the reporter's landing page
    "review.queue": is_superuser | is_office_staff,  # no object: the 审核待办 page (scoped inside)
    # reports
    "report.generate": is_superuser | is_office_of_city,  # Programme: generate, write chapters
    "report.finalise": is_superuser | is_office_of_city,  # Programme: issue a final (定稿) version
    "report.see_all": is_superuser | is_office_of_city,  # Programme: every report, drafts too
    "report.see_generated": is_evaluator_of_programme
    | is_province_of_city,  # Programme: reports with a version
    "report.request": is_evaluator_of_programme,  # Programme: ask the office for a report
    # the workbench: each role's home (no object; scoped inside)
    "home.office": is_superuser | is_office_staff,
    "home.province": is_province_user,
    "home.evaluator": is_evaluator,
    # the write API's tokens (issued and revoked by the office of the agency's city)
    "api_token.list": is_superuser | is_office_staff,  # no object: the 接口令牌 page
    "api_token.manage": is_superuser | is_office_of_city,  # Agency (issue) or ApiToken (revoke)
    "api.push": is_reporter_of_agency & is_api_machine,  # Agency: push statistic values
    "api.machine": is_api_machine,  # no object: the write API is for token holders only
    "report.see_own_agency": is_reporter_in_city,  # Programme: its agency's quarterly reports
    # background runs
    "job.view": is_superuser | started_the_job,  # JobRun
}

RULE_NAMES = tuple(sorted(RULES))

for _name, _predicate in RULES.items():
    rules.set_perm(_name, _predicate)  # set, not add: a module reload must not raise


# --- the API every room uses ---------------------------------------------------------------


def can(user, name: str, obj=None) -> bool:
    """May `user` do `name` to `obj`? `user=None` is the command line: always allowed."""
    if name not in RULES:
        raise KeyError(f"unknown permission rule {name!r}; add it to accounts.permissions.RULES")
    if user is None:
        return True
    return rules.has_perm(name, user, obj)


DENIED_MESSAGES = {
    "programme.edit": gettext_lazy("您的角色只能查看，不能修改该方案。"),
    "round.manage": gettext_lazy("只有本市领导小组办公室可以开启、关闭填报轮次。"),
    "submission.review": gettext_lazy("只有本市领导小组办公室可以审核填报。"),
    "statistic.edit": gettext_lazy("内置统计指标为全国统一口径，不能修改；只能修改本市自定义的统计指标。"),
    "programme.import": gettext_lazy("只能向本市导入方案。"),
}


def require(user, name: str, obj=None, message: str | None = None) -> None:
    """Raise PermissionDenied (403) unless `can(user, name, obj)`."""
    if not can(user, name, obj):
        raise PermissionDenied(message or str(DENIED_MESSAGES.get(name, _("您无权执行此操作。"))))


def role_of(user) -> str:
    """The user's role as a plain word for templates that choose a landing page or menu:
    'superuser', 'office', 'reporter', 'evaluator' or ''. Decisions use `can`, not this."""
    if is_superuser(user):
        return "superuser"
    profile = _profile(user)
    return profile.role if profile else ""


class HasRule:
    """DRF permission class factory: `permission_classes = [HasRule.of("programme.edit")]`.

    Object checks go through `can`; the list/scope is the view's queryset (accounts.selectors)."""

    @staticmethod
    def of(name: str, *, safe_methods_name: str | None = None):
        from rest_framework.permissions import SAFE_METHODS, BasePermission

        class _HasRule(BasePermission):
            def has_object_permission(self, request, view, obj):
                if request.method in SAFE_METHODS and safe_methods_name:
                    return can(request.user, safe_methods_name, obj)
                return can(request.user, name, obj)

        _HasRule.__name__ = f"HasRule[{name}]"
        return _HasRule
