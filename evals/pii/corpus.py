"""The synthetic French chat corpus: hand-written templates (`templates.yaml`) filled by a seeded Faker `fr_FR`,
then roughened the way candidates type (lower case, no accents, typos, run-on messages).

Each sample carries the exact spans of the personal data it contains. The same seed gives the same corpus.
"""

from __future__ import annotations

import random
import string
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from faker import Faker
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.rubrics.yaml_loader import LocatedValueError, parse_yaml_model

TEMPLATES_PATH = Path(__file__).resolve().parent / "templates.yaml"
Split = Literal["tune", "test"]

# Slot -> the entity type it holds, or None for text that must stay in clear.
SLOTS: dict[str, str | None] = {
    "personne": "PERSONNE",
    "prenom": "PERSONNE",
    "nom": "PERSONNE",
    "telephone": "TELEPHONE",
    "email": "EMAIL",
    "nir": "NIR",
    "iban": "IBAN",
    "adresse": "ADRESSE",
    "code_postal": "CODE_POSTAL",
    "code_postal_espace": "CODE_POSTAL",
    "date_naissance": "DATE_NAISSANCE",
    "url": "URL",
    "compte": "COMPTE_SOCIAL",
    "permis": "PERMIS",
    "passeport": "PASSEPORT",
    "cni": "CARTE_IDENTITE",
    "ville": None,
    "departement": None,
    "date": None,
    "metier": None,
    "age": None,
    "nombre": None,
    "annee": None,
    "entreprise": None,
}

VOCABULARY_PATH = Path(__file__).resolve().parent / "vocabulary.yaml"


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    extra_first_names: list[str] = Field(min_length=1)
    extra_last_names: list[str] = Field(min_length=1)
    towns: list[str] = Field(min_length=1)
    street_types: dict[str, int] = Field(min_length=1)
    street_names: list[str] = Field(min_length=1)
    trades: list[str] = Field(min_length=1)
    companies: list[str] = Field(min_length=1)
    months: list[str] = Field(min_length=12, max_length=12)
    mail_domains: list[str] = Field(min_length=1)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return parse_yaml_model(VOCABULARY_PATH.read_bytes(), Vocabulary, source=str(VOCABULARY_PATH))


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    text: str = Field(min_length=1)
    written_after_tuning: date | None = Field(
        default=None, description="Test templates written after the recognizers were tuned: scored apart."
    )
    blind: bool = Field(
        default=False,
        description="Written by someone who read neither the recognizers nor any result (implies written after "
        "tuning): the cleanest estimate, scored apart.",
    )

    @model_validator(mode="after")
    def _known_slots(self) -> Template:
        for _, slot, _, _ in string.Formatter().parse(self.text):
            if slot is not None and slot not in SLOTS:
                raise LocatedValueError(f"unknown slot {{{slot}}}", "text")
        return self


class TemplateFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tune: list[Template] = Field(min_length=1)
    test: list[Template] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> TemplateFile:
        seen: set[str] = set()
        for split in ("tune", "test"):
            for index, template in enumerate(getattr(self, split)):
                if template.id in seen:
                    raise LocatedValueError(f"duplicate template id {template.id!r}", split, index, "id")
                seen.add(template.id)
        for index, template in enumerate(self.tune):
            if template.written_after_tuning is not None or template.blind:
                raise LocatedValueError(
                    "a tune template cannot be written after tuning", "tune", index, "written_after_tuning"
                )
        for index, template in enumerate(self.test):
            if template.blind and template.written_after_tuning is None:
                raise LocatedValueError("a blind template needs its date", "test", index, "written_after_tuning")
        return self


def load_templates(path: Path = TEMPLATES_PATH) -> TemplateFile:
    return parse_yaml_model(path.read_bytes(), TemplateFile, source=str(path))


@dataclass(frozen=True)
class GoldEntity:
    entity: str
    start: int
    end: int


@dataclass(frozen=True)
class Sample:
    text: str
    entities: tuple[GoldEntity, ...]
    templates: tuple[str, ...]
    split: Split


@dataclass
class _Piece:
    text: str
    entity: str | None  # None: template text or a slot that is not personal data
    literal: bool  # template text (typos may be introduced there, never inside a slot value)


