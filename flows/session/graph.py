"""welcome -> ask_consent -> (refer_to_human | each selected flow in order) -> closing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from app.assessment.scoring.cues import get_cues
from app.assessment.scoring.scorer import TranscriptScorer
from app.assessment.scoring.screening import get_screening
from app.assessment.scoring.similarity import EmbeddingCache
from app.embeddings import Embedder, get_embedder
from app.llm.gateway import LLMGateway
from app.pii import Scrubber
from app.prompts import PromptRegistry, get_prompt_registry
from app.rubrics.models import Rubric
from flows import mock, motivation, quiz
from flows.asking import QuestionWriter
from flows.session import nodes
from flows.session.state import SessionState
from flows.turns import FlowName

CANDIDATE_WAIT_S = 30.0  # per model attempt while the candidate waits; then the rubric's question is asked
QUESTION_MAX_WAIT_S = 60.0  # a whole streamed question, however steadily the model writes
# The assessments, in the order a session runs them.
AVAILABLE_FLOWS: tuple[FlowName, ...] = ("quiz", "motivation", "mock")


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


def route_flows(state: SessionState) -> Literal["quiz", "motivation", "mock", "closing"]:
    pending = nodes.pending_flows(state)
    return pending[0] if pending else "closing"


def build_graph(
    *,
    llm: LLMGateway,
    rubrics: Mapping[str, Rubric],
    scrubber: Scrubber,
    checkpointer: BaseCheckpointSaver[str] | None,
    scorer: TranscriptScorer | None = None,
    embedder: Embedder | None = None,
    prompts: PromptRegistry | None = None,
) -> CompiledStateGraph[SessionState]:
    """`llm` phrases the interview questions and the mock interview's feedback (the `rules` gateway asks the
    rubric's questions as written). `scorer` reads live answers to decide on follow-ups (no model call): pass
    the process's, which also scores the reports, so both share one embedding cache; by default one is built on
    these rubrics, scrubber and embedder. `embedder` defaults to the process's."""
    prompts = prompts or get_prompt_registry()
    screening = get_screening()
    embedder = embedder or get_embedder()
    scorer = scorer or TranscriptScorer(
        gateway=llm,
        rubrics=rubrics,
        scrubber=scrubber,
        embeddings=EmbeddingCache(embedder),
        prompts=prompts,
        screening=screening,
        cues=get_cues(),
    )
    # What the candidate waits on (next question, feedback) gets a short budget; the report is scored later.
    waited_on = llm.with_budget(timeout_s=CANDIDATE_WAIT_S, max_retries=1)
    writer = QuestionWriter(gateway=waited_on, prompts=prompts, screening=screening, max_wait_s=QUESTION_MAX_WAIT_S)
    graph = StateGraph(SessionState)
    graph.add_node("welcome", nodes.welcome)
    graph.add_node("ask_consent", nodes.ask_consent)
    graph.add_node("refer_to_human", nodes.refer_to_human)
    graph.add_node("next_flow", nodes.next_flow)
    graph.add_node("quiz", quiz.build_graph(rubrics=rubrics, scrubber=scrubber, embedder=embedder))
    graph.add_node(
        "motivation", motivation.build_graph(rubrics=rubrics, writer=writer, scorer=scorer, scrubber=scrubber)
    )
    graph.add_node(
        "mock",
        mock.build_graph(
            rubrics=rubrics, llm=waited_on, prompts=prompts, writer=writer, scorer=scorer, scrubber=scrubber
        ),
    )
    graph.add_node("closing", nodes.closing)
    graph.add_edge(START, "welcome")
    graph.add_edge("welcome", "ask_consent")
    graph.add_conditional_edges("ask_consent", nodes.route_consent)
    graph.add_edge("refer_to_human", END)
    graph.add_conditional_edges("next_flow", route_flows)
    for flow in AVAILABLE_FLOWS:
        graph.add_edge(flow, "next_flow")
    graph.add_edge("closing", END)
    return graph.compile(checkpointer=checkpointer, name="session")
