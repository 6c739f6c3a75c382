"""Getting into the chat, in a real browser: without an invitation, in a second browser, two tabs of the same
browser, and through the widget on a training centre's page."""

from __future__ import annotations

import functools
import http.server
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from app.invitations import sign
from app.settings import load_settings
from app.web.widget import widget_snippet
from flows.quiz.nodes import INTRO
from flows.session.nodes import ACCEPT
from tests.browser.support import ENGLISH_LEFTOVERS, SCREENSHOTS
from tests.live_server import free_port, live_server

ENGLISH_REFUSALS = (*ENGLISH_LEFTOVERS, "Unauthorized", "credentialssignin", "Sign in", "Password")
# What Chainlit's copilot shows of a failed login or request: the HTTP reason, "Error" messages, its fallbacks.
WIDGET_ENGLISH = (*ENGLISH_REFUSALS, "Forbidden", "Not Found", "Gone", "Bad Request", "Error", "No authentication")


def _new_invitation(server: str) -> str:
    response = httpx.get(f"{server}/demo", timeout=30)
    assert response.status_code == 303
    return f"{server}{response.headers['location']}"


def test_the_chat_without_an_invitation_explains_how_to_get_a_link(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    try:
        page = context.new_page()
        for path in ("/chat/", "/chat/login"):
            response = page.goto(f"{server}{path}")
            assert response is not None
            assert response.status == 401
            expect(page.get_by_role("heading", name="Il vous faut un lien d'invitation")).to_be_visible()
            expect(page.get_by_text("ouvrez le lien personnel")).to_be_visible()
            visible = page.locator("body").inner_text()
            for leftover in ENGLISH_REFUSALS:
                assert leftover not in visible, leftover
            assert page.locator("input[type=password], textarea").count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "chat-without-invitation-360px.png"))
    finally:
        context.close()


def test_a_link_works_in_two_tabs_of_its_browser_and_nowhere_else(browser: Browser, server: str) -> None:
    link = _new_invitation(server)
    first = browser.new_context(locale="fr-FR")
    second = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    try:
        tab = first.new_page()
        tab.goto(link)
        expect(tab.get_by_role("button", name=ACCEPT["label"])).to_be_visible(timeout=30_000)
        other_tab = first.new_page()
        other_tab.goto(link)
        other_tab.get_by_role("button", name=ACCEPT["label"]).click()
        expect(other_tab.get_by_text(INTRO)).to_be_visible(timeout=30_000)

        elsewhere = second.new_page()
        response = elsewhere.goto(link)
        assert response is not None
        assert response.status == 403
        expect(elsewhere.get_by_text("déjà été ouvert sur un autre appareil")).to_be_visible()
        expect(elsewhere.get_by_text("demandez un nouveau lien")).to_be_visible()
        assert "Question" not in elsewhere.locator("body").inner_text()  # nothing of the session shows
        elsewhere.screenshot(path=str(SCREENSHOTS / "link-opened-elsewhere-360px.png"))
        # Going to the chat directly does not help either: this browser has no invitation.
        assert (elsewhere.goto(f"{server}/chat/") or response).status == 401
    finally:
        first.close()
        second.close()


def test_the_widget_demo_page_embeds_the_chat_and_it_answers(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    try:
        page = context.new_page()
        # A demo candidate: the page's address carries the invitation, which the widget exchanges for a login.
        # Chainlit's copilot connects as soon as it is opened: a click before that exchange ends fails.
        with page.expect_response(lambda response: response.url.endswith("/chat/auth/jwt")) as login:
            page.goto(f"{server}/widget-demo/new")
        assert login.value.status == 200
        assert "#invitation=" in page.url
        expect(page.get_by_text("deux lignes à coller")).to_be_visible()
        page.locator("#chainlit-copilot-button").click(timeout=30_000)
        accept = page.get_by_role("button", name=ACCEPT["label"])
        expect(accept).to_be_visible(timeout=30_000)
        accept.click()
        expect(page.get_by_text(INTRO)).to_be_visible(timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "widget-demo-1280px.png"))
    finally:
        context.close()


def _expired_token() -> str:
    """A token signed like the server's (same settings), for a session that does not matter, expired a minute ago."""
    return sign(str(uuid.uuid4()), datetime.now(UTC) - timedelta(minutes=1), load_settings())


def _token_opened_elsewhere(server: str) -> str:
    link = _new_invitation(server)
    assert httpx.get(link, timeout=30).status_code == 303  # another browser opened it first: it is bound there
    return link.rsplit("/", 1)[1]


def _expect_refusal_in_the_widget(page: Page, phrase: str) -> Locator:
    """The copilot's chat shows the French refusal, and nothing else a candidate could read in English."""
    chat = page.locator("#chainlit-copilot-chat")
    expect(chat.get_by_text(phrase).first).to_be_visible(timeout=30_000)
    visible = chat.inner_text()
    for leftover in WIDGET_ENGLISH:
        assert leftover not in visible, leftover
    return chat


