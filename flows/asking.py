"""Interview questions phrased by the model, grounded in the rubric's bank, checked before they are sent.

The model rewords the bank question (or asks a follow-up on a vague answer). What it writes is only used if it
is one short question that touches no protected topic (L1221-6: family, health, origin, religion, opinions...)
and uses no forbidden wording; otherwise the bank question itself, or a fixed follow-up, is asked. The source
of every question is kept (`model`, `bank`, and why), so a transcript shows what the model wrote and what it did not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from app.assessment.scoring.screening import Screening, safe_quote
from app.llm.gateway import RULES, LLMGateway
from app.prompts import PromptRegistry

PROMPT_NAME = "interview/question"
MAX_QUESTION_CHARS = 300
MAX_QUESTION_TOKENS = 96  # a question of MAX_QUESTION_CHARS; a longer answer is not a usable question anyway
# Asked when the model is not used or its follow-up is refused: one per follow-up rank.
FIXED_FOLLOW_UPS = (
    "Pouvez-vous donner un exemple concret, tiré de votre expérience ?",
    "Pouvez-vous préciser avec un détail : quand, où, ou comment ?",
)
QuestionSource = Literal["model", "bank", "bank_after_refusal", "bank_after_failure"]
_LEADING_LABEL = re.compile(r"^(?:question(?: de relance)?|assistant|recruteur|conseill[eè]re?)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PhrasedQuestion:
    text: str
    source: QuestionSource
    prompt_version: str | None  # the prompt's version when the model was asked


@dataclass(frozen=True)
class QuestionWriter:
    gateway: LLMGateway
    prompts: PromptRegistry
    screening: Screening

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
    ) -> PhrasedQuestion:
        """The question to send. `follow_up_rank` 0 asks `bank_question`; 1 and 2 ask for details on the answer."""
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
        result = self.gateway.complete_or_fallback(
            prompt, rules=lambda: fallback, session_id=session_id, max_tokens=MAX_QUESTION_TOKENS
        )
        if result.fallback_used:
            return PhrasedQuestion(fallback, "bank_after_failure", result.prompt_version)
        text = clean_question(result.value)
        if (
            text is None
            or not self.screening.check_question(text).allowed
            or not self.screening.acceptable_wording(text)
        ):
            return PhrasedQuestion(fallback, "bank_after_refusal", result.prompt_version)
        return PhrasedQuestion(text, "model", result.prompt_version)


def clean_question(generated: str) -> str | None:
    """The one question in what the model wrote, or None when it is not a single short question."""
    lines = [line.strip().strip('«»"*').strip() for line in generated.strip().splitlines() if line.strip()]
    if not lines:
        return None
    text = " ".join(_LEADING_LABEL.sub("", " ".join(lines)).split())
    if not text.endswith("?") or text.count("?") > 2 or not 10 <= len(text) <= MAX_QUESTION_CHARS:
        return None
    return safe_quote(text)
