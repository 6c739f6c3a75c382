"""A whole assessment in a real browser: invitation link, consent, quiz, motivation interview with free text, the
tab closed mid-interview and reopened at the same question, the end, and the report in the database."""

from __future__ import annotations

import re
import sqlite3
import time

from playwright.sync_api import Browser, Page, expect

from flows.interviewing import SKIP
from flows.motivation.nodes import INTRO as MOTIVATION_INTRO
from flows.session.nodes import ACCEPT, CLOSING
from tests.browser.support import SCREENSHOTS, Served
from tests.test_cli import run

ANSWER = (
    "Pendant mon immersion en EHPAD, j'ai vu les toilettes, l'aide aux repas et les transmissions à l'infirmière ; "
    "c'est physique, en horaires de 12 heures, avec un week-end sur deux."
)
WAIT_MS = 60_000


def invitation_path(served: Served) -> str:
    done = run(
        "invite",
        "--rubric",
        "aide-soignant",
        "--flows",
        "quiz,motivation",
        env={"TREMPLIN_DATA_DIR": str(served.data_dir), "TREMPLIN_LLM_PROVIDER": "rules"},
    )
    assert done.returncode == 0, done.stderr
    match = re.search(r"/invitation/[A-Za-z0-9_\-.]+", done.stdout)
    assert match is not None, done.stdout
    return match.group(0)


def send(page: Page, text: str) -> None:
    composer = page.locator("textarea")
    composer.fill(text)
    composer.press("Enter")


def last_question(page: Page) -> str:
    progress = page.get_by_text(re.compile(r"Question \d+ sur 4")).last
    expect(progress).to_be_visible(timeout=WAIT_MS)
    return progress.inner_text()


def test_a_whole_session_resumes_mid_interview_and_ends_with_its_report(browser: Browser, served: Served) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(served.base + invitation_path(served))
        page.get_by_role("button", name=ACCEPT["label"]).click()
        expect(page.get_by_text(re.compile(r"Question 1 \(")).last).to_be_visible(timeout=WAIT_MS)
        for number in range(2, 22):  # the quiz, answered "je ne sais pas" until the interview begins
            send(page, "je ne sais pas")
            expect(page.get_by_text(re.compile(rf"Question {number} \(|Deuxième étape")).last).to_be_visible(
                timeout=WAIT_MS
            )
            if page.get_by_text(MOTIVATION_INTRO).count():
                break
        expect(page.get_by_text(MOTIVATION_INTRO)).to_be_visible(timeout=WAIT_MS)
        assert "Question 1 sur 4" in last_question(page)
        send(page, ANSWER)
        expect(page.get_by_text(re.compile(r"Question 2 sur 4")).last).to_be_visible(timeout=WAIT_MS)
        waiting = last_question(page)
        page.close()

        page = context.new_page()  # the candidate closes the tab mid-interview and comes back later
        page.goto(f"{served.base}/chat/")
        expect(page.get_by_text("Bon retour")).to_be_visible(timeout=WAIT_MS)
        assert last_question(page) == waiting
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "chat-interview-resumed-360px.png"))
        # The remaining questions are skipped, which is the candidate's right: each click brings exactly one new
        # message with a progress line (the next question) or the closing message.
        steps = page.get_by_text(re.compile(r"Question \d sur 4|C'est terminé, merci"))
        for _ in range(8):
            if page.get_by_text(CLOSING).count():
                break
            before = steps.count()
            page.get_by_role("button", name=SKIP["label"]).last.click()
            expect(steps).to_have_count(before + 1, timeout=WAIT_MS)
        expect(page.get_by_text(CLOSING)).to_be_visible(timeout=WAIT_MS)
        page.screenshot(path=str(SCREENSHOTS / "chat-end-360px.png"))
    finally:
        context.close()

    deadline = time.monotonic() + 120  # the report is written in the background, after the closing message
    report = None
    while report is None and time.monotonic() < deadline:
        with sqlite3.connect(served.data_dir / "tremplin.db") as db:
            session_id = db.execute(
                "SELECT session_id FROM message WHERE content_scrubbed LIKE ? LIMIT 1", ("%immersion en EHPAD%",)
            ).fetchone()[0]
            report = db.execute(
                "SELECT recommendation, report_json FROM report WHERE session_id = ?", (session_id,)
            ).fetchone()
        if report is None:
            time.sleep(1)
    assert report is not None, "no report was written"
    assert report[0] in {"ready", "ready_with_support", "not_yet", "insufficient_data"}
    assert "job_knowledge" in report[1]
    assert "immersion en EHPAD" in report[1]  # the evidence quotes the candidate's own words
