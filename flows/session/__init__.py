"""The session orchestrator: welcome, AI disclosure and consent, then the selected assessments, then closing."""

from flows.session.graph import AVAILABLE_FLOWS, build_graph

__all__ = ["AVAILABLE_FLOWS", "build_graph"]
