"""Accuracy of the plan importer on the five seed plans.

Runs ``read_document`` + ``parse_plan`` on each text in
``programmes/seed_data/texts/`` and scores the result against the hand-written seed
``programmes/seed_data/<slug>.json`` (scoring: ``planimport.parsing.scoring``).
Prints precision/recall per metric and seed, the required bars, and the time taken.

    .venv/bin/python bench/importer_accuracy.py [--json]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planimport.parsing import parse_plan, read_document  # noqa: E402
from planimport.parsing.scoring import BARS, Score, failures, format_table, pooled, score_plan  # noqa: E402

SEED_DIR = ROOT / "programmes" / "seed_data"
SEEDS = ("wuhan-2017", "harbin-2016", "yichang-2020", "anshan-2015", "fuzhou-2022")
# Plans the rules were not written against, with hand-made keys (tests/planimport/plans/)
PLANS_DIR = ROOT / "tests" / "planimport" / "plans"
PARTS = ("tasks", "assignments", "phases", "indicators", "strict")


def _part(scores: dict[str, Score], part: str) -> Score:
    if part == "assignments":
        lead, support = scores["lead"], scores["support"]
        return Score(lead.tp + support.tp, lead.predicted + support.predicted, lead.gold + support.gold)
    return scores[part]


def f1_table(title: str, rows: list[tuple[str, dict[str, Score]]]) -> str:
    """F1 per part and per plan, and pooled over the plans (sums of tp/predicted/gold)."""
    head = f"{title:<22}" + "".join(f"{p:>13}" for p in PARTS)
    lines = [head, "-" * len(head)]
    for name, scores in rows:
        lines.append(f"{name:<22}" + "".join(f"{_part(scores, p).f1:>13.3f}" for p in PARTS))
    lines.append("-" * len(head))
    merged = [{p: _part(s, p) for p in PARTS} for _n, s in rows]
    lines.append(f"{'pooled F1':<22}" + "".join(f"{pooled(merged, p).f1:>13.3f}" for p in PARTS))
    lines.append(
        f"{'pooled tp/pred/gold':<22}"
        + "".join(
            f"{pooled(merged, p).tp:>5}/{pooled(merged, p).predicted}/{pooled(merged, p).gold}".rjust(13)
            for p in PARTS
        )
    )
    return "\n".join(lines)


def own_plans() -> list[tuple[str, dict[str, Score]]]:
    rows = []
    for key_path in sorted(PLANS_DIR.rglob("*.key.json")):
        stem = key_path.name.removesuffix(".key.json")
        source = next(
            (
                key_path.with_name(stem + ext)
                for ext in (".docx", ".pdf", ".txt")
                if key_path.with_name(stem + ext).exists()
            ),
            None,
        )
        if source is None:
            continue
        gold = json.loads(key_path.read_text(encoding="utf-8"))
        plan = parse_plan(read_document(source))
        rows.append((source.name, score_plan(plan.to_canonical(), gold)))
    return rows


def main() -> int:
    rows = []
    problems = []
    timings = []
    for slug in SEEDS:
        text_path = SEED_DIR / "texts" / (slug.replace("-", "_") + ".txt")
        gold_path = SEED_DIR / f"{slug}.json"
        if not gold_path.exists():
            problems.append(f"{slug}: seed file {gold_path.relative_to(ROOT)} is missing")
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        plan = parse_plan(read_document(text_path))
        timings.append((slug, time.perf_counter() - t0))
        scores = score_plan(plan.to_canonical(), gold)
        rows.append((slug, scores))
        problems.extend(f"{slug}: {f}" for f in failures(scores))

    if "--json" in sys.argv:
        print(
            json.dumps(
                {s: {m: v.as_dict() for m, v in sc.items()} for s, sc in rows}, ensure_ascii=False, indent=2
            )
        )
    else:
        print("Plan importer accuracy (precision/recall) against the hand-written seeds\n")
        print(format_table(rows, BARS))
        print()
        for slug, scores in rows:
            counts = ", ".join(f"{m} {s.tp}/{s.predicted}/{s.gold}" for m, s in scores.items())
            print(f"  {slug:<14} tp/predicted/gold: {counts}")
        print()
        total = sum(t for _, t in timings)
        print(
            "time: "
            + ", ".join(f"{s} {t * 1000:.0f} ms" for s, t in timings)
            + f"; total {total * 1000:.0f} ms"
        )
    plans = own_plans()
    if "--json" not in sys.argv:
        print()
        print(f1_table("seeds (F1)", rows))
        print()
        print(f1_table("own plans (F1)", plans))
        print("\n(strict: indicators with name, target, unit, comparator, deadline and kind all right)")
    barred = [min(sc[m].precision, sc[m].recall) for _slug, sc in rows for m in BARS]
    worst = min(barred) if barred else 0.0
    if problems:
        print("\nBELOW BAR / MISSING:")
        for p in problems:
            print("  " + p)
    else:
        print("\nall seeds meet the bars (tasks, lead, support, phases >= 0.95; indicators >= 0.90)")
    print(f"bench importer: worst precision/recall {worst:.3f}, {len(problems)} below bar (aim 0)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
