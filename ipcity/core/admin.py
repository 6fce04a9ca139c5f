from django.contrib import admin

from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "status",
        "progress",
        "interruptions",
        "created_by",
        "created_at",
        "heartbeat_at",
        "finished_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("kind", "message", "error")
    list_select_related = ("created_by",)
    readonly_fields = [f.name for f in JobRun._meta.fields]
