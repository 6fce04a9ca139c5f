"""Pages of the reports room. Thin: scope lookup → form → service → message → redirect.

Every file goes out through `version_download`, after the same scoping as the pages
(outside a user's programmes: 404); MEDIA_URL is never routed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can, require
from accounts.selectors import programme_get_for_user, programme_list_for_user
from ipcity.core.models import JobRun

from .errors import ReportError, ReportNotReady
from .forms import ReportCreateForm, ReportNarrativeForm
from .frameworks.chapters import chapters_of
from .models import Report
from .selectors import (
    report_get_for_user,
    report_list_for_user,
    report_version_get_for_user,
    report_versions_for_user,
)
from .services import (
    JOB_KIND,
    chapter_problems,
    report_create,
    report_evidence_zip,
    report_generation_enqueue,
    report_update,
)
from .services import report_generate as report_version_generate  # the view below is report_generate

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def _context(request, programme, **extra):
    return {
        "programme": programme,
        "tab": "reports",
        "can_edit": can(request.user, "report.generate", programme),
        "can_finalise": can(request.user, "report.finalise", programme),
        **extra,
    }


@login_required
@require_GET
def report_index(request):
    """Every report the user may download, across the programmes they see (evaluators' start)."""
    programmes = programme_list_for_user(user=request.user)
    versions = report_versions_for_user(user=request.user, programmes=programmes)
    return render(request, "reports/report_index.html", {"versions": versions})


@login_required
@require_GET
def report_list(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    context = _context(request, programme)
    if context["can_edit"]:
        context["form"] = ReportCreateForm(programme=programme)
    context["reports"] = report_list_for_user(user=request.user, programme=programme).prefetch_related(
        "versions"
    )
    return render(request, "reports/report_list.html", context)


@login_required
@require_POST
def report_new(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    require(request.user, "report.generate", programme)
    form = ReportCreateForm(request.POST, programme=programme)
    if form.is_valid():
        d = form.cleaned_data
        try:
            report = report_create(
                programme=programme,
                kind=d["kind"],
                user=request.user,
                as_of=d.get("as_of"),
                agency=d.get("agency"),
                year=d.get("year"),
                quarter=d.get("quarter"),
                doc_number=d.get("doc_number") or "",
            )
        except ValidationError as exc:
            for field, errors in (
                exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            ).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("已创建报告,请填写叙述部分后生成。"))
            return redirect(report.get_absolute_url())
    context = _context(request, programme, form=form)
    context["reports"] = report_list_for_user(user=request.user, programme=programme).prefetch_related(
        "versions"
    )
    return render(request, "reports/report_list.html", context, status=400)


@login_required
@require_GET
def report_detail(request, slug, pk):
    programme = programme_get_for_user(user=request.user, slug=slug)
    report = report_get_for_user(user=request.user, programme=programme, pk=pk)
    context = _context(
        request,
        programme,
        report=report,
        versions=report.versions.select_related("generated_by"),
        chapters=chapters_of(report),
    )
    if context["can_edit"]:
        context["form"] = form = ReportNarrativeForm(instance=report)
        context.update(_form_rows(form, report))
        context["job"] = _latest_job(report=report, user=request.user)
    return render(request, "reports/report_detail.html", context)


def _form_rows(form, report):
    """The form's chapter fields each with its chapter as the report prints it (sanitised
    preview), then the cover and issuing-page fields."""
    chapters = {c.field: c for c in chapters_of(report)}
    return {
        "chapter_rows": [(form[name], chapters[name]) for name in chapters],
        "cover_fields": [form[name] for name in form.fields if name not in chapters],
    }


def _latest_job(*, report: Report, user):
    from django.contrib.contenttypes.models import ContentType

    return (
        JobRun.objects.filter(
            kind=JOB_KIND,
            content_type=ContentType.objects.get_for_model(Report),
            object_id=report.pk,
            created_by=user,
        )
        .order_by("-created_at")
        .first()
    )


@login_required
@require_POST
def report_edit(request, slug, pk):
    programme = programme_get_for_user(user=request.user, slug=slug)
    report = report_get_for_user(user=request.user, programme=programme, pk=pk)
    require(request.user, "report.generate", programme)
    form = ReportNarrativeForm(request.POST, instance=Report.objects.get(pk=report.pk))
    if form.is_valid():
        report_update(
            report=report,
            user=request.user,
            values={k: form.cleaned_data[k] for k in ReportNarrativeForm.Meta.fields},
        )
        messages.success(request, _("已保存。重新生成报告后,新内容才会出现在 PDF 中。"))
        return redirect(report.get_absolute_url())
    context = _context(
        request,
        programme,
        report=report,
        versions=report.versions.all(),
        form=form,
        chapters=chapters_of(report),
        **_form_rows(form, report),
    )
    return render(request, "reports/report_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def report_finalise(request, slug, pk):
    """定稿: GET is the confirmation step (the chapters' gaps listed up front); the confirming
    POST runs the one finalise path (`report_generate(final=True)`, as `render_report --final`).
    A refusal lists everything missing, on this page, and stores nothing."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    report = report_get_for_user(user=request.user, programme=programme, pk=pk)
    require(request.user, "report.finalise", programme)
    context = _context(request, programme, report=report, problems=chapter_problems(chapters_of(report)))
    if request.method == "GET":
        return render(request, "reports/report_finalise.html", context)
    if request.POST.get("confirm") != "1":
        return redirect("reports:report_finalise", slug=programme.slug, pk=report.pk)
    try:
        version = report_version_generate(report=report, user=request.user, final=True)
    except ReportNotReady as exc:
        context.update(problems=exc.problems, refused=True)
        return render(request, "reports/report_finalise.html", context, status=400)
    except (ReportError, ValidationError) as exc:
        context.update(problems=getattr(exc, "messages", None) or [str(exc)], refused=True)
        return render(request, "reports/report_finalise.html", context, status=400)
    messages.success(
        request, _("已定稿:v%(v)s(SHA-256 %(sha)s…)。") % {"v": version.version, "sha": version.sha256[:12]}
    )
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_generate(request, slug, pk):
    programme = programme_get_for_user(user=request.user, slug=slug)
    report = report_get_for_user(user=request.user, programme=programme, pk=pk)
    require(request.user, "report.generate", programme)
    try:
        job = report_generation_enqueue(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(report.get_absolute_url())
    job.refresh_from_db()  # eager mode (make run) has already run it
    if request.htmx:
        return render(request, "core/job_status.html", {"job": job})
    messages.info(request, _("已开始生成报告。"))
    return redirect(report.get_absolute_url())


@login_required
@require_GET
def version_download(request, slug, pk, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    programme = programme_get_for_user(user=request.user, slug=slug)
    version = report_version_get_for_user(user=request.user, programme=programme, pk=pk)
    if fmt == "zip":
        handle = report_evidence_zip(version=version)
        filename = f"{version.file_stem}-{_('含证明材料')}.zip"
    else:
        field = version.pdf if fmt == "pdf" else version.xlsx
        try:
            handle = field.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("报告文件已不在存储中,请重新生成。")) from exc
        filename = f"{version.file_stem}.{fmt}"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
