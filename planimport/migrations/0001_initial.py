# The plan import draft moved from programmes into its own app: state only, the table
# stays (renamed in 0002), so drafts already stored are kept.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('programmes', '0003_plan_import_draft'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PlanImportDraft',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('open', '待核对'), ('confirmed', '已确认'), ('discarded', '已放弃')], default='open', max_length=20, verbose_name='状态')),
                        ('filename', models.CharField(blank=True, max_length=255, verbose_name='原文文件')),
                        ('file_format', models.CharField(blank=True, max_length=10, verbose_name='文件格式')),
                        ('encoding', models.CharField(blank=True, max_length=30, verbose_name='文字编码')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='大小(字节)')),
                        ('source_text', models.TextField(verbose_name='原文(读取所得)')),
                        ('text', models.TextField(help_text='各条目的位置(span)指向这段文字。', verbose_name='规范化原文')),
                        ('review', models.JSONField(default=dict, verbose_name='识别结果')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='导入时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='修改时间')),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='确认时间')),
                        ('city', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='programmes.city', verbose_name='城市')),
                        ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='确认人')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='导入人')),
                        ('programme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='programmes.programme', verbose_name='生成的方案')),
                        ('target_programme', models.ForeignKey(blank=True, help_text='重新导入修订稿时,要更新的现有方案。', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='import_drafts', to='programmes.programme', verbose_name='修订的方案')),
                    ],
                    options={
                        'verbose_name': '方案导入草稿',
                        'verbose_name_plural': '方案导入草稿',
                        'ordering': ['-created_at', '-pk'],
                        'db_table': 'programmes_planimportdraft',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
