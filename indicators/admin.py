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
