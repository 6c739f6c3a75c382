"""What the flows and the chat exchange: transcript turns, and the question a flow waits on.

A flow asks the candidate something with `interrupt(Question)`; the chat shows it and resumes the graph with
`Command(resume=<the candidate's text or the chosen option id>)`. Everything the candidate reads is French.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Literal, NotRequired, TypedDict, TypeVar

FlowName = Literal["quiz", "motivation", "mock"]
QuestionKind = Literal["consent", "quiz_item", "open"]


class Turn(TypedDict):
    """One message of the conversation. Candidate text is stored scrubbed."""

    id: str
    role: Literal["assistant", "candidate"]
    content: str
    flow: NotRequired[FlowName]
    item_id: NotRequired[str]  # quiz: the item asked or answered
    criterion: NotRequired[str]  # interviews, assistant turns: the criterion or mock question this opens


class Option(TypedDict):
    id: str
    label: str


class Question(TypedDict):
    """The payload of every `interrupt()`: what to show, and how the candidate may answer."""

    kind: QuestionKind
    text: str
    options: list[Option]  # empty: a free answer is expected
    progress: NotRequired[str]
    item_id: NotRequired[str]  # which quiz item, or which interview question and follow-up, is asked
    flow: NotRequired[FlowName]  # the assessment asking (absent: the session itself, e.g. consent)


class Draft(TypedDict):
    """A question while the model writes it, streamed to the chat (LangGraph "custom" stream) before the
    `Question` itself is ready; only what `flows.asking.QuestionDraft` let through."""

    draft: str
    progress: str


class Notice(TypedDict):
    """A word to the candidate while a long step runs (LangGraph "custom" stream), for display only: the
    transcript keeps what the step produces."""

    notice: str


def no_stream(_: object) -> None:
    """The stream writer of a node called outside a graph run (unit tests): nobody is watching."""


def turn(
    role: Literal["assistant", "candidate"],
    content: str,
    flow: FlowName | None = None,
    item_id: str | None = None,
    *,
    criterion: str | None = None,
) -> Turn:
    new = Turn(id=str(uuid.uuid4()), role=role, content=content)
    if flow is not None:
        new["flow"] = flow
    if item_id is not None:
        new["item_id"] = item_id
    if criterion is not None:
        new["criterion"] = criterion
    return new


def assistant(content: str, flow: FlowName | None = None) -> Turn:
    return turn("assistant", content, flow)


def merge_turns(left: Sequence[Turn], right: Sequence[Turn]) -> list[Turn]:
    """Reducer for transcripts: appends the turns not already there (by id), like LangGraph's `add_messages`.

    A subgraph returns its whole state to its parent; merging by id keeps each turn once."""
    known = {existing["id"] for existing in left}
    return [*left, *(new for new in right if new["id"] not in known)]


T = TypeVar("T")


def merge_unique(left: Sequence[T], right: Sequence[T]) -> list[T]:
    """Reducer for sets kept in order (e.g. completed flows): appends what is not already there."""
    return [*left, *(value for value in right if value not in left)]
