"""Screenshots of the main pages for the README, taken in Debian's headless Chromium.

Usage: with the portal running (`make run`), `.venv/bin/python scripts/screenshots.py [BASE_URL]`.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# (persona, path, file name, full page?)
SHOTS = [
    ("office_wuhan", "/programmes/", "programme-list.png", False),
    ("office_wuhan", "/programmes/wuhan-2017/", "programme-overview.png", False),
    ("office_wuhan", "/programmes/wuhan-2017/matrix/", "agency-task-matrix.png", False),
    ("office_wuhan", "/programmes/wuhan-2017/indicators/", "indicators.png", False),
    ("office_wuhan", "/programmes/wuhan-2017/tasks/", "tasks.png", False),
    ("office_yichang", "/programmes/yichang-2020/funding/", "funding.png", False),
]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        current = None
        page = None
        for persona, path, name, full in SHOTS + [tuple(s) for s in EXTRA_SHOTS]:
            if persona != current:
                context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
                page = context.new_page()
                page.goto(f"{BASE}/login/")
                page.fill("#id_username", persona)
                page.fill("#id_password", "demo12345")
                page.click("button[type=submit]")
                current = persona
            target, _, click = path.partition(" >> ")
            response = page.goto(f"{BASE}{target}")
            if click:  # open the first link matching a CSS selector (ids differ between databases)
                page.locator(click).first.click()
                page.wait_for_load_state()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / name), full_page=full)
            print(f"{response.status} {page.url} -> docs/screenshots/{name}")
        browser.close()


# Pages of later rooms (reporting, indicator engine, reports) are appended here.
EXTRA_SHOTS: list = [
    ("reporter_wuhan_kjj", "/reporting/", "reporter-workspace.png", False),
    ("office_wuhan", "/review/", "review-queue.png", False),
    (
        "office_wuhan",
        "/programmes/wuhan-2017/rounds/ >> table a[href*='/rounds/20']",
        "completeness-board.png",
        False,
    ),
    (
        "office_wuhan",
        "/programmes/wuhan-2017/indicators/ >> table a[href*='/indicators/']",
        "indicator-detail.png",
        True,
    ),
    ("evaluator", "/reports/", "evaluator-reports.png", False),
    # the homes (工作台, issue 13)
    ("office_wuhan", "/workbench/", "home-office.png", True),
    ("reporter_wuhan_kjj", "/workbench/reporter/", "home-reporter.png", False),
    ("evaluator", "/workbench/evaluator/", "home-evaluator.png", False),
]

if __name__ == "__main__":
    main()
