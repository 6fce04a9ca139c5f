# The plan import draft moved into the planimport app: forget it in programmes' state
# only; the table is kept and taken over by planimport (0001), so no draft is lost.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0004_funding_sources'),
        ('planimport', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PlanImportDraft')],
            database_operations=[],
        ),
    ]
