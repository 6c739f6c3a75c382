"""Nodes of the mock interview: its plan of questions, the recruiter's introduction and the final feedback.

The feedback is for the candidate only (the referents' scores come from the transcript when the session ends).
The model writes it when one is configured; each sentence is checked (no protected topic, no inferred trait,
French) and, when the model fails or writes something unusable, a rules feedback built from the rubric's
"what a good answer contains" and the candidate's own words is given instead. The source is kept in the state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from langgraph.types import StreamWriter
from pydantic import BaseModel, ConfigDict, Field

from app.assessment.scoring.scorer import AnswerReading, TranscriptScorer
from app.assessment.scoring.screening import Screening, safe_quote
from app.llm.gateway import RULES, LLMGateway
from app.prompts import PromptRegistry
from app.rubrics.models import INTERVIEW_KINDS, InterviewQuestion, Rubric
from flows.interviewing import Topic, topic_turns
from flows.mock.state import MockFeedback, MockFlowState
from flows.turns import Notice, Turn, assistant, no_stream

INTERVIEWER = "un recruteur ou une recruteuse bienveillant(e) qui fait passer un entretien d'embauche blanc"
MAX_FOLLOW_UPS = 1
QUESTIONS_ASKED = 6
FEEDBACK_PROMPT = "interview/feedback"
FEEDBACK_ITEMS = 2  # strengths, and tips
PREPARING_FEEDBACK = "Merci, l'entretien blanc est terminé. Je prépare mon retour : cela peut prendre une minute."
GENERIC_STRENGTHS = (
    "Vous êtes allé(e) jusqu'au bout de l'entretien : c'est le meilleur entraînement pour un vrai entretien.",
    "Vous avez pris le temps de répondre à chaque question posée.",
)
GENERIC_TIPS = (
    "Pour chaque réponse, donnez un exemple précis : la situation, ce que vous avez fait, et le résultat.",
    "Avant un vrai entretien, renseignez-vous sur les horaires et les conditions de travail du métier.",
)


def plan(rubric: Rubric) -> tuple[Topic, ...]:
    """The bank's first question (the opener), then one question of each kind in turn, in the bank's order."""
    bank = rubric.mock_interview.questions
    chosen: list[InterviewQuestion] = [bank[0]]
    while len(chosen) < min(QUESTIONS_ASKED, len(bank)):
        for kind in INTERVIEW_KINDS:
            unused = next((q for q in bank if q.kind == kind and q not in chosen), None)
            if unused is not None and len(chosen) < QUESTIONS_ASKED:
                chosen.append(unused)
        if all(q in chosen for q in bank):
            break
    return tuple(Topic(id=q.id, title=q.question, bank_questions=(q.question,)) for q in chosen)


@dataclass(frozen=True)
class Intro:
    """The recruiter introduces the exercise, naming the job."""

    rubrics: Mapping[str, Rubric]

    def __call__(self, state: MockFlowState) -> dict[str, Any]:
        job = _lower_first(self.rubrics[state["rubric_id"]].title)
        article = "d'" if job[:1] in "aeiouyéèh" else "de "
        text = (
            f"Dernière étape : un entretien d'embauche blanc, pour vous entraîner. Je joue le rôle d'un recruteur pour "
            f"un poste {article}{job}. Répondez comme dans un vrai entretien. Ce n'est pas un examen : à la fin, "
            "je vous donne deux points forts et deux conseils."
        )
        return {"transcript": [assistant(text, "mock")]}


class FeedbackProposal(BaseModel):
    """What the model must answer. No length limits in the schema (llama.cpp grammars refuse them)."""

    model_config = ConfigDict(extra="ignore")

    strengths: list[str] = Field(description="Two strengths, one French sentence each.")
    tips: list[str] = Field(description="Two concrete tips, one French sentence each.")


@dataclass(frozen=True)
class Exchange:
    topic: str
    question: str
    answers: list[str] = field(default_factory=list)


def exchanges(turns: Sequence[Turn]) -> list[Exchange]:
    """The questions asked (by topic, follow-ups included) and the candidate's answers to each."""
    found: dict[str, Exchange] = {}
    current: Exchange | None = None
    for entry in turns:
        topic = entry.get("criterion")
        if entry["role"] == "assistant" and topic is not None:
            current = found.setdefault(topic, Exchange(topic, entry["content"]))
        elif entry["role"] == "candidate" and current is not None:
            current.answers.append(entry["content"])
    return list(found.values())


