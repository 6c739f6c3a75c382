"""100 synthetic identities (canaries) go through what a chat turn does: pseudonymised candidate messages stored
as transcript rows, prompts rendered from them and sent through the real model gateway (to a fake model that
records every request and answers with the placeholders it saw), audit events in the database, a careless
log line quoting the raw message. None of their values may then be found, raw or normalised (digits without
separators, case and accents folded), in any model request, log record or stored row of any table; and the
candidate still reads the reply with their own values restored."""

from __future__ import annotations

import io
import json
import logging
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from app.db.audit import DatabaseAuditSink
from app.db.engine import make_engine
from app.db.migrate import upgrade_database
from app.db.models import Message, MessageRole
from app.llm.gateway import LLMGateway
from app.pii.analyzer import PiiAnalyzer
from app.pii.logging import install_log_scrubbing
from app.pii.pseudonyms import SessionPseudonymiser
from app.pii.scrubber import PresidioScrubber
from app.pii.text import fold
from app.pii.validators import compact
from app.pii.vault import DatabaseVault, VaultCipher
from app.prompts import PromptMessage, get_prompt_registry
from evals.pii.corpus import ValueFactory, vocabulary
from tests.pii.test_pseudonyms import new_session

CANARIES = 100
PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
DIGIT_RUN = re.compile(r"\d[\d\s.\-/()+]*\d")
# What the system generates itself: UUIDs, hex digests, timestamps (whose microseconds once held, by chance,
# the 6 digits of a canary's birth date) and the vault's Fernet tokens (whose random base64 once held, as a
# word of its own, a canary's 3-letter name).
GENERATED_IDS = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32,}\b"
    r"|\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?"
    r"|\bgAAAAA[0-9A-Za-z_\-]+=*"
)


class CapturingChatModel(BaseChatModel):
    """Records what the model would receive; answers by quoting the placeholders it was given."""

    requests: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "capturing"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **_: Any) -> ChatResult:
        contents = [str(message.content) for message in messages]
        self.requests.extend(contents)
        seen = PLACEHOLDER.findall(contents[-1])
        reply = f"Merci {seen[0]}, c'est noté ({', '.join(seen[1:])})." if seen else "Merci, c'est noté."
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])


@dataclass(frozen=True)
class Canary:
    first: str
    last: str
    birth: str
    phone: str
    email: str
    nir: str
    iban: str
    address: str
    postcode: str
    handle: str
    url: str

    def messages(self, town: str) -> list[str]:
        phone_again = re.sub(r"\D", "", self.phone)[-9:]
        return [
            f"Bonjour, je m'appelle {self.first} {self.last}, je suis né le {self.birth}. "
            f"Mon numéro : {self.phone}, mon mail : {self.email}.",
            f"J'habite {self.address} {self.postcode} {town}. Sécu {self.nir}, IBAN {self.iban}. "
            f"Insta {self.handle}, mon profil {self.url}",
            f"pour me rappeler c'est le 0{phone_again[0]} {phone_again[1:]} et mon nom c'est {self.last.upper()} "
            f"{self.first.lower()}",
        ]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold(text)))


def make_canaries(background: set[str]) -> list[Canary]:
    """Identities from the corpus generator; a name that is also a word of the fixed texts (the prompt, the
    fake model's reply) is skipped, since finding it would prove nothing."""
    values = ValueFactory(2024)
    canaries: list[Canary] = []
    while len(canaries) < CANARIES:
        first, last = values.first_name(), values.last_name()
        if _words(f"{first} {last}") & background or min(len(word) for word in _words(f"{first} {last}")) < 3:
            continue
        canaries.append(
            Canary(
                first,
                last,
                values.birth_date(),
                values.phone(),
                values.email(),
                values.nir(),
                values.iban(),
                values.address(),
                values.postcode(),
                values.handle(),
                values.url(),
            )
        )
    return canaries


