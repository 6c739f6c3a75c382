"""State of the motivation interview; the session graph shares these keys."""

from __future__ import annotations

from flows.interviewing import InterviewState


class MotivationFlowState(InterviewState):
    """The shared keys and the interviews' progress (`motivation_progress` here)."""
