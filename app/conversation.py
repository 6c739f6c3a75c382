"""One candidate's conversation: drives the session graph, and records what happened.

The LangGraph checkpoint is the source of truth for where a session stands; this service only reads it to show
the candidate the conversation, resumes it with their answers, and mirrors the outcome into the database
(scrubbed transcript, status, audit events). It is synchronous and thread-safe; the chat calls it from a worker
thread. Each answer names the question it answers, so two tabs or a double click cannot answer the wrong one.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, StateSnapshot
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.assessment.report import load_report
from app.audit import AuditSink
from app.db.models import AssessmentSession, Message, MessageRole, SessionStatus, utcnow
from app.db.session import session_scope
from app.errors import TremplinError
from app.pii import Scrubber
from app.pii.sessions import SessionPseudonyms
from flows.session.graph import check_flows
from flows.session.state import SessionState
from flows.turns import Draft, Notice, Question, Turn, merge_turns

FINISHED_MESSAGE = "Cet entretien est terminé. Merci pour votre participation."


class ConversationError(TremplinError):
    """An answer that cannot be taken. `candidate_message` is the French text the candidate reads."""

    def __init__(self, reason: str, candidate_message: str) -> None:
        super().__init__(reason)
        self.candidate_message = candidate_message


@dataclass(frozen=True, slots=True)
class View:
    """What the candidate should see: the conversation so far and the question waiting for an answer."""

    turns: list[Turn]
    question: Question | None
    question_id: str | None  # identifies this exact question (the LangGraph interrupt id)

    @property
    def finished(self) -> bool:
        return self.question is None


Live = Turn | Draft | Notice  # what a run passes on as it goes (`Conversation.answer`)


class Conversation:
    def __init__(
        self,
        *,
        graph: CompiledStateGraph[SessionState],
        engine: Engine,
        audit: AuditSink,
        scrubber: Scrubber,
        on_completed: Callable[[str, dict[str, Any]], object] | None = None,
        pseudonyms: SessionPseudonyms | None = None,
    ) -> None:
        """`on_completed(session_id, state)` runs once a candidate who consented reaches the end (the report).

        With `pseudonyms`, personal data gets the session's placeholders (`<PERSONNE_1>`...) everywhere it is
        kept or sent, and the views returned for the candidate have them restored; without, `scrubber` masks it.
        """
        self._graph = graph
        self._engine = engine
        self._audit = audit
        self._scrubber = scrubber
        self._on_completed = on_completed
        self._pseudonyms = pseudonyms
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)

    def open(self, session_id: str, *, live: Callable[[Live], object] | None = None) -> View:
        """Start the session on first visit; afterwards, show it exactly where it stands."""
        with self._locks[session_id]:
            config = _config(session_id)
            if not self._graph.get_state(config).values:
                with self._scrubbing(session_id):
                    self._run(session_id, self._initial_state(session_id), live)
                    self._audit("session_started", {}, session_id=session_id)
                    self._record(session_id, before={})
            return self._for_display(session_id, self._view(session_id))

    def answer(
        self, session_id: str, text: str, *, question_id: str | None, live: Callable[[Live], object] | None = None
    ) -> View:
        """Take the answer to the question `question_id` and run the session to its next question.

        `live` receives, as the run goes, the turns it adds, notices while a long step runs, and the next question
        while the model writes it (screened, see `flows.asking`), with the candidate's own words restored: the
        chat streams them. The returned view holds everything but the notices, the final question included."""
        with self._locks[session_id]:
            current = self._view(session_id)
            if current.question is None:
                raise ConversationError(
                    "session finished", "Cet entretien est terminé. Merci pour votre participation."
                )
            if question_id != current.question_id:
                raise ConversationError(
                    "stale answer",
                    "Cette question a déjà reçu une réponse (peut-être dans un autre onglet). Voici où nous en sommes.",
                )
            before = dict(self._graph.get_state(_config(session_id)).values)
            if text not in {option["id"] for option in current.question["options"]}:
                # Scrubbed before LangGraph sees it: the resume value is written to the checkpoint as it is.
                text = self._scrub(session_id, text)
            with self._scrubbing(session_id):
                self._run(session_id, Command(resume=text), live)
                self._record(session_id, before=before)
            return self._for_display(session_id, self._view(session_id))

    def values(self, session_id: str) -> dict[str, Any]:
        """The checkpointed state of the session (empty before it starts)."""
        return dict(self._graph.get_state(_config(session_id)).values)

    def result(self, session_id: str) -> dict[str, Any]:
        """What the session produced so far: status, consent, completed assessments, the mock interview's feedback
        and the stored report (None until it is written)."""
        state = self._graph.get_state(_config(session_id)).values
        with Session(self._engine) as db:
            row = db.get(AssessmentSession, session_id)
            if row is None:
                raise _unknown_session()
            report = load_report(db, session_id)
            return {
                "session_id": session_id,
                "rubric": row.rubric_id,
                "rubric_version": row.rubric_version,
                "status": row.status.value,
                "consent": row.consent,
                "completed_flows": state.get("completed_flows", []),
                "quiz": state.get("quiz_result"),
                "mock_feedback": state.get("mock_feedback"),
                "report": report.model_dump(mode="json") if report is not None else None,
            }

    def _run(
        self, session_id: str, graph_input: SessionState | Command[str], live: Callable[[Live], object] | None
    ) -> None:
        """Run the graph until it waits for the candidate. With `live`, pass on as they come the turns the run
        adds and the drafts of the next question, restored for the candidate's eyes."""
        if live is None:
            self._graph.invoke(graph_input, _config(session_id))
            return
        for part in self._graph.stream(
            graph_input, _config(session_id), stream_mode=["updates", "custom"], subgraphs=True, version="v2"
        ):
            if part["type"] == "custom":
                data = part["data"]
                if "draft" in data:
                    live(Draft(draft=self._restored(session_id, data["draft"]), progress=data["progress"]))
                elif "notice" in data:
                    live(Notice(notice=data["notice"]))
            elif part["type"] == "updates":
                for update in part["data"].values():
                    for entry in update.get("transcript", []) if isinstance(update, dict) else []:
                        live(self._restored_turn(session_id, entry))

    def _initial_state(self, session_id: str) -> SessionState:
        with session_scope(self._engine) as db:
            row = db.get(AssessmentSession, session_id)
            if row is None:
                raise _unknown_session()
            row.status = SessionStatus.IN_PROGRESS
            return {
                "session_id": session_id,
                "rubric_id": row.rubric_id,
                "flows": check_flows([str(flow) for flow in row.flows]),
                "transcript": [],
                "completed_flows": [],
            }

    def _scrub(self, session_id: str, text: str) -> str:
        if self._pseudonyms is None:
            return self._scrubber.scrub(text)
        return self._pseudonyms.scrub_for_session(session_id, text)

    def _scrubbing(self, session_id: str) -> AbstractContextManager[object]:
        """Within the block, the process scrubber (flows, model gateway) uses this session's placeholders."""
        return self._pseudonyms.active(session_id) if self._pseudonyms is not None else nullcontext()

    def _for_display(self, session_id: str, view: View) -> View:
        """The view with the session's placeholders replaced by the candidate's own words: for their eyes only,
        never stored or logged."""
        if self._pseudonyms is None:
            return view
        turns = [self._restored_turn(session_id, entry) for entry in view.turns]
        question = view.question
        if question is not None:
            question = Question(**{**question, "text": self._restored(session_id, question["text"])})
        return View(turns=turns, question=question, question_id=view.question_id)

    def _restored(self, session_id: str, text: str) -> str:
        return text if self._pseudonyms is None else self._pseudonyms.restore_for_display(session_id, text)

    def _restored_turn(self, session_id: str, entry: Turn) -> Turn:
        return Turn(**{**entry, "content": self._restored(session_id, entry["content"])})

    def _view(self, session_id: str) -> View:
        state = self._graph.get_state(_config(session_id), subgraphs=True)
        turns: list[Turn] = list(state.values.get("transcript", []))
        for task in state.tasks:
            if isinstance(task.state, StateSnapshot):  # a flow running as a subgraph keeps its turns until it ends
                turns = merge_turns(turns, task.state.values.get("transcript", []))
        pending = [interrupt for task in state.tasks for interrupt in task.interrupts]
        if not pending:
            return View(turns=turns, question=None, question_id=None)
        return View(turns=turns, question=pending[0].value, question_id=pending[0].id)

    def _record(self, session_id: str, *, before: dict[str, Any]) -> None:
        """Mirror what the last step changed into the database: new transcript turns (scrubbed again, in case),
        consent, quiz result, status, and one audit event per change."""
        after = self._graph.get_state(_config(session_id)).values
        view = self._view(session_id)
        events: list[tuple[str, dict[str, Any]]] = []
        with Session(self._engine) as db:
            stored = len(db.exec(select(Message.id).where(col(Message.session_id) == session_id)).all())
        # Scrubbed before the write transaction opens: a new pseudonym is written to the vault in a transaction of
        # its own, which would wait for this one's lock on SQLite. The session lock keeps `stored` current.
        new_messages = [
            Message(
                session_id=session_id,
                seq=seq,
                role=MessageRole.CANDIDATE if turn["role"] == "candidate" else MessageRole.ASSISTANT,
                content_scrubbed=self._scrubber.scrub(turn["content"]),
            )
            for seq, turn in enumerate(view.turns[stored:], start=stored)
        ]
        with session_scope(self._engine) as db:
            db.add_all(new_messages)
            row = db.get(AssessmentSession, session_id)
            if row is None:
                raise _unknown_session()
            consent = after.get("consent")
            if consent is not None and before.get("consent") is None:
                row.consent = consent
                events.append(("consent_given" if consent else "consent_refused", {}))
            if "quiz_result" in after and "quiz_result" not in before:
                result = after["quiz_result"]
                events.append(("quiz_completed", {key: result[key] for key in _QUIZ_AUDIT_FIELDS}))
            if view.finished and row.status == SessionStatus.IN_PROGRESS:
                row.status = SessionStatus.COMPLETED if consent else SessionStatus.REFUSED
                row.completed_at = utcnow()
                events.append((f"session_{row.status.value}", {}))
        for event_type, payload in events:
            self._audit(event_type, payload, session_id=session_id)
        if ("session_completed", {}) in events and self._on_completed is not None:
            self._on_completed(session_id, dict(after))


_QUIZ_AUDIT_FIELDS = (
    "rubric_id",
    "rubric_version",
    "rubric_sha256",
    "engine_version",
    "theta",
    "se",
    "items_asked",
    "threshold_met",
    "p_threshold_met",
)


def _unknown_session() -> ConversationError:
    return ConversationError("unknown session", "Ce lien ne correspond à aucun entretien.")


def _config(session_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": session_id}}
