"""What the motivation interview and the mock interview share: a plan of topics asked one at a time.

Each topic is asked (phrased by the model from the rubric's bank, see `flows.asking`), then followed up while
the answer stays vague, up to a limit. Asking is split in two nodes so that a resume never calls the model
again: `prepare` phrases the next question and checkpoints it, `wait` shows it with `interrupt()` and reads the
answer. The candidate may skip any question (never followed up, like an answer holding only protected information), or
say they do not understand it: it is then asked again in simpler words (by the model, or the rubric's next wording
of it), and the rest of the session uses short, plain sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, NotRequired, TypedDict, cast

from langgraph.graph import StateGraph
from langgraph.types import StreamWriter, interrupt

from app.assessment.scoring.grid import FlowName as GridFlowName
from app.assessment.scoring.scorer import TranscriptScorer
from app.chat_input import RejectedMessage, clean_candidate_message
from app.pii import Scrubber
from app.rubrics.models import Rubric
from flows.asking import PhrasedQuestion, QuestionWriter
from flows.quiz.state import AssessmentState
from flows.turns import Draft, FlowName, Option, Question, Turn, no_stream, turn

SKIP = Option(id="skip", label="Passer cette question")
SIMPLER = Option(id="simpler", label="Je ne comprends pas")
REPHRASING = "Je reformule, avec des mots plus simples."
# A whole message saying the question was not understood, typed instead of clicking SIMPLER.
_NOT_UNDERSTOOD = re.compile(
    r"\s*(?:je\s+(?:ne\s+)?comprends\s+pas|j'?\s*ai\s+pas\s+compris|je\s+n'?\s*ai\s+pas\s+compris|pas\s+compris"
    r"|c'?\s*est\s+quoi|\?+)(?:\s+la\s+question)?\s*[.!?]*\s*",
    re.IGNORECASE,
)
SKIPPED_ANSWER = "Je préfère passer."  # what the transcript records; the screening reads it as a skip
VAGUE_LEVEL = 1  # an answer read at this rules level or below gets a follow-up, while the limit allows


@dataclass(frozen=True, slots=True)
class Topic:
    id: str  # a motivation criterion id, or a mock interview question id
    title: str
    bank_questions: tuple[str, ...]  # the first is asked; the others reword it when the candidate does not understand


class AskedQuestion(TypedDict):
    topic: str
    text: str
    source: str  # flows.asking.QuestionSource
    follow_up_rank: int
    prompt_version: str | None


class InterviewProgress(TypedDict):
    """Where an interview stands; checkpointed with the graph."""

    position: int  # index of the current topic in the plan
    follow_up_rank: int  # 0: the topic's question comes next; 1, 2: a follow-up comes next
    replies: list[str]  # the candidate's (scrubbed) replies on the current topic
    rephrased: NotRequired[int]  # times the current question was reworded because the candidate did not understand
    pending: AskedQuestion | None  # asked and waiting for an answer
    asked: list[AskedQuestion]  # every question sent, with its source: the audit trail of what the model wrote


class InterviewState(AssessmentState):
    """The keys the interview nodes read. LangGraph gives a node only the keys of the type its `state` parameter
    is annotated with, so both interviews' progress keys are declared here."""

    motivation_progress: NotRequired[InterviewProgress]
    mock_progress: NotRequired[InterviewProgress]


