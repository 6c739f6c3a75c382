"""Creating and listing staff accounts (the `tremplin users` commands and the admin page share this)."""

from __future__ import annotations

import re

from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.audit import AuditSink
from app.db.models import Organisation, User, UserCreate, UserRole
from app.db.passwords import hash_password
from app.errors import TremplinError

MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(TremplinError):
    """An account that cannot be created. The message is French: it is shown to the admin as it is."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_account(
    db: Session, *, email: str, full_name: str, role: str, organisation_id: int, password: str
) -> UserCreate:
    """The account to create, or `AccountError` naming the first problem in plain French."""
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise AccountError("Adresse e-mail non valide : elle doit ressembler à nom@exemple.fr.")
    if not full_name.strip() or len(full_name.strip()) > 200:
        raise AccountError("Le nom est obligatoire (200 caractères au plus).")
    if role not in {r.value for r in UserRole}:
        raise AccountError("Rôle inconnu : choisissez référent, administrateur ou auditeur.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if len(password) > 128:
        raise AccountError("Le mot de passe doit compter 128 caractères au plus.")
    if db.get(Organisation, organisation_id) is None:
        raise AccountError(f"L'organisation n° {organisation_id} n'existe pas.")
    if db.exec(select(User).where(User.email == email)).first() is not None:
        raise AccountError("Un compte existe déjà avec cette adresse e-mail.")
    try:
        return UserCreate(
            email=email,
            full_name=full_name.strip(),
            role=UserRole(role),
            organisation_id=organisation_id,
            password=password,
        )
    except ValidationError as exc:  # the checks above mirror UserCreate; this is a safety net
        raise AccountError(f"Compte non valide : {exc.errors()[0]['msg']}") from None


def create_account(db: Session, account: UserCreate, *, audit: AuditSink, created_by: str) -> User:
    """Store the account (password hashed with Argon2id) and log its creation (never the password)."""
    user = User(**account.model_dump(exclude={"password"}), password_hash=hash_password(account.password))
    db.add(user)
    db.commit()
    db.refresh(user)
    audit(
        "account.created",
        {"user_id": user.id, "role": str(user.role), "organisation_id": user.organisation_id, "by": created_by},
    )
    return user


def list_accounts(db: Session) -> list[tuple[User, Organisation]]:
    rows = db.exec(
        select(User, Organisation)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .order_by(col(Organisation.name), col(User.email))
    ).all()
    return [(user, organisation) for user, organisation in rows]
