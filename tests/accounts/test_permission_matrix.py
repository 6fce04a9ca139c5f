"""Every URL pattern of the project × every persona × GET and POST → the status a user sees.

The patterns come from the resolver, so a new URL without a row in EXPECTED fails
`test_every_url_pattern_has_an_expectation`. The statuses are written out by hand, per URL
name (never computed by calling the code under test). A refused request (login redirect,
403, 404, 405) must not write a single row: every INSERT/UPDATE/DELETE it issues is caught.

Reading the table: anonymous users are sent to the login page (302; the API answers 403);
outside a user's city or programmes is 404 ("does not exist for you"); a read-only user's
write is 403; a reporter sees only its own agency's items (another agency's are 404)."""

import copy
import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from tests.conftest import PERSONAS
from tests.permissions import url_patterns

from .matrix_world import build_world

# Persona order of every row: S(anonymous, office_wuhan, office_harbin, kjj, gsj, yichang, evaluator, evaluator_harbin)
ORDER = [
    "anonymous",
    "office_wuhan",
    "office_harbin",
    "reporter_wuhan_kjj",
    "reporter_wuhan_gsj",
    "reporter_yichang_tjj",
    "evaluator",
    "evaluator_harbin",
]
assert sorted(ORDER) == sorted(PERSONAS)


def S(*statuses):
    assert len(statuses) == len(ORDER)
    return dict(zip(ORDER, statuses, strict=True))


L = 302  # anonymous → the login page
#                  anon off_wh off_hb kjj  gsj  yc   eval eval_hb
EVERYONE = S(L, 200, 200, 200, 200, 200, 200, 200)  # any logged-in user (scoped inside)
WUHAN_READ = S(L, 200, 404, 200, 200, 404, 200, 404)  # a page of wuhan-2017
WUHAN_WRITE = S(L, 200, 404, 403, 403, 404, 403, 404)  # office_wuhan's form; read-only 403
WUHAN_DONE = S(L, 302, 404, 403, 403, 404, 403, 404)  # office_wuhan's action → redirect
KJJ_READ = S(L, 200, 404, 200, 404, 404, 200, 404)  # 市科技局's items: gsj does not see them
KJJ_WRITE = S(L, 403, 404, 200, 404, 404, 403, 404)  # only 市科技局's reporter writes them
OFFICES = S(L, 200, 200, 403, 403, 403, 403, 403)  # office staff of any city (own city inside)
ONLY_OFFICE_WUHAN = S(L, 200, 404, 404, 404, 404, 404, 404)  # its own background run
NOT_ALLOWED = S(L, 405, 405, 405, 405, 405, 405, 405)  # wrong method (anonymous: login first)
API_EVERYONE = S(403, 200, 200, 200, 200, 200, 200, 200)
API_WUHAN = S(403, 200, 404, 200, 200, 404, 200, 404)
API_KJJ = S(403, 200, 404, 200, 404, 404, 200, 404)
API_READ_ONLY = S(403, 405, 405, 405, 405, 405, 405, 405)
IMPORT_DRAFT = S(L, 200, 404, 403, 403, 403, 403, 403)  # a Wuhan plan draft: importer pages


def GP(get, post):
    return {"GET": get, "POST": post}


EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    "home": GP(S(L, 302, 302, 302, 302, 302, 302, 302), S(L, 302, 302, 302, 302, 302, 302, 302)),
    "login": GP(S(200, 200, 200, 200, 200, 200, 200, 200), S(200, 200, 200, 200, 200, 200, 200, 200)),
    "logout": GP(S(405, 405, 405, 405, 405, 405, 405, 405), S(302, 302, 302, 302, 302, 302, 302, 302)),
    "set_language": GP(S(302, 302, 302, 302, 302, 302, 302, 302), S(302, 302, 302, 302, 302, 302, 302, 302)),
    "job_status": GP(ONLY_OFFICE_WUHAN, ONLY_OFFICE_WUHAN),
    # programmes
    "programmes:programme_list": GP(EVERYONE, EVERYONE),
    "programmes:programme_create": GP(OFFICES, OFFICES),
    "programmes:programme_detail": GP(WUHAN_READ, WUHAN_READ),
    "programmes:programme_indicators": GP(WUHAN_READ, WUHAN_READ),
    "programmes:programme_tasks": GP(WUHAN_READ, WUHAN_READ),
    "programmes:programme_matrix": GP(WUHAN_READ, WUHAN_READ),
    "programmes:programme_funding": GP(WUHAN_READ, WUHAN_READ),
    "programmes:programme_edit": GP(WUHAN_WRITE, WUHAN_WRITE),
    "programmes:plan_object_add": GP(WUHAN_WRITE, WUHAN_WRITE),
    "programmes:plan_object_edit": GP(WUHAN_WRITE, WUHAN_WRITE),
    "programmes:plan_object_delete": GP(WUHAN_WRITE, WUHAN_DONE),
    "programmes:plan_object_archive": GP(NOT_ALLOWED, WUHAN_DONE),
    "programmes:agency_list": GP(EVERYONE, EVERYONE),
    "programmes:agency_add": GP(OFFICES, OFFICES),
    "programmes:agency_detail": GP(KJJ_READ, KJJ_READ),
    "programmes:agency_edit": GP(
        S(L, 200, 404, 403, 404, 404, 403, 404), S(L, 200, 404, 403, 404, 404, 403, 404)
    ),
    # 市科技局 has reported data: deleting it is refused with 409 (archive it instead)
    "programmes:agency_delete": GP(
        S(L, 200, 404, 403, 404, 404, 403, 404), S(L, 409, 404, 403, 404, 404, 403, 404)
    ),
    "programmes:agency_archive": GP(NOT_ALLOWED, S(L, 302, 404, 403, 404, 404, 403, 404)),
    # plan import (office staff only; a draft of another city is 404)
    "planimport:start": GP(OFFICES, OFFICES),
    "planimport:review": GP(IMPORT_DRAFT, IMPORT_DRAFT),
    "planimport:confirm": GP(NOT_ALLOWED, S(L, 302, 404, 403, 403, 403, 403, 403)),
    "planimport:discard": GP(NOT_ALLOWED, S(L, 302, 404, 403, 403, 403, 403, 403)),
    "planimport:item_add": GP(IMPORT_DRAFT, IMPORT_DRAFT),
    "planimport:item_edit": GP(IMPORT_DRAFT, IMPORT_DRAFT),
    "planimport:item_delete": GP(NOT_ALLOWED, S(L, 302, 404, 403, 403, 403, 403, 403)),
    "planimport:programme_reimport": GP(WUHAN_WRITE, WUHAN_WRITE),
    # tasks and indicators
    "tasks:task_detail": GP(WUHAN_READ, WUHAN_READ),
    "indicators:programme_recompute": GP(NOT_ALLOWED, WUHAN_DONE),
    "indicators:recompute_status": GP(ONLY_OFFICE_WUHAN, ONLY_OFFICE_WUHAN),
    "indicators:indicator_detail": GP(WUHAN_READ, WUHAN_READ),
    "indicators:value_inputs": GP(WUHAN_READ, WUHAN_READ),
    "indicators:milestone_record": GP(NOT_ALLOWED, S(L, 400, 404, 403, 403, 404, 403, 404)),
    "indicators:milestone_evidence": GP(WUHAN_READ, WUHAN_READ),
    "indicators:upload_download": GP(KJJ_READ, KJJ_READ),
    # validation rules: everyone of the programme reads them; the office edits (POST on the
    # list adds the missing defaults)
    "indicators:validation_rule_list": GP(WUHAN_READ, WUHAN_DONE),
    "indicators:validation_rule_add": GP(WUHAN_WRITE, WUHAN_WRITE),
    "indicators:validation_rule_edit": GP(WUHAN_WRITE, WUHAN_WRITE),
    "indicators:validation_rule_active": GP(NOT_ALLOWED, WUHAN_DONE),
    # reports
    "reports:report_index": GP(EVERYONE, S(L, 405, 405, 405, 405, 405, 405, 405)),
    "reports:report_list": GP(WUHAN_READ, NOT_ALLOWED),
    "reports:report_new": GP(NOT_ALLOWED, S(L, 400, 404, 403, 403, 404, 403, 404)),
    # an acceptance report with a version: office and the assigned evaluator; not reporters
    "reports:report_detail": GP(S(L, 200, 404, 404, 404, 404, 200, 404), NOT_ALLOWED),
    "reports:report_edit": GP(NOT_ALLOWED, S(L, 302, 404, 404, 404, 404, 403, 404)),
    "reports:report_generate": GP(NOT_ALLOWED, S(L, 302, 404, 404, 404, 404, 403, 404)),
    # 定稿: GET is the confirmation page; a POST without confirm=1 goes back to it (302)
    "reports:report_finalise": GP(
        S(L, 200, 404, 404, 404, 404, 403, 404), S(L, 302, 404, 404, 404, 404, 403, 404)
    ),
    "reports:version_download": GP(S(L, 200, 404, 404, 404, 404, 200, 404), NOT_ALLOWED),
    # reporting
    "submissions:statistic_list": GP(EVERYONE, EVERYONE),
    "submissions:statistic_add": GP(OFFICES, OFFICES),
    "submissions:statistic_edit": GP(WUHAN_WRITE, WUHAN_WRITE),  # a statistic Wuhan defined
    "submissions:owner_list": GP(WUHAN_READ, WUHAN_WRITE),
    # 市科技局's assignment: its reporter sees it (403 to remove it), 市工商局's does not (404)
    "submissions:owner_delete": GP(NOT_ALLOWED, S(L, 302, 404, 403, 404, 404, 403, 404)),
    "submissions:round_list": GP(WUHAN_READ, WUHAN_WRITE),
    "submissions:reporting_rates": GP(WUHAN_READ, WUHAN_READ),
    "submissions:round_detail": GP(WUHAN_READ, WUHAN_READ),
    "submissions:round_action": GP(NOT_ALLOWED, WUHAN_DONE),
    "submissions:agency_round": GP(KJJ_READ, KJJ_READ),
    "submissions:statistics_form": GP(KJJ_READ, KJJ_WRITE),
    "submissions:template_download": GP(KJJ_READ, KJJ_READ),
    "submissions:statistics_upload": GP(KJJ_WRITE, KJJ_WRITE),
    "submissions:task_report_form": GP(KJJ_READ, KJJ_WRITE),
    "submissions:workspace": GP(
        S(L, 302, 302, 200, 200, 200, 403, 403), S(L, 302, 302, 200, 200, 200, 403, 403)
    ),
    "submissions:upload_marked": GP(
        S(L, 404, 404, 404, 404, 404, 404, 404), S(L, 404, 404, 404, 404, 404, 404, 404)
    ),
    "submissions:upload_confirm": GP(NOT_ALLOWED, S(L, 302, 302, 302, 302, 302, 302, 302)),
    # a big upload's background check: only its uploader (市科技局's reporter) sees it
    "submissions:upload_job": GP(S(L, 404, 404, 200, 404, 404, 404, 404), NOT_ALLOWED),
    "submissions:submission_detail": GP(KJJ_READ, KJJ_READ),
    "submissions:submission_action": GP(NOT_ALLOWED, S(L, 302, 404, 403, 404, 404, 403, 404)),
    "submissions:review_queue": GP(OFFICES, S(L, 302, 302, 403, 403, 403, 403, 403)),
    "submissions:notification_list": GP(EVERYONE, S(L, 302, 302, 302, 302, 302, 302, 302)),
    "submissions:notification_open": GP(NOT_ALLOWED, S(L, 404, 404, 302, 404, 404, 404, 404)),
    "submissions:evidence_download": GP(KJJ_READ, KJJ_READ),
    "submissions:upload_download": GP(KJJ_READ, KJJ_READ),
    # the API (read-only; anonymous is 403 so browsers get no Basic-auth prompt)
    "programme-list": GP(API_EVERYONE, API_READ_ONLY),
    "programme-detail": GP(API_WUHAN, API_READ_ONLY),
    "programme-export": GP(API_WUHAN, API_READ_ONLY),
    "programme-funding": GP(API_WUHAN, API_READ_ONLY),
    "programme-indicators": GP(API_WUHAN, API_READ_ONLY),
    "programme-phases": GP(API_WUHAN, API_READ_ONLY),
    "programme-tasks": GP(API_WUHAN, API_READ_ONLY),
    "agency-list": GP(API_EVERYONE, API_READ_ONLY),
    "agency-detail": GP(API_KJJ, API_READ_ONLY),
    "api-root": GP(API_EVERYONE, API_READ_ONLY),
    "api-schema": GP(API_EVERYONE, API_READ_ONLY),
    "api-docs": GP(API_EVERYONE, API_READ_ONLY),
    # the write API: token holders only (anonymous 401: the token scheme asks for a key)
    "api-statistic-values": GP(
        S(401, 403, 403, 403, 403, 403, 403, 403), S(401, 403, 403, 403, 403, 403, 403, 403)
    ),
    # the homes (工作台)
    "workbench:office": GP(OFFICES, NOT_ALLOWED),
    "workbench:reporter": GP(S(L, 403, 403, 200, 200, 200, 403, 403), NOT_ALLOWED),
    # without the confirmation nothing is submitted: back to the home (another city's round: 404)
    "workbench:submit_all": GP(NOT_ALLOWED, S(L, 403, 404, 302, 302, 404, 403, 404)),
    "workbench:evaluator": GP(S(L, 403, 403, 403, 403, 403, 200, 200), NOT_ALLOWED),
    "workbench:report_request": GP(NOT_ALLOWED, S(L, 403, 404, 403, 403, 404, 302, 404)),
    "workbench:province": GP(S(L, 403, 403, 403, 403, 403, 403, 403), NOT_ALLOWED),
    "workbench:api_tokens": GP(OFFICES, OFFICES),  # POST without an agency: the form again, nothing issued
    # 市科技局's token: outside what a user sees (another city, another agency) 404, seen but not theirs 403
    "workbench:api_token_revoke": GP(NOT_ALLOWED, S(L, 302, 404, 403, 404, 404, 403, 404)),
}

