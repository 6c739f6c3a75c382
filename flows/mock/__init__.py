"""The mock job interview: the model plays a recruiter, asks questions from the rubric's bank with natural
follow-ups, then gives the candidate two strengths and two concrete tips."""

from flows.mock.graph import build_graph

__all__ = ["build_graph"]
