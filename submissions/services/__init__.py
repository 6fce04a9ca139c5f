"""Every write of quarterly reporting: the catalogue, rounds, values, uploads, task reports,
the review and reminders. Views, commands and jobs call these; nothing else saves.

Writes are all or nothing: an upload is checked completely before anything is written, and
written in one transaction; a file stored on the way is removed again if the transaction
fails. Values are never overwritten: a change is a new version superseding the old one.

One module per concern; this package re-exports every public write, so callers import
`submissions.services` and do not need to know which file holds it."""

from .catalogue import statistic_code_users, statistic_owner_add, statistic_owner_remove, statistic_save
from .entry import UNSEEN, FormOutcome, statistics_form_save, task_report_draft_save
from .reminders import notification_mark_read, notifications_mark_all_read, reminders_send
from .rounds import (
    agency_lookup,
    round_close,
    round_context,
    round_for_agency,
    round_for_period,
    round_items_sync,
    round_open,
    round_reopen,
)
from .uploads import (
    UploadOutcome,
    statistics_upload_confirm,
    statistics_upload_import,
    template_render,
    template_spec,
    upload_marked_copy,
    upload_pending_get,
)
from .values import LARGEST_VALUE, VALUE_COLUMNS, statistic_values_record
from .workflow import (
    submission_missing,
    submission_reopen,
    submission_return,
    submission_submit,
    submissions_approve,
)

__all__ = [
    "FormOutcome",
    "LARGEST_VALUE",
    "UNSEEN",
    "UploadOutcome",
    "VALUE_COLUMNS",
    "agency_lookup",
    "notification_mark_read",
    "notifications_mark_all_read",
    "reminders_send",
    "round_close",
    "round_context",
    "round_for_agency",
    "round_for_period",
    "round_items_sync",
    "round_open",
    "round_reopen",
    "statistic_code_users",
    "statistic_owner_add",
    "statistic_owner_remove",
    "statistic_save",
    "statistic_values_record",
    "statistics_form_save",
    "statistics_upload_confirm",
    "statistics_upload_import",
    "submission_missing",
    "submission_reopen",
    "submission_return",
    "submission_submit",
    "submissions_approve",
    "task_report_draft_save",
    "template_render",
    "template_spec",
    "upload_marked_copy",
    "upload_pending_get",
]
