from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, Statistic, StatisticOwner


@admin.register(Statistic)
class StatisticAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "aggregation", "is_builtin", "max_value")
    search_fields = ("code", "name")
    list_filter = ("aggregation", "is_builtin", "unit")


@admin.register(StatisticOwner)
class StatisticOwnerAdmin(SimpleHistoryAdmin):
    list_display = ("statistic", "agency", "area", "programme")
    search_fields = ("statistic__code", "statistic__name", "agency__name")
    list_filter = ("programme",)
    list_select_related = ("statistic", "agency", "programme")
    raw_id_fields = ("agency",)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "programme",
        "area",
        "kind",
        "comparator",
        "target",
        "target_max",
        "unit",
        "deadline",
        "formula",
    )
    search_fields = ("name", "source_sentence", "formula")
    list_filter = ("kind", "area", "programme")
    list_select_related = ("programme",)


from .models import StatisticUpload, StatisticValue  # noqa: E402


@admin.register(StatisticUpload)
class StatisticUploadAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "programme",
        "agency",
        "year",
        "quarter",
        "status",
        "row_count",
        "uploaded_by",
        "uploaded_at",
    )
    search_fields = ("original_name", "sha256", "agency__name")
    list_filter = ("status", "channel", "programme")
    list_select_related = ("programme", "agency", "uploaded_by")
    readonly_fields = [f.name for f in StatisticUpload._meta.fields]


@admin.register(StatisticValue)
class StatisticValueAdmin(admin.ModelAdmin):
    list_display = (
        "statistic",
        "programme",
        "agency",
        "area",
        "year",
        "quarter",
        "value",
        "version",
        "is_current",
        "source",
        "reported_by",
        "reported_at",
    )
    search_fields = ("statistic__code", "statistic__name", "agency__name", "note")
    list_filter = ("is_current", "source", "year", "programme")
    list_select_related = ("statistic", "programme", "agency", "reported_by")
    raw_id_fields = ("supersedes", "upload", "agency")
    readonly_fields = [f.name for f in StatisticValue._meta.fields]


from .models import IndicatorProgress, IndicatorValue, MilestoneCompletion, StatisticTotal  # noqa: E402


class ReadOnlyAdmin(admin.ModelAdmin):
    """Computed rows: written only by indicators.services.indicator_recompute."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IndicatorProgress)
class IndicatorProgressAdmin(ReadOnlyAdmin):
    list_display = (
        "indicator",
        "status",
        "value",
        "year",
        "quarter",
        "completion",
        "projection_text",
        "computed_at",
    )
    list_filter = ("status", "indicator__programme", "indicator__kind")
    search_fields = ("indicator__name", "reason")
    list_select_related = ("indicator",)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "year", "quarter", "value", "is_partial", "reason", "computed_at")
    list_filter = ("indicator__programme", "year", "is_partial")
    search_fields = ("indicator__name", "formula", "reason")
    list_select_related = ("indicator",)


@admin.register(StatisticTotal)
class StatisticTotalAdmin(ReadOnlyAdmin):
    list_display = (
        "statistic",
        "programme",
        "year",
        "quarter",
        "value",
        "area_count",
        "problem",
        "computed_at",
    )
    list_filter = ("programme", "year")
    search_fields = ("statistic__code", "problem")
    list_select_related = ("statistic", "programme")


@admin.register(MilestoneCompletion)
class MilestoneCompletionAdmin(admin.ModelAdmin):
    list_display = ("indicator", "is_done", "done_on", "evidence_name", "recorded_by", "recorded_at")
    list_filter = ("is_done", "indicator__programme")
    search_fields = ("indicator__name", "note")
    list_select_related = ("indicator", "recorded_by")
    readonly_fields = [f.name for f in MilestoneCompletion._meta.fields]

    def has_add_permission(self, request):
        return False  # recorded on the indicator page, through milestone_completion_record
