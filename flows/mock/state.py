"""State of the mock interview; the session graph shares these keys."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from flows.interviewing import InterviewState


class MockFeedback(TypedDict):
    strengths: list[str]
    tips: list[str]
    source: str  # "model", "rules", "rules_after_failure" or "rules_after_refusal"
    prompt_version: str | None


class MockFlowState(InterviewState):
    mock_feedback: NotRequired[MockFeedback]
