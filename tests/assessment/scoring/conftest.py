"""Scoring fixtures: the shipped rubrics, prompts and configuration, the real embedder and the real Presidio
scrubber (each loaded once per session), and scorers whose gateway talks to a scripted chat model."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from app.assessment.scoring.cues import get_cues
from app.assessment.scoring.scorer import TranscriptScorer
from app.assessment.scoring.screening import get_screening
from app.assessment.scoring.similarity import EmbeddingCache
from app.assessment.scoring.transcript import Transcript, Turn
from app.audit import MemoryAuditSink
from app.embeddings import get_embedder
from app.llm.gateway import RULES, LLMGateway
from app.pii import Scrubber, get_scrubber
from app.prompts import PromptRegistry
from app.rubrics import load_rubrics
from app.rubrics.models import Rubric
from app.settings import PROJECT_ROOT
from tests.db.conftest import db_url, migrated_engine, postgres_database  # noqa: F401 (the storage fixtures)

Reply = Callable[[str], str]  # the prompt's last user message -> the model's text


class ScriptedChatModel(BaseChatModel):
    """A chat model whose answer is computed from the prompt, so each criterion can get its own reply."""

    reply: Reply
    prompts: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **_: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        self.prompts.append(prompt)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply(prompt)))])


def proposal(level: int | None, evidence: list[str], rationale: str = "Le candidat cite des éléments.") -> str:
    return json.dumps({"level": level, "evidence": evidence, "rationale": rationale}, ensure_ascii=False)


def answer_of(prompt: str) -> str:
    """The candidate's answer as the scoring prompt shows it to the model."""
    return prompt.split("<reponse>\n", 1)[1].split("\n</reponse>", 1)[0]


def motivation(rubric: str, *pairs: tuple[str | None, str]) -> Transcript:
    """A motivation interview transcript: (criterion or None, candidate answer) per question."""
    turns: list[Turn] = []
    for criterion, answer in pairs:
        turns.append(Turn(role="assistant", criterion=criterion, content=f"Question sur {criterion or 'la suite'} ?"))
        turns.append(Turn(role="candidate", content=answer))
    return Transcript(rubric=rubric, flow="motivation_interview", turns=tuple(turns))


@pytest.fixture(scope="session")
def rubrics() -> Mapping[str, Rubric]:
    return load_rubrics(PROJECT_ROOT / "rubrics")


@pytest.fixture(scope="session")
def embeddings() -> EmbeddingCache:
    return EmbeddingCache(get_embedder())


@pytest.fixture(scope="session")
def presidio() -> Scrubber:
    return get_scrubber()


@pytest.fixture(scope="session")
def prompts() -> PromptRegistry:
    return PromptRegistry.load(PROJECT_ROOT / "prompts")


@pytest.fixture
def audit() -> MemoryAuditSink:
    return MemoryAuditSink()


@pytest.fixture
def make_scorer(
    rubrics: Mapping[str, Rubric],
    embeddings: EmbeddingCache,
    presidio: Scrubber,
    prompts: PromptRegistry,
    audit: MemoryAuditSink,
) -> Iterator[Callable[..., TranscriptScorer]]:
    """`make_scorer()` scores on the rules provider; `make_scorer(reply)` with a scripted model."""
    gateways: list[LLMGateway] = []

    def make(reply: Reply | None = None, *, chat_model: BaseChatModel | None = None) -> TranscriptScorer:
        model = chat_model if chat_model is not None else (ScriptedChatModel(reply=reply) if reply else None)
        gateway = LLMGateway(
            chat_model=model,
            provider=RULES if model is None else "test",
            model_name=RULES if model is None else "test-model",
            scrubber=presidio,
            audit=audit,
            max_retries=0,
            repair_retries=0,
            sleep=lambda _: None,
        )
        gateways.append(gateway)
        return TranscriptScorer(
            gateway=gateway,
            rubrics=rubrics,
            scrubber=presidio,
            embeddings=embeddings,
            prompts=prompts,
            screening=get_screening(),
            cues=get_cues(),
        )

    yield make
    for gateway in gateways:
        gateway.close()
