"""Big uploads as background jobs: a file with more than UPLOAD_JOB_MIN_ROWS rows in its
data sheet is checked and written by a Celery job (progress on the page, the request
answers at once); smaller ones stay in the request.

The file waits in the database (`PendingUpload`, like a checked upload waiting for its
confirmation), the job runs the very service the request runs
(`services.statistics_upload_import`), and an outcome with errors or warnings comes back to
the same review page, marked copy and confirmation: the service keeps it as a pending upload
whose token the run's result carries. The only services here are the enqueue and the run."""

from __future__ import annotations

import logging
import re
import zipfile

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ipcity.core.models import JobRun
from ipcity.core.services import job_run_enqueue, job_run_finish, job_run_progress, job_run_start
from ipcity.core.uploads import filename_problem, zip_bomb_check

from . import ingest
from .models import ReportingRound
from .pending import pending_drop, pending_get, pending_store
from .selectors import require_report_for

log = logging.getLogger(__name__)

UPLOAD_JOB_KIND = "submissions.upload"
UPLOAD_TASK_NAME = "submissions.upload_run"
DIMENSION_RE = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def upload_row_count(*, data: bytes, filename: str, limit: int) -> int:
    """Rows of the data sheet (header rows included), counted cheaply and at most to
    `limit + 1`: the sheet's <dimension> when the file has one, else its <row> tags read
    as a stream until past the limit. 0 for a file that cannot be opened: the request
    answers that at once, with the reason (so too a bad name or a decompression bomb:
    nothing of those is stored for a job)."""
    if len(data) > ingest.MAX_UPLOAD_BYTES or filename_problem(filename):
        return 0
    if filename.lower().endswith(".csv"):
        return min(data.count(b"\n") + 1, limit + 1)
    if not filename.lower().endswith(".xlsx") or zip_bomb_check(data, name=filename):
        return 0
    try:
        zf, parts = ingest.xlsx_open(data)
        part = parts.get(ingest.DATA_SHEET)
        if part is None:
            return 0
        with zf.open(part) as stream:
            head = stream.read(4096)
            found = DIMENSION_RE.search(head)
            if found and found.group(1):
                return min(int(found.group(1)), limit + 1)
            count, tail = head.count(b"<row "), head[-4:]
            while count <= limit:
                chunk = stream.read(1 << 20)
                if not chunk:
                    break
                joined = tail + chunk  # a tag split across two chunks is counted once
                count += joined.count(b"<row ")
                tail = chunk[-4:]
            return min(count, limit + 1)
    except (ingest.NotReadable, zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return 0


def upload_runs_as_job(*, data: bytes, filename: str) -> bool:
    """Whether this upload is checked and written by a background job (a big file)."""
    limit = settings.UPLOAD_JOB_MIN_ROWS
    return upload_row_count(data=data, filename=filename, limit=limit) > limit


def upload_job_enqueue(
    *, round: ReportingRound, agency, filename: str, data: bytes, user, token: str = ""
) -> JobRun:
    """Keep the file in the database and enqueue its check and import (written on commit).

    With `token` (a checked upload whose warnings the reporter confirmed), that pending
    upload is imported with its warnings accepted instead."""
    require_report_for(user=user, agency=agency)
    confirm = bool(token)
    with transaction.atomic():
        if not token:
            kind = filename.rsplit(".", 1)[-1].lower()
            token = pending_store(
                data=data, filename=filename, kind=kind, problems=[], round=round, agency=agency, user=user
            )
        job = job_run_enqueue(
            kind=UPLOAD_JOB_KIND,
            user=user,
            target=round,
            params={"token": token, "confirm": confirm, "round_id": round.pk, "agency_id": agency.pk},
            message=_("等待检查文件“%(f)s”") % {"f": filename},
        )
    return job


def upload_job_execute(*, job_id: int) -> dict | None:
    """Run one upload JobRun (called by the Celery job). A duplicate delivery of a finished
    run does nothing; database errors propagate so that the job is retried."""
    from .services import statistics_upload_import

    job = job_run_start(job_id=job_id)
    if job is None:
        return None
    params = job.params or {}
    pending = pending_get(token=params.get("token", ""), user=job.created_by)
    if pending is None:
        job_run_finish(job=job, error=_("待检查的文件已过期(超过1小时),请重新上传。"))
        return None
    job_run_progress(job=job, progress=10, message=_("正在检查并导入文件“%(f)s”") % {"f": pending.filename})
    round = ReportingRound.objects.select_related("programme").get(pk=pending.round_id)
    try:
        outcome = statistics_upload_import(
            round=round,
            agency=pending.agency,
            filename=pending.filename,
            data=bytes(pending.data),
            user=job.created_by,
            confirm_warnings=bool(params.get("confirm")),
        )
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # noqa: BLE001 - the run is marked failed for the user to see
        log.exception("upload job %s failed", job_id)
        job_run_finish(job=job, error=_("导入失败:%(error)s") % {"error": exc})
        return None
    pending_drop(token=params["token"])  # used; a review or confirmation has its own token
    result = {
        "status": outcome.status,
        "filename": outcome.filename,
        "rows": outcome.rows,
        "task_rows": outcome.task_rows,
        "created": outcome.created,
        "unchanged": outcome.unchanged,
        "tasks_changed": outcome.tasks_changed,
        "error_count": outcome.error_count,
        "warning_count": outcome.warning_count,
        "token": outcome.token,
        "upload_id": outcome.upload.pk if outcome.upload else None,
        "next_url": reverse("submissions:upload_job", args=[job.pk]),
        "next_label": str(_("查看检查结果")),
    }
    job_run_progress(job=job, progress=100, message=_upload_summary(result))
    job_run_finish(job=job, result=result)
    return result


def _upload_summary(result: dict) -> str:
    if result["status"] == "accepted":
        return _("已导入:统计数据 %(r)s 项(新版本 %(c)s 项)") % {"r": result["rows"], "c": result["created"]}
    if result["status"] == "needs_confirmation":
        return _("没有错误,%(n)s 处数值需要确认,尚未写入") % {"n": result["warning_count"]}
    return _("有 %(n)s 处错误,没有写入任何数据") % {"n": result["error_count"]}


def upload_job_outcome(*, job: JobRun, user):
    """The finished run as the UploadOutcome the review page shows (its errors and warnings
    from the pending upload); None while it runs or when it failed. A review whose pending
    upload has expired comes back with status "expired"."""
    from .services import UploadOutcome

    if job.status != JobRun.Status.SUCCEEDED:
        return None
    r = job.result or {}
    outcome = UploadOutcome(
        status=r.get("status", "rejected"),
        filename=r.get("filename", ""),
        error_count=r.get("error_count", 0),
        warning_count=r.get("warning_count", 0),
        rows=r.get("rows", 0),
        task_rows=r.get("task_rows", 0),
        created=r.get("created", 0),
        unchanged=r.get("unchanged", 0),
        tasks_changed=r.get("tasks_changed", 0),
        token=r.get("token", ""),
    )
    if outcome.accepted:
        return outcome
    pending = pending_get(token=outcome.token, user=user)
    if pending is None:
        outcome.status, outcome.token = "expired", ""
        return outcome
    outcome.errors = [p for p in pending.problems if p.get("level") == "error"]
    outcome.warnings = [p for p in pending.problems if p.get("level") == "warning"]
    return outcome
