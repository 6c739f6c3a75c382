"""While an answer is being written Chainlit shows a Stop button, whose only answer is a hard-coded English message
("Task manually stopped.") and which has no use for a candidate: public/tremplin.css hides it, on the full page and
in the widget (whose pasted lines name that stylesheet). The real mistralai client streams from a local fake Mistral
server that pauses mid-question, so the test looks at the page while the turn runs."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, expect

from flows.session.nodes import ACCEPT
from tests.browser.support import ENGLISH_LEFTOVERS, SCREENSHOTS
from tests.browser.test_streaming_in_browser import QUESTION, SHOWN_FIRST, WAIT_MS
from tests.fakes.chat_server import FakeChatServer, Paused
from tests.live_server import live_server
from tests.test_cli import run


def _invitation_token(data_dir: Path) -> str:
    """A new invitation to the motivation interview, whose questions the model writes (`tremplin invite`)."""
    env = {"TREMPLIN_DATA_DIR": str(data_dir)}
    done = run("invite", "--rubric", "aide-soignant", "--flows", "motivation", env=env)
    assert done.returncode == 0, done.stderr
    match = re.search(r"/invitation/([A-Za-z0-9_\-.]+)", done.stdout)
    assert match is not None, done.stdout
    return match.group(1)


def _accept_and_see_the_turn_run(chat: Locator) -> None:
    """The candidate types their consent; the model then writes the first question, and pauses half-way."""
    composer = chat.locator("textarea")
    expect(chat.get_by_role("button", name=ACCEPT["label"])).to_be_visible(timeout=WAIT_MS)
    composer.fill("oui")
    composer.press("Enter")
    expect(chat.get_by_text(SHOWN_FIRST)).to_be_visible(timeout=WAIT_MS)
    assert chat.get_by_text(QUESTION).count() == 0  # still being written: the turn runs
    stop = chat.locator("#stop-button")
    expect(stop).to_be_attached()  # Chainlit put it there...
    expect(stop).to_be_hidden()  # ...and the candidate cannot see or reach it
    visible = chat.inner_text()
    for leftover in ENGLISH_LEFTOVERS:
        assert leftover not in visible, leftover


def test_no_stop_button_while_the_model_writes(
    browser: Browser, fake_mistral: FakeChatServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    resume = threading.Event()
    fake_mistral.script(*(Paused(QUESTION, pause_after=6, resume=resume) for _ in range(2)))
    data_dir, log_dir = tmp_path_factory.mktemp("stop-var"), tmp_path_factory.mktemp("stop-log")
    with live_server(
        data_dir,
        log_dir,
        seed=True,
        TREMPLIN_LLM_PROVIDER="mistral",
        TREMPLIN_MISTRAL_ENDPOINT=fake_mistral.url,
        TREMPLIN_MISTRAL_API_KEY="test-key",
    ) as base:
        full_page = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
        widget = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        try:
            page = full_page.new_page()
            page.goto(f"{base}/invitation/{_invitation_token(data_dir)}")
            _accept_and_see_the_turn_run(page.locator("body"))
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "chat-turn-running-360px.png"))

            page = widget.new_page()
            with page.expect_response(lambda response: response.url.endswith("/chat/auth/jwt")) as login:
                page.goto(f"{base}/widget-demo#invitation={_invitation_token(data_dir)}")
            assert login.value.status == 200
            page.locator("#chainlit-copilot-button").click(timeout=30_000)
            _accept_and_see_the_turn_run(page.locator("#chainlit-copilot-chat"))
            page.screenshot(path=str(SCREENSHOTS / "widget-turn-running-1280px.png"))
        finally:
            resume.set()
            full_page.close()
            widget.close()
