"""Check the hand-made keys against their plans (a helper for whoever edits them).

For every ``*.key.json`` under this folder: the key's shape (DOMAIN.md codes, dates), that
every indicator's source_sentence, every task title and every agency name can be found in
the plan's own text (docx via python-docx, pdf via ``pdftotext`` with and without ``-layout``, txt as is;
whitespace and line breaks ignored), and the counts. It never reads the importer.

    .venv/bin/python tests/planimport/plans/check_keys.py
"""

import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {
    "level",
    "annual_flow",
    "share",
    "growth_rate",
    "avg_growth_rate",
    "yearly_minimum",
    "cumulative",
    "rate",
    "range",
    "per_unit",
    "milestone",
}
AREAS = {"创造", "运用", "保护", "管理", "服务", "综合"}
COMPARATORS = {">=", ">", "<=", "=", "range"}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DEADLINE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
INDICATOR_KEYS = {
    "name",
    "area",
    "kind",
    "comparator",
    "target",
    "target_max",
    "unit",
    "deadline",
    "source_sentence",
}
TASK_KEYS = {"number", "section", "title", "lead", "support"}


def source_of(key_path: Path) -> Path:
    stem = key_path.name.removesuffix(".key.json")
    for ext in (".docx", ".pdf", ".txt"):
        candidate = key_path.with_name(stem + ext)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{key_path.name}: no {stem}.docx/.pdf/.txt beside it")


def plan_text(path: Path) -> str:
    if path.suffix == ".txt":
        return path.read_text(encoding="utf-8")
    if path.suffix == ".pdf":
        # -layout keeps rows on a line; the default mode keeps a wrapped cell in one piece.
        return "\n".join(
            subprocess.run(
                ["pdftotext", *mode, str(path), "-"], check=True, capture_output=True, text=True
            ).stdout
            for mode in (["-layout"], [])
        )
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def found(needle: str, hay: str) -> bool:
    """A prose clause must occur as is; a table row ('a b c') cell by cell."""
    if squash(needle) in hay:
        return True
    return " " in needle and all(squash(part) in hay for part in needle.split(" "))


def check(key_path: Path) -> tuple[list[str], dict]:
    key = json.loads(key_path.read_text(encoding="utf-8"))
    src = source_of(key_path)
    hay = squash(plan_text(src))
    errors = []

    def err(msg):
        errors.append(f"{key_path.relative_to(HERE)}: {msg}")

    for field in ("slug", "city", "title", "doc_number", "period", "indicators", "tasks", "phases", "notes"):
        if field not in key:
            err(f"missing {field}")
    if squash(key.get("title", "")) not in hay:
        err(f"title {key.get('title')!r} not in the plan")
    if key.get("doc_number") and squash(key["doc_number"]) not in hay:
        err(f"doc_number {key['doc_number']!r} not in the plan")
    period = key.get("period", {})
    if not (MONTH.match(str(period.get("start"))) and MONTH.match(str(period.get("end")))):
        err(f"period {period!r}")

    names = set()
    for i, ind in enumerate(key.get("indicators", [])):
        where = f"indicators[{i}] {ind.get('name')!r}"
        missing = INDICATOR_KEYS - set(ind)
        if missing:
            err(f"{where}: missing {sorted(missing)}")
        if ind.get("name") in names:
            err(f"{where}: duplicate name")
        names.add(ind.get("name"))
        if (
            ind.get("area") not in AREAS
            or ind.get("kind") not in KINDS
            or ind.get("comparator") not in COMPARATORS
        ):
            err(f"{where}: area/kind/comparator {ind.get('area')}/{ind.get('kind')}/{ind.get('comparator')}")
        if not isinstance(ind.get("target"), int | float):
            err(f"{where}: target {ind.get('target')!r}")
        if (ind.get("kind") == "range") != (ind.get("target_max") is not None):
            err(f"{where}: target_max only and always for range")
        if not DEADLINE.match(str(ind.get("deadline"))):
            err(f"{where}: deadline {ind.get('deadline')!r}")
        if ("baseline" in ind) != ("baseline_year" in ind):
            err(f"{where}: baseline and baseline_year go together")
        if not found(ind.get("source_sentence", ""), hay):
            err(f"{where}: source_sentence not in the plan")

    numbers = set()
    assignments = 0
    for i, task in enumerate(key.get("tasks", [])):
        where = f"tasks[{i}] {task.get('number')!r}"
        missing = TASK_KEYS - set(task)
        if missing:
            err(f"{where}: missing {sorted(missing)}")
        if task.get("number") in numbers:
            err(f"{where}: duplicate number")
        numbers.add(task.get("number"))
        if squash(task.get("title", "")) not in hay:
            err(f"{where}: title {task.get('title')!r} not in the plan")
        if task.get("section") and squash(task["section"]) not in hay:
            err(f"{where}: section {task['section']!r} not in the plan")
        lead, support = task.get("lead", []), task.get("support", [])
        if set(lead) & set(support):
            err(f"{where}: {set(lead) & set(support)} both lead and support")
        for name in lead + support:
            if squash(name) not in hay:
                err(f"{where}: agency {name!r} not in the plan")
        if "deadline" in task and task["deadline"] is not None and not DEADLINE.match(task["deadline"]):
            err(f"{where}: deadline {task['deadline']!r}")
        assignments += len(lead) + len(support)

    for i, phase in enumerate(key.get("phases", [])):
        if not (MONTH.match(str(phase.get("start"))) and MONTH.match(str(phase.get("end")))):
            err(f"phases[{i}]: months {phase.get('start')!r}..{phase.get('end')!r}")
        elif phase["end"] < phase["start"]:
            err(f"phases[{i}]: ends before it starts")
        if squash(phase.get("name", "")) not in hay:
            err(f"phases[{i}]: name {phase.get('name')!r} not in the plan")

    for i, rule in enumerate(key.get("funding_rules", [])):
        if not found(rule.get("source_sentence", ""), hay):
            err(f"funding_rules[{i}]: source_sentence not in the plan")

    counts = {
        "tasks": len(key.get("tasks", [])),
        "assignments": assignments,
        "phases": len(key.get("phases", [])),
        "indicators": len(key.get("indicators", [])),
    }
    return errors, counts


def main() -> int:
    problems = []
    for key_path in sorted(HERE.rglob("*.key.json")):
        errors, counts = check(key_path)
        problems += errors
        shown = ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"{str(key_path.relative_to(HERE)):<48} {shown}")
    for p in problems:
        print("  " + p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
