from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Task, TaskAssignment


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0
    raw_id_fields = ("agency",)


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "section", "programme")
    search_fields = ("number", "title", "text")
    list_filter = ("programme",)
    list_select_related = ("programme",)
    inlines = [TaskAssignmentInline]


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("task", "agency", "role", "printed_name")
    search_fields = ("printed_name", "agency__name", "task__title")
    list_filter = ("role", "task__programme")
    list_select_related = ("task", "agency")
    raw_id_fields = ("task", "agency")
