"""Writes to tasks and their lead/support assignments."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import require_edit_programme
from programmes.models import Agency

from .models import Task, TaskAssignment


@transaction.atomic
def task_save(*, task: Task, lead: list[Agency], support: list[Agency], user) -> Task:
    """Save a task and set its lead and supporting agencies.

    A lead can't also support, and only the programme's city's agencies can be assigned;
    both are checked here too, so the API and commands get the same rules as the form."""
    programme = task.programme
    require_edit_programme(user=user, programme=programme)
    overlap = {a.pk for a in lead} & {a.pk for a in support}
    if overlap:
        raise ValidationError({"support": _("同一单位不能既是牵头单位又是配合单位。")})
    foreign = [a.name for a in [*lead, *support] if a.city_id != programme.city_id]
    if foreign:
        raise ValidationError(
            {"lead": _("只能分配给本市的成员单位: %(names)s") % {"names": "、".join(foreign)}}
        )
    task.full_clean()
    task._history_user = user
    task.save()
    existing = {a.agency_id: a for a in task.assignments.all()}
    keep = set()
    for role, agencies in ((TaskAssignment.Role.LEAD, lead), (TaskAssignment.Role.SUPPORT, support)):
        for position, agency in enumerate(agencies):
            keep.add(agency.pk)
            assignment = existing.get(agency.pk)
            if assignment is None:
                assignment = TaskAssignment(task=task, agency=agency, printed_name=agency.name)
            if assignment.pk is None or assignment.role != role or assignment.order != position:
                assignment.role, assignment.order = role, position
                assignment._history_user = user
                assignment.save()
    for agency_id, assignment in existing.items():
        if agency_id not in keep:
            assignment._history_user = user
            assignment.delete()
    return task
