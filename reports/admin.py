from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Report, ReportVersion


class ReportVersionInline(admin.TabularInline):
    model = ReportVersion
    extra = 0
    can_delete = False
    fields = ["version", "as_of", "data_changed_at", "generated_by", "generated_at", "page_count", "sha256"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "kind", "as_of", "agency", "year", "quarter", "updated_at"]
    list_filter = ["kind", "programme__city"]
    search_fields = ["programme__title", "programme__slug", "doc_number", "agency__name"]
    raw_id_fields = ["programme", "agency", "created_by"]
    inlines = [ReportVersionInline]


@admin.register(ReportVersion)
class ReportVersionAdmin(admin.ModelAdmin):
    """Read-only: a version is what was generated; a new one is made by generating again."""

    list_display = [
        "report",
        "version",
        "kind",
        "as_of",
        "generated_by",
        "generated_at",
        "page_count",
        "sha256",
    ]
    list_filter = ["kind"]
    search_fields = ["report__programme__title", "sha256", "content_sha256"]
    exclude = ["pdf", "xlsx"]  # files are served only through the permission-checked view
    readonly_fields = [f.name for f in ReportVersion._meta.fields if f.name not in ("pdf", "xlsx")]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
