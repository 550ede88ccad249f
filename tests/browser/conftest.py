"""Browser tests: Python Playwright driving Debian's chromium (/usr/bin/chromium, never a browser
downloaded by `playwright install`) against pytest-django's live server, with axe-core injected on
every portal page. Skipped with a clear reason only when chromium is missing outside CI; in CI
(CI=true) scripts/test installs it, so a missing browser is a failure there."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IN_CI = os.environ.get("CI", "").lower() == "true"

# Playwright's sync API keeps an event loop in this thread; the test itself uses the ORM to set up its
# world, which Django would otherwise refuse next to a running loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} is not installed (apt-get install chromium; scripts/test does it)")
    if not AXE.exists():
        missing.append("node_modules/axe-core is missing (npm ci; scripts/test does it)")
    for item in items:
        if "tests/browser/" not in str(item.fspath).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.browser)
        if missing and not IN_CI:
            item.add_marker(pytest.mark.skip(reason="browser tests skipped: " + "; ".join(missing)))


@pytest.fixture(scope="session")
def browser():
    if IN_CI and not Path(CHROMIUM).exists():
        pytest.fail(f"CI=true but {CHROMIUM} is missing: scripts/test should have installed it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(bypass_csp=True): a phone-sized page. axe-core is injected as an inline script by
    Playwright, which our Content-Security-Policy (rightly) blocks, so the axe pages bypass CSP; the
    CSP test opens pages without the bypass."""
    contexts = []

    def make(*, bypass_csp: bool = True, javascript: bool = True, viewport=PHONE):
        context = browser.new_context(
            viewport=viewport,
            locale="da-DK",
            bypass_csp=bypass_csp,
            java_script_enabled=javascript,
            accept_downloads=True,
            base_url=live_server.url,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    # Let the last requests finish before the test's database is flushed: with SQLite in memory the
    # live server shares the test's connection.
    for c in contexts:
        for p in c.pages:
            try:
                p.wait_for_load_state("networkidle", timeout=5_000)
            except Exception:  # a page that never settles must not hide the test's own result
                pass
        c.close()


@pytest.fixture
def laptop_page(new_page):
    """laptop_page(): a caseworker's laptop-size page (1366×900), the workbench's design size."""

    def make(**kwargs):
        return new_page(viewport=LAPTOP, **kwargs)

    return make


def check_axe(page) -> None:
    """No WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
    ]
    assert not violations, f"axe on {page.url}:\n" + "\n".join(violations)


def screenshot(page, name: str) -> None:
    """A full-page screenshot at the page's size into docs/screenshots/ (the README shows them). An existing
    one is replaced only with SAMTALE_SCREENSHOTS=1, so an ordinary test run leaves the work tree
    clean; otherwise the fresh one goes to var/screenshots/ (ignored by git) for a look."""
    target = SCREENSHOTS / f"{name}.png"
    if target.exists() and os.environ.get("SAMTALE_SCREENSHOTS") != "1":
        target = ROOT / "var" / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)


def login(page, citizen) -> None:
    """The development login, as a newcomer would use it."""
    page.goto("/login/")
    page.select_option("#citizen", str(citizen.public_id))
    page.get_by_role("button", name="Log ind som borger").click()
    page.wait_for_url(re.compile(r"/borger/"))


def login_caseworker(page, caseworker) -> None:
    """The development login as a caseworker."""
    page.goto("/login/")
    page.select_option("#caseworker", caseworker.ident)
    page.get_by_role("button", name="Log ind som sagsbehandler").click()
    page.wait_for_url(re.compile(r"/sagsbehandler/"))
