"""The candidate chat in a real browser: headless Debian Chromium driven by Playwright.

Screenshots go to var/artifacts/screenshots/ (not committed) so a person can look at them.
"""

from __future__ import annotations

import colorsys
import itertools
import re
import sqlite3
from typing import Literal

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from app.chat_input import MAX_MESSAGE_CHARS
from flows.quiz.nodes import INTRO
from flows.session.nodes import ACCEPT, CONSENT_REPEAT
from tests.browser.support import ENGLISH_LEFTOVERS, SCREEN_READER_TEXTS, SCREENSHOTS, Served

QUESTION = re.compile(r"Question (\d+) \(")
RTL = "مرحبا"
GREETING = "intelligence artificielle"
Theme = Literal["light", "dark"]
# The copilot runs no script of ours (public/tremplin.js is the full page's): its avatars keep this alt text.
WIDGET_SCREEN_READER_ENGLISH = "Avatar for"


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


def _in_theme(browser: Browser, theme: Theme, width: int) -> BrowserContext:
    """A browser whose candidate chose this theme: the system's, and Chainlit's own switch (its local storage)."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR", color_scheme=theme)
    context.add_init_script(f"localStorage.setItem('vite-ui-theme', '{theme}')")
    return context


def _assert_french_only(page: Page, visible: str, screen_reader_english: tuple[str, ...]) -> None:
    announced = " | ".join(page.evaluate(SCREEN_READER_TEXTS))
    for leftover in ENGLISH_LEFTOVERS:
        assert leftover not in visible, leftover
        if leftover not in screen_reader_english:
            assert leftover not in announced, (leftover, announced)


def _luminance(hsl: str) -> float:
    """The WCAG relative luminance of a Chainlit colour variable ("213 87% 33%")."""
    hue, saturation, lightness = (float(part.rstrip("%")) for part in hsl.split())
    channels = colorsys.hls_to_rgb(hue / 360, lightness / 100, saturation / 100)
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _assert_readable(inside: Locator) -> None:
    """WCAG AA for the theme's colours as the browser applies them (public/theme.json over Chainlit's)."""
    colour = inside.evaluate(
        "(node) => { const style = getComputedStyle(node); return Object.fromEntries(['--background', "
        "'--foreground', '--muted-foreground', '--primary', '--primary-foreground']"
        ".map((name) => [name, style.getPropertyValue(name).trim()])); }"
    )
    assert _contrast(colour["--foreground"], colour["--background"]) >= 4.5, colour
    assert _contrast(colour["--muted-foreground"], colour["--background"]) >= 4.5, colour  # the footer
    assert _contrast(colour["--primary-foreground"], colour["--primary"]) >= 4.5, colour  # e.g. the "S" avatar
    assert _contrast(colour["--primary"], colour["--background"]) >= 3, colour  # send button, focus ring


def test_the_chat_shows_tremplins_own_logo_and_icon(server: str) -> None:
    for path in ("/chat/logo?theme=light", "/chat/logo?theme=dark", "/chat/favicon", "/chat/avatars/tremplin"):
        response = httpx.get(f"{server}{path}", timeout=30)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "image/svg+xml", path
        assert "<title>Tremplin</title>" in response.text, path


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_full_page_chat_speaks_only_french_and_reads_well(
    browser: Browser, server: str, theme: Theme, width: int
) -> None:
    context = _in_theme(browser, theme, width)
    try:
        page = context.new_page()
        page.goto(f"{server}/demo")
        expect(page.get_by_text(GREETING).first).to_be_visible(timeout=30_000)
        expect(page.locator("html")).to_have_class(re.compile(rf"\b{theme}\b"))
        expect(page.get_by_role("img", name="Tremplin").first).to_be_visible()  # the assistant's avatar
        _assert_french_only(page, page.locator("body").inner_text(), ())
        _assert_readable(page.locator("textarea"))
        page.screenshot(path=str(SCREENSHOTS / f"chat-{theme}-{width}px.png"))
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_widget_speaks_only_french_and_reads_well(browser: Browser, server: str, theme: Theme, width: int) -> None:
    context = _in_theme(browser, theme, width)
    try:
        page = context.new_page()
        with page.expect_response(lambda response: response.url.endswith("/chat/auth/jwt")):
            page.goto(f"{server}/widget-demo/new")
        page.locator("#chainlit-copilot-button").click(timeout=30_000)
        chat = page.locator("#chainlit-copilot-chat")
        expect(chat.get_by_text(GREETING).first).to_be_visible(timeout=30_000)
        expect(chat.get_by_role("img", name="logo")).to_have_attribute("src", re.compile(rf"/logo\?theme={theme}"))
        # The display-mode menu ("Floating", "Sidebar") is there, hidden by the stylesheet the pasted lines name.
        expect(chat.locator("#display-mode-button")).to_be_attached()
        expect(chat.locator("#display-mode-button")).to_be_hidden()
        _assert_french_only(page, chat.inner_text(), (WIDGET_SCREEN_READER_ENGLISH,))
        _assert_readable(chat.locator("textarea"))
        page.screenshot(path=str(SCREENSHOTS / f"widget-{theme}-{width}px.png"))
    finally:
        context.close()
