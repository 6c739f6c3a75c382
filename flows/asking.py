"""Interview questions phrased by the model, grounded in the rubric's bank, checked before they are sent.

The model rewords the bank question (or asks a follow-up on a vague answer). What it writes is only used if it
is one short question that touches no protected topic (L1221-6: family, health, origin, religion, opinions...)
and uses no forbidden wording; otherwise the bank question itself, or a fixed follow-up, is asked. The source
of every question is kept (`model`, `bank`, and why), so a transcript shows what the model wrote and what it did not.

The question is streamed to the candidate while the model writes it, but only as a `QuestionDraft` lets it
through: whole words, cleaned like the final question, and only while the text so far passes the same screen.
A protected word is therefore never shown, even for a moment; when the finished text is refused, the draft stops
where it was and the question that replaces it is shown instead.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from app.assessment.scoring.screening import Screening, safe_quote
from app.llm.errors import LLMError
from app.llm.gateway import RULES, LLMGateway
from app.prompts import PromptRegistry
from flows.turns import no_stream

PROMPT_NAME = "interview/question"
MAX_QUESTION_CHARS = 300
MAX_QUESTION_TOKENS = 96  # a question of MAX_QUESTION_CHARS; a longer answer is not a usable question anyway
# Asked when the model is not used or its follow-up is refused: one per follow-up rank.
FIXED_FOLLOW_UPS = (
    "Pouvez-vous donner un exemple concret, tiré de votre expérience ?",
    "Pouvez-vous préciser avec un détail : quand, où, ou comment ?",
)
QuestionSource = Literal["model", "bank", "bank_after_refusal", "bank_after_failure"]
_LABELS = r"(?:question(?: de relance)?|assistant|recruteur|conseill[eè]re?)"
_LEADING_LABEL = re.compile(rf"^{_LABELS}\s*:\s*", re.IGNORECASE)
_LABEL_SO_FAR = re.compile(r"question(?: de)?|" + _LABELS, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PhrasedQuestion:
    text: str
    source: QuestionSource
    prompt_version: str | None  # the prompt's version when the model was asked


@dataclass(frozen=True)
class QuestionWriter:
    """`max_wait_s` bounds the whole question (the gateway's timeout bounds each wait for the next token): a
    model slower than that gets its question replaced by the bank's, recorded as a failure."""

    gateway: LLMGateway
    prompts: PromptRegistry
    screening: Screening
    max_wait_s: float | None = None
    clock: Callable[[], float] = time.monotonic

    def phrase(
        self,
        *,
        training_title: str,
        interviewer: str,
        topic: str,
        bank_question: str,
        previous_answer: str = "",
        follow_up_rank: int = 0,
        simple_french: bool = False,
        session_id: str | None = None,
        on_draft: Callable[[str], None] = no_stream,
    ) -> PhrasedQuestion:
        """The question to send. `follow_up_rank` 0 asks `bank_question`; 1 and 2 ask for details on the answer.
        `on_draft` receives the question as it is written, each time a `QuestionDraft` lets more of it through."""
        fallback = FIXED_FOLLOW_UPS[follow_up_rank - 1] if follow_up_rank else bank_question
        if self.gateway.provider == RULES:
            return PhrasedQuestion(fallback, "bank", None)
        prompt = self.prompts.get(PROMPT_NAME).render(
            {
                "training_title": training_title,
                "interviewer": interviewer,
                "topic": topic,
                "bank_question": bank_question,
                "previous_answer": previous_answer,
                "follow_up": follow_up_rank > 0,
                "simple_french": simple_french,
            }
        )
        draft = QuestionDraft(self.screening, on_draft)
        deadline = None if self.max_wait_s is None else self.clock() + self.max_wait_s
        tokens = self.gateway.stream(prompt, session_id=session_id, max_tokens=MAX_QUESTION_TOKENS)
        try:
            for token in tokens:
                draft.add(token)
                if deadline is not None and self.clock() > deadline:
                    return PhrasedQuestion(fallback, "bank_after_failure", prompt.version)
        except LLMError:  # the gateway has retried and audited the failure; the transcript records the fallback
            return PhrasedQuestion(fallback, "bank_after_failure", prompt.version)
        finally:
            tokens.close()  # the model stops writing a question that is no longer wanted (audited as cancelled)
        text = clean_question(draft.generated)
        if text is None or not self.screening.allowed_question(text):
            return PhrasedQuestion(fallback, "bank_after_refusal", prompt.version)
        return PhrasedQuestion(text, "model", prompt.version)


@dataclass
class QuestionDraft:
    """The part of a question being generated that may already be shown: whole words, cleaned like the final
    question (`clean_question`), as long as the text so far would pass the screen and the length limit. Once a
    prefix fails, nothing more is shown: what was shown never contains the word that failed it."""

    screening: Screening
    show: Callable[[str], None]
    generated: str = ""
    shown: str = ""
    stopped: bool = False

    def add(self, token: str) -> None:
        self.generated += token
        if self.stopped:
            return
        whole_words = self.generated[: max(self.generated.rfind(" "), self.generated.rfind("\n")) + 1]
        visible = _cleaned(whole_words)
        if visible == self.shown or not visible or _LABEL_SO_FAR.fullmatch(visible):
            return  # nothing new, or perhaps a label that `clean_question` removes once its colon comes
        if (
            not visible.startswith(self.shown)  # shown text is never taken back
            or len(visible) > MAX_QUESTION_CHARS
            or visible.count("?") > 2
            or not self.screening.allowed_question(visible)
        ):
            self.stopped = True
            return
        self.shown = visible
        self.show(visible)


def _cleaned(generated: str) -> str:
    lines = [line.strip().strip('«»"*').strip() for line in generated.strip().splitlines() if line.strip()]
    return " ".join(_LEADING_LABEL.sub("", " ".join(lines)).split())


def clean_question(generated: str) -> str | None:
    """The one question in what the model wrote, or None when it is not a single short question."""
    text = _cleaned(generated)
    if not text.endswith("?") or text.count("?") > 2 or not 10 <= len(text) <= MAX_QUESTION_CHARS:
        return None
    return safe_quote(text)