def nir_with_key(body: str) -> str:
    """The 15-character NIR for a 13-character body (2A/2B count as 19/18 in the key)."""
    numeric = body.replace("2A", "19").replace("2B", "18") if body[5:7] in ("2A", "2B") else body
    return f"{body}{97 - int(numeric) % 97:02d}"


class ValueFactory:
    """Slot values: seeded Faker fr_FR plus the lists above, in the forms candidates actually type."""

    def __init__(self, seed: int) -> None:
        self.words = vocabulary()
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible by seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self._foreign = {locale: Faker(locale) for locale in ("de_DE", "es_ES", "it_IT", "nl_BE")}
        for offset, faker in enumerate(self._foreign.values()):
            faker.seed_instance(seed + offset + 1)
        self.makers: dict[str, Callable[[], str]] = {
            "personne": self.person,
            "prenom": self.first_name,
            "nom": self.last_name,
            "telephone": self.phone,
            "email": self.email,
            "nir": self.nir,
            "iban": self.iban,
            "adresse": self.address,
            "code_postal": self.postcode,
            "code_postal_espace": self.spaced_postcode,
            "date_naissance": self.birth_date,
            "url": self.url,
            "compte": self.handle,
            "permis": self.licence,
            "passeport": self.passport,
            "cni": self.id_card,
            "ville": lambda: self.rng.choice(self.words.towns),
            "departement": lambda: f"{self.rng.randint(1, 95):02d}",
            "date": self.other_date,
            "metier": lambda: self.rng.choice(self.words.trades),
            "age": lambda: str(self.rng.randint(17, 58)),
            "nombre": self.number,
            "annee": lambda: str(self.rng.randint(1998, 2026)),
            "entreprise": lambda: self.rng.choice(self.words.companies),
        }

    def _chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def first_name(self) -> str:
        def one() -> str:
            return self.rng.choice(self.words.extra_first_names) if self._chance(0.3) else str(self.fake.first_name())

        return f"{one()}-{one()}" if self._chance(0.12) else one()

    def last_name(self) -> str:
        def one() -> str:
            return self.rng.choice(self.words.extra_last_names) if self._chance(0.3) else str(self.fake.last_name())

        if self._chance(0.06):
            return f"{one()}-{one()}"
        return f"{self.rng.choice(['de', 'Le', 'Da', 'de la'])} {one()}" if self._chance(0.05) else one()

    def person(self) -> str:
        first, last = self.first_name(), self.last_name()
        roll = self.rng.random()
        if roll < 0.1:
            return f"{last.upper()} {first}"
        if roll < 0.15:
            return f"{first} {last.upper()}"
        return f"{first} {last}"

    def phone(self) -> str:
        digits = f"0{self.rng.choice('1234567996')}" + "".join(self.rng.choice(string.digits) for _ in range(8))
        pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
        roll = self.rng.random()
        if roll < 0.35:
            return " ".join(pairs)
        if roll < 0.55:
            return digits
        if roll < 0.65:
            return ".".join(pairs)
        if roll < 0.7:
            return "-".join(pairs)
        if roll < 0.8:
            return "+33 " + digits[1] + " " + " ".join(pairs[1:])
        if roll < 0.88:
            return "+33" + digits[1:]
        if roll < 0.93:
            return "+33 (0)" + digits[1] + " " + " ".join(pairs[1:])
        if roll < 0.96:
            return "0033 " + digits[1] + " " + " ".join(pairs[1:])
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"

    def email(self) -> str:
        first = _ascii(self.first_name().lower().replace(" ", ""))
        last = _ascii(self.last_name().lower().replace(" ", ""))
        local = self.rng.choice(
            [f"{first}.{last}", f"{first}{last}", f"{first[0]}.{last}", f"{last}.{first}", f"{first}_{last}"]
        )
        if self._chance(0.4):
            local += str(self.rng.randint(1, 99))
        return f"{local}@{self.rng.choice(self.words.mail_domains)}"

    def nir(self) -> str:
        department = self.rng.choice([f"{self.rng.randint(1, 95):02d}"] * 8 + ["2A", "2B", "97"])
        commune = f"{self.rng.randint(1, 99):02d}" if department == "97" else f"{self.rng.randint(1, 999):03d}"
        if department == "97":
            department += str(self.rng.randint(1, 6))
        body = (
            f"{self.rng.choice('12')}{self.rng.randint(60, 99) if self._chance(0.8) else self.rng.randint(0, 7):02d}"
            f"{self.rng.randint(1, 12):02d}{department}{commune}{self.rng.randint(1, 999):03d}"
        )
        nir = nir_with_key(body)
        roll = self.rng.random()
        if roll < 0.5:
            return nir
        if roll < 0.85:
            return " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])
        return f"{nir[:13]} {nir[13:]}"

    def iban(self) -> str:
        faker = self.fake if self._chance(0.85) else self.rng.choice(list(self._foreign.values()))
        iban = str(faker.iban())
        if self._chance(0.5):
            return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        return iban

    def address(self) -> str:
        types = self.words.street_types
        street_type = self.rng.choices(list(types), list(types.values()))[0]
        if self._chance(0.2):
            name = f"{self.fake.first_name()} {self.fake.last_name()}"
        else:
            name = self.rng.choice(self.words.street_names)
        if self._chance(0.12):
            return f"{street_type} {name}"
        number = str(self.rng.randint(1, 180))
        if self._chance(0.1):
            number += self.rng.choice([" bis", " ter", "b", "bis"])
        return f"{number}{',' if self._chance(0.3) else ''} {street_type} {name}"

    def postcode(self) -> str:
        return f"{self.rng.randint(1, 95):02d}{self.rng.randint(0, 999):03d}"

    def spaced_postcode(self) -> str:
        """The way some candidates type it: "57 000"."""
        code = self.postcode()
        return f"{code[:2]} {code[2:]}"

    def birth_date(self) -> str:
        born = date(1960, 1, 1) + timedelta(days=self.rng.randint(0, 47 * 365))
        roll = self.rng.random()
        if roll < 0.3:
            return f"{born.day:02d}/{born.month:02d}/{born.year}"
        if roll < 0.4:
            return f"{born.day}/{born.month}/{born.year % 100:02d}"
        if roll < 0.5:
            return f"{born.day:02d}-{born.month:02d}-{born.year}"
        if roll < 0.55:
            return f"{born.day:02d}.{born.month:02d}.{born.year}"
        day = "1er" if born.day == 1 else str(born.day)
        return f"{day} {self.words.months[born.month - 1]} {born.year}"

    def other_date(self) -> str:
        when = date(2026, 1, 5) + timedelta(days=self.rng.randint(0, 300))
        roll = self.rng.random()
        if roll < 0.35:
            return f"{when.day} {self.words.months[when.month - 1]}"
        if roll < 0.7:
            return f"{when.day} {self.words.months[when.month - 1]} {when.year}"
        return f"{when.day:02d}/{when.month:02d}/{when.year}"

    def _slug(self, separator: str) -> str:
        first = _ascii(self.first_name().lower().replace(" ", ""))
        last = _ascii(self.last_name().lower().replace(" ", "").replace("'", ""))
        slug = f"{first}{separator}{last}"
        return slug + (f"{separator}{self.rng.randint(1, 999)}" if self._chance(0.4) else "")

    def url(self) -> str:
        roll = self.rng.random()
        if roll < 0.3:
            return f"https://www.linkedin.com/in/{self._slug('-')}"
        if roll < 0.5:
            return f"linkedin.com/in/{self._slug('-')}"
        if roll < 0.65:
            return f"https://{self._slug('')}.fr"
        if roll < 0.8:
            return f"www.{self._slug('-')}-portfolio.fr"
        if roll < 0.9:
            return f"https://www.instagram.com/{self._slug('.')}"
        return f"facebook.com/{self._slug('.')}"

    def handle(self) -> str:
        first = _ascii(self.first_name().lower().replace(" ", "").replace("-", ""))
        last = _ascii(self.last_name().lower().replace(" ", "").replace("-", "").replace("'", ""))
        handle = self.rng.choice(
            [
                f"{first}_{last[:3]}",
                f"{first}.{last}",
                f"{first[:3]}.{last[:3]}{self.rng.randint(1, 99)}",
                f"{first}{self.rng.randint(1, 99)}",
                f"{last}_{first}",
            ]
        )
        return f"@{handle}" if self._chance(0.6) else handle

    def _digits(self, count: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(count))

    def licence(self) -> str:
        if self._chance(0.6):
            return self._digits(12)
        letters = "".join(self.rng.choice(string.ascii_uppercase) for _ in range(2))
        return f"{self._digits(2)}{letters}{self._digits(5)}"

    def passport(self) -> str:
        letters = "".join(self.rng.choice(string.ascii_uppercase) for _ in range(2))
        return f"{self._digits(2)}{letters}{self._digits(5)}"

    def id_card(self) -> str:
        if self._chance(0.5):
            return self._digits(12)
        alphabet = string.ascii_uppercase + string.digits
        return (
            self.rng.choice(string.ascii_uppercase)
            + "".join(self.rng.choice(alphabet) for _ in range(7))
            + self._digits(1)
        )

    def number(self) -> str:
        return str(self.rng.randint(18000, 45000)) if self._chance(0.1) else str(self.rng.randint(2, 15))


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _ascii(text: str) -> str:
    """For e-mail addresses and handles: no accents, no apostrophes."""
    return _strip_accents(text).replace("'", "")


