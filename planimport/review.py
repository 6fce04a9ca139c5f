"""The review JSON of a draft: the canonical JSON of the plan plus, per item, a stable
``_id``, the span of the text it was read from and a confidence; and the errors of a
draft keyed by the item they concern."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from django.utils.translation import gettext as _

from programmes.canonical import TOP_KEYS, CanonicalError, ordered

# kind (as in URLs) -> list key in the review JSON, and the prefix of its items' ids
ITEM_LISTS = {
    "indicator": "indicators",
    "task": "tasks",
    "phase": "phases",
    "member": "leading_group",
    "agency": "agencies",
    "goal": "goals",
    "duty": "duties",
    "rule": "funding_rules",
}
ID_PREFIX = {
    "indicators": "i",
    "tasks": "t",
    "phases": "p",
    "leading_group": "m",
    "agencies": "a",
    "goals": "g",
    "duties": "d",
    "funding_rules": "f",
}
UI_KEYS = {"_id", "span", "cell", "confidence", "edited", "match"}
BASIC_KEYS = ["slug", "title", "kind", "doc_number", "issuer", "issue_date", "period", "notes"]
PERIOD_RE = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2])):(\d{4}-(?:0[1-9]|1[0-2]))$")

# --- the review JSON -------------------------------------------------------------------------


def period_parse(value: str) -> dict[str, str]:
    """``2016-01:2018-12`` → ``{"start": "2016-01", "end": "2018-12"}`` or ValueError (Chinese)."""
    m = PERIOD_RE.match((value or "").strip())
    if not m:
        raise ValueError(f"实施期限“{value}”的格式不对,应为 起始年月:截止年月,例如 2016-01:2018-12。")
    if m.group(2) < m.group(1):
        raise ValueError(f"实施期限“{value}”的截止年月早于起始年月。")
    return {"start": m.group(1), "end": m.group(2)}


def _next_id(review: dict, key: str) -> str:
    seq = review.setdefault("_seq", {})
    seq[key] = seq.get(key, 0) + 1
    return f"{ID_PREFIX[key]}{seq[key]}"


def review_prepare(review: dict) -> dict:
    """Give every item a stable id (``t3``, ``i12``): edits and deletions never shift them."""
    for key in ID_PREFIX:
        for item in review.get(key) or []:
            if not item.get("_id"):
                item["_id"] = _next_id(review, key)
    agency_groups_refresh(review)
    return review


def used_agency_names(review: dict) -> list[str]:
    """Every agency name the items print, in order of first use."""
    names: list[str] = []
    for task in review.get("tasks") or []:
        names.extend(task.get("lead") or [])
        names.extend(task.get("support") or [])
    for row in review.get("leading_group") or []:
        if row.get("agency"):
            names.append(row["agency"])
    for row in review.get("duties") or []:
        if row.get("agency"):
            names.append(row["agency"])
    return list(dict.fromkeys(n for n in names if isinstance(n, str) and n.strip()))


def agency_groups_refresh(review: dict) -> None:
    """Keep one agency group for every printed name in use: drop groups none of whose names
    is used any more, add a group for a name staff typed that no group holds."""
    used = used_agency_names(review)
    used_set = set(used)
    groups = []
    held: set[str] = set()
    for group in review.get("agencies") or []:
        names = [group.get("name"), *(group.get("aliases") or [])]
        if used_set & set(names) or group.get("edited"):
            groups.append(group)
            held.update(n for n in names if n)
    for name in used:
        if name not in held:
            group = {"name": name, "aliases": [], "collective": name.startswith("各")}
            group["_id"] = _next_id(review, "agencies")
            groups.append(group)
            held.add(name)
    review["agencies"] = groups


def deadlines_fill(review: dict) -> None:
    """Indicators whose sentence names no year take the period's end year (seed-format.md),
    flagged for review: used when the period is supplied after parsing."""
    period = review.get("period") or {}
    if not period.get("end"):
        return
    for ind in review.get("indicators") or []:
        if not ind.get("deadline"):
            ind["deadline"] = period["end"][:4]
            conf = ind.setdefault("confidence", {"level": "high", "reasons": []})
            if conf.get("level") == "high":
                conf["level"] = "medium"
            reason = "原文未写完成年份,按实施期限截止年推定。"
            if reason not in conf.setdefault("reasons", []):
                conf["reasons"].append(reason)


def item_label(review: dict, item_id: str) -> str:
    """A person's name for an item id: 任务 二.3, 指标“…”, 基本信息 …"""
    if item_id == "basics":
        return "基本信息"
    if item_id == "general":
        return "整体"
    for kind, key in ITEM_LISTS.items():
        _index, item = item_find(review, key, item_id)
        if item is not None:
            if key == "tasks":
                return f"任务 {item.get('number')}"
            name = item.get("name") or item.get("title") or item.get("agency") or item_id
            return f"{_KIND_NOUN[kind]}“{name}”"
    return item_id


