"""The recognizer configuration (`app/pii/recognizers.yaml`), validated when it is loaded.

Every recognizer the analyzer runs is declared in that file: regular expressions, context words, checksums,
street types, name cues. The Python code only knows the *kinds* of recognizer; a mistake in the file stops
the service with `file:line: field: problem`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import regex  # type: ignore[import-untyped]  # Presidio matches patterns with `regex`; it has no stubs
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from app.errors import ConfigError
from app.pii.validators import ValidatorName
from app.rubrics.yaml_loader import LocatedValueError, parse_yaml_model

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent / "recognizers.yaml"

EntityType = Annotated[str, Field(pattern=r"^[A-Z][A-Z_]*[A-Z]$", max_length=40)]
Score = Annotated[float, Field(ge=0.0, le=1.0)]


def _flatten(value: object) -> object:
    """A word list may join shared lists (YAML anchors): `[*name_stop_words, *closings]` is one list."""
    if not isinstance(value, list):
        return value
    return [word for item in value for word in (item if isinstance(item, list) else [item])]


Words = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(_flatten), Field(default_factory=list)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pattern(_Strict):
    name: str = Field(min_length=1)
    regex: str = Field(min_length=1)
    score: Score

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            regex.compile(value)
        except regex.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return value


class _Recognizer(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    entity: EntityType
    context: Words
    context_boost: Score = 0.0
    context_window: int | None = Field(default=None, ge=1, le=200, description="Characters; default: global.")

    @model_validator(mode="after")
    def _boost_needs_words(self) -> _Recognizer:
        if self.context_boost > 0 and not self.context:
            raise LocatedValueError("context_boost set but no context words", "context_boost")
        return self


class PatternRecognizerSpec(_Recognizer):
    """Regular expressions, an optional checksum, and a score raised by context words near the match."""

    kind: Literal["pattern"]
    patterns: list[Pattern] = Field(min_length=1)
    validator: ValidatorName | None = None


class PredefinedRecognizerSpec(_Recognizer):
    """One of Presidio's own recognizers (`class_name`), its findings relabelled as `entity`."""

    kind: Literal["predefined"]
    class_name: Literal["UrlRecognizer"]


class NerRecognizerSpec(_Recognizer):
    """spaCy's named entities with one of `labels`, minus the words of `ignore` (case- and accent-insensitive)."""

    kind: Literal["ner"]
    labels: list[str] = Field(min_length=1)
    score: Score
    ignore: Words
    strip_leading: Words


class NameCueRecognizerSpec(_Recognizer):
    """The words that follow a cue ("je m'appelle", "Mme"): 1 to `max_words` words, stopping at a stop word,
    possibly after a particle ("M. de la Fontaine")."""

    kind: Literal["name_cue"]
    cues: list[str] = Field(min_length=1)
    score: Score
    max_words: int = Field(ge=1, le=6)
    stop_words: Words
    require_capital: bool = Field(default=False, description="The name must start with a capital letter.")
    particles: Words = Field(description="Allowed before a word of the name but the first: de, de la, le...")
    particle_first: bool = Field(default=False, description="Also before the first word (M. de la Fontaine).")
    next_line: bool = Field(
        default=False,
        description="The name is on the line after the cue's (a signature below 'Merci' or 'Bonne journée à "
        "vous.'); the cue's line may go on for a few words.",
    )


class FirstNameRecognizerSpec(_Recognizer):
    """Known first names (`names_file`, next to this configuration) and the surname-like words around them.

    A first name that is also a common word (`ambiguous`: Rose, Marine, Pierre...) counts only when it is
    capitalised and does not follow one of `not_after` (le rose, une robe Marine), or when it comes right after
    one of `introducers` ("ma sœur victoire", "je suis rose"). Up to `max_following` words after it that are not
    `stop_words` are taken as the surname, possibly after one of `particles` ("aminata le perez"); so is an
    upper-case word before it ("DUPONT Marie"), or any word before it that starts a line or follows an
    introducer (surname first: "benali dominique", "je suis tours odette"). A listed name matches typed with
    its accents or without any: "marié" is not "Marie".
    """

    kind: Literal["first_name"]
    names_file: str = Field(min_length=1)
    ambiguous: Words
    not_after: Words
    introducers: Words
    particles: Words
    stop_words: Words
    max_following: int = Field(ge=0, le=3)
    score: Score


class AddressRecognizerSpec(_Recognizer):
    """A street address: optional number, a street type, then the street name up to a stop word or digit."""

    kind: Literal["address"]
    street_types: list[str] = Field(min_length=1)
    connectors: Words
    stop_words: Words
    max_name_words: int = Field(ge=1, le=8)
    score: Score


RecognizerSpec = Annotated[
    PatternRecognizerSpec
    | PredefinedRecognizerSpec
    | NerRecognizerSpec
    | NameCueRecognizerSpec
    | FirstNameRecognizerSpec
    | AddressRecognizerSpec,
    Field(discriminator="kind"),
]


class RecognizerConfig(_Strict):
    version: int = Field(ge=1)
    language: Literal["fr"]
    spacy_model: str = Field(min_length=1)
    score_threshold: Score
    context_window: int = Field(ge=1, le=200, description="Characters searched for context words on each side.")
    entities: dict[EntityType, str] = Field(min_length=1, description="Entity type -> what it covers.")
    shared_lists: dict[str, list[str]] = Field(
        default_factory=dict, description="Word lists used by several recognizers through YAML anchors."
    )
    recognizers: list[RecognizerSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RecognizerConfig:
        names: set[str] = set()
        for index, recognizer in enumerate(self.recognizers):
            if recognizer.name in names:
                raise LocatedValueError(f"duplicate recognizer name {recognizer.name!r}", "recognizers", index, "name")
            names.add(recognizer.name)
            if recognizer.entity not in self.entities:
                raise LocatedValueError(
                    f"entity {recognizer.entity!r} is not declared under entities", "recognizers", index, "entity"
                )
        return self


@dataclass(frozen=True)
class LoadedConfig:
    """A validated configuration, the file it came from, and the sha256 of that file followed by the files it
    names (the first names): the analyzer's version string carries it, so a result names what produced it."""

    spec: RecognizerConfig
    path: Path
    sha256: str


def load_recognizer_config(path: Path = DEFAULT_CONFIG_PATH) -> LoadedConfig:
    """Parse and validate a recognizer file; a problem raises a one-line `ConfigError` (`file:line: ...`)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the PII recognizer configuration ({exc.strerror})") from None
    spec = parse_yaml_model(content, RecognizerConfig, source=str(path))
    digest = hashlib.sha256(content)
    for recognizer in spec.recognizers:
        if isinstance(recognizer, FirstNameRecognizerSpec):
            names = path.parent / recognizer.names_file
            if not names.is_file():
                raise ConfigError(f"{path}: recognizer {recognizer.name}: names_file {recognizer.names_file} not found")
            digest.update(names.read_bytes())
    return LoadedConfig(spec=spec, path=path, sha256=digest.hexdigest())
