from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from accounts.permissions import can
from accounts.selectors import programme_get_for_user

from .models import Task, TaskAssignment


@login_required
def task_detail(request, slug, pk):
    programme = programme_get_for_user(user=request.user, slug=slug)
    task = get_object_or_404(
        Task.objects.prefetch_related(
            Prefetch("assignments", queryset=TaskAssignment.objects.select_related("agency"))
        ),
        pk=pk,
        programme=programme,
    )
    return render(
        request,
        "tasks/task_detail.html",
        {
            "programme": programme,
            "task": task,
            "tab": "tasks",
            "can_edit": can(request.user, "programme.edit", programme),
        },
    )
