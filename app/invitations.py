"""Invitations: a signed, expiring link that opens one candidate's assessment session.

The token carries only the session id and an expiry, signed with HMAC-SHA256 under a key derived from
`TREMPLIN_SECRET_KEY`; it holds no personal data. Opening the link stores it in an HttpOnly cookie that the chat's
authentication reads, so the candidate never types an identity.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db.models import AssessmentSession, Candidate, Flow, Organisation
from app.db.session import session_scope
from app.errors import ConfigError, TremplinError
from app.rubrics.models import Rubric
from app.settings import Settings

COOKIE = "tremplin_invitation"
_VERSION = 1


class InvalidInvitation(TremplinError):
    """The link cannot be used. `candidate_message` is the French text shown instead of any data."""

    def __init__(self, reason: str, candidate_message: str) -> None:
        super().__init__(reason)
        self.candidate_message = candidate_message


FORGED = InvalidInvitation(
    "bad signature or format",
    "Ce lien n'est pas valide. Vérifiez qu'il est complet, ou demandez un nouveau lien à votre conseiller.",
)
EXPIRED = InvalidInvitation(
    "expired", "Ce lien a expiré. Demandez un nouveau lien à votre conseiller ou à votre conseillère."
)


@dataclass(frozen=True, slots=True)
class Invitation:
    session_id: str
    expires_at: datetime
    token: str

    @property
    def path(self) -> str:
        return f"/invitation/{self.token}"


def _key(settings: Settings) -> bytes:
    return hmac.new(settings.secret_key.get_secret_value().encode(), b"tremplin-invitation-v1", "sha256").digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(session_id: str, expires_at: datetime, settings: Settings) -> str:
    payload = json.dumps({"v": _VERSION, "sid": session_id, "exp": int(expires_at.timestamp())}, separators=(",", ":"))
    body = _b64(payload.encode())
    signature = _b64(hmac.new(_key(settings), body.encode(), hashlib.sha256).digest())
    return f"{body}.{signature}"


def verify(token: str, settings: Settings, *, now: datetime | None = None) -> str:
    """The session id the token opens, or `InvalidInvitation`."""
    body, _, signature = token.partition(".")
    expected = _b64(hmac.new(_key(settings), body.encode(), hashlib.sha256).digest())
    if not body or not hmac.compare_digest(signature.encode(), expected.encode()):
        raise FORGED
    try:
        claims = json.loads(_unb64(body))
        session_id, expires = str(claims["sid"]), int(claims["exp"])
    except (ValueError, KeyError, TypeError):
        raise FORGED from None
    if claims.get("v") != _VERSION:
        raise FORGED
    if (now or datetime.now(UTC)).timestamp() >= expires:
        raise EXPIRED
    return session_id


def create_session(
    engine: Engine,
    *,
    organisation_id: int,
    rubric: Rubric,
    flows: list[Flow],
    invitation_expires_at: datetime | None = None,
) -> str:
    """A new pseudonymous candidate and their assessment session; returns the session id."""
    with session_scope(engine) as db:
        if db.get(Organisation, organisation_id) is None:
            raise TremplinError(f"organisation {organisation_id} does not exist")
        candidate = Candidate(organisation_id=organisation_id)
        db.add(candidate)
        db.flush()
        session = AssessmentSession(
            candidate_id=candidate.id,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            flows=flows,
            invitation_expires_at=invitation_expires_at,
        )
        db.add(session)
        db.flush()
        return session.id


def create_invitation(
    engine: Engine,
    settings: Settings,
    *,
    organisation_id: int,
    rubric: Rubric,
    flows: list[Flow],
    valid_for: timedelta = timedelta(days=14),
) -> Invitation:
    """A new session and the link that opens it."""
    expires_at = datetime.now(UTC) + valid_for
    session_id = create_session(
        engine, organisation_id=organisation_id, rubric=rubric, flows=flows, invitation_expires_at=expires_at
    )
    return Invitation(session_id=session_id, expires_at=expires_at, token=sign(session_id, expires_at, settings))


def invitation_of(session: AssessmentSession, settings: Settings) -> Invitation | None:
    """The link of a session again (the token is deterministic), if its expiry was recorded; None otherwise."""
    if session.invitation_expires_at is None:
        return None
    expires_at = session.invitation_expires_at
    return Invitation(session_id=session.id, expires_at=expires_at, token=sign(session.id, expires_at, settings))


def resolve_organisation(engine: Engine, organisation_id: int | None) -> int:
    """The given organisation, or the only one there is; a `ConfigError` naming the choices otherwise."""
    with Session(engine) as db:
        organisations = db.exec(select(Organisation)).all()
    known = {organisation.id: organisation.name for organisation in organisations if organisation.id is not None}
    if organisation_id is None and len(known) == 1:
        return next(iter(known))
    if organisation_id is not None and organisation_id in known:
        return organisation_id
    choices = ", ".join(f"{key}: {name}" for key, name in known.items()) or "none yet: run `tremplin seed-demo`"
    raise ConfigError(f"--organisation-id: choose an existing organisation ({choices})")