# The admin is for staff, and no persona is staff: every admin page sends everyone to the
# admin's login, except that login page itself.
ADMIN_TO_LOGIN = S(302, 302, 302, 302, 302, 302, 302, 302)
ADMIN_EXPECTED = {
    "admin:login": GP(S(200, 200, 200, 200, 200, 200, 200, 200), S(200, 200, 200, 200, 200, 200, 200, 200)),
}
ADMIN_DEFAULT = GP(ADMIN_TO_LOGIN, ADMIN_TO_LOGIN)

WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
# A logged-in request may refresh its session; django-axes logs logins and logouts. Neither is
# data a refused user could change.
IGNORED_TABLES = ('"django_session"', '"axes_')


def _writes(queries):
    return [
        q["sql"][:160]
        for q in queries
        if WRITE_SQL.match(q["sql"]) and not any(t in q["sql"] for t in IGNORED_TABLES)
    ]


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(
        (resolve_url(settings.LOGIN_URL), "/admin/login/")
    )


@pytest.fixture(scope="session")
def persona_clients(django_db_setup, django_db_blocker):
    """One logged-in client per persona for the whole run (the session rows are committed
    once; every request below runs in a transaction that is rolled back)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients = {}
    with django_db_blocker.unblock():
        for persona in PERSONAS:
            client = Client()
            if persona != "anonymous":
                client.force_login(get_user_model().objects.get(username=persona))
            clients[persona] = client
    return clients


def _request(client, method: str, url: str):
    """One request whose database effects are rolled back, and the writes it issued."""
    cookies = copy.deepcopy(client.cookies)
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        response = client.generic(method, url) if method != "POST" else client.post(url, {})
        transaction.set_rollback(True)
    client.cookies = cookies  # a logout or language switch must not leak into the next row
    return response, _writes(captured.captured_queries)


def _sample_path(route: str) -> str:
    """A concrete path for a pattern the table does not name one by one (the admin's)."""
    path = re.sub(r"\(\?P<url>\.\*\)", "no-such-page/", route)
    path = re.sub(r"\(\?P<\w+>(\w+)(?:\|\w+)*\)", r"\1", path)
    path = re.sub(r"<(?:\w+:)?\w+>", "1", path)
    path = path.replace("([^/]+)", "1")
    return "/" + re.sub(r"[\^$]|\\Z", "", path)


def _url(name: str, route: str, kwargs: dict) -> str:
    if "drf_format_suffix" in route:  # the API root's `.json` variant (its converter won't reverse)
        return reverse(name, kwargs=kwargs) + ".json"
    if "format" in route:
        kwargs = {**kwargs, "format": "json"}
    return reverse(name, kwargs=kwargs)


def _is_admin(route: str) -> bool:
    return route.startswith("admin/")


def _run(persona_clients, patterns, url_of, expected_of):
    failures, count = [], 0
    for name, route in patterns:
        url = url_of(name, route)
        match = resolve(url)
        if match.route.replace("^", "") != route.replace("^", ""):
            failures.append(f"{url} (for {name}) is answered by {match.view_name} ({match.route}): shadowed")
            continue
        for method, expected in expected_of(name).items():
            for persona in ORDER:
                response, writes = _request(persona_clients[persona], method, url)
                count += 1
                if response.status_code != expected[persona]:
                    failures.append(
                        f"{method} {url} [{name}] as {persona}: expected {expected[persona]}, got {response.status_code}"
                    )
                if writes and (method == "GET" or _refused(response)):
                    failures.append(
                        f"{method} {url} [{name}] as {persona} ({response.status_code}) wrote: {writes}"
                    )
    return failures, count


def test_every_url_pattern_has_an_expectation():
    """A new URL fails here until its row is written (and build_world gives its kwargs)."""
    from .matrix_world import build_world as _  # noqa: F401 (the kwargs map is checked in the matrix)

    names = {name for name, route in url_patterns() if not _is_admin(route)}
    assert sorted(names - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - names) == [], "rows for URLs that no longer exist"
    for rows in EXPECTED.values():
        assert set(rows) == {"GET", "POST"}


@pytest.mark.django_db
def test_every_page_for_every_persona(persona_clients):
    kwargs = build_world()
    patterns = [(n, r) for n, r in url_patterns() if not _is_admin(r)]
    missing = sorted({n for n, _r in patterns} - set(kwargs))
    assert not missing, f"build_world gives no kwargs for {missing}"
    failures, count = _run(
        persona_clients,
        patterns,
        lambda name, route: _url(name, route, kwargs[name]),
        lambda name: EXPECTED[name],
    )
    print(f"permission matrix: {len(patterns)} URL patterns, {count} URL × persona × method requests")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_every_admin_page_for_every_persona(persona_clients):
    patterns = [(n, r) for n, r in url_patterns() if _is_admin(r)]
    failures, count = _run(
        persona_clients,
        patterns,
        lambda name, route: _sample_path(route),
        lambda name: ADMIN_EXPECTED.get(name, ADMIN_DEFAULT),
    )
    print(f"admin matrix: {len(patterns)} URL patterns, {count} URL × persona × method requests")
    assert not failures, "\n".join(failures)
