"""Score an importer result against a hand-written seed (both canonical JSON dicts).

Metrics (precision / recall each):

- ``tasks``: tasks aligned in order (longest common subsequence) where titles match
  after normalisation (whitespace, full/half-width forms, bracket kinds, final 。)
  or are near-identical (difflib ratio >= 0.9).
- ``lead`` / ``support``: (task, agency) assignments; a predicted assignment counts
  when its task is aligned to the gold task and the agency name matches.
- ``phases``: aligned in order; a match needs the same name (after normalisation)
  and the same start and end months.
- ``indicators``: a multiset match on (target, unit, comparator) — plus target_max
  for ranges —, pairing each gold indicator with the predicted one whose name is
  closest among the equal keys.

When both sides of a metric are empty it scores 1.0 (nothing to find, nothing found).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

METRICS = ("tasks", "lead", "support", "phases", "indicators")
BARS = {"tasks": 0.95, "lead": 0.95, "support": 0.95, "phases": 0.95, "indicators": 0.90}


@dataclass
class Score:
    tp: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        if self.predicted == 0:
            return 1.0 if self.gold == 0 else 0.0
        return self.tp / self.predicted

    @property
    def recall(self) -> float:
        if self.gold == 0:
            return 1.0 if self.predicted == 0 else 0.0
        return self.tp / self.gold

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
        }


_BRACKETS = str.maketrans(
    {"〔": "(", "〕": ")", "〈": "(", "〉": ")", "【": "(", "】": ")", "[": "(", "]": ")"}
)


def norm_text(s: str | None) -> str:
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s).translate(_BRACKETS)
    s = re.sub(r"\s+", "", s)
    return s.rstrip("。.;；:：")


def titles_match(a: str, b: str) -> bool:
    na, nb = norm_text(a), norm_text(b)
    if na == nb:
        return True
    return bool(na and nb) and difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio() >= 0.9


def align(pred: list, gold: list, match) -> list[tuple[int, int]]:
    """Order-preserving alignment (LCS) of pred and gold items under ``match``."""
    n, m = len(pred), len(gold)
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if match(pred[i], gold[j]):
                dp[i][j] = dp[i + 1][j + 1] + 1
            else:
                dp[i][j] = max(dp[i + 1][j], dp[i][j + 1])
    pairs = []
    i = j = 0
    while i < n and j < m:
        if match(pred[i], gold[j]) and dp[i][j] == dp[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i += 1
            j += 1
        elif dp[i + 1][j] >= dp[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _assignment_score(pred_tasks, gold_tasks, pairs, key: str) -> Score:
    p2g = dict(pairs)
    gold_set = {(j, norm_text(a)) for j, t in enumerate(gold_tasks) for a in t.get(key) or []}
    pred_set = set()
    for i, t in enumerate(pred_tasks):
        for a in t.get(key) or []:
            pred_set.add((p2g.get(i, ("unaligned", i)), norm_text(a)))
    return Score(len(pred_set & gold_set), len(pred_set), len(gold_set))


def _phase_match(p: dict, g: dict) -> bool:
    return (
        norm_text(p.get("name")) == norm_text(g.get("name"))
        and p.get("start") == g.get("start")
        and p.get("end") == g.get("end")
    )


def _number(v) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def _indicator_key(i: dict) -> tuple:
    key = (_number(i.get("target")), norm_text(i.get("unit")), i.get("comparator"))
    if i.get("comparator") == "range":
        key += (_number(i.get("target_max")),)
    return key


def _indicator_score(pred: list[dict], gold: list[dict]) -> Score:
    free = list(range(len(pred)))
    tp = 0
    for g in gold:
        gk = _indicator_key(g)
        cands = [k for k in free if _indicator_key(pred[k]) == gk]
        if not cands:
            continue
        best = max(
            cands,
            key=lambda k: difflib.SequenceMatcher(
                None, norm_text(pred[k].get("name")), norm_text(g.get("name"))
            ).ratio(),
        )
        free.remove(best)
        tp += 1
    return Score(tp, len(pred), len(gold))


def _strict_key(i: dict) -> tuple:
    return (
        norm_text(i.get("name")),
        _number(i.get("target")),
        _number(i.get("target_max")) if i.get("comparator") == "range" else None,
        norm_text(i.get("unit")),
        i.get("comparator"),
        str(i.get("deadline") or ""),
        i.get("kind"),
    )


def strict_indicator_score(pred: list[dict], gold: list[dict]) -> Score:
    """Indicators with everything right: name (normalised), target, unit, comparator,
    deadline and kind (a multiset match)."""
    free = [_strict_key(p) for p in pred]
    tp = 0
    for g in gold:
        key = _strict_key(g)
        if key in free:
            free.remove(key)
            tp += 1
    return Score(tp, len(pred), len(gold))


def pooled(scores: list[dict[str, Score]], metric: str) -> Score:
    """One Score over several plans (sums of tp, predicted, gold)."""
    parts = [s[metric] for s in scores]
    return Score(sum(p.tp for p in parts), sum(p.predicted for p in parts), sum(p.gold for p in parts))


def score_plan(predicted: dict, gold: dict) -> dict[str, Score]:
    """Scores of a predicted canonical dict against a gold one, per metric."""
    pt, gt = predicted.get("tasks") or [], gold.get("tasks") or []
    pairs = align(pt, gt, lambda p, g: titles_match(p.get("title", ""), g.get("title", "")))
    phase_pairs = align(predicted.get("phases") or [], gold.get("phases") or [], _phase_match)
    return {
        "tasks": Score(len(pairs), len(pt), len(gt)),
        "lead": _assignment_score(pt, gt, pairs, "lead"),
        "support": _assignment_score(pt, gt, pairs, "support"),
        "phases": Score(len(phase_pairs), len(predicted.get("phases") or []), len(gold.get("phases") or [])),
        "indicators": _indicator_score(predicted.get("indicators") or [], gold.get("indicators") or []),
        "strict": strict_indicator_score(predicted.get("indicators") or [], gold.get("indicators") or []),
    }


def failures(scores: dict[str, Score], bars: dict[str, float] = BARS) -> list[str]:
    """Human-readable list of metrics under their bar (precision or recall)."""
    out = []
    for metric, bar in bars.items():
        s = scores[metric]
        for what, value in (("precision", s.precision), ("recall", s.recall)):
            if value < bar:
                out.append(
                    f"{metric} {what} {value:.3f} < {bar:.2f} (tp={s.tp}, predicted={s.predicted}, gold={s.gold})"
                )
    return out


def format_table(rows: list[tuple[str, dict[str, Score]]], bars: dict[str, float] = BARS) -> str:
    """A fixed-width table: one row per seed, P/R per metric, and the bars."""
    head = f"{'seed':<14}" + "".join(f"{m + ' P/R':>16}" for m in METRICS) + "  verdict"
    lines = [head, "-" * len(head)]
    for name, scores in rows:
        cells = "".join(f"{scores[m].precision:>8.3f}/{scores[m].recall:<7.3f}" for m in METRICS)
        verdict = "ok" if not failures(scores, bars) else "BELOW BAR"
        lines.append(f"{name:<14}{cells}  {verdict}")
    lines.append("-" * len(head))
    lines.append(f"{'bar':<14}" + "".join(f"{bars[m]:>8.2f}/{bars[m]:<7.2f}" for m in METRICS))
    return "\n".join(lines)
