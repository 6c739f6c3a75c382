"""The candidate chat in a real browser: headless Debian Chromium driven by Playwright.

Screenshots go to var/artifacts/screenshots/ (not committed) so a person can look at them.
"""

from __future__ import annotations

import itertools
import re
import sqlite3

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app.chat_input import MAX_MESSAGE_CHARS
from flows.quiz.nodes import INTRO
from flows.session.nodes import ACCEPT, CONSENT_REPEAT
from tests.browser.support import ENGLISH_LEFTOVERS, SCREENSHOTS, Served

QUESTION = re.compile(r"Question (\d+) \(")
RTL = "مرحبا"


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


def test_bad_input_gets_a_sensible_answer_and_never_corrupts_the_session(browser: Browser, served: Served) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(f"{served.base}/demo")
        expect(page.get_by_role("button", name=ACCEPT["label"])).to_be_visible(timeout=30_000)
        composer = page.locator("textarea")
        composer.fill("   \n\t  ")
        composer.press("Enter")  # Chainlit does not even send it; had it, the server would say it is empty
        composer.fill("x" * 100_000)
        composer.press("Enter")
        expect(page.get_by_text(f"maximum {MAX_MESSAGE_CHARS} caractères")).to_be_visible(timeout=30_000)
        composer.fill("😀 نعم")
        composer.press("Enter")
        expect(page.get_by_text(CONSENT_REPEAT)).to_be_visible(timeout=30_000)
        # The consent question comes again with its buttons; Chainlit takes new messages once the turn is over.
        expect(page.get_by_role("button", name=ACCEPT["label"])).to_be_visible(timeout=30_000)
        expect(page.locator("#stop-button")).to_have_count(0, timeout=30_000)
        composer.fill("oui\u0007\u0000\u001b")  # control characters are dropped: "oui" accepts
        composer.press("Enter")
        expect(page.get_by_text(INTRO)).to_be_visible(timeout=30_000)
        # Sends as fast as the candidate can type: while a turn runs Chainlit keeps the text in the box, and
        # whatever is sent answers one question once (checked in the database below).
        for _ in range(4):
            composer.fill(f"je ne sais pas 👩‍⚕️ {RTL}")
            composer.press("Enter")
        expect(page.get_by_text("Question 2 (")).to_be_visible(timeout=60_000)
        page.screenshot(path=str(SCREENSHOTS / "chat-bad-input-360px.png"))
    finally:
        context.close()

    with sqlite3.connect(served.data_dir / "tremplin.db") as db:
        session_id = db.execute(
            "SELECT session_id FROM message WHERE content_scrubbed LIKE ? LIMIT 1", ("%👩‍⚕️%",)
        ).fetchone()[0]
        turns = db.execute(
            "SELECT role, content_scrubbed FROM message WHERE session_id = ? ORDER BY seq", (session_id,)
        ).fetchall()
        audit = "".join(row[0] for row in db.execute("SELECT CAST(payload AS TEXT) FROM audit_event"))
    candidate = [content for role, content in turns if role == "candidate"]
    assert candidate[0] == ACCEPT["label"]
    assert f"je ne sais pas 👩‍⚕️ {RTL}" in candidate  # emoji and right-to-left text kept intact
    assert all(len(content) <= MAX_MESSAGE_CHARS for _, content in turns)  # nothing of the paste was stored
    assert not any(ch in content for _, content in turns for ch in "\x00\x07\x1b")
    assert "x" * 100 not in audit
    assert "x" * 100 not in (served.data_dir / "checkpoints.sqlite").read_bytes().decode("latin-1")
    roles = [role for role, _ in turns]
    assert all(not (a == b == "candidate") for a, b in itertools.pairwise(roles))  # never two answers in a row
