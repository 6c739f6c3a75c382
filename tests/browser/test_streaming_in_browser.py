"""A question the model writes reaches the candidate as it is written: the real mistralai client streams from a
local fake Mistral server, which pauses mid-question so the test can look at the page at that moment."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import Browser, expect

from flows.interviewing import SIMPLER, SKIP
from flows.motivation.nodes import INTRO as MOTIVATION_INTRO
from flows.session.nodes import ACCEPT, REFUSE
from tests.browser.support import SCREENSHOTS
from tests.fakes.chat_server import FakeChatServer, Paused
from tests.live_server import live_server
from tests.test_cli import run

QUESTION = "Qu'est-ce qui vous donne envie de travailler auprès des patients, chaque jour, dans ce métier ?"
SHOWN_FIRST = "Qu'est-ce qui vous donne envie"  # the words sent before the pause, less the last (maybe unfinished)
WAIT_MS = 60_000


def test_the_model_question_streams_then_gets_its_buttons(
    browser: Browser, fake_mistral: FakeChatServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    resume = threading.Event()
    fake_mistral.script(Paused(QUESTION, pause_after=6, resume=resume))
    env = {
        "TREMPLIN_LLM_PROVIDER": "mistral",
        "TREMPLIN_MISTRAL_ENDPOINT": fake_mistral.url,
        "TREMPLIN_MISTRAL_API_KEY": "test-key",
    }
    data_dir, log_dir = tmp_path_factory.mktemp("stream-var"), tmp_path_factory.mktemp("stream-log")
    with live_server(data_dir, log_dir, seed=True, **env) as base:
        done = run(
            "invite",
            "--rubric",
            "aide-soignant",
            "--flows",
            "motivation",
            env={"TREMPLIN_DATA_DIR": str(data_dir), **env},
        )
        assert done.returncode == 0, done.stderr
        match = re.search(r"/invitation/[A-Za-z0-9_\-.]+", done.stdout)
        assert match is not None, done.stdout
        context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
        try:
            page = context.new_page()
            page.goto(base + match.group(0))
            page.get_by_role("button", name=ACCEPT["label"]).click()
            # Mid-stream: the introduction, then the first words of the question, not yet its buttons.
            expect(page.get_by_text(SHOWN_FIRST)).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_text(MOTIVATION_INTRO)).to_be_visible()
            # The consent is answered: its other button is gone too.
            expect(page.get_by_role("button", name=REFUSE["label"])).to_have_count(0)
            assert page.get_by_text(QUESTION).count() == 0
            assert page.get_by_role("button", name=SKIP["label"]).count() == 0
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.get_by_text(SHOWN_FIRST).scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / "chat-question-streaming-360px.png"))
            resume.set()
            # The same message is completed: the whole question, its progress line and its buttons, shown once.
            expect(page.get_by_text(QUESTION)).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_role("button", name=SKIP["label"])).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_role("button", name=SIMPLER["label"])).to_be_visible()
            expect(page.get_by_text("Question 1 sur 4")).to_have_count(1)
            expect(page.get_by_text(SHOWN_FIRST)).to_have_count(1)
            intro_box = page.get_by_text(MOTIVATION_INTRO).bounding_box()
            question_box = page.get_by_text(QUESTION).bounding_box()
            assert intro_box is not None
            assert question_box is not None
            assert intro_box["y"] < question_box["y"]
            page.get_by_role("button", name=SIMPLER["label"]).scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / "chat-question-streamed-360px.png"))
        finally:
            resume.set()
            context.close()
    request = fake_mistral.requests[0]
    assert request.body["stream"] is True
