"""Chainlit handlers of the candidate chat, mounted at /chat by `app.web.main`.

The candidate arrives through an invitation link (`/invitation/<token>`), which leaves a signed cookie that
`authenticate` reads: the chat never asks who they are. The conversation itself lives in the session graph
(`app.conversation`); these handlers only display it and pass answers on, so closing the tab, losing the network
or restarting the server loses nothing.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from http.cookies import CookieError, SimpleCookie
from typing import ParamSpec, cast

import chainlit as cl
from starlette.datastructures import Headers

from app.browser_binding import browser_key_from
from app.chat_input import RejectedMessage, clean_candidate_message
from app.conversation import FINISHED_MESSAGE, ConversationError, Live, View
from app.invitations import COOKIE, InvalidInvitation
from app.runtime import get_conversation
from app.web.candidate_access import admit, chat_user, refusal_of
from flows.turns import Draft, Notice, Turn

WELCOME_BACK = "Bon retour ! Reprenons là où vous en étiez."
TECHNICAL_PROBLEM = (
    "Un problème technique nous empêche de continuer pour le moment. Vos réponses précédentes sont enregistrées : "
    "revenez un peu plus tard avec le même lien."
)
ANSWER_ACTION = "answer"
P = ParamSpec("P")
log = logging.getLogger(__name__)


def in_french(handler: Callable[P, Awaitable[None]]) -> Callable[P, Awaitable[None]]:
    """An unexpected error in a handler is logged (scrubbed) and the candidate reads a French sentence, instead of
    Chainlit's message quoting the Python error (English, and possibly their own words)."""

    @functools.wraps(handler)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await handler(*args, **kwargs)
        except Exception:
            log.exception("chat handler %s failed", handler.__name__)
            await tell(TECHNICAL_PROBLEM)

    return guarded


async def tell(text: str) -> None:
    await cl.Message(content=text).send()


@cl.header_auth_callback
async def authenticate(headers: Headers) -> cl.User | None:
    """The invitation cookie is the candidate's only identity (a pseudonymous session id), and it counts only in
    the browser the link is bound to. Pages under /chat already refused anyone else (`candidate_access`)."""
    try:
        cookie = SimpleCookie(headers.get("cookie", ""))
    except CookieError:
        return None
    cookies = {name: morsel.value for name, morsel in cookie.items()}
    if browser_key_from(cookies) is None:
        return None  # only the chat gate may give a browser its key, on a page load
    try:
        admission = await asyncio.to_thread(admit, cookies.get(COOKIE), cookies)
    except InvalidInvitation:
        return None
    return chat_user(admission.session_id)


def _session_id() -> str:
    user = cl.user_session.get("user")
    return str(user.metadata["session_id"])


async def _refused() -> bool:
    """A refused widget login (`candidate_access.refused_chat_user`) reaches no session: its chat only says why."""
    refusal = refusal_of(cl.user_session.get("user"))
    if refusal is None:
        return False
    await cl.Message(content=refusal).send()
    return True


@cl.on_chat_start
@in_french
async def on_chat_start() -> None:
    if await _refused():
        return
    try:
        view = await asyncio.to_thread(get_conversation().open, _session_id())
    except ConversationError as error:
        await cl.Message(content=error.candidate_message).send()
        return
    if any(turn["role"] == "candidate" for turn in view.turns):
        # A returning candidate: the history is not replayed, the pending question is shown again.
        cl.user_session.set("shown", {turn["id"] for turn in view.turns})
        await cl.Message(content=WELCOME_BACK if view.question else FINISHED_MESSAGE).send()
    await _show(view)


@cl.on_message
@in_french
async def on_message(message: cl.Message) -> None:
    if await _refused():
        return
    try:
        text = clean_candidate_message(message.content)
    except RejectedMessage as rejected:
        await cl.Message(content=rejected.candidate_message).send()
        return
    await _answer(text, cl.user_session.get("question_id"))


