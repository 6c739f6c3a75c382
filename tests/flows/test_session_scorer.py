"""The session graph reads live interview answers with the scorer it is given (the process shares one with the
reports, and with it one embedding cache)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langgraph.types import Command

from app.assessment.scoring.cues import get_cues
from app.assessment.scoring.scorer import TranscriptScorer
from app.assessment.scoring.screening import get_screening
from app.assessment.scoring.similarity import EmbeddingCache
from app.checkpoints import open_checkpointer
from app.embeddings import Embedder, Vectors, get_embedder
from app.prompts import get_prompt_registry
from app.rubrics import get_rubrics
from flows import session
from flows.session.graph import check_flows
from flows.session.state import SessionState
from tests.fakes.scrubber import TaggingScrubber
from tests.flows.support import rules_gateway

ANSWER = "J'ai fait un stage de deux semaines en EHPAD, où j'ai aidé aux repas."


class RecordingEmbedder:
    """The process's embedder, keeping the texts it was asked to embed."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self.dimension = embedder.dimension
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        return self._embedder.embed(texts)


def test_the_interview_reads_answers_with_the_scorer_it_is_given() -> None:
    recording = RecordingEmbedder(get_embedder())
    scrubber = TaggingScrubber()
    scorer = TranscriptScorer(
        gateway=rules_gateway(),
        rubrics=get_rubrics(),
        scrubber=scrubber,
        embeddings=EmbeddingCache(recording),
        prompts=get_prompt_registry(),
        screening=get_screening(),
        cues=get_cues(),
    )
    config: Any = {"configurable": {"thread_id": "shared-scorer"}}
    initial: SessionState = {
        "session_id": "shared-scorer",
        "rubric_id": "aide-soignant",
        "flows": check_flows(["mock"]),
        "transcript": [],
        "completed_flows": [],
    }
    with open_checkpointer() as saver:
        graph = session.build_graph(
            llm=rules_gateway(), rubrics=get_rubrics(), scrubber=scrubber, scorer=scorer, checkpointer=saver
        )
        graph.invoke(initial, config)
        graph.invoke(Command(resume="accept"), config)
        assert recording.texts == []  # nothing read yet: the first question is pending
        graph.invoke(Command(resume=ANSWER), config)

    assert any("EHPAD" in text for text in recording.texts)
