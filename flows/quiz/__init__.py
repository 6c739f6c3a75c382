"""The adaptive prerequisite quiz as a LangGraph flow (the IRT engine is `app.assessment.quiz`)."""

from flows.quiz.graph import build_graph

__all__ = ["build_graph"]
