"""Pages of the indicator engine. Thin: scope lookup → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can, require
from accounts.selectors import programme_get_for_user, visible_agency_ids
from ipcity.core.models import JobRun

from . import progress as rules
from .forms import MilestoneCompletionForm
from .models import IndicatorValue, MilestoneCompletion, StatisticUpload
from .selectors import (
    indicator_chart_data,
    indicator_get_for_user,
    indicator_values,
    milestone_records,
    progress_is_stale,
    value_lineage,
)
from .services import RECOMPUTE_JOB_KIND, milestone_completion_record, programme_recompute_request


@login_required
def indicator_detail(request, slug, pk):
    programme, indicator = indicator_get_for_user(user=request.user, slug=slug, pk=pk)
    progress = getattr(indicator, "progress", None)
    values = list(indicator_values(indicator=indicator))
    chart = None
    if indicator.kind != "milestone":
        chart = indicator_chart_data(indicator=indicator, progress=progress)
        by_code = {f"{v.year}Q{v.quarter}": v.pk for v in values}
        chart["ids"] = [by_code.get(code) for code in chart["categories"]]
        chart["inputs_url"] = reverse("indicators:value_inputs", args=[programme.slug, indicator.pk, 0])
    can_edit = can(request.user, "programme.edit", programme)
    context = {
        "programme": programme,
        "tab": "indicators",
        "can_edit": can_edit,
        "indicator": indicator,
        "progress": progress,
        "status_label": rules.status_label(progress.status)
        if progress
        else rules.status_label(rules.NO_DATA),
        "stale": progress_is_stale(indicator=indicator, progress=progress),
        "values": list(reversed(values)),
        "chart": chart,
        "milestone_records": milestone_records(indicator=indicator) if indicator.kind == "milestone" else [],
        "milestone_form": MilestoneCompletionForm() if indicator.kind == "milestone" and can_edit else None,
    }
    return render(request, "indicators/indicator_detail.html", context)


@login_required
def value_inputs(request, slug, pk, value_pk):
    """One computed number opened up: its inputs, the reported rows and their uploads."""
    programme, indicator = indicator_get_for_user(user=request.user, slug=slug, pk=pk)
    value = get_object_or_404(IndicatorValue, pk=value_pk, indicator=indicator)
    context = {
        "programme": programme,
        "indicator": indicator,
        "value": value,
        "inputs": value_lineage(
            value=value, agency_ids=visible_agency_ids(user=request.user, programme=programme)
        ),
        "tab": "indicators",
        "can_edit": can(request.user, "programme.edit", programme),
    }
    template = "indicators/_value_inputs.html" if request.htmx else "indicators/value_inputs.html"
    return render(request, template, context)


@login_required
@require_POST
def programme_recompute(request, slug):
    """Office staff ask for a full recompute; htmx gets the progress bar back."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    require(request.user, "programme.edit", programme)
    job = programme_recompute_request(programme=programme, user=request.user)
    if request.htmx:
        return render(request, "core/job_status.html", {"job": job})
    messages.info(request, _("已提交重新计算,完成后刷新页面即可看到结果。"))
    return redirect("indicators:recompute_status", slug=programme.slug, job_id=job.pk)


@login_required
def recompute_status(request, slug, job_id):
    programme = programme_get_for_user(user=request.user, slug=slug)
    job = get_object_or_404(JobRun, pk=job_id, kind=RECOMPUTE_JOB_KIND, object_id=programme.pk)
    if not can(request.user, "job.view", job):
        raise Http404
    return render(
        request,
        "indicators/recompute_status.html",
        {"programme": programme, "job": job, "tab": "indicators", "can_edit": True},
    )


@login_required
@require_http_methods(["POST"])
def milestone_record(request, slug, pk):
    programme, indicator = indicator_get_for_user(user=request.user, slug=slug, pk=pk)
    require(request.user, "programme.edit", programme)
    form = MilestoneCompletionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            milestone_completion_record(
                indicator=indicator,
                user=request.user,
                is_done=form.cleaned_data["is_done"],
                done_on=form.cleaned_data["done_on"],
                evidence=form.cleaned_data["evidence"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("里程碑完成情况已记录,状态已重新计算。"))
            return redirect("indicators:indicator_detail", slug=programme.slug, pk=indicator.pk)
    progress = getattr(indicator, "progress", None)
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "programme": programme,
            "tab": "indicators",
            "can_edit": True,
            "indicator": indicator,
            "progress": progress,
            "status_label": rules.status_label(progress.status if progress else rules.NO_DATA),
            "stale": progress_is_stale(indicator=indicator, progress=progress),
            "values": [],
            "chart": None,
            "milestone_records": milestone_records(indicator=indicator),
            "milestone_form": form,
        },
        status=400,
    )


@login_required
def milestone_evidence(request, slug, pk, record_pk):
    programme, indicator = indicator_get_for_user(user=request.user, slug=slug, pk=pk)
    record = get_object_or_404(MilestoneCompletion, pk=record_pk, indicator=indicator)
    if not record.evidence:
        raise Http404
    return FileResponse(
        record.evidence.open("rb"), as_attachment=True, filename=record.evidence_name or record.evidence.name
    )


@login_required
def upload_download(request, slug, upload_pk):
    """An uploaded statistics file, to whoever may see the programme's data; a reporter only
    its own agency's files."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    upload = get_object_or_404(StatisticUpload, pk=upload_pk, programme=programme)
    allowed = visible_agency_ids(user=request.user, programme=programme)
    if (allowed is not None and upload.agency_id not in allowed) or not upload.file:
        raise Http404
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.original_name)
