"""Process-wide services, built once on first use (never at import time) and closed at shutdown."""

from __future__ import annotations

from contextlib import ExitStack
from functools import lru_cache

from app.checkpoints import open_checkpointer
from app.conversation import Conversation
from app.db.audit import DatabaseAuditSink
from app.db.engine import get_engine
from app.embeddings import get_embedder
from app.llm.gateway import LLMGateway
from app.pii import get_scrubber
from app.rubrics import get_rubrics
from app.settings import get_settings
from flows import session

_resources = ExitStack()


@lru_cache(maxsize=1)
def get_gateway() -> LLMGateway:
    """The model gateway of this process. For the embedded model this loads the weights (about 1 GB)."""
    return LLMGateway.from_settings(get_settings(), audit=DatabaseAuditSink(get_engine()))


def gateway_loaded() -> bool:
    return get_gateway.cache_info().currsize > 0


@lru_cache(maxsize=1)
def get_conversation() -> Conversation:
    """Candidate conversations, on the session graph and a checkpointer kept open for the process's life."""
    saver = _resources.enter_context(open_checkpointer())
    graph = session.build_graph(
        rubrics=get_rubrics(), scrubber=get_scrubber(), embedder=get_embedder(), checkpointer=saver
    )
    return Conversation(
        graph=graph, engine=get_engine(), audit=DatabaseAuditSink(get_engine()), scrubber=get_scrubber()
    )


def close() -> None:
    """Release what the process opened (checkpointer connections)."""
    _resources.close()
    get_conversation.cache_clear()
