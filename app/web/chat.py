"""Chainlit handlers of the candidate chat, mounted at /chat by `app.web.main`.

The candidate arrives through an invitation link (`/invitation/<token>`), which leaves a signed cookie that
`authenticate` reads: the chat never asks who they are. The conversation itself lives in the session graph
(`app.conversation`); these handlers only display it and pass answers on, so closing the tab, losing the network
or restarting the server loses nothing.
"""

from __future__ import annotations

import asyncio
from http.cookies import CookieError, SimpleCookie

import chainlit as cl
from starlette.datastructures import Headers

from app.browser_binding import browser_key_from
from app.chat_input import RejectedMessage, clean_candidate_message
from app.conversation import FINISHED_MESSAGE, ConversationError, View
from app.invitations import COOKIE, InvalidInvitation
from app.runtime import get_conversation
from app.web.candidate_access import admit, chat_user

WELCOME_BACK = "Bon retour ! Reprenons là où vous en étiez."
ANSWER_ACTION = "answer"


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


@cl.on_chat_start
async def on_chat_start() -> None:
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
async def on_message(message: cl.Message) -> None:
    try:
        text = clean_candidate_message(message.content)
    except RejectedMessage as rejected:
        await cl.Message(content=rejected.candidate_message).send()
        return
    await _answer(text, cl.user_session.get("question_id"))


@cl.action_callback(ANSWER_ACTION)
async def on_choice(action: cl.Action) -> None:
    await action.remove()
    await _answer(str(action.payload["value"]), str(action.payload["question_id"]))


async def _answer(text: str, question_id: str | None) -> None:
    conversation = get_conversation()
    try:
        view = await asyncio.to_thread(conversation.answer, _session_id(), text, question_id=question_id)
    except ConversationError as error:
        await cl.Message(content=error.candidate_message).send()
        view = await asyncio.to_thread(conversation.open, _session_id())
        cl.user_session.set("question_id", None)  # so the current question is shown again below
    await _show(view)


async def _show(view: View) -> None:
    """Send what the candidate has not seen yet: new assistant turns, then the pending question once."""
    shown: set[str] = cl.user_session.get("shown") or set()
    question_texts: set[str] = cl.user_session.get("question_texts") or set()
    for turn in view.turns:
        if turn["id"] in shown:
            continue
        shown.add(turn["id"])
        # Questions were displayed when asked; the transcript records them again once answered.
        if turn["role"] == "assistant" and turn["content"] not in question_texts:
            await cl.Message(content=turn["content"]).send()
    cl.user_session.set("shown", shown)
    question = view.question
    if question is None or view.question_id == cl.user_session.get("question_id"):
        return
    question_texts.add(question["text"])
    cl.user_session.set("question_texts", question_texts)
    cl.user_session.set("question_id", view.question_id)
    progress = question.get("progress")
    actions = [
        cl.Action(
            name=ANSWER_ACTION,
            payload={"value": option["id"], "question_id": view.question_id},
            label=option["label"],
        )
        for option in question["options"]
    ]
    content = f"*{progress}*\n\n{question['text']}" if progress else question["text"]
    await cl.Message(content=content, actions=actions).send()