@dataclass(frozen=True)
class Interview:
    """The nodes of one interview over `plan`; `progress_key` is where its progress lives in the state."""

    flow: FlowName
    scoring_flow: GridFlowName
    progress_key: str
    interviewer: str  # who asks, described for the prompt
    rubrics: Mapping[str, Rubric]
    planner: Callable[[Rubric], tuple[Topic, ...]]  # the topics of a rubric, in the order asked
    max_follow_ups: int
    writer: QuestionWriter
    scorer: TranscriptScorer
    scrubber: Scrubber

    def plan(self, state: InterviewState) -> tuple[Topic, ...]:
        return self.planner(self.rubrics[state["rubric_id"]])

    def progress(self, state: InterviewState) -> InterviewProgress:
        saved: InterviewProgress | None = cast(Mapping[str, Any], state).get(self.progress_key)
        if saved is None:
            return InterviewProgress(position=0, follow_up_rank=0, replies=[], pending=None, asked=[])
        return saved

    def prepare(self, state: InterviewState, writer: StreamWriter = no_stream) -> dict[str, Any]:
        """Phrase the next question (or follow-up) and checkpoint it; nothing to do once the plan is done. The
        question is streamed to `writer` (LangGraph's "custom" stream, injected) while the model writes it."""
        progress, plan = self.progress(state), self.plan(state)
        if progress["position"] >= len(plan) or progress["pending"] is not None:
            return {}
        topic = plan[progress["position"]]
        phrased: PhrasedQuestion = self.writer.phrase(
            training_title=self.rubrics[state["rubric_id"]].title,
            interviewer=self.interviewer,
            topic=topic.title,
            bank_question=topic.bank_questions[progress.get("rephrased", 0) % len(topic.bank_questions)],
            previous_answer=progress["replies"][-1] if progress["replies"] else "",
            follow_up_rank=progress["follow_up_rank"],
            simple_french=bool(state.get("simple_french")),
            session_id=state.get("session_id"),
            on_draft=partial(_stream_draft, writer, self._progress_label(progress, plan)),
        )
        asked = AskedQuestion(
            topic=topic.id,
            text=phrased.text,
            source=phrased.source,
            follow_up_rank=progress["follow_up_rank"],
            prompt_version=phrased.prompt_version,
        )
        return {self.progress_key: {**progress, "pending": asked, "asked": [*progress["asked"], asked]}}

    @staticmethod
    def _progress_label(progress: InterviewProgress, plan: Sequence[Topic]) -> str:
        return f"Question {progress['position'] + 1} sur {len(plan)}"

    def add_to(self, graph: StateGraph[Any, Any, Any, Any], *, after: str, then: str) -> None:
        """Put the asking loop (`prepare` -> `wait` -> `prepare`... ) between the nodes `after` and `then`."""
        graph.add_node("prepare", self.prepare)
        graph.add_node("wait", self.wait)
        graph.add_edge(after, "prepare")
        graph.add_conditional_edges("prepare", self.route_prepared, {"wait": "wait", "done": then})
        graph.add_conditional_edges("wait", self.route_answered)

    def route_prepared(self, state: InterviewState) -> Literal["wait", "done"]:
        return "wait" if self.progress(state)["pending"] is not None else "done"

    def wait(self, state: InterviewState) -> dict[str, Any]:
        """Show the pending question and take the answer; an unreadable answer is explained and asked again."""
        progress = self.progress(state)
        pending = progress["pending"]
        if pending is None:
            return {}
        raw = interrupt(
            Question(
                kind="open",
                text=pending["text"],
                options=[SKIP, SIMPLER],
                progress=self._progress_label(progress, self.plan(state)),
                item_id=f"{pending['topic']}#{pending['follow_up_rank']}",
                flow=self.flow,
            )
        )
        if str(raw) == SIMPLER["id"] or _NOT_UNDERSTOOD.fullmatch(str(raw).replace("’", "'")):
            # Asked again in simpler words, and every later question too (`simple_french` is session-wide).
            reworded: InterviewProgress = {**progress, "pending": None, "rephrased": progress.get("rephrased", 0) + 1}
            return {
                self.progress_key: reworded,
                "simple_french": True,
                "transcript": [turn("assistant", REPHRASING, self.flow)],
            }
        skipped = str(raw) == SKIP["id"]
        try:
            answer = SKIPPED_ANSWER if skipped else self.scrubber.scrub(clean_candidate_message(str(raw)))
        except RejectedMessage as rejected:
            return {"transcript": [turn("assistant", rejected.candidate_message, self.flow)]}
        asked = turn("assistant", pending["text"], self.flow, criterion=pending["topic"])
        reply = turn("candidate", answer, self.flow)
        return {
            self.progress_key: self._after_answer(state, progress, answer, skipped=skipped),
            "transcript": [asked, reply],
        }

    def _after_answer(
        self, state: InterviewState, progress: InterviewProgress, answer: str, *, skipped: bool
    ) -> InterviewProgress:
        replies = [*progress["replies"], answer]
        topic = self.plan(state)[progress["position"]]
        reading = self.scorer.read_answer(state["rubric_id"], self.scoring_flow, topic.id, replies)
        vague = reading.status == "answered" and reading.level is not None and reading.level <= VAGUE_LEVEL
        if vague and not skipped and progress["follow_up_rank"] < self.max_follow_ups:
            return {**progress, "pending": None, "replies": replies, "follow_up_rank": progress["follow_up_rank"] + 1}
        return {
            **progress,
            "pending": None,
            "replies": [],
            "follow_up_rank": 0,
            "rephrased": 0,
            "position": progress["position"] + 1,
        }

    def route_answered(self, state: InterviewState) -> Literal["wait", "prepare"]:
        """Back to `wait` when the answer was refused (the question is still pending)."""
        return "wait" if self.progress(state)["pending"] is not None else "prepare"


def _stream_draft(write: Callable[[Any], None], progress: str, text: str) -> None:
    """Hands the question being written to whoever streams the graph in "custom" mode (`app.conversation`)."""
    write(Draft(draft=text, progress=progress))


def topic_turns(transcript: Sequence[Turn], flow: FlowName) -> list[Turn]:
    return [entry for entry in transcript if entry.get("flow") == flow]
