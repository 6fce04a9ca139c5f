"""One rounding rule for a percentage wherever it is printed: the engine's reasons (the
report's notes) and the report's tables must not say 96.2 % and 96.3 % of one figure."""

from decimal import Decimal

from indicators.progress_types import pct as engine_pct
from ipcity.core.text import percent
from reports.rendering.format import pct as report_pct


def test_a_half_is_rounded_up_in_the_engine_and_the_report_alike():
    completion = 77 / 80  # Harbin's 77 of 80 enterprises: 96.25 %
    assert engine_pct(completion) == "96.3%"  # Python's own format gives "96.2%"
    assert report_pct(Decimal(77) / Decimal(80) * 100) == "96.3%"
    assert percent(96.25) == percent(Decimal("96.25")) == "96.3%"
    assert percent(0.1 + 0.2, places=2) == "0.30%"  # no binary noise (0.30000000000000004)
    assert percent(-2.05) == "-2.1%"
    assert engine_pct(None) == "—" and report_pct(None) == "无数据"
