from django.db import migrations


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.update_or_create(
        name="每日填报提醒",
        defaults={
            "task": "submissions.reminders_daily",
            "crontab": every_morning,
            "interval": None,
            "enabled": True,
            "description": "每天8点提醒尚未提交、7天内截止或已逾期的成员单位填报员(同一天不会重复提醒)。",
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="submissions.reminders_daily").delete()


class Migration(migrations.Migration):
    dependencies = [("submissions", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
