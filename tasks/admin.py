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


from .models import EvidenceFile, TaskReport  # noqa: E402


@admin.register(TaskReport)
class TaskReportAdmin(admin.ModelAdmin):
    list_display = (
        "task",
        "agency",
        "year",
        "quarter",
        "status",
        "version",
        "is_current",
        "reported_by",
        "reported_at",
    )
    list_filter = ("status", "is_current", "year", "task__programme")
    list_select_related = ("task", "agency", "reported_by")
    raw_id_fields = ("task", "agency", "supersedes", "upload")
    readonly_fields = [f.name for f in TaskReport._meta.fields]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    list_display = ("original_name", "task", "agency", "size", "sha256", "uploaded_by", "uploaded_at")
    list_select_related = ("task", "agency", "uploaded_by")
    readonly_fields = [f.name for f in EvidenceFile._meta.fields]