_KIND_NOUN = {
    "indicator": "指标",
    "task": "任务",
    "phase": "阶段",
    "member": "领导小组成员",
    "agency": "单位",
    "goal": "目标",
    "duty": "职责",
    "rule": "资金规则",
}


def review_to_canonical(review: dict, *, with_agencies: bool = True) -> dict:
    """The canonical JSON of a draft: the review JSON without its review-only keys."""
    data = {key: copy.deepcopy(review.get(key)) for key in TOP_KEYS if key in review}
    for key in ID_PREFIX:
        data[key] = [{k: v for k, v in item.items() if k not in UI_KEYS} for item in review.get(key) or []]
    for key in ("province", "issuer", "notes", "source_file"):  # text fields: "" when not printed
        if key in data and data[key] is None:
            data[key] = ""
    data.setdefault("statistics", [])
    data.setdefault("reporting", [])
    if not with_agencies:
        data.pop("agencies", None)
    return ordered(data)


def item_find(review: dict, key: str, item_id: str) -> tuple[int, dict] | tuple[None, None]:
    for index, item in enumerate(review.get(key) or []):
        if item.get("_id") == item_id:
            return index, item
    return None, None


_PATH_RE = re.compile(r"^\$\.(tasks|indicators|phases|leading_group|duties|goals|funding_rules)\[(\d+)\]")


def _errors_to_draft(errors: list[CanonicalError], merged: dict, review: dict) -> list[CanonicalError]:
    """Errors of a merged document re-pointed at the draft's items where one matches."""
    out = []
    for err in errors:
        m = _PATH_RE.match(err.path)
        if m and m.group(1) in ("tasks", "indicators"):
            key = "number" if m.group(1) == "tasks" else "name"
            row = (merged.get(m.group(1)) or [])[int(m.group(2))]
            for index, item in enumerate(review.get(m.group(1)) or []):
                if item.get(key) == row.get(key):
                    out.append(CanonicalError(f"$.{m.group(1)}[{index}]{err.path[m.end() :]}", err.message))
                    break
            else:
                out.append(CanonicalError(err.path, f"(现有方案中的条目 {row.get(key)}) {err.message}"))
        else:
            out.append(err)
    return out


def errors_by_item(errors: list[CanonicalError], review: dict) -> dict[str, list[str]]:
    """CanonicalErrors keyed by the draft item they concern (``t3``, ``basics`` …)."""
    out: dict[str, list[str]] = {}
    for err in errors:
        if err.path.startswith("@agency:"):
            target = err.path.split(":", 1)[1]
            message = err.message
        else:
            m = _PATH_RE.match(err.path)
            if m:
                items = review.get(m.group(1)) or []
                index = int(m.group(2))
                target = items[index].get("_id", "general") if index < len(items) else "general"
                rest = err.path[m.end() :].lstrip(".")
                message = (
                    f"{FIELD_LABELS.get(rest.split('[')[0], rest)}: {err.message}" if rest else err.message
                )
            elif err.path.startswith(
                (
                    "$.slug",
                    "$.title",
                    "$.period",
                    "$.kind",
                    "$.doc_number",
                    "$.issue_date",
                    "$.city",
                    "$.issuer",
                    "$.notes",
                )
            ):
                target = "basics"
                rest = err.path[2:]
                message = f"{FIELD_LABELS.get(rest.split('.')[0], rest)}: {err.message}"
            else:
                target = "general"
                message = str(err)
        out.setdefault(target, []).append(message)
    return out


FIELD_LABELS = {
    "slug": "标识",
    "title": "名称",
    "kind": "类型",
    "doc_number": "文号",
    "issuer": "发文机关",
    "issue_date": "印发日期",
    "period": "实施期限",
    "city": "城市",
    "notes": "备注",
    "number": "编号",
    "section": "所属部分",
    "text": "内容",
    "lead": "牵头单位",
    "support": "配合单位",
    "name": "名称",
    "area": "领域",
    "comparator": "比较方式",
    "target": "目标值",
    "target_max": "目标上限",
    "unit": "单位",
    "deadline": "完成时限",
    "formula": "计算公式",
    "source_sentence": "原文依据",
    "start": "开始年月",
    "end": "结束年月",
    "milestone": "节点",
    "agency": "单位",
    "role": "职务",
    "person": "姓名",
}


def source_label(draft) -> str:
    return Path(draft.filename).name if draft.filename else _("粘贴文本")
