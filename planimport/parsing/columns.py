"""Column roles of a plan's tables, by the words of their headings (序号, 指标, 单位, 基期值,
目标值, 属性, 重点任务, 牵头单位, 配合单位, 责任单位, 完成时限 …). Used by the table reader and by
the normaliser (which must not glue the lines of a table pasted one cell per line)."""

from __future__ import annotations

import re

# column roles by the words of their headings
COLUMN_WORDS: list[tuple[str, re.Pattern]] = [
    ("number", re.compile(r"^(序号|序|编号|No\.?)$")),
    ("category", re.compile(r"^(类别|领域|分类|类型|一级指标)$")),
    ("lead", re.compile(r"牵头(单位|部门)|主责单位")),
    ("responsible", re.compile(r"^(责任单位|责任部门|责任主体|承担单位)")),
    ("support", re.compile(r"(配合|协办|参与|协助)(单位|部门)")),
    ("deadline", re.compile(r"完成(时限|时间|期限)|时间(节点|安排|要求)|^时限$|进度安排")),
    ("unit", re.compile(r"^(计量)?单位$")),
    ("baseline", re.compile(r"基期|基准|基数|现状|现值|基础值")),
    ("target", re.compile(r"目标|预期值")),
    ("attribute", re.compile(r"属性")),
    ("indicator", re.compile(r"指标(名称)?$|^名称$|^指标")),
    ("task", re.compile(r"任务|工作内容|具体措施|工作措施|事项|举措")),
    ("note", re.compile(r"^备注$|^说明$")),
]


def column_role(heading: str) -> str | None:
    h = re.sub(r"\s", "", heading)
    for role, pattern in COLUMN_WORDS:
        if pattern.search(h):
            return role
    return None
