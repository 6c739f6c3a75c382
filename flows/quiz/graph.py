"""intro -> ask (repeats until the stop rule) -> finish."""

from __future__ import annotations

from collections.abc import Mapping

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from app.embeddings import Embedder
from app.pii import Scrubber
from app.rubrics.models import Rubric
from flows.quiz.nodes import QuizNodes
from flows.quiz.state import QuizFlowState


def build_graph(
    *,
    rubrics: Mapping[str, Rubric],
    scrubber: Scrubber,
    embedder: Embedder | None = None,
    checkpointer: BaseCheckpointSaver[str] | None = None,
) -> CompiledStateGraph[QuizFlowState]:
    """Without a checkpointer the graph is meant to run as a subgraph and uses its parent's."""
    nodes = QuizNodes(rubrics=rubrics, scrubber=scrubber, embedder=embedder)
    graph = StateGraph(QuizFlowState)
    graph.add_node("intro", nodes.intro)
    graph.add_node("ask", nodes.ask)
    graph.add_node("finish", nodes.finish)
    graph.add_edge(START, "intro")
    graph.add_edge("intro", "ask")
    graph.add_conditional_edges("ask", nodes.route)
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer, name="quiz")
