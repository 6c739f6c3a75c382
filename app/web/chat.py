"""Chainlit handlers of the candidate chat, mounted at /chat by `app.web.main`.

Until the assessment flows land, the chat greets the candidate, says it is an AI, and answers through the
model gateway (so every reply is scrubbed, audited, and visibly marked when the fallback answered).
"""

from __future__ import annotations

import asyncio

import chainlit as cl

from app.chat_input import RejectedMessage, clean_candidate_message
from app.llm.errors import LLMError
from app.prompts import get_prompt_registry
from app.runtime import get_gateway

WELCOME = (
    "Bonjour et bienvenue sur **Tremplin** !\n\n"
    "Je suis un **assistant d'intelligence artificielle (IA)**. Je pose des questions pour préparer votre entrée "
    "en formation. Je ne décide rien : une personne de l'équipe de formation lit toujours les résultats.\n\n"
    "Vous pouvez refuser de parler avec l'IA et demander un conseiller ou une conseillère, sans aucune pénalité. "
    "N'écrivez pas votre nom, votre adresse ni votre numéro de téléphone : ce n'est pas nécessaire.\n\n"
    "*Version de démonstration : les évaluations ne sont pas encore ouvertes. "
    "Vous pouvez déjà poser une question sur le déroulement.*"
)
FALLBACK_REPLY = (
    "Je ne peux pas répondre pour le moment : l'assistant IA n'est pas disponible. "
    "Votre message n'est pas perdu. Réessayez dans quelques minutes ou demandez à parler à un conseiller."
)
# What the deterministic `rules` provider answers: it has no generative model, so it says so plainly.
RULES_REPLY = (
    "Merci pour votre message. Dans cette version de démonstration, je ne peux pas encore répondre librement : "
    "les évaluations arrivent bientôt. Pour toute question, adressez-vous à votre conseiller."
)
HISTORY_TURNS = 6
# Until invitations bind a candidate to an offer (chat issue), the demo chat is about this training.
DEMO_TRAINING = "Aide-soignant·e"


@cl.on_chat_start
async def on_chat_start() -> None:
    cl.user_session.set("history", [])
    await cl.Message(content=WELCOME).send()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    try:
        text = clean_candidate_message(message.content)
    except RejectedMessage as rejected:
        await cl.Message(content=rejected.candidate_message).send()
        return

    history: list[dict[str, str]] = cl.user_session.get("history") or []
    history.append({"role": "user", "content": text})
    prompt = get_prompt_registry().render(
        "chat/reply", training_title=DEMO_TRAINING, history=history[-HISTORY_TURNS * 2 :]
    )
    gateway = await asyncio.to_thread(get_gateway)
    reply = cl.Message(content="")
    try:
        async for token in gateway.astream(prompt, rules=lambda: RULES_REPLY, session_id=cl.context.session.id):
            await reply.stream_token(token)
    except LLMError:
        reply.content = FALLBACK_REPLY
    await reply.send()
    history.append({"role": "assistant", "content": reply.content})
    cl.user_session.set("history", history)
