"""The quarterly reports on a task, for the task page (scoped to what the user may see)."""

from django import template

register = template.Library()


@register.inclusion_tag("tasks/_task_report_list.html", takes_context=True)
def task_report_list(context, task):
    from submissions.selectors import task_reports_for_task

    request = context.get("request")
    found = (
        task_reports_for_task(user=request.user, task=task)
        if request is not None
        else {"reports": [], "older": 0}
    )
    return {**found, "task": task}
