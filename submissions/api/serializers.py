from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from submissions.models import period_parse


class StatisticValueEntrySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=50, help_text="Statistic code, e.g. INV_APP")
    area = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="District; empty for the whole city",
    )
    # A string as well as a number: the same number check as a file's cell applies (ingest).
    value = serializers.CharField(max_length=60, help_text='The quarter\'s value, e.g. 1234 or "1234.5"')
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StatisticValuesPushSerializer(serializers.Serializer):
    programme = serializers.SlugField(max_length=100, help_text="Programme slug, e.g. wuhan-2017")
    period = serializers.CharField(max_length=20, help_text="Quarter, e.g. 2020Q1")
    agency = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Agency id; defaults to the token's agency",
    )
    idempotency_key = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Client-supplied key: a retry with the same key and body is answered from the first push",
    )
    confirm_warnings = serializers.BooleanField(required=False, default=False)
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Hand the statistics item to the office for review"
    )
    values = StatisticValueEntrySerializer(many=True, allow_empty=False, max_length=20000)

    def validate_period(self, value):
        parsed = period_parse(value)
        if parsed is None:
            raise serializers.ValidationError(_("报告期应写作 2024Q1 这样的格式。"))
        return parsed


class ProblemSerializer(serializers.Serializer):
    level = serializers.CharField()
    message = serializers.CharField()
    index = serializers.IntegerField(allow_null=True, help_text="Position in `values` the problem is about")


class StatisticValuesPushResultSerializer(serializers.Serializer):
    status = serializers.CharField(
        help_text="accepted | rejected | needs_confirmation | key_reused | no_round"
    )
    detail = serializers.CharField()
    programme = serializers.CharField(required=False)
    period = serializers.CharField(required=False)
    agency = serializers.IntegerField(required=False)
    values_written = serializers.IntegerField(required=False)
    values_unchanged = serializers.IntegerField(required=False)
    upload_id = serializers.IntegerField(required=False, allow_null=True)
    sha256 = serializers.CharField(required=False, allow_null=True)
    error_count = serializers.IntegerField(required=False)
    warning_count = serializers.IntegerField(required=False)
    errors = ProblemSerializer(many=True, required=False)
    warnings = ProblemSerializer(many=True, required=False)
    submission = serializers.DictField(required=False, allow_null=True)
    replayed = serializers.BooleanField(required=False)
