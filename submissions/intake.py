"""API intake: a machine user's push of a quarter's statistic values.

The push goes through the upload service itself (`services.statistics_upload_import`): the
values become the rows of a .csv with the template's columns, so they meet the same
checks, the same versioning, the same warnings (confirmed with `confirm_warnings`) and the
same review flow (`submit` hands the item to the office) as a file a person uploads. The
only additions here are the idempotency key and the answer's shape."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import ApiPush, ApiToken
from accounts.permissions import require
from indicators.models import StatisticUpload
from programmes.models import Agency, Programme

from . import ingest
from .models import ReportingRound, Submission
from .services import statistics_upload_import, submission_submit

HEADER = ["报告期", "填报单位", "代码", "区域", "本季度数值", "备注"]


@dataclass
class PushAnswer:
    status_code: int
    body: dict


def _csv_of(*, period: str, agency: Agency, values: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for entry in values:
        writer.writerow(
            [
                period,
                agency.name,
                entry.get("code", ""),
                entry.get("area") or ingest.CITY_AREA_LABEL,
                entry.get("value", ""),
                entry.get("note") or "",
            ]
        )
    return out.getvalue().encode("utf-8")


def _problems(problems: list, count: int) -> list[dict]:
    """Problems as the upload service found them, with the index of the value they are about
    (the .csv's row 2 is values[0])."""
    listed = []
    for problem in problems:
        item = problem.as_dict()
        row = item.get("row")
        item["index"] = row - 2 if isinstance(row, int) and row >= 2 else None
        for where in ("sheet", "row", "column", "cell", "text"):
            item.pop(where, None)
        listed.append(item)
    return listed


def request_fingerprint(payload: dict) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def statistics_push(
    *,
    token: ApiToken | None,
    programme: Programme,
    year: int,
    quarter: int,
    agency: Agency,
    values: list[dict],
    key: str,
    user,
    confirm_warnings: bool = False,
    submit: bool = False,
) -> PushAnswer:
    """Write a quarter's values for an agency (all or nothing); with `submit`, hand the
    statistics item to the office for review in the same transaction.

    201 written · 200 the same key and body again (the stored answer, nothing written) ·
    400 errors (nothing written) · 422 warnings to confirm (nothing written) · 409 the key
    was used with another body · 403 not this token's agency · 404 no such round."""
    require(user, "api.push", agency, message=_("该令牌只能报送本单位的数据。"))
    payload = {
        "programme": programme.slug,
        "period": f"{year}Q{quarter}",
        "agency": agency.pk,
        "values": values,
        "confirm_warnings": confirm_warnings,
        "submit": submit,
    }
    fingerprint = request_fingerprint(payload)
    if key and token is not None:
        earlier = ApiPush.objects.filter(token=token, key=key).first()
        if earlier is not None:
            return _replay(earlier, fingerprint)
    round = (
        ReportingRound.objects.select_related("programme")
        .filter(programme=programme, year=year, quarter=quarter)
        .first()
    )
    if round is None:
        return PushAnswer(
            404,
            {
                "status": "no_round",
                "detail": _("%(p)s 没有 %(y)s年第%(q)s季度的填报轮次;请等领导小组办公室开启后再报送。")
                % {"p": programme.title, "y": year, "q": quarter},
            },
        )
    data = _csv_of(period=payload["period"], agency=agency, values=values)
    filename = f"api-{key or 'push'}.csv"[:200]
    try:
        with transaction.atomic():
            outcome = statistics_upload_import(
                round=round,
                agency=agency,
                filename=filename,
                data=data,
                user=user,
                channel=StatisticUpload.Channel.API,
                confirm_warnings=confirm_warnings,
            )
            body = {
                "status": outcome.status,
                "programme": programme.slug,
                "period": round.period,
                "agency": agency.pk,
                "values_written": outcome.created,
                "values_unchanged": outcome.unchanged,
                "upload_id": outcome.upload.pk if outcome.upload else None,
                "sha256": outcome.upload.sha256 if outcome.upload else None,
                "error_count": outcome.error_count,
                "warning_count": outcome.warning_count,
                "errors": _problems(outcome.errors, outcome.error_count),
                "warnings": _problems(outcome.warnings, outcome.warning_count),
                "submission": None,
                "replayed": False,
            }
            if not outcome.accepted:
                if outcome.status == "needs_confirmation":
                    body["detail"] = _(
                        "数据有需要确认的提示,尚未写入;确认无误后请加上 confirm_warnings: true 重新报送。"
                    )
                    return PushAnswer(422, body)
                body["detail"] = _("有 %(n)s 处错误,本次报送的数据均未写入。") % {"n": outcome.error_count}
                return PushAnswer(400, body)
            item = round.submissions.get(agency=agency, kind=Submission.Kind.STATISTICS)
            if submit:
                item = submission_submit(submission=item, user=user)
            body["submission"] = {"id": item.pk, "state": item.state, "is_late": item.is_late}
            body["detail"] = (
                _("已写入,并已提交领导小组办公室审核。")
                if submit
                else _("已写入(草稿);提交后领导小组办公室才能审核。")
            )
            answer = PushAnswer(201, body)
            if key and token is not None:
                ApiPush.objects.create(
                    token=token, key=key, request_sha256=fingerprint, status_code=201, response=body
                )
    except ValidationError as exc:
        _drop_file(locals().get("outcome"))
        return PushAnswer(400, {"status": "rejected", "detail": " ".join(exc.messages), "errors": []})
    except IntegrityError:
        _drop_file(locals().get("outcome"))
        earlier = ApiPush.objects.filter(token=token, key=key).first() if key and token else None
        if earlier is not None:  # the same key pushed at the same moment: its answer stands
            return _replay(earlier, fingerprint)
        raise
    return answer


def _drop_file(outcome) -> None:
    upload = getattr(outcome, "upload", None)
    if upload is not None and upload.file.name:
        default_storage.delete(upload.file.name)


def _replay(earlier: ApiPush, fingerprint: str) -> PushAnswer:
    if earlier.request_sha256 != fingerprint:
        return PushAnswer(
            409,
            {
                "status": "key_reused",
                "detail": _("幂等键“%(k)s”已于 %(at)s 用于另一份数据;请为新的报送使用新的键。")
                % {"k": earlier.key, "at": earlier.created_at.strftime("%Y-%m-%d %H:%M")},
            },
        )
    return PushAnswer(200, {**earlier.response, "replayed": True})