@dataclass(frozen=True)
class FeedbackWriter:
    rubrics: Mapping[str, Rubric]
    llm: LLMGateway
    prompts: PromptRegistry
    scorer: TranscriptScorer
    screening: Screening

    def __call__(self, state: MockFlowState, writer: StreamWriter = no_stream) -> dict[str, Any]:
        """`writer` is LangGraph's "custom" stream (injected by name and type)."""
        rubric = self.rubrics[state["rubric_id"]]
        if self.llm.provider != RULES:  # the model takes a while: the candidate is told, not left waiting in silence
            writer(Notice(notice=PREPARING_FEEDBACK))
        asked = exchanges(topic_turns(state["transcript"], "mock"))
        readings = {
            exchange.topic: self.scorer.read_answer(rubric.id, "mock_interview", exchange.topic, exchange.answers)
            for exchange in asked
        }
        feedback = self._feedback(state, rubric, asked, readings)
        return {
            "mock_feedback": feedback,
            "completed_flows": ["mock"],
            "transcript": [assistant(feedback_message(feedback), "mock")],
        }

    def _feedback(
        self, state: MockFlowState, rubric: Rubric, asked: list[Exchange], readings: Mapping[str, AnswerReading]
    ) -> MockFeedback:
        rules = rules_feedback(rubric, asked, readings)
        if self.llm.provider == RULES:
            return MockFeedback(strengths=rules.strengths, tips=rules.tips, source="rules", prompt_version=None)
        expected = {q.id: q.good_answer_contains for q in rubric.mock_interview.questions}
        prompt = self.prompts.get(FEEDBACK_PROMPT).render(
            {
                "training_title": rubric.title,
                "exchanges": [
                    {"question": e.question, "answer": " ".join(e.answers), "expected": expected.get(e.topic, [])}
                    for e in asked
                ],
                "simple_french": bool(state.get("simple_french")),
            }
        )
        result = self.llm.structured_or_fallback(
            prompt, FeedbackProposal, rules=lambda: rules, session_id=state.get("session_id")
        )
        if result.fallback_used:
            return MockFeedback(
                strengths=rules.strengths, tips=rules.tips, source="rules_after_failure", prompt_version=None
            )
        strengths = [safe_quote(text) for text in result.value.strengths[:FEEDBACK_ITEMS]]
        tips = [safe_quote(text) for text in result.value.tips[:FEEDBACK_ITEMS]]
        usable = len(strengths) == len(tips) == FEEDBACK_ITEMS and all(
            len(text) >= 10 and self.screening.acceptable_wording(text) for text in [*strengths, *tips]
        )
        if not usable:
            return MockFeedback(
                strengths=rules.strengths, tips=rules.tips, source="rules_after_refusal", prompt_version=None
            )
        return MockFeedback(strengths=strengths, tips=tips, source="model", prompt_version=result.prompt_version)


def rules_feedback(rubric: Rubric, asked: list[Exchange], readings: Mapping[str, AnswerReading]) -> FeedbackProposal:
    """Strengths quote what the candidate said in their best answers; tips name what a good answer to their
    weakest ones brings up (the rubric's `good_answer_contains`). Generic advice fills any gap."""
    level = {e.topic: -1 if readings[e.topic].level is None else readings[e.topic].level or 0 for e in asked}
    by_level = sorted(asked, key=lambda e: level[e.topic])
    strengths = [
        f"Votre réponse contenait un élément utile : « {_short(readings[e.topic].evidence[0], 140)} »."
        for e in reversed(by_level)
        if level[e.topic] >= 1 and readings[e.topic].evidence
    ][:FEEDBACK_ITEMS]
    expected = {q.id: q.good_answer_contains for q in rubric.mock_interview.questions}
    tips = [
        f"À la question « {_short(e.question, 90)} », une bonne réponse contient aussi : "
        f"{_lower_first(expected[e.topic][0])}"
        for e in by_level
        if level[e.topic] <= 1 and expected.get(e.topic)
    ][:FEEDBACK_ITEMS]
    strengths += list(GENERIC_STRENGTHS[: FEEDBACK_ITEMS - len(strengths)])
    tips += list(GENERIC_TIPS[: FEEDBACK_ITEMS - len(tips)])
    return FeedbackProposal(strengths=strengths, tips=tips)


def feedback_message(feedback: MockFeedback) -> str:
    strengths = "\n".join(f"- {text}" for text in feedback["strengths"])
    tips = "\n".join(f"- {text}" for text in feedback["tips"])
    return (
        "Merci, l'entretien blanc est terminé. Voici mon retour.\n\n"
        f"Vos points forts :\n{strengths}\n\nMes conseils pour un vrai entretien :\n{tips}"
    )


def _short(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
