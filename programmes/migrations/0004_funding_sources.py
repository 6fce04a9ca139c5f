# Funding sources as plans print them (中央/省/市/区县/社会资本) and a rule's own source.

from django.db import migrations, models

SOURCES = [
    ("central", "中央财政资金"),
    ("provincial", "省级财政资金"),
    ("municipal", "市级财政资金"),
    ("county", "区县财政资金"),
    ("social", "社会资本"),
    ("other", "其他资金"),
]
CATEGORY_HELP = "与资金使用台账的类别一致;留空表示全部支出。“以市场化方式使用”指标记为市场化的支出。"
SOURCE_HELP = "规则只针对某一来源的资金时选择;留空表示不分来源。"


def local_to_municipal(apps, schema_editor):
    """The former single "地方财政资金" is the city's own money in every seed plan."""
    for name in ("FundingBudget", "FundingExpense", "HistoricalFundingBudget", "HistoricalFundingExpense"):
        apps.get_model("programmes", name).objects.filter(source="local").update(source="municipal")


def municipal_to_local(apps, schema_editor):
    for name in ("FundingBudget", "FundingExpense", "HistoricalFundingBudget", "HistoricalFundingExpense"):
        apps.get_model("programmes", name).objects.filter(source="municipal").update(source="local")


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0003_plan_import_draft"),
    ]

    operations = [
        migrations.AlterField(
            model_name="fundingbudget",
            name="source",
            field=models.CharField(choices=SOURCES, max_length=20, verbose_name="资金来源"),
        ),
        migrations.AlterField(
            model_name="historicalfundingbudget",
            name="source",
            field=models.CharField(choices=SOURCES, max_length=20, verbose_name="资金来源"),
        ),
        migrations.AlterField(
            model_name="fundingexpense",
            name="source",
            field=models.CharField(choices=SOURCES, default="municipal", max_length=20, verbose_name="资金来源"),
        ),
        migrations.AlterField(
            model_name="historicalfundingexpense",
            name="source",
            field=models.CharField(choices=SOURCES, default="municipal", max_length=20, verbose_name="资金来源"),
        ),
        migrations.AlterField(
            model_name="fundingrule",
            name="category",
            field=models.CharField(
                blank=True, help_text=CATEGORY_HELP, max_length=100, null=True, verbose_name="资金类别"
            ),
        ),
        migrations.AlterField(
            model_name="historicalfundingrule",
            name="category",
            field=models.CharField(
                blank=True, help_text=CATEGORY_HELP, max_length=100, null=True, verbose_name="资金类别"
            ),
        ),
        migrations.AddField(
            model_name="fundingrule",
            name="source",
            field=models.CharField(
                blank=True, choices=SOURCES, help_text=SOURCE_HELP, max_length=20, null=True, verbose_name="资金来源"
            ),
        ),
        migrations.AddField(
            model_name="historicalfundingrule",
            name="source",
            field=models.CharField(
                blank=True, choices=SOURCES, help_text=SOURCE_HELP, max_length=20, null=True, verbose_name="资金来源"
            ),
        ),
        migrations.RunPython(local_to_municipal, municipal_to_local),
    ]
