"""The stored form of the engine's results: Decimals and their text as rows are written
and fingerprinted, and the columns of an indicator's assessment row. Pure functions, used
by the recompute's write (`indicators.services`, which re-exports them)."""

import math
from decimal import Decimal

from . import engine


def _dec(value: float | None, places: int = 6) -> Decimal | None:
    if value is None or not math.isfinite(value):
        return None
    return Decimal(f"{value:.{places}f}")


def _dec_text(value: float | None) -> str | None:
    """`str(_dec(value))` without building the Decimal: the text a derived row is written
    and fingerprinted with (a full recompute formats some 120,000 of them)."""
    if value is None or not math.isfinite(value):
        return None
    text = f"{value:.6f}"
    return text if "e" not in text else str(Decimal(text))


def _progress_fields(result: engine.IndicatorResult, spec_hash: str) -> dict:
    a = result.assessment
    return {
        "status": a.status,
        "value": _dec(a.value),
        "year": a.year,
        "quarter": a.quarter,
        "is_partial": a.partial,
        "baseline_value": _dec(a.baseline if a.baseline is not None else result.baseline.value),
        "baseline_year": result.baseline.year,
        "completion": _dec(a.completion),
        "progress": _dec(a.progress) if a.progress is not None and abs(a.progress) < 1e9 else None,
        "provisional_value": _dec(a.provisional_value),
        "provisional_year": a.provisional_year,
        "provisional_quarter": a.provisional_quarter,
        "provisional_partial": a.provisional_partial,
        "is_final": a.final,
        "ratio": _dec(a.ratio),
        "elapsed": _dec(a.elapsed),
        "projection_value": _dec(a.projection),
        "projection_period": a.projection_period if a.projection is not None else "",
        "projection_text": a.projection_text[:200],
        "reason": a.reason,
        "rule": a.rule,
        "flags": list(a.flags),
        "yearly": [
            {
                "year": y["year"],
                "value": str(_dec(y["value"])),
                "met": y["met"],
                "completion": str(_dec(y["completion"])),
            }
            | ({"rate": str(_dec(y["rate"]))} if y.get("rate") is not None else {})
            for y in a.yearly
        ],
        "formula": result.formula,
        "spec_hash": spec_hash,
    }
