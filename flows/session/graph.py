"""welcome -> ask_consent -> (refer_to_human | each selected flow in order) -> closing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from app.embeddings import Embedder
from app.pii import Scrubber
from app.rubrics.models import Rubric
from flows import quiz
from flows.session import nodes
from flows.session.state import SessionState
from flows.turns import FlowName

# The assessments that exist so far; the motivation and mock interviews join this tuple when they land.
AVAILABLE_FLOWS: tuple[FlowName, ...] = ("quiz",)


class UnavailableFlowError(ValueError):
    pass


def check_flows(flows: Sequence[str]) -> list[FlowName]:
    """The requested flows, in order, or an error naming the ones that do not exist (yet)."""
    unknown = [flow for flow in flows if flow not in AVAILABLE_FLOWS]
    if unknown or not flows:
        raise UnavailableFlowError(
            f"flows {unknown or list(flows)} are not available; choose among {', '.join(AVAILABLE_FLOWS)}"
        )
    return [flow for flow in AVAILABLE_FLOWS if flow in flows]


def route_flows(state: SessionState) -> Literal["quiz", "closing"]:
    pending = nodes.pending_flows(state)
    if not pending:
        return "closing"
    if pending[0] == "quiz":
        return "quiz"
    raise UnavailableFlowError(f"flow {pending[0]!r} is not available in this version")


def build_graph(
    *,
    rubrics: Mapping[str, Rubric],
    scrubber: Scrubber,
    checkpointer: BaseCheckpointSaver[str] | None,
    embedder: Embedder | None = None,
) -> CompiledStateGraph[SessionState]:
    graph = StateGraph(SessionState)
    graph.add_node("welcome", nodes.welcome)
    graph.add_node("ask_consent", nodes.ask_consent)
    graph.add_node("refer_to_human", nodes.refer_to_human)
    graph.add_node("next_flow", nodes.next_flow)
    graph.add_node("quiz", quiz.build_graph(rubrics=rubrics, scrubber=scrubber, embedder=embedder))
    graph.add_node("closing", nodes.closing)
    graph.add_edge(START, "welcome")
    graph.add_edge("welcome", "ask_consent")
    graph.add_conditional_edges("ask_consent", nodes.route_consent)
    graph.add_edge("refer_to_human", END)
    graph.add_conditional_edges("next_flow", route_flows)
    graph.add_edge("quiz", "next_flow")
    graph.add_edge("closing", END)
    return graph.compile(checkpointer=checkpointer, name="session")
