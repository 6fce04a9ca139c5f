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
    list_display = ("name", "programme", "area", "kind", "comparator", "target", "target_max", "unit", "deadline", "formula")
    search_fields = ("name", "source_sentence", "formula")
    list_filter = ("kind", "area", "programme")
    list_select_related = ("programme",)
