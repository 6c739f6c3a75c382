"""intro -> the asking loop (`Interview.add_to`) -> feedback."""

from __future__ import annotations

from collections.abc import Mapping

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from app.assessment.scoring.scorer import TranscriptScorer
from app.llm.gateway import LLMGateway
from app.pii import Scrubber
from app.prompts import PromptRegistry
from app.rubrics.models import Rubric
from flows.asking import QuestionWriter
from flows.interviewing import Interview
from flows.mock import nodes
from flows.mock.state import MockFlowState


def build_graph(
    *,
    rubrics: Mapping[str, Rubric],
    llm: LLMGateway,
    prompts: PromptRegistry,
    writer: QuestionWriter,
    scorer: TranscriptScorer,
    scrubber: Scrubber,
    checkpointer: BaseCheckpointSaver[str] | None = None,
) -> CompiledStateGraph[MockFlowState]:
    """Without a checkpointer it runs as a subgraph, on its parent's."""
    interview = Interview(
        flow="mock",
        scoring_flow="mock_interview",
        progress_key="mock_progress",
        interviewer=nodes.INTERVIEWER,
        rubrics=rubrics,
        planner=nodes.plan,
        max_follow_ups=nodes.MAX_FOLLOW_UPS,
        writer=writer,
        scorer=scorer,
        scrubber=scrubber,
    )
    feedback = nodes.FeedbackWriter(
        rubrics=rubrics, llm=llm, prompts=prompts, scorer=scorer, screening=writer.screening
    )
    graph = StateGraph(MockFlowState)
    graph.add_node("intro", nodes.Intro(rubrics))
    graph.add_node("feedback", feedback)
    graph.add_edge(START, "intro")
    interview.add_to(graph, after="intro", then="feedback")
    graph.add_edge("feedback", END)
    return graph.compile(checkpointer=checkpointer, name="mock")