class CorpusBuilder:
    def __init__(self, templates: TemplateFile, seed: int) -> None:
        self.templates = templates
        self.values = ValueFactory(seed)
        self.rng = random.Random(seed * 7919 + 1)  # noqa: S311 (synthetic data, reproducible by seed)

    def _pieces(self, template: Template) -> list[_Piece]:
        pieces = []
        for literal, slot, _, _ in string.Formatter().parse(template.text):
            if literal:
                pieces.append(_Piece(literal, None, literal=True))
            if slot is not None:
                pieces.append(_Piece(self.values.makers[slot](), SLOTS[slot], literal=False))
        return pieces

    def _typo(self, word: str) -> str:
        if len(word) < 4 or not word.isalpha():
            return word
        i = self.rng.randrange(1, len(word) - 1)
        kind = self.rng.choice(["drop", "swap", "double"])
        if kind == "drop":
            return word[:i] + word[i + 1 :]
        if kind == "swap":
            return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
        return word[:i] + word[i] + word[i:]

    def _roughen(self, pieces: list[_Piece]) -> None:
        roll = self.rng.random()
        case: Callable[[str], str] = str
        if roll < 0.3:
            case = str.lower
        elif roll < 0.33:
            case = str.upper
        accents: Callable[[str], str] = _strip_accents if self.rng.random() < 0.12 else str
        typos = self.rng.random() < 0.25
        for piece in pieces:
            text = accents(case(piece.text))
            if typos and piece.literal:
                words = text.split(" ")
                if words and self.rng.random() < 0.6:
                    index = self.rng.randrange(len(words))
                    words[index] = self._typo(words[index])
                text = " ".join(words)
            piece.text = text

    def sample(self, split: Split, templates: list[Template]) -> Sample:
        pieces: list[_Piece] = []
        for index, template in enumerate(templates):
            if index:
                pieces.append(_Piece(self.rng.choice([" ", " et ", ", ", " ... ", " puis "]), None, literal=True))
            message = self._pieces(template)
            self._roughen(message)
            pieces.extend(message)
        text, entities, position = "", [], 0
        for piece in pieces:
            if piece.entity is not None:
                entities.append(GoldEntity(piece.entity, position, position + len(piece.text)))
            text += piece.text
            position += len(piece.text)
        return Sample(text, tuple(entities), tuple(t.id for t in templates), split)

    def samples(self, split: Split, count: int) -> Iterator[Sample]:
        """`count` samples from the split's templates, each template used about equally; 15% are run-on
        messages made of two or three templates."""
        pool = list(getattr(self.templates, split))
        order: list[Template] = []
        for _ in range(count):
            size = self.rng.choice([2, 2, 3]) if self.rng.random() < 0.15 else 1
            chosen = []
            for _ in range(size):
                if not order:
                    order = pool[:]
                    self.rng.shuffle(order)
                chosen.append(order.pop())
            yield self.sample(split, chosen)


def build_corpus(seed: int, *, tune: int, test: int, path: Path = TEMPLATES_PATH) -> dict[Split, list[Sample]]:
    builder = CorpusBuilder(load_templates(path), seed)
    return {"tune": list(builder.samples("tune", tune)), "test": list(builder.samples("test", test))}
