"""Free text stored with each value (the 备注 a reporter types, the 区域) comes back exactly
as typed, through the bulk write an upload uses (COPY on PostgreSQL): commas, quotes, line
breaks, tabs, backslashes and the text `\\N` (COPY's NULL marker) are data, not syntax."""

from indicators.models import StatisticValue
from submissions.services import statistics_upload_import

from .conftest import codes_of, fill, template_bytes

AWKWARD = [
    'a,b "引号" 与逗号',
    "第一行\n第二行",
    "制表\t符",
    "反斜杠 \\ 与 \\N",
    "\\N",
]


def upload(round, agency, user, value, notes):
    data = template_bytes(round, agency)
    codes = codes_of(data)
    cells = {f"I{4 + i}": text for i, text in enumerate(notes)}
    data = fill(data, values={code: value for code in codes}, cells=cells)
    outcome = statistics_upload_import(round=round, agency=agency, filename="k.xlsx", data=data, user=user)
    assert outcome.accepted, [str(p) for p in outcome.errors]
    return codes, outcome


def test_notes_come_back_exactly_as_typed_first_import_and_correction(round_q1, kjj, kjj_user):
    codes, first = upload(round_q1, kjj, kjj_user, 100, AWKWARD)
    stored = StatisticValue.objects.filter(upload=first.upload, is_current=True).order_by("pk")
    assert stored.count() == len(codes)
    by_row = list(stored.values_list("note", "value", "version", "supersedes_id", "reported_by_id"))
    assert [row[0] for row in by_row[: len(AWKWARD)]] == AWKWARD
    assert all(row[0] == "" for row in by_row[len(AWKWARD) :])  # empty notes stay empty, not NULL
    assert {(row[1], row[2], row[3], row[4]) for row in by_row} == {(100, 1, None, kjj_user.pk)}

    _codes, second = upload(round_q1, kjj, kjj_user, 101, list(reversed(AWKWARD)))
    assert second.created == len(codes)
    new = list(
        StatisticValue.objects.filter(upload=second.upload)
        .order_by("pk")
        .values_list("note", "version", "supersedes_id")
    )
    old_pks = list(
        stored.model.objects.filter(upload=first.upload).order_by("pk").values_list("pk", flat=True)
    )
    assert [n for n, _v, _s in new[: len(AWKWARD)]] == list(reversed(AWKWARD))
    assert [(v, s) for _n, v, s in new] == [(2, pk) for pk in old_pks]
    assert not StatisticValue.objects.filter(upload=first.upload, is_current=True).exists()
