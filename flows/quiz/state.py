"""State of the quiz flow; the session graph shares these keys."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict

from flows.turns import FlowName, Turn, merge_turns, merge_unique


class AssessmentState(TypedDict):
    """The keys every flow shares with the session that runs it."""

    rubric_id: str
    transcript: Annotated[list[Turn], merge_turns]
    completed_flows: Annotated[list[FlowName], merge_unique]
    session_id: NotRequired[str]  # the LangGraph thread id; passed to model calls for the audit log
    simple_french: NotRequired[bool]  # the candidate asked for short, plain sentences


class QuizFlowState(AssessmentState):
    quiz_state: NotRequired[dict[str, Any]]  # AdaptiveQuiz.dump(): the whole quiz, checkpointed with the graph
    quiz_result: NotRequired[dict[str, Any]]  # QuizResult, JSON
