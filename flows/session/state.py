"""State of a whole assessment session. The LangGraph thread id is the session id."""

from __future__ import annotations

from typing import NotRequired

from flows.mock.state import MockFlowState
from flows.motivation.state import MotivationFlowState
from flows.quiz.state import QuizFlowState
from flows.turns import FlowName


class SessionState(QuizFlowState, MotivationFlowState, MockFlowState):
    flows: list[FlowName]  # the assessments to run, in order
    consent: NotRequired[bool]  # None until the candidate answers; False: referred to a human, no penalty
