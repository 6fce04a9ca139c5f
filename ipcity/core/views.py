from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.permissions import can

from .models import JobRun


@login_required
def home(request):
    """Everyone lands on their role's home (工作台, workbench.views.home_url_name)."""
    from workbench.views import home_url_name

    return redirect(home_url_name(request.user))


@login_required
def job_status(request, pk: int):
    """Progress of a background run, polled by htmx; only its starter (or a superuser) sees it."""
    job = get_object_or_404(JobRun, pk=pk)
    if not can(request.user, "job.view", job):
        raise Http404
    return render(request, "core/job_status.html", {"job": job})
