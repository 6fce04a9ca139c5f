"""The plan importer's parsing core: pure Python, no Django.

    doc = read_document(path_or_bytes, filename)   # -> DecodedDocument (text, encoding, format …)
    plan = parse_plan(doc.text, city=None)          # -> ParsedPlan
    plan.to_canonical()                             # the programme's canonical JSON
    plan.review()                                   # + spans and confidence per item, warnings

Bad input raises ``PlanImportError(message_zh, code)``.
"""

from .errors import PlanImportError
from .model import (
    Confidence,
    DecodedDocument,
    Duty,
    FundingRule,
    LeadingGroupMember,
    ParsedGoal,
    ParsedIndicator,
    ParsedPhase,
    ParsedPlan,
    ParsedTask,
    Span,
)
from .parser import parse_plan
from .reader import MAX_BYTES, read_document

__all__ = [
    "MAX_BYTES",
    "Confidence",
    "DecodedDocument",
    "Duty",
    "FundingRule",
    "LeadingGroupMember",
    "ParsedGoal",
    "ParsedIndicator",
    "ParsedPhase",
    "ParsedPlan",
    "ParsedTask",
    "PlanImportError",
    "Span",
    "parse_plan",
    "read_document",
]