@cl.action_callback(ANSWER_ACTION)
@in_french
async def on_choice(action: cl.Action) -> None:
    if await _refused():
        return
    await action.remove()
    await _answer(str(action.payload["value"]), str(action.payload["question_id"]))


async def _answer(text: str, question_id: str | None) -> None:
    conversation = get_conversation()
    await _retire_question()
    screen = _LiveScreen()
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[Live | None] = asyncio.Queue()
    shown_live = asyncio.create_task(screen.follow(events))

    def live(event: Live) -> None:  # called from the worker thread, in order
        loop.call_soon_threadsafe(events.put_nowait, event)

    try:
        view = await asyncio.to_thread(conversation.answer, _session_id(), text, question_id=question_id, live=live)
    except ConversationError as error:
        await cl.Message(content=error.candidate_message).send()
        view = await asyncio.to_thread(conversation.open, _session_id())
    finally:
        events.put_nowait(None)
        await shown_live
    await _show(view, screen.draft)


async def _retire_question() -> None:
    """The question on screen is being answered: its buttons go. If it is still the one waiting once the run
    ends (the answer was not taken), `_show` shows it again with them."""
    asked: cl.Message | None = cl.user_session.get("question_message")
    if asked is not None:
        await asked.remove_actions()
    cl.user_session.set("question_message", None)
    cl.user_session.set("question_id", None)


class _LiveScreen:
    """Shows a run as it goes: new assistant turns, then the next question streamed while the model writes it
    into one message, which `_show` completes with the final question and its buttons."""

    def __init__(self) -> None:
        self.draft: cl.Message | None = None

    async def follow(self, events: asyncio.Queue[Live | None]) -> None:
        while (event := await events.get()) is not None:
            if "draft" in event:
                draft = cast(Draft, event)
                if self.draft is None:
                    self.draft = cl.Message(content="")
                await self.draft.stream_token(_question_content(draft["progress"], draft["draft"]), is_sequence=True)
            elif "notice" in event:
                await cl.Message(content=cast(Notice, event)["notice"]).send()
            elif self.draft is None:  # a turn after the draft started belongs after the question: `_show` sends it
                await _show_turn(event)


async def _show_turn(entry: Turn) -> None:
    """Send an assistant turn the candidate has not seen yet."""
    shown: set[str] = cl.user_session.get("shown") or set()
    if entry["id"] in shown:
        return
    shown.add(entry["id"])
    cl.user_session.set("shown", shown)
    question_texts: set[str] = cl.user_session.get("question_texts") or set()
    # Questions were displayed when asked; the transcript records them again once answered.
    if entry["role"] == "assistant" and entry["content"] not in question_texts:
        await cl.Message(content=entry["content"]).send()


async def _show(view: View, draft: cl.Message | None = None) -> None:
    """Send what the candidate has not seen yet: new assistant turns, then the pending question once (in the
    message its draft was streamed into, if any)."""
    for entry in view.turns:
        await _show_turn(entry)
    question = view.question
    if question is None or view.question_id == cl.user_session.get("question_id"):
        if draft is not None:
            await draft.remove()
        return
    question_texts: set[str] = cl.user_session.get("question_texts") or set()
    question_texts.add(question["text"])
    cl.user_session.set("question_texts", question_texts)
    cl.user_session.set("question_id", view.question_id)
    actions = [
        cl.Action(
            name=ANSWER_ACTION,
            payload={"value": option["id"], "question_id": view.question_id},
            label=option["label"],
        )
        for option in question["options"]
    ]
    content = _question_content(question.get("progress"), question["text"])
    if draft is None:
        asked = await cl.Message(content=content, actions=actions).send()
    else:
        # The final question completes its draft (the same text, or the rubric's own question if the model's was
        # refused).
        draft.content, draft.actions = content, actions
        await draft.update()
        asked = draft
    cl.user_session.set("question_message", asked)


def _question_content(progress: str | None, text: str) -> str:
    return f"*{progress}*\n\n{text}" if progress else text
