"""Process-wide services, built once on first use (never at import time)."""

from __future__ import annotations

from functools import lru_cache

from app.db.audit import DatabaseAuditSink
from app.db.engine import get_engine
from app.llm.gateway import LLMGateway
from app.settings import get_settings


@lru_cache(maxsize=1)
def get_gateway() -> LLMGateway:
    """The model gateway of this process. For the embedded model this loads the weights (about 1 GB)."""
    return LLMGateway.from_settings(get_settings(), audit=DatabaseAuditSink(get_engine()))


def gateway_loaded() -> bool:
    return get_gateway.cache_info().currsize > 0
