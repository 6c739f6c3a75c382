"""Process-wide services, built once on first use (never at import time) and closed at shutdown."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from functools import lru_cache
from typing import Any

from app.assessment.scoring.scorer import TranscriptScorer
from app.assessment.session_report import SessionReporter, sessions_without_report
from app.checkpoints import open_checkpointer
from app.conversation import Conversation
from app.db.audit import DatabaseAuditSink
from app.db.engine import get_engine
from app.embeddings import get_embedder
from app.llm.gateway import LLMGateway
from app.pii import get_scrubber
from app.pii.sessions import get_session_pseudonyms
from app.rubrics import get_rubrics
from app.settings import get_settings
from flows import session

logger = logging.getLogger(__name__)
_resources = ExitStack()
# Reports are written one at a time, off the candidate's path: scoring may call the model once per criterion.
_report_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")
_pending_reports: list[Future[None]] = []


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
        llm=get_gateway(),
        rubrics=get_rubrics(),
        scrubber=get_scrubber(),
        scorer=get_scorer(),
        embedder=get_embedder(),
        checkpointer=saver,
    )
    return Conversation(
        graph=graph,
        engine=get_engine(),
        audit=DatabaseAuditSink(get_engine()),
        scrubber=get_scrubber(),
        on_completed=submit_report,
        pseudonyms=get_session_pseudonyms(),
    )


@lru_cache(maxsize=1)
def get_scorer() -> TranscriptScorer:
    """The transcript scorer of this process: the interview flows read live answers with it and the reports are
    scored with it, so the embeddings of rubric anchors and answers are computed once for both."""
    return TranscriptScorer.from_services(get_gateway())


@lru_cache(maxsize=1)
def get_reporter() -> SessionReporter:
    engine = get_engine()
    return SessionReporter(engine=engine, scorer=get_scorer(), audit=DatabaseAuditSink(engine))


def submit_report(session_id: str, state: dict[str, Any]) -> None:
    """Write the session's report in the background."""
    _pending_reports.append(_report_worker.submit(_write_report, session_id, state))


def wait_for_reports() -> None:
    """Block until the reports submitted so far are written (or failed, which is logged and audited)."""
    while _pending_reports:
        _pending_reports.pop(0).result()


def catch_up_reports() -> int:
    """Submit the reports of completed sessions that have none (the process stopped while scoring)."""
    missing = sessions_without_report(get_engine())
    for session_id in missing:
        submit_report(session_id, get_conversation().values(session_id))
    return len(missing)


def _write_report(session_id: str, state: dict[str, Any]) -> None:
    try:
        get_reporter()(session_id, state)
    except Exception as exc:
        logger.exception("the report of session %s could not be written", session_id)
        DatabaseAuditSink(get_engine())("report_failed", {"error": type(exc).__name__}, session_id=session_id)


def close() -> None:
    """Release what the process opened (checkpointer connections), once pending reports are written."""
    wait_for_reports()
    _resources.close()
    get_conversation.cache_clear()
