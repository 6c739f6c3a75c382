"""State of a whole assessment session. The LangGraph thread id is the session id."""

from __future__ import annotations

from typing import NotRequired, get_type_hints

from flows.interviewing import InterviewProgress
from flows.mock.state import MockFlowState
from flows.motivation.state import MotivationFlowState
from flows.quiz.state import QuizFlowState
from flows.turns import FlowName


class SessionState(QuizFlowState, MotivationFlowState, MockFlowState):
    flows: list[FlowName]  # the assessments to run, in order
    consent: NotRequired[bool]  # None until the candidate answers; False: referred to a human, no penalty


# Where each interview keeps its progress (its `Interview.progress_key`), read from the state's own declarations:
# an interview's nodes see only the keys the state declares, so every interview declares its key there.
INTERVIEW_PROGRESS_KEYS: tuple[str, ...] = tuple(
    key for key, annotation in get_type_hints(SessionState).items() if annotation is InterviewProgress
)
