"""In English the header fits at 1440 px (issue 13 item 8): the brand, every nav item, the
user's name and the language picker stand on one line, and no nav item wraps."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_homes import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEASURE = """() => {
  const nav = document.querySelector("nav.navbar");
  const parts = [...nav.querySelectorAll(".navbar-brand, #nav .nav-link, #nav .navbar-text, #nav select")];
  const line = parseFloat(getComputedStyle(nav.querySelector("#nav .nav-link")).lineHeight);
  return {
    height: nav.getBoundingClientRect().height,
    line: line,
    parts: parts.map(el => {
      const box = el.getBoundingClientRect();
      return {text: el.textContent.trim().slice(0, 40), top: box.top, bottom: box.bottom, height: box.height, left: box.left, right: box.right};
    }),
    scroll: document.documentElement.scrollWidth,
    navScroll: nav.scrollWidth,
  };
}"""


@pytest.mark.parametrize("persona", ["office_wuhan", "reporter_wuhan_kjj"])
def test_the_english_header_is_one_line_at_1440_px(
    browser, browser_context_args, seeded_live_server, persona
):
    base = str(seeded_live_server)
    page = signed_in(browser, browser_context_args, base, persona, viewport={"width": 1440, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/programmes/")
    expect(page.locator("#nav")).to_contain_text("Inbox")
    m = page.evaluate(MEASURE)
    assert m["navScroll"] <= 1440, [(p["text"], p["left"], p["right"]) for p in m["parts"]]
    centres = [(p["top"] + p["bottom"]) / 2 for p in m["parts"]]
    # one row: every item's middle within a few pixels of the others'
    assert max(centres) - min(centres) < 12, m["parts"]
    # no item wraps onto a second line of text
    for part in m["parts"]:
        if part["text"] and "select" not in part["text"]:
            assert part["height"] < 1.8 * m["line"] + 16, part
    # and the bar itself is one row high (a second row of links would double it)
    assert m["height"] < 2 * m["line"] + 40, m
