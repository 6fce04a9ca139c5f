"""Demo step of `load_demo_data`: compute every programme's indicators from the demo
statistics. Registered last in settings.DEMO_LOADERS, after the statistics are loaded."""

from programmes.models import Programme

from .services import indicator_recompute


def demo_indicators_recompute(*, stdout=None) -> None:
    for programme in Programme.objects.order_by("slug"):
        summary = indicator_recompute(programme=programme)
        if stdout is not None:
            statuses = "、".join(f"{k} {v}" for k, v in sorted(summary.get("statuses", {}).items()))
            stdout.write(f"指标计算 {programme.slug}: {summary['indicators']} 项({statuses})")
