"""Nodes of the session orchestrator. Everything the candidate reads here is fixed French text, not generated."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.types import interrupt

from flows.session.state import SessionState
from flows.turns import FlowName, Option, Question, assistant, turn

WELCOME = (
    "Bonjour et bienvenue sur Tremplin ! Je vais vous poser quelques questions pour préparer votre entrée "
    "en formation. Vous pouvez vous arrêter quand vous voulez et reprendre plus tard avec le même lien."
)
CONSENT_QUESTION = (
    "Avant de commencer : je suis une intelligence artificielle (IA). C'est moi qui pose les questions, mais je ne "
    "décide rien : une personne de l'équipe de formation lira vos réponses et prendra la décision. "
    "Voulez-vous continuer avec moi ?"
)
ACCEPT = Option(id="accept", label="Oui, je commence")
REFUSE = Option(id="refuse", label="Non, je préfère parler à un conseiller")
CONSENT_REPEAT = "Je n'ai pas compris votre choix. Cliquez sur un des deux boutons, ou écrivez « oui » ou « non »."
REFERRAL = (
    "C'est noté, et ce choix ne vous pénalise pas. Un conseiller ou une conseillère de votre organisme va vous "
    "recontacter pour faire le point avec vous, sans l'assistant. Vous pouvez fermer cette page."
)
CLOSING = (
    "C'est terminé, merci pour vos réponses ! L'équipe de formation va les lire et vous recontactera. "
    "Vous pouvez fermer cette page."
)
_YES = {"accept", "oui", "o", "yes", "ok", "d'accord", "daccord"}
_NO = {"refuse", "non", "n", "no"}


def welcome(state: SessionState) -> dict[str, Any]:
    return {"transcript": [assistant(WELCOME)]}


def ask_consent(state: SessionState) -> dict[str, Any]:
    raw = interrupt(Question(kind="consent", text=CONSENT_QUESTION, options=[ACCEPT, REFUSE]))
    choice = str(raw).strip().lower().rstrip(" !.")
    if choice in _YES or choice in _NO:
        accepted = choice in _YES
        label = ACCEPT["label"] if accepted else REFUSE["label"]
        return {
            "consent": accepted,
            "transcript": [assistant(CONSENT_QUESTION), turn("candidate", label)],
        }
    return {"transcript": [assistant(CONSENT_REPEAT)]}


def route_consent(state: SessionState) -> Literal["ask_consent", "refer_to_human", "next_flow"]:
    consent = state.get("consent")
    if consent is None:
        return "ask_consent"
    return "next_flow" if consent else "refer_to_human"


def refer_to_human(state: SessionState) -> dict[str, Any]:
    return {"transcript": [assistant(REFERRAL)]}


def next_flow(state: SessionState) -> dict[str, Any]:
    """A junction: `route_flows` decides where to go."""
    return {}


def pending_flows(state: SessionState) -> list[FlowName]:
    done = set(state["completed_flows"])
    return [flow for flow in state["flows"] if flow not in done]


def closing(state: SessionState) -> dict[str, Any]:
    return {"transcript": [assistant(CLOSING)]}
