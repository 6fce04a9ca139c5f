"""Browser tests: Debian's Chromium driven by Playwright, no browser download."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # An English browser must still get the Chinese UI; zh-CN is what clerks use.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1400, "height": 900}}


@pytest.fixture
def seeded_live_server(live_server, transactional_db):
    """Transactional tests start from an empty database: load the seed world again."""
    from tests.conftest import load_seed_world

    load_seed_world()
    return live_server


@pytest.fixture
def log_in(page, seeded_live_server):
    def _log_in(username: str, password: str = "demo12345"):
        page.goto(f"{seeded_live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return _log_in
