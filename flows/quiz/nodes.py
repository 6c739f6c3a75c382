"""Nodes of the quiz flow. Selection, scoring and estimation live in `app.assessment.quiz`; these nodes only
talk to the candidate and checkpoint the quiz state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from langgraph.types import interrupt

from app.assessment.quiz.session import AdaptiveQuiz
from app.chat_input import RejectedMessage, clean_candidate_message
from app.embeddings import Embedder
from app.pii import Scrubber
from app.rubrics.models import QuizItem, Rubric, SingleChoiceItem
from flows.quiz.state import QuizFlowState
from flows.turns import Option, Question, assistant, turn

INTRO = (
    "Première étape : un questionnaire court sur les bases utiles pour la formation (lecture, calcul, métier). "
    "Les questions s'adaptent à vos réponses. Si vous ne savez pas, écrivez « je ne sais pas » : ce n'est pas grave."
)
DONE = "Merci, le questionnaire est terminé."


def options_for(item: QuizItem) -> list[Option]:
    if not isinstance(item, SingleChoiceItem):
        return []
    return [
        Option(id=chr(ord("A") + index), label=f"{chr(ord('A') + index)}. {choice}")
        for index, choice in enumerate(item.choices)
    ]


@dataclass(frozen=True)
class QuizNodes:
    rubrics: Mapping[str, Rubric]
    scrubber: Scrubber
    embedder: Embedder | None = None

    def _quiz(self, state: QuizFlowState) -> AdaptiveQuiz:
        rubric = self.rubrics[state["rubric_id"]]
        saved = state.get("quiz_state")
        return AdaptiveQuiz.restore(rubric, saved) if saved is not None else AdaptiveQuiz.start(rubric)

    def intro(self, state: QuizFlowState) -> dict[str, Any]:
        return {"transcript": [assistant(INTRO, "quiz")]}

    def ask(self, state: QuizFlowState) -> dict[str, Any]:
        """Ask the next item and score the answer. Re-run from the top on resume: selection is deterministic,
        so the same item is asked again until it is answered."""
        quiz = self._quiz(state)
        item = quiz.next_item()
        if item is None:
            return {"quiz_state": quiz.dump()}
        rubric = self.rubrics[state["rubric_id"]]
        position = len(quiz.state.responses) + 1
        question = Question(
            kind="quiz_item",
            text=item.prompt,
            options=options_for(item),
            progress=f"Question {position} ({rubric.quiz.stop.max_items} au maximum)",
            item_id=item.id,
            flow="quiz",
        )
        raw = interrupt(question)
        asked = turn("assistant", item.prompt, "quiz", item.id)
        try:
            answer = self.scrubber.scrub(clean_candidate_message(str(raw)))
            quiz.answer(item.id, answer, embedder=self.embedder)
        except RejectedMessage as rejected:
            # Nothing is recorded for an unreadable answer: the same item is asked again after the explanation.
            return {"transcript": [assistant(rejected.candidate_message, "quiz")]}
        reply = turn("candidate", answer, "quiz", item.id)
        return {"quiz_state": quiz.dump(), "transcript": [asked, reply]}

    def route(self, state: QuizFlowState) -> Literal["ask", "finish"]:
        return "finish" if self._quiz(state).finished else "ask"

    def finish(self, state: QuizFlowState) -> dict[str, Any]:
        result = self._quiz(state).result()
        return {
            "quiz_result": result.model_dump(mode="json"),
            "completed_flows": ["quiz"],
            "transcript": [assistant(DONE, "quiz")],
        }
