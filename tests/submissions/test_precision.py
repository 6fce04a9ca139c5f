"""Values keep the precision the statistic declares (4 decimal places): more is never
rounded silently — an upload row says so in a warning, a form entry is refused."""

from decimal import Decimal

import pytest

from indicators.models import StatisticValue
from submissions.ingest import number_of, rounding_note
from submissions.services import statistics_upload_import

from .conftest import codes_of, template_bytes

pytestmark = pytest.mark.django_db


def test_more_than_four_decimals_is_said():
    number, why = number_of("1.23456789")
    assert (number, why) == (Decimal("1.2346"), "")
    assert rounding_note("1.23456789", number) == "“1.23456789”超过4位小数,按 1.2346 保存"
    assert rounding_note("1.2346", Decimal("1.2346")) == ""
    assert rounding_note(12, Decimal(12)) == ""
    assert rounding_note(0.30000000000000004, number_of(0.30000000000000004)[0]).endswith("按 0.3000 保存")


def test_an_upload_with_too_many_decimals_is_stored_rounded_and_warns(round_q1, kjj, kjj_user):
    codes = codes_of(template_bytes(round_q1, kjj))
    rows = [f"{c},,全市,{'1.23456789' if i == 0 else '12'},说明" for i, c in enumerate(codes)]
    text = "代码,统计数据项,区域,本季度数值,备注\n" + "\n".join(rows)
    args = {
        "round": round_q1,
        "agency": kjj,
        "filename": "kjj.csv",
        "data": text.encode("utf-8"),
        "user": kjj_user,
    }
    first = statistics_upload_import(**args)
    # the reporter is told before anything is written
    assert first.status == "needs_confirmation" and not first.accepted
    assert any("“1.23456789”超过4位小数,按 1.2346 保存" in str(w.message) for w in first.warnings)
    assert not StatisticValue.objects.filter(agency=kjj, year=2020, quarter=1).exists()
    confirmed = statistics_upload_import(**args, confirm_warnings=True)
    assert confirmed.accepted, confirmed.errors[:2]
    stored = StatisticValue.objects.get(
        agency=kjj, statistic__code=codes[0], year=2020, quarter=1, is_current=True
    )
    assert stored.value == Decimal("1.2346")
