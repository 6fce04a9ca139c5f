"""Every write to validation rules: saved like every plan object (programme.edit,
full_clean, audited with the user), deactivated instead of deleted, and the default set
for the built-in catalogue (indicators/data/validation_rules.json)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from programmes.models import Programme
from programmes.services import plan_object_save

from .models import ValidationRule

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "data" / "validation_rules.json"


def validation_rule_save(*, rule: ValidationRule, programme: Programme, user) -> ValidationRule:
    """Add or edit a rule of the programme (ValidationError at the field; 403 if not office)."""
    rule.programme = programme if rule.programme_id is None else rule.programme
    return plan_object_save(obj=rule, programme=programme, user=user)


def validation_rule_set_active(*, rule: ValidationRule, user, active: bool) -> ValidationRule:
    """停用 / 启用: a rule is never deleted, its history stays."""
    rule.is_active = active
    return plan_object_save(obj=rule, programme=rule.programme, user=user)


def validation_rule_defaults() -> list[dict]:
    return json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["rules"]


@transaction.atomic
def validation_rules_ensure_defaults(*, programme: Programme, user=None) -> list[ValidationRule]:
    """Add the default rules the programme does not have yet (by their key), and return them.

    Idempotent: a default the office edited, renamed or deactivated is left as it is; one
    whose name is already taken or whose codes are not in the city's catalogue is skipped."""
    have_keys = set(
        ValidationRule.objects.filter(programme=programme)
        .exclude(default_key="")
        .values_list("default_key", flat=True)
    )
    have_names = set(ValidationRule.objects.filter(programme=programme).values_list("name", flat=True))
    created = []
    for entry in validation_rule_defaults():
        if entry["key"] in have_keys or entry["name"] in have_names:
            continue
        rule = ValidationRule(
            programme=programme,
            default_key=entry["key"],
            name=entry["name"],
            kind=entry.get("kind", ValidationRule.Kind.COMPARE),
            left=entry["left"],
            operator=entry.get("operator", ""),
            right=entry.get("right", ""),
            max_drop_pct=entry.get("max_drop_pct"),
            severity=entry["severity"],
        )
        try:
            created.append(plan_object_save(obj=rule, programme=programme, user=user))
        except ValidationError:
            continue  # a code this city's catalogue lacks: nothing to check it against
    return created
