"""An invitation link works only in the first browser that opens it.

That browser receives a random key in a long-lived HttpOnly cookie; the session stores only the key's sha256
(`assessment_session.browser_binding`). A forwarded or leaked link opened anywhere else gets a French message
and no data. Tabs of the same browser share the cookie, so they keep working.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from app.audit import AuditSink
from app.db.models import AssessmentSession
from app.db.session import session_scope
from app.invitations import InvalidInvitation

BROWSER_COOKIE = "tremplin_browser"
BROWSER_COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers accept

OTHER_BROWSER = InvalidInvitation(
    "opened in another browser",
    "Ce lien a déjà été ouvert sur un autre appareil ou dans un autre navigateur. "
    "Pour protéger vos réponses, il ne marche que là où il a été ouvert la première fois. "
    "Continuez sur ce premier appareil, ou demandez un nouveau lien à votre conseiller ou à votre conseillère.",
)
UNKNOWN_SESSION = InvalidInvitation(
    "unknown session",
    "Ce lien ne correspond à aucun entretien. Demandez un nouveau lien à votre conseiller ou à votre conseillère.",
)


def new_browser_key() -> str:
    return secrets.token_urlsafe(32)


def fingerprint(browser_key: str) -> str:
    return hashlib.sha256(browser_key.encode()).hexdigest()


def browser_key_from(cookies: Mapping[str, str]) -> str | None:
    """The browser's key if it has a plausible one (a forged short or huge value counts as none)."""
    key = cookies.get(BROWSER_COOKIE)
    return key if key is not None and 32 <= len(key) <= 128 else None


def claim(engine: Engine, session_id: str, browser_key: str, audit: AuditSink) -> None:
    """Bind the session to this browser if it is the first, accept it if it is the same one, else raise
    `OTHER_BROWSER`. The binding is one conditional UPDATE, so two browsers racing cannot both win."""
    mine = fingerprint(browser_key)
    binding, session = col(AssessmentSession.browser_binding), col(AssessmentSession.id)
    with session_scope(engine) as db:
        connection = db.connection()
        bound = connection.execute(
            sa.update(AssessmentSession).where(session == session_id, binding.is_(None)).values(browser_binding=mine)
        ).rowcount
        stored = connection.execute(sa.select(binding).where(session == session_id)).first()
    if stored is None:
        raise UNKNOWN_SESSION
    if bound:
        audit("invitation_bound_to_browser", {}, session_id=session_id)
        return
    if stored[0] != mine:
        audit("invitation_refused_other_browser", {}, session_id=session_id)
        raise OTHER_BROWSER