def _tokens(text: str) -> str:
    """Folded words joined by single spaces and padded, so that `f" {phrase} " in` is a whole-word search."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold(text))) + " "


@dataclass(frozen=True)
class Haystack:
    """One text to search, prepared once: folded words, without separators, digit runs, whole numbers.

    The identifiers, hashes and timestamps the system generates are set aside first: their digits would
    otherwise form some postcode or date by chance."""

    where: str
    raw: str
    words: str
    squeezed: str
    digit_runs: str
    numbers: frozenset[str]

    @classmethod
    def of(cls, where: str, text: str) -> Haystack:
        text = GENERATED_IDS.sub(" ", text)
        runs = "|".join(re.sub(r"\D", "", run) for run in DIGIT_RUN.findall(text))
        numbers = frozenset(re.findall(r"(?<![0-9A-Za-z])\d+(?![0-9A-Za-z])", text))
        return cls(where, text, _tokens(text), compact(text), runs, numbers)


@dataclass(frozen=True)
class Forms:
    """A canary's values as they are searched: names and phrases as folded words, NIR and IBAN without
    separators, phone and numeric birth date as digits (a birth date shorter than 6 digits, "2/6/05", only as
    words: 4 digits occur anywhere), postcode as a whole number."""

    phrases: tuple[str, ...]
    compacts: tuple[str, ...]
    digits: tuple[str, ...]
    postcode: str

    @classmethod
    def of(cls, canary: Canary) -> Forms:
        values = (canary.birth, canary.email, canary.url, canary.handle, canary.address)
        phrases = (*sorted(_words(f"{canary.first} {canary.last}")), *(_tokens(value).strip() for value in values))
        digits = (re.sub(r"\D", "", canary.phone)[-9:], re.sub(r"\D", "", canary.birth))
        return cls(
            phrases,
            (compact(canary.nir), compact(canary.iban)),
            tuple(d for d in digits if len(d) >= 6),
            canary.postcode,
        )


def leaks(haystack: Haystack, forms: Forms) -> list[str]:
    found = [phrase for phrase in forms.phrases if f" {phrase} " in haystack.words]
    found += [value for value in forms.compacts if value in haystack.squeezed]
    found += [value for value in forms.digits if value in haystack.digit_runs]
    found += [forms.postcode] if forms.postcode in haystack.numbers else []
    return found


@pytest.fixture
def log_output(scrubber: PresidioScrubber) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    uninstall = install_log_scrubbing(scrubber)
    yield stream
    uninstall()
    root.removeHandler(handler)
    root.setLevel(level)


def stored_rows(engine: Engine) -> list[str]:
    rows = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(sa.select(table)).mappings():
                rows.append(json.dumps(dict(row), default=str, ensure_ascii=False))
    return rows


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite database (the vault itself is tested on PostgreSQL too, in test_pseudonyms)."""
    url = f"sqlite:///{tmp_path / 'leak.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_no_canary_value_leaks_anywhere(
    analyzer: PiiAnalyzer, scrubber: PresidioScrubber, engine: Engine, log_output: io.StringIO
) -> None:
    registry = get_prompt_registry()
    model = CapturingChatModel()
    gateway = LLMGateway(
        chat_model=model,
        provider="test",
        model_name="capturing",
        scrubber=scrubber,
        audit=DatabaseAuditSink(engine, actor="system"),
        timeout_s=30,
    )
    background = _words(
        " ".join(m.content for m in registry.render("chat/reply", training_title="Aide-soignant", history=[]).messages)
    )
    background |= _words(
        "Merci c'est noté " + " ".join(vocabulary().towns)
    )  # the reply and the towns, which stay in clear
    canaries = make_canaries(background)
    vault = DatabaseVault(engine, VaultCipher("v" * 40))
    careless = logging.getLogger("tremplin.careless")
    rng = random.Random(7)
    shown: list[str] = []
    try:
        for canary in canaries:
            session_id = new_session(engine)
            pseudonymiser = SessionPseudonymiser(session_id, analyzer, vault)
            history: list[PromptMessage] = []
            for seq, text in enumerate(canary.messages(rng.choice(vocabulary().towns))):
                careless.info("message reçu de la session %s : %s", session_id, text)
                scrubbed = pseudonymiser.pseudonymise(text)
                history.append(PromptMessage("user", scrubbed))
                prompt = registry.render("chat/reply", training_title="Aide-soignant", history=history)
                with pseudonymiser.active():
                    reply = gateway.complete(prompt, session_id=session_id).value
                shown.append(pseudonymiser.restore(reply))
                history.append(PromptMessage("assistant", reply))
                with Session(engine) as session, session.begin():
                    session.add(
                        Message(
                            session_id=session_id, seq=2 * seq, role=MessageRole.CANDIDATE, content_scrubbed=scrubbed
                        )
                    )
                    session.add(
                        Message(
                            session_id=session_id, seq=2 * seq + 1, role=MessageRole.ASSISTANT, content_scrubbed=reply
                        )
                    )
    finally:
        gateway.close()

    logs = log_output.getvalue().splitlines()
    assert len(model.requests) == 2 * 3 * CANARIES
    assert sum("message reçu" in line for line in logs) == 3 * CANARIES
    haystacks = [Haystack.of("model request", text) for text in model.requests]
    haystacks += [Haystack.of("log", line) for line in logs]
    haystacks += [Haystack.of("stored row", row) for row in stored_rows(engine)]
    all_forms = [Forms.of(canary) for canary in canaries]
    found = [
        (haystack.where, value, haystack.raw[:200])
        for haystack in haystacks
        for forms in all_forms
        for value in leaks(haystack, forms)
    ]
    assert found == []
    # the candidate reads their own values back: the model's placeholders are restored
    assert all(canary.first in reply for canary, reply in zip(canaries, shown[::3], strict=True))


def test_the_leak_detector_finds_normalised_values() -> None:
    """The search above would see a value written differently from the canary."""
    canary = make_canaries(set())[0]
    digits = re.sub(r"\D", "", canary.phone)[-9:]
    spaced_nir = " ".join(compact(canary.nir))
    for variant in (
        canary.first.upper(),
        fold(canary.last),
        f"0{digits[0]}.{digits[1:5]}.{digits[5:]}",
        spaced_nir,
        canary.email.upper(),
        canary.iban.lower().replace(" ", ""),
        f"cp:{canary.postcode}",
    ):
        assert leaks(Haystack.of("test", f"texte {variant} texte"), Forms.of(canary)), variant
    assert leaks(Haystack.of("test", "texte <PERSONNE_1> au <TELEPHONE_1> texte"), Forms.of(canary)) == []
