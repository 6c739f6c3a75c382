"""The candidate chat in a real browser: headless Debian Chromium driven by Playwright.

Screenshots go to var/artifacts/screenshots/ (not committed) so a person can look at them.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from app.settings import PROJECT_ROOT
from flows.quiz.nodes import INTRO
from flows.session.nodes import ACCEPT
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
ENGLISH_LEFTOVERS = ("Type your message", "New Chat", "Readme", "Built with", "Stop Task", "Login", "Toggle theme")
QUESTION = re.compile(r"Question (\d+) \(")


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
    with live_server(tmp_path_factory.mktemp("browser-var"), tmp_path_factory.mktemp("browser-log"), seed=True) as base:
        yield base


def _current_question(page: Page) -> str:
    """The number of the quiz question on screen (the last one shown)."""
    progress = page.get_by_text(QUESTION).last
    expect(progress).to_be_visible(timeout=30_000)
    match = QUESTION.search(progress.inner_text())
    assert match is not None
    return match.group(1)


def _answer_current_question(page: Page) -> None:
    buttons = page.locator("button", has_text=re.compile(r"^[A-D]\. "))
    if buttons.count() > 0:
        buttons.first.click()
    else:
        composer = page.locator("textarea")
        composer.fill("je ne sais pas")
        composer.press("Enter")


@pytest.mark.parametrize("width", [360, 1280])
def test_candidate_accepts_answers_leaves_and_resumes_at_the_same_question(
    browser: Browser, server: str, width: int
) -> None:
    context: BrowserContext = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(f"{server}/demo")  # a fresh demo invitation: the link leaves its cookie, then opens the chat
        expect(page.get_by_text("intelligence artificielle").first).to_be_visible(timeout=30_000)
        visible = page.locator("body").inner_text()
        for leftover in ENGLISH_LEFTOVERS:
            assert leftover not in visible, leftover

        page.get_by_role("button", name=ACCEPT["label"]).click()
        expect(page.get_by_text(INTRO)).to_be_visible(timeout=30_000)
        assert _current_question(page) == "1"
        _answer_current_question(page)
        expect(page.get_by_text("Question 2 (")).to_be_visible(timeout=30_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"chat-quiz-{width}px.png"))
        page.close()

        # The candidate closes the tab and comes back later: same cookie, same question, nothing asked twice.
        page = context.new_page()
        page.goto(f"{server}/chat/")
        expect(page.get_by_text("Bon retour")).to_be_visible(timeout=30_000)
        assert _current_question(page) == "2"
        page.screenshot(path=str(SCREENSHOTS / f"chat-resumed-{width}px.png"))
    finally:
        context.close()


def test_an_oversized_message_is_refused_in_french_and_the_question_stays(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(f"{server}/demo")
        expect(page.get_by_role("button", name=ACCEPT["label"])).to_be_visible(timeout=30_000)
        composer = page.locator("textarea")
        composer.fill("x" * 5_000)
        composer.press("Enter")
        expect(page.get_by_text("Votre message est trop long")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name=ACCEPT["label"]).click()  # the consent question is still answerable
        expect(page.get_by_text(INTRO)).to_be_visible(timeout=30_000)
    finally:
        context.close()


def test_a_forged_link_shows_a_french_message_and_no_chat(browser: Browser, server: str) -> None:
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        response = page.goto(f"{server}/invitation/not-a-real-token")
        assert response is not None
        assert response.status == 400
        expect(page.get_by_text("Ce lien n'est pas valide")).to_be_visible()
        assert not context.cookies()
    finally:
        context.close()
