"""Agencies of a draft: matched to the city's existing agencies (that city's only),
or proposed new and listed for confirmation, never merged silently."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from programmes.canonical import CanonicalError, CanonicalValidationError
from programmes.models import Agency, AgencyAlias, City
from programmes.services import agency_resolve

from .models import PlanImportDraft


@dataclass
class AgencyMatch:
    """What a draft's agency group becomes on confirm."""

    group: dict
    status: str  # "matched" | "new" | "conflict"
    agency: Agency | None = None
    via: dict[str, str] = field(default_factory=dict)  # printed name -> "name" | "alias"
    others: list[Agency] = field(default_factory=list)  # agencies the names also resolve to
    message: str = ""

    @property
    def names(self) -> list[str]:
        return [n for n in [self.group.get("name"), *(self.group.get("aliases") or [])] if n]

    @property
    def new_aliases(self) -> list[str]:
        if self.agency is None:
            return []
        return [n for n in self.names if n != self.agency.name and n not in self.via]


def _resolve_with_how(*, city: City, name: str) -> tuple[Agency | None, str]:
    alias = AgencyAlias.objects.select_related("agency").filter(city=city, name=name).first()
    if alias is not None:
        return alias.agency, "alias"
    agency = Agency.objects.filter(city=city, name=name).first()
    return agency, ("name" if agency else "")


def agency_match(*, city: City, group: dict) -> AgencyMatch:
    """Match one agency group of a draft against the city's agencies: printed names are
    looked up among aliases first, then among agency names. Staff may have decided
    (``group["match"]``): ``"new"`` or an existing agency's id. Names that lead to two
    different agencies are a conflict staff resolve; they are never merged silently."""
    match = AgencyMatch(group=group, status="new")
    resolved: dict[str, Agency] = {}
    for name in match.names:
        agency, how = _resolve_with_how(city=city, name=name)
        if agency is not None:
            resolved[name] = agency
            match.via[name] = how
    distinct = {a.pk: a for a in resolved.values()}
    decision = str(group.get("match") or "auto")
    if decision not in ("auto", "new"):
        chosen = Agency.objects.filter(city=city, pk=int(decision) if decision.isdigit() else None).first()
        if chosen is None:
            match.status = "conflict"
            match.message = _("所选的现有单位已不存在,请重新选择。")
            return match
        match.agency, match.status = chosen, "matched"
        clash = [n for n, a in resolved.items() if a.pk != chosen.pk]
        match.via = {n: how for n, how in match.via.items() if n not in clash}
        if clash:
            match.status = "conflict"
            match.others = [a for pk, a in distinct.items() if pk != chosen.pk]
            match.message = _(
                "名称 %(names)s 已属于其他单位 %(others)s,不能并入 %(agency)s。请修改名称或改选单位。"
            ) % {
                "names": "、".join(clash),
                "others": "、".join(a.name for a in match.others),
                "agency": chosen.name,
            }
        return match
    if decision == "new":
        if resolved:
            match.status = "conflict"
            match.others = list(distinct.values())
            match.message = _(
                "名称 %(names)s 已属于现有单位 %(others)s。请选择“匹配现有单位”,或修改名称。"
            ) % {"names": "、".join(resolved), "others": "、".join(a.name for a in match.others)}
        return match
    if len(distinct) == 1:
        match.status = "matched"
        match.agency = next(iter(distinct.values()))
    elif len(distinct) > 1:
        match.status = "conflict"
        match.others = list(distinct.values())
        match.message = _(
            "这些名称分别属于 %(others)s 等多个现有单位,系统不会自动合并。请编辑本单位,选择其中一个或拆分名称。"
        ) % {"others": "、".join(a.name for a in match.others)}
    return match


def agency_matches(*, draft: PlanImportDraft) -> list[AgencyMatch]:
    return [agency_match(city=draft.city, group=g) for g in draft.review.get("agencies") or []]


def agencies_to_create(*, matches: list[AgencyMatch], used: set[str]) -> list[AgencyMatch]:
    """The agency groups in use that match no agency of the city: created only on confirmation."""
    return [m for m in matches if m.status == "new" and set(m.names) & used]


def _agencies_apply(*, city: City, matches: list[AgencyMatch], used: set[str], user, confirmed: bool) -> None:
    """Create proposed new agencies and record new printed names as aliases of matched
    ones, for the groups whose names are used. Raises CanonicalValidationError on a
    conflict (a name that belongs to another agency)."""
    errors = []
    for m in matches:
        if not (set(m.names) & used):
            continue
        if m.status == "conflict":
            errors.append(CanonicalError(f"@agency:{m.group.get('_id')}", m.message))
    if not confirmed:
        for m in agencies_to_create(matches=matches, used=used):
            errors.append(
                CanonicalError(
                    f"@agency:{m.group.get('_id')}",
                    _("“%(name)s”不是本市现有单位,将作为新单位创建:请核对后勾选“新增这些单位”再确认。")
                    % {"name": m.group["name"]},
                )
            )
    if errors:
        raise CanonicalValidationError(errors)
    for m in matches:
        if not (set(m.names) & used):
            continue
        agency = m.agency
        if agency is None:
            agency = Agency(city=city, name=m.group["name"], is_collective=bool(m.group.get("collective")))
            agency.full_clean()
            agency._history_user = user
            agency.save()
        for name in m.names:
            if name != agency.name and agency_resolve(city=city, name=name) is None:
                AgencyAlias.objects.create(agency=agency, name=name)


def _agency_key_fn(*, city: City, matches: list[AgencyMatch]):
    group_of: dict[str, str] = {}
    target_of: dict[str, int] = {}
    for m in matches:
        for name in m.names:
            group_of[name] = m.group.get("name")
            if m.agency is not None:
                target_of[name] = m.agency.pk
    cache: dict[str, str] = {}

    def key(name: str) -> str:
        if name not in cache:
            agency = agency_resolve(city=city, name=name)
            if agency is not None:
                cache[name] = f"a{agency.pk}"
            elif name in target_of:
                cache[name] = f"a{target_of[name]}"
            else:
                cache[name] = "n:" + group_of.get(name, name)
        return cache[name]

    return key
