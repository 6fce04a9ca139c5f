from django.contrib import admin

from .models import PlanImportDraft


@admin.register(PlanImportDraft)
class PlanImportDraftAdmin(admin.ModelAdmin):
    list_display = ["__str__", "city", "status", "file_format", "created_by", "created_at"]
    list_filter = ["status", "city", "file_format"]
    search_fields = ["filename", "review__title"]
    readonly_fields = ["source_text", "text", "review", "created_at", "updated_at", "confirmed_at"]