@pytest.mark.parametrize(
    ("case", "token", "phrase"),
    [
        ("no-invitation", lambda server: None, "ouvrez le lien personnel"),
        ("forged", lambda server: "eyJ2IjoxfQ.forged", "pas valide"),
        ("expired", lambda server: _expired_token(), "a expiré"),
        ("opened-elsewhere", _token_opened_elsewhere, "déjà été ouvert sur un autre appareil"),
    ],
)
def test_the_widget_refuses_in_french_only(
    browser: Browser, server: str, case: str, token: Callable[[str], str | None], phrase: str
) -> None:
    invitation = token(server)
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        with page.expect_response(lambda response: response.url.endswith("/chat/auth/jwt")) as login:
            page.goto(f"{server}/widget-demo" + (f"#invitation={invitation}" if invitation else ""))
        assert login.value.ok
        if invitation is None:
            expect(page.get_by_text("n'a pas reçu de lien d'invitation")).to_be_visible()
        page.locator("#chainlit-copilot-button").click(timeout=30_000)
        chat = _expect_refusal_in_the_widget(page, phrase)
        page.screenshot(path=str(SCREENSHOTS / f"widget-refused-{case}-1280px.png"))

        # Whatever the candidate types or asks, the chat only repeats why, and reaches no session.
        composer = chat.locator("textarea")
        composer.fill("Bonjour, je veux commencer")
        composer.press("Enter")
        expect(chat.get_by_text(phrase)).to_have_count(2, timeout=30_000)
        _expect_refusal_in_the_widget(page, phrase)
        assert chat.get_by_role("button", name=ACCEPT["label"]).count() == 0
        assert "Question" not in chat.inner_text()
    finally:
        context.close()


def test_a_refused_widget_does_not_take_the_place_of_the_browsers_own_chat(browser: Browser, server: str) -> None:
    link = _new_invitation(server)
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(link)
        expect(page.get_by_role("button", name=ACCEPT["label"])).to_be_visible(timeout=30_000)
        # The widget on a page without an invitation, in the same browser: refused, in French...
        page.goto(f"{server}/widget-demo")
        page.locator("#chainlit-copilot-button").click(timeout=30_000)
        _expect_refusal_in_the_widget(page, "ouvrez le lien personnel")
        # ...and the chat page still opens this browser's own session, not that refusal.
        page.goto(f"{server}/chat/")
        expect(page.get_by_role("button", name=ACCEPT["label"])).to_be_visible(timeout=30_000)
        assert page.get_by_text("ouvrez le lien personnel").count() == 0
    finally:
        context.close()


@pytest.fixture
def centre_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A training centre's static site on its own origin (a stand-in for www.centre.fr)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{site.server_address[1]}", tmp_path
    finally:
        site.shutdown()
        site.server_close()


def test_the_two_lines_work_on_a_page_of_another_origin(
    browser: Browser, centre_site: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The centre's page and Tremplin on different origins of one site (the README's sub-domain case)."""
    origin, root = centre_site
    data_dir, log_dir = tmp_path_factory.mktemp("widget-var"), tmp_path_factory.mktemp("widget-log")
    with live_server(data_dir, log_dir, seed=True, TREMPLIN_WIDGET_ORIGINS=json.dumps([origin])) as base:
        tremplin = base.replace("127.0.0.1", "localhost")
        (root / "candidature.html").write_text(
            '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body><h1>Centre de formation</h1>\n'
            f"{widget_snippet(tremplin)}\n</body></html>",
            encoding="utf-8",
        )
        token = _new_invitation(base).rsplit("/", 1)[1]
        context = browser.new_context(locale="fr-FR")
        try:
            # First the centre's page without an invitation: the widget is refused (in French)...
            before = context.new_page()
            before.goto(f"{origin}/candidature.html")
            before.locator("#chainlit-copilot-button").click(timeout=30_000)
            _expect_refusal_in_the_widget(before, "ouvrez le lien personnel")
            before.close()
            # ...which does not stick: the page with the invitation, in the same browser, opens the chat...
            page = context.new_page()
            with page.expect_response(lambda response: response.url.endswith("/chat/auth/jwt")) as login:
                page.goto(f"{origin}/candidature.html#invitation={token}")
            assert login.value.status == 200
            page.locator("#chainlit-copilot-button").click(timeout=30_000)
            accept = page.get_by_role("button", name=ACCEPT["label"])
            expect(accept).to_be_visible(timeout=30_000)
            accept.click()
            expect(page.get_by_text(INTRO)).to_be_visible(timeout=30_000)
            # ...and another page of the site, without the token, still shows the candidate's own chat.
            after = context.new_page()
            after.goto(f"{origin}/candidature.html")
            after.locator("#chainlit-copilot-button").click(timeout=30_000)
            expect(after.locator("#chainlit-copilot-chat").get_by_text("Bon retour")).to_be_visible(timeout=30_000)
            assert after.get_by_text("ouvrez le lien personnel").count() == 0
        finally:
            context.close()
