"""The candidate chat without a mouse, and readable: keyboard only, and text contrast (WCAG AA) in both themes."""

from __future__ import annotations

import re
from typing import Literal

import pytest
from playwright.sync_api import Browser, Page, expect

from flows.quiz.nodes import INTRO
from flows.session.nodes import ACCEPT
from tests.browser.support import SCREENSHOTS

WAIT_MS = 30_000
AA_NORMAL_TEXT = 4.5
ANSWER_BUTTON = re.compile(r"^[A-D]\. ")  # a quiz item's answer choices

# The contrast of each visible text element with the colour actually behind it (the first opaque background up the
# tree), by the WCAG 2.x formula. Returns the worst cases first.
CONTRASTS_JS = """
() => {
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour.length >= 3 && (colour.length === 3 || colour[3] > 0.95)) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const results = [];
  const selector = "article, article p, article li, button, textarea, [role=button], .watermark, a";
  for (const element of document.querySelectorAll(selector)) {
    const text = (element.innerText || element.placeholder || "").trim();
    const box = element.getBoundingClientRect();
    if (!text || box.width === 0 || box.height === 0) continue;
    const colour = rgba(getComputedStyle(element).color).slice(0, 3);
    const [a, b] = [luminance(colour), luminance(background(element))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    results.push({ text: text.slice(0, 60), ratio: Math.round(ratio * 100) / 100 });
  }
  return results.sort((x, y) => x.ratio - y.ratio);
}
"""


FOCUSED_JS = (
    "() => { const e = document.activeElement; return [e.tagName, (e.innerText || e.placeholder || '').trim()]; }"
)


def _tab_to(page: Page, pattern: re.Pattern[str], *, limit: int = 60) -> None:
    """Press Tab until a button or text box whose text or placeholder matches `pattern` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        tag, focused = page.evaluate(FOCUSED_JS)
        if tag in {"BUTTON", "TEXTAREA"} and pattern.search(focused):
            return
    pytest.fail(f"{pattern.pattern!r} cannot be reached with the Tab key")


def test_a_candidate_takes_part_with_the_keyboard_only(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(f"{server}/demo")
        expect(page.get_by_role("button", name=ACCEPT["label"])).to_be_visible(timeout=WAIT_MS)
        _tab_to(page, re.compile(re.escape(ACCEPT["label"])))
        page.keyboard.press("Enter")
        expect(page.get_by_text(INTRO)).to_be_visible(timeout=WAIT_MS)
        for number in (1, 2, 3):
            expect(page.get_by_text(re.compile(rf"Question {number} \(")).last).to_be_visible(timeout=WAIT_MS)
            expect(page.locator("#stop-button")).to_have_count(0, timeout=WAIT_MS)
            if page.locator("button", has_text=ANSWER_BUTTON).count():
                _tab_to(page, ANSWER_BUTTON)
                page.keyboard.press("Enter")
            else:
                _tab_to(page, re.compile(r"Tapez votre message"))  # the message box, for a free answer
                page.keyboard.type("je ne sais pas")
                page.keyboard.press("Enter")
        expect(page.get_by_text(re.compile(r"Question 4 \(")).last).to_be_visible(timeout=WAIT_MS)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_chat_text_is_readable_in_both_themes(
    browser: Browser, server: str, scheme: Literal["light", "dark"]
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR", color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(f"{server}/demo")
        page.get_by_role("button", name=ACCEPT["label"]).click(timeout=WAIT_MS)
        expect(page.get_by_text(re.compile(r"Question 1 \(")).last).to_be_visible(timeout=WAIT_MS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"chat-contrast-{scheme}-360px.png"))
        contrasts = page.evaluate(CONTRASTS_JS)
        assert len(contrasts) >= 5, contrasts  # the messages, the answer buttons and the message box were measured
        too_low = [entry for entry in contrasts if entry["ratio"] < AA_NORMAL_TEXT]
        assert not too_low, too_low
    finally:
        context.close()
