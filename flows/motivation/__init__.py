"""The motivation interview: the rubric's four criteria, one at a time, with at most two follow-ups each."""

from flows.motivation.graph import build_graph

__all__ = ["build_graph"]
