"""intro -> the asking loop (`Interview.add_to`: prepare -> wait -> prepare... while criteria remain) -> finish."""

from __future__ import annotations

from collections.abc import Mapping

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from app.assessment.scoring.scorer import TranscriptScorer
from app.pii import Scrubber
from app.rubrics.models import Rubric
from flows.asking import QuestionWriter
from flows.interviewing import Interview
from flows.motivation import nodes
from flows.motivation.state import MotivationFlowState


def build_graph(
    *,
    rubrics: Mapping[str, Rubric],
    writer: QuestionWriter,
    scorer: TranscriptScorer,
    scrubber: Scrubber,
    checkpointer: BaseCheckpointSaver[str] | None = None,
) -> CompiledStateGraph[MotivationFlowState]:
    """Without a checkpointer it runs as a subgraph, on its parent's."""
    interview = Interview(
        flow="motivation",
        scoring_flow="motivation_interview",
        progress_key="motivation_progress",
        interviewer=nodes.INTERVIEWER,
        rubrics=rubrics,
        planner=nodes.plan,
        max_follow_ups=nodes.MAX_FOLLOW_UPS,
        writer=writer,
        scorer=scorer,
        scrubber=scrubber,
    )
    graph = StateGraph(MotivationFlowState)
    graph.add_node("intro", nodes.intro)
    graph.add_node("finish", nodes.finish)
    graph.add_edge(START, "intro")
    interview.add_to(graph, after="intro", then="finish")
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer, name="motivation")
