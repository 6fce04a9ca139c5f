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
