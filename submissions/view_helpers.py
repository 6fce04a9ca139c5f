"""What the reporting pages share: the context every page of a programme's reporting starts
from, a ValidationError's messages as one line, and an .xlsx workbook as a download."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from accounts.permissions import can

from . import selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors_text(exc: ValidationError) -> str:
    return ";".join(str(m) for m in exc.messages)


def _programme_context(request, programme, **extra):
    return {
        "programme": programme,
        "tab": "reporting",
        "can_edit": can(request.user, "programme.edit", programme),
        "can_review": selectors.can_review(user=request.user, programme=programme),
        **extra,
    }


def _xlsx_response(name: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
