"""What the engine is given, built from the models: the programme's and each indicator's
specification, the fingerprint of what a result depends on, and the milestones' states.
Re-exported by `indicators.services`."""

import hashlib
from datetime import date

from . import engine
from . import progress as rules
from .models import Indicator, MilestoneCompletion

# --- specifications from the models ---------------------------------------------------------


def _float(value) -> float | None:
    return None if value is None else float(value)


def programme_spec(programme) -> engine.ProgrammeSpec:
    start_year, start_month = (int(x) for x in programme.period_start.split("-"))
    end_year, end_month = (int(x) for x in programme.period_end.split("-"))
    return engine.ProgrammeSpec(
        id=programme.pk,
        start=(start_year, start_month),
        end=(end_year, end_month),
        baseline_year=programme.baseline_year,
        thresholds=rules.Thresholds(
            on_track=float(programme.on_track_ratio),
            at_risk=float(programme.at_risk_ratio),
            gap=float(programme.at_risk_gap),
        ),
    )


def indicator_spec(indicator: Indicator) -> engine.IndicatorSpec:
    return engine.IndicatorSpec(
        id=indicator.pk,
        name=indicator.name,
        kind=indicator.kind,
        comparator=indicator.comparator,
        target=float(indicator.target),
        target_max=_float(indicator.target_max),
        unit=indicator.unit,
        deadline=indicator.deadline,
        formula=indicator.formula,
        baseline_value=_float(indicator.baseline_value),
        baseline_year=indicator.baseline_year,
    )


def indicator_spec_hash(spec: engine.IndicatorSpec, programme: engine.ProgrammeSpec) -> str:
    """What an indicator's result depends on besides data: its settings and the thresholds."""
    return _digest(
        [spec.__dict__ | {"id": None}, programme.start, programme.end, programme.thresholds.__dict__]
    )


def _digest(content) -> str:
    """A fingerprint of computed content (lists, strings, numbers, Decimals: all with a
    stable repr): equal content, equal fingerprint, so unchanged rows are never rewritten."""
    return hashlib.sha1(repr(content).encode()).hexdigest()


def _milestone_states(indicator_ids, as_of: date | None = None) -> dict[int, rules.MilestoneState]:
    """Each milestone's latest record; with `as_of`, as it stood then: records made later do
    not count, nor a completion dated after it (a mid-term as of February does not count a
    platform finished in April)."""
    records = MilestoneCompletion.objects.filter(indicator_id__in=indicator_ids)
    if as_of is not None:
        records = records.filter(recorded_at__date__lte=as_of)
    states = {}
    for record in records.order_by("indicator_id", "-recorded_at", "-pk"):
        if record.indicator_id not in states:
            done = record.is_done and (as_of is None or record.done_on is None or record.done_on <= as_of)
            states[record.indicator_id] = rules.MilestoneState(
                done=done, done_on=record.done_on if done else None, has_evidence=bool(record.evidence)
            )
    return states
