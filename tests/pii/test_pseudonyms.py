"""Reversible per-session pseudonyms: consistent placeholders, restoration for the candidate, and the encrypted
vault table on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db.models import AssessmentSession, Candidate, Organisation, OrganisationKind, PiiVaultEntry
from app.pii.analyzer import PiiAnalyzer
from app.pii.pseudonyms import SessionPseudonymiser, normalise
from app.pii.vault import DatabaseVault, MemoryVault, VaultCipher, VaultKeyError

KEY = "k" * 40


def new_session(engine: Engine) -> str:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        organisation = Organisation(name="Centre de formation", kind=OrganisationKind.TRAINING_CENTRE)
        session.add(organisation)
        session.flush()
        candidate = Candidate(organisation_id=organisation.id)
        session.add(candidate)
        session.flush()
        assessment = AssessmentSession(candidate_id=candidate.id, rubric_id="aide-soignant", rubric_version="1")
        session.add(assessment)
    return assessment.id


@pytest.mark.parametrize(
    ("entity", "first", "second"),
    [
        ("TELEPHONE", "06 12 34 56 78", "0612345678"),
        ("TELEPHONE", "+33 6 12 34 56 78", "06.12.34.56.78"),
        ("TELEPHONE", "0033612345678", "06-12-34-56-78"),
        ("PERSONNE", "Jean-Pierre Martin", "jean pierre MARTIN"),
        ("PERSONNE", "Hélène", "helene"),
        ("EMAIL", "Kevin.Martin@Gmail.com", "kevin.martin@gmail.com"),
        ("NIR", "1 85 05 78 006 084 91", "185057800608491"),
        ("IBAN", "fr76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        ("URL", "https://www.linkedin.com/in/kmartin/", "linkedin.com/in/kmartin"),
        ("COMPTE_SOCIAL", "@Kevin_M", "kevin_m"),
    ],
)
def test_spellings_of_one_value_normalise_alike(entity: str, first: str, second: str) -> None:
    assert normalise(entity, first) == normalise(entity, second)


@pytest.mark.parametrize(
    ("entity", "first", "second"),
    [("TELEPHONE", "06 12 34 56 78", "06 12 34 56 79"), ("PERSONNE", "Jean Martin", "Jeanne Martin")],
)
def test_different_values_stay_apart(entity: str, first: str, second: str) -> None:
    assert normalise(entity, first) != normalise(entity, second)


def test_placeholders_are_consistent_across_a_session_and_restored(analyzer: PiiAnalyzer) -> None:
    pseudonymiser = SessionPseudonymiser("s1", analyzer, MemoryVault())
    first = pseudonymiser.pseudonymise("Je m'appelle Kevin Martin, mon numéro est le 06 12 34 56 78.")
    second = pseudonymiser.pseudonymise("Sinon ma sœur Inès Benali au 0711223344, ou moi au 0612345678.")

    assert first == "Je m'appelle <PERSONNE_1>, mon numéro est le <TELEPHONE_1>."
    assert second == "Sinon ma sœur <PERSONNE_2> au <TELEPHONE_2>, ou moi au <TELEPHONE_1>."
    reply = "Merci <PERSONNE_1>, je vous rappelle au <TELEPHONE_1> (ou TELEPHONE_2). <EMAIL_9> inconnu."
    assert pseudonymiser.restore(reply) == (
        "Merci Kevin Martin, je vous rappelle au 06 12 34 56 78 (ou 0711223344). <EMAIL_9> inconnu."
    )


def test_sessions_do_not_share_placeholders(analyzer: PiiAnalyzer) -> None:
    vault = MemoryVault()
    one = SessionPseudonymiser("one", analyzer, vault)
    other = SessionPseudonymiser("other", analyzer, vault)
    assert one.pseudonymise("tel 06 12 34 56 78") == "tel <TELEPHONE_1>"
    assert other.pseudonymise("tel 07 00 00 00 01") == "tel <TELEPHONE_1>"
    assert other.restore("<TELEPHONE_1>") == "07 00 00 00 01"


def test_database_vault_stores_values_encrypted_only(analyzer: PiiAnalyzer, migrated_engine: Engine) -> None:
    session_id = new_session(migrated_engine)
    pseudonymiser = SessionPseudonymiser(session_id, analyzer, DatabaseVault(migrated_engine, VaultCipher(KEY)))
    assert (
        pseudonymiser.pseudonymise("mail kevin.martin@gmail.com, tel 0612345678") == "mail <EMAIL_1>, tel <TELEPHONE_1>"
    )

    with migrated_engine.connect() as connection:
        rows = connection.execute(sa.select(sa.text("*")).select_from(sa.table("pii_vault_entry"))).mappings().all()
    dumped = json.dumps([dict(row) for row in rows], default=str)
    assert len(rows) == 2
    for secret in ("kevin", "martin", "gmail", "0612345678", "12345678"):
        assert secret not in dumped.lower()

    # a new process (a new pseudonymiser) with the same key continues the numbering and restores
    again = SessionPseudonymiser(session_id, analyzer, DatabaseVault(migrated_engine, VaultCipher(KEY)))
    assert again.pseudonymise("06 12 34 56 78 ou 07 11 22 33 44") == "<TELEPHONE_1> ou <TELEPHONE_2>"
    assert again.restore("<EMAIL_1>") == "kevin.martin@gmail.com"


def test_another_key_cannot_read_the_vault(analyzer: PiiAnalyzer, migrated_engine: Engine) -> None:
    session_id = new_session(migrated_engine)
    SessionPseudonymiser(session_id, analyzer, DatabaseVault(migrated_engine, VaultCipher(KEY))).pseudonymise(
        "tel 0612345678"
    )
    with pytest.raises(VaultKeyError, match="TREMPLIN_PII_VAULT_KEY"):
        SessionPseudonymiser(session_id, analyzer, DatabaseVault(migrated_engine, VaultCipher("another" * 6)))


def test_vault_goes_with_its_session(analyzer: PiiAnalyzer, migrated_engine: Engine) -> None:
    kept, deleted = new_session(migrated_engine), new_session(migrated_engine)
    vault = DatabaseVault(migrated_engine, VaultCipher(KEY))
    for session_id in (kept, deleted):
        SessionPseudonymiser(session_id, analyzer, vault).pseudonymise("tel 0612345678, mail a.b@gmail.com")

    with Session(migrated_engine) as session, session.begin():
        session.delete(session.get(AssessmentSession, deleted))

    with Session(migrated_engine) as session:
        remaining = session.exec(select(PiiVaultEntry.session_id)).all()
    assert remaining == [kept, kept]
    assert vault.forget(kept) == 2
    assert vault.entries(kept) == []


def test_two_writers_of_one_session_agree(analyzer: PiiAnalyzer, migrated_engine: Engine) -> None:
    """Both load the vault before either writes: the database's unique constraints keep them consistent."""
    session_id = new_session(migrated_engine)
    first = SessionPseudonymiser(session_id, analyzer, DatabaseVault(migrated_engine, VaultCipher(KEY)))
    second = SessionPseudonymiser(session_id, analyzer, DatabaseVault(migrated_engine, VaultCipher(KEY)))
    assert first.pseudonymise("0611111111") == "<TELEPHONE_1>"
    assert second.pseudonymise("0622222222 puis 0611111111") == "<TELEPHONE_2> puis <TELEPHONE_1>"
    assert first.restore("<TELEPHONE_2>") == "0622222222"


def test_unknown_session_is_refused(analyzer: PiiAnalyzer, migrated_engine: Engine) -> None:
    pseudonymiser = SessionPseudonymiser("no-such-session", analyzer, DatabaseVault(migrated_engine, VaultCipher(KEY)))
    with pytest.raises(ValueError, match="unknown assessment session"):
        pseudonymiser.pseudonymise("tel 0612345678")
