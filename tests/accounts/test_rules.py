"""Every named rule of accounts.permissions × every persona × an object of Wuhan and one of
Harbin: the expected answer is written out, so a rule that is not city-scoped fails.

Each row is one rule: the object kind it is checked against, then per persona two letters,
the answer for the Wuhan object and for the Harbin one (T = allowed, . = refused)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from accounts.permissions import RULE_NAMES, RULES, can

PEOPLE = [
    "anonymous",
    "office_wuhan",
    "office_harbin",
    "reporter_wuhan_kjj",
    "reporter_wuhan_gsj",
    "reporter_yichang_tjj",
    "evaluator",
    "evaluator_harbin",
    "admin",
]

#                               anon  o_wh  o_hb  kjj   gsj   yc    eval  ev_hb admin
TABLE = {
    "programme.view": ("programme", ".. T. .T T. T. .. T. .T TT"),
    "programme.create": ("city", ".. T. .T .. .. .. .. .. TT"),
    "programme.edit": ("programme", ".. T. .T .. .. .. .. .. TT"),
    "programme.import": ("city", ".. T. .T .. .. .. .. .. TT"),
    "programme.create_any": ("none", ".. TT TT .. .. .. .. .. TT"),
    "plan_import.start": ("none", ".. TT TT .. .. .. .. .. TT"),
    "plan_import.choose_city": ("none", ".. .. .. .. .. .. .. .. TT"),
    "agency.create": ("city", ".. T. .T .. .. .. .. .. TT"),
    "agency.edit": ("agency", ".. T. .T .. .. .. .. .. TT"),
    "statistic.create": ("city", ".. T. .T .. .. .. .. .. TT"),
    "statistic.edit": ("statistic", ".. T. .T .. .. .. .. .. TT"),
    "round.manage": ("programme", ".. T. .T .. .. .. .. .. TT"),
    "submission.review": ("programme", ".. T. .T .. .. .. .. .. TT"),
    "submission.fill": ("agency", ".. .. .. T. .. .. .. .. TT"),
    "submission.template": ("agency", ".. T. .T T. .. .. .. .. TT"),
    "reporting.workspace": ("none", ".. .. .. TT TT TT .. .. .."),
    "review.queue": ("none", ".. TT TT .. .. .. .. .. TT"),
    "report.generate": ("programme", ".. T. .T .. .. .. .. .. TT"),
    "report.finalise": ("programme", ".. T. .T .. .. .. .. .. TT"),
    "report.see_all": ("programme", ".. T. .T .. .. .. .. .. TT"),
    "report.see_generated": ("programme", ".. .. .. .. .. .. T. .T .."),
    "report.see_own_agency": ("programme", ".. .. .. T. T. .. .. .. .."),
    "job.view": ("job", ".. T. .T .. .. .. .. .. TT"),
    "report.request": ("programme", ".. .. .. .. .. .. T. .T .."),
    "home.office": ("none", ".. TT TT .. .. .. .. .. TT"),
    "home.province": ("none", ".. .. .. .. .. .. .. .. .."),  # no provincial persona: tests/workbench
    "home.evaluator": ("none", ".. .. .. .. .. .. TT TT .."),
    "api_token.list": ("none", ".. TT TT .. .. .. .. .. TT"),
    "api_token.manage": ("agency", ".. T. .T .. .. .. .. .. TT"),
    "api.push": (
        "agency",
        ".. .. .. .. .. .. .. .. ..",
    ),  # machine users only: tests/submissions/test_api_push
    "api.machine": ("none", ".. .. .. .. .. .. .. .. .."),
}


def _objects():
    """(Wuhan object, Harbin object) per kind."""
    from indicators.models import Statistic
    from ipcity.core.models import JobRun
    from programmes.models import Agency, Programme

    wuhan, harbin = Programme.objects.get(slug="wuhan-2017"), Programme.objects.get(slug="harbin-2016")
    users = get_user_model().objects
    kjj = users.get(username="reporter_wuhan_kjj").profile.agency
    harbin_agency = Agency.objects.filter(city=harbin.city).order_by("pk").first()

    def job(username):
        return JobRun.objects.create(kind="matrix", created_by=users.get(username=username))

    def statistic(city, code):
        return Statistic.objects.create(city=city, code=code, name=code, unit="件", aggregation="flow")

    return {
        "programme": (wuhan, harbin),
        "city": (wuhan.city, harbin.city),
        "agency": (kjj, harbin_agency),
        "statistic": (statistic(wuhan.city, "WH_RULES"), statistic(harbin.city, "HB_RULES")),
        "job": (job("office_wuhan"), job("office_harbin")),
        "none": (None, None),
    }


def test_the_table_names_every_rule():
    assert sorted(TABLE) == sorted(RULE_NAMES)
    for _kind, answers in TABLE.values():
        assert len(answers.split()) == len(PEOPLE)


@pytest.mark.django_db
def test_every_rule_for_every_persona_and_both_cities():
    objects = _objects()
    users = {p: get_user_model().objects.get(username=p) for p in PEOPLE if p != "anonymous"}
    users["anonymous"] = AnonymousUser()
    failures = []
    for name, (kind, answers) in TABLE.items():
        for person, pair in zip(PEOPLE, answers.split(), strict=True):
            for city, obj, expected in zip(("武汉", "哈尔滨"), objects[kind], pair, strict=True):
                got = can(users[person], name, obj)
                if got != (expected == "T"):
                    failures.append(
                        f"{name} for {person} on the {city} {kind}: expected {expected}, got {got}"
                    )
    assert not failures, "\n".join(failures)


def test_the_command_line_is_trusted_and_an_unknown_rule_is_an_error():
    assert can(None, "programme.edit", None) is True
    with pytest.raises(KeyError):
        can(None, "programme.fly")
    assert set(RULES) == set(RULE_NAMES)
