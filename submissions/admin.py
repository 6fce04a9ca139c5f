from django.contrib import admin

from .models import Notification, ReportingRound, Submission, SubmissionEvent


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ("programme", "year", "quarter", "due_date", "status", "is_demo")
    list_filter = ("status", "programme", "year")
    list_select_related = ("programme",)


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    readonly_fields = ("action", "user", "at", "comment", "is_late")
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only here: states change through the review pages (services), never by hand."""

    list_display = ("round", "agency", "kind", "task", "state", "is_late", "submitted_at", "reviewed_by")
    list_filter = ("state", "kind", "is_late", "round__programme")
    list_select_related = ("round__programme", "agency", "task", "reviewed_by")
    search_fields = ("agency__name", "task__title")
    readonly_fields = [f.name for f in Submission._meta.fields]
    inlines = [SubmissionEventInline]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "day", "title", "read_at", "emailed_at")
    list_filter = ("kind", "day")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in Notification._meta.fields]
