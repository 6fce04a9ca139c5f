from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Agency,
    AgencyAlias,
    AgencyDuty,
    City,
    FundingBudget,
    FundingExpense,
    FundingRule,
    Goal,
    LeadingGroupMember,
    Phase,
    Programme,
)


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name", "province")
    search_fields = ("name", "province")
    list_filter = ("province",)


class AgencyAliasInline(admin.TabularInline):
    model = AgencyAlias
    extra = 0
    fields = ("name",)


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "city", "is_collective")
    search_fields = ("name", "aliases__name")
    list_filter = ("city", "is_collective")
    list_select_related = ("city",)
    inlines = [AgencyAliasInline]


@admin.register(AgencyAlias)
class AgencyAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "city")
    search_fields = ("name", "agency__name")
    list_filter = ("city",)
    list_select_related = ("agency", "city")
    raw_id_fields = ("agency",)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "city", "kind", "doc_number", "period_start", "period_end", "status")
    search_fields = ("title", "doc_number", "city__name", "slug")
    list_filter = ("kind", "status", "city")
    list_select_related = ("city",)
    inlines = [PhaseInline]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "area", "order")
    search_fields = ("title", "text")
    list_filter = ("area", "programme")
    list_select_related = ("programme",)


@admin.register(Phase)
class PhaseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "programme", "start", "end", "milestone", "reached_on")
    search_fields = ("name",)
    list_filter = ("milestone", "programme")
    list_select_related = ("programme",)


@admin.register(LeadingGroupMember)
class LeadingGroupMemberAdmin(admin.ModelAdmin):
    list_display = ("printed_agency", "role", "person", "title", "programme")
    search_fields = ("printed_agency", "person", "title")
    list_filter = ("role", "programme")
    list_select_related = ("programme", "agency")
    raw_id_fields = ("agency",)


@admin.register(AgencyDuty)
class AgencyDutyAdmin(admin.ModelAdmin):
    list_display = ("printed_agency", "programme")
    search_fields = ("printed_agency", "text")
    list_filter = ("programme",)
    list_select_related = ("programme",)
    raw_id_fields = ("agency",)
    filter_horizontal = ("tasks",)


@admin.register(FundingRule)
class FundingRuleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "programme", "kind", "category", "threshold", "unit")
    search_fields = ("name", "category", "source_sentence")
    list_filter = ("kind", "programme")
    list_select_related = ("programme",)


@admin.register(FundingBudget)
class FundingBudgetAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "year", "source", "amount")
    search_fields = ("programme__title", "note")
    list_filter = ("source", "year", "programme")
    list_select_related = ("programme",)


@admin.register(FundingExpense)
class FundingExpenseAdmin(SimpleHistoryAdmin):
    list_display = ("date", "description", "amount", "category", "market_based", "programme", "agency")
    search_fields = ("description", "category")
    list_filter = ("category", "market_based", "programme")
    list_select_related = ("programme", "agency", "task")
    raw_id_fields = ("task", "agency", "recorded_by")
