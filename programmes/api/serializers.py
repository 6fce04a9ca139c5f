from rest_framework import serializers

from indicators.models import Indicator
from programmes.models import Agency, Phase, Programme
from tasks.models import Task


class ProgrammeSerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="city.name")

    class Meta:
        model = Programme
        fields = [
            "slug",
            "city",
            "kind",
            "title",
            "doc_number",
            "issuer",
            "issue_date",
            "period_start",
            "period_end",
            "status",
        ]


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["id", "name", "start", "end", "milestone", "reached_on"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "area",
            "kind",
            "comparator",
            "target",
            "target_max",
            "unit",
            "deadline",
            "formula",
            "source_sentence",
        ]


class TaskSerializer(serializers.ModelSerializer):
    lead = serializers.SerializerMethodField()
    support = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "number", "section", "title", "text", "lead", "support"]

    def _names(self, task, role):
        return [a.printed_name for a in task.assignments.all() if a.role == role]

    def get_lead(self, task) -> list[str]:
        return self._names(task, "lead")

    def get_support(self, task) -> list[str]:
        return self._names(task, "support")


class AgencySerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="city.name")
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Agency
        fields = ["id", "city", "name", "aliases", "is_collective"]


# --- funding (read-only; the same `funding_summary` the page and the reports use) ------------


def _money(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False, **kwargs)


class FundingRuleYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    amount = _money()
    holds = serializers.BooleanField(allow_null=True)
    provisional = serializers.BooleanField()


class FundingRuleCheckSerializer(serializers.Serializer):
    rule_id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField(help_text="empty: all spending")
    source = serializers.CharField(help_text="empty: every source")
    threshold = _money()
    unit = serializers.CharField()
    value = _money(allow_null=True, help_text="the actual share (%) of a min_share rule")
    part = _money(allow_null=True)
    whole = _money(allow_null=True)
    holds = serializers.BooleanField(allow_null=True, help_text="null: nothing recorded that could judge it")
    detail = serializers.CharField()
    years = FundingRuleYearSerializer(many=True)


class FundingYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    budget = _money(allow_null=True)
    spent = _money(allow_null=True)
    rate = _money(allow_null=True)
    over_budget = serializers.BooleanField()


class FundingSourceYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    source = serializers.CharField()
    budget = _money(allow_null=True)
    spent = _money(allow_null=True)
    over_budget = serializers.BooleanField()


class FundingSummarySerializer(serializers.Serializer):
    as_of = serializers.DateField()
    budget_total = _money()
    spent_total = _money()
    years = FundingYearSerializer(many=True)
    by_source = FundingSourceYearSerializer(many=True)
    spent_by_category = serializers.SerializerMethodField()
    checks = FundingRuleCheckSerializer(many=True)

    def get_spent_by_category(self, summary) -> dict[str, float]:
        return {category: float(total) for category, total in summary.spent_by_category}
