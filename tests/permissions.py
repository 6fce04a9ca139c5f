"""The permission matrix helper: URL × persona → expected status, asserted in one place."""

from django.contrib.auth import get_user_model
from django.test import Client


def status_for(persona: str, method: str, url: str, data=None) -> int:
    client = Client()
    if persona != "anonymous":
        client.force_login(get_user_model().objects.get(username=persona))
    response = getattr(client, method.lower())(url, data or {})
    return response.status_code


def assert_matrix(rows, personas):
    """rows: (method, url, {persona: expected status}); every persona of `personas` must be given.

    Collects every mismatch and reports them together, so one run shows the whole picture."""
    failures = []
    for method, url, expected in rows:
        missing = set(personas) - set(expected)
        assert not missing, f"{url}: no expectation for {sorted(missing)}"
        for persona in personas:
            got = status_for(persona, method, url)
            if got != expected[persona]:
                failures.append(f"{method} {url} as {persona}: expected {expected[persona]}, got {got}")
    assert not failures, "\n".join(failures)


# --- every URL pattern of the project, from the resolver --------------------------------------


def url_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """Every URL pattern reachable from the root URLconf, recursively: (name, route).

    `name` is namespaced (`programmes:programme_detail`); a pattern without a name is
    reported with its route instead, so it cannot slip past a table keyed by name."""
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            found.extend(url_patterns(entry, route, inner))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
            found.append((name, route))
    return found
