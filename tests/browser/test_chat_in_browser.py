"""The candidate chat in a real browser: headless Debian Chromium driven by Playwright.

Screenshots go to var/artifacts/screenshots/ (not committed) so a person can look at them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.settings import PROJECT_ROOT
from tests.live_server import live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "var" / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chainlit's English strings that would betray a missing translation in the candidate's view.
ENGLISH_LEFTOVERS = ("Type your message", "New Chat", "Readme", "Built with", "Settings", "Stop Task")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and missing at {CHROMIUM} (.ci/run installs it)")
        pytest.skip("real-browser tests need Debian's chromium (apt-get install chromium); .ci/run installs it")
    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh, empty profile directory of its own.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("browser-var"), tmp_path_factory.mktemp("browser-log")) as base:
        yield base


def _open_chat(browser: Browser, server: str, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 800}, locale="fr-FR")
    page.goto(f"{server}/chat/")
    expect(page.get_by_text("Bonjour et bienvenue sur")).to_be_visible(timeout=30_000)
    return page


@pytest.mark.parametrize("width", [360, 1280])
def test_candidate_is_greeted_and_answered_in_french(browser: Browser, server: str, width: int) -> None:
    page = _open_chat(browser, server, width)
    try:
        composer = page.locator("textarea")
        expect(composer).to_have_attribute("placeholder", "Tapez votre message ici...")
        composer.fill("Combien de temps dure l'évaluation ?")
        composer.press("Enter")
        expect(page.get_by_text("Dans cette version de démonstration")).to_be_visible(timeout=30_000)
        expect(page.locator("#chat-submit")).to_be_visible()  # the turn is over: the stop button is gone

        visible_text = page.locator("body").inner_text()
        assert "intelligence artificielle" in visible_text
        for leftover in ENGLISH_LEFTOVERS:
            assert leftover not in visible_text, leftover
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"chat-{width}px.png"), full_page=True)
    finally:
        page.close()


def test_empty_and_oversized_messages_get_a_french_explanation(browser: Browser, server: str) -> None:
    page = _open_chat(browser, server, 360)
    try:
        composer = page.locator("textarea")
        composer.fill("x" * 5_000)
        composer.press("Enter")
        expect(page.get_by_text("Votre message est trop long")).to_be_visible(timeout=30_000)
    finally:
        page.close()
