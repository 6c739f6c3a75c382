"""What is kept out of scoring: protected topics, attempts to steer the scorer, skipped questions.

The same protected-topic patterns check generated questions (`check_question`, called by the flows before a
question is sent) and candidate answers (`Screening.screen`): a candidate sentence that volunteers protected
information is dropped before anything scores or quotes it, and only the topic is reported. Configuration:
`screening.yaml` next to this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import Field, StringConstraints, model_validator

from app.assessment.scoring.config_files import ConfigModel, Text, load_config
from app.assessment.scoring.patterns import Pattern, PatternSet, RawPattern, Sentence, normalise, sentences
from app.rubrics.yaml_loader import LocatedValueError

DEFAULT_SCREENING_PATH = Path(__file__).with_name("screening.yaml")
MAX_QUOTE_CHARS = 300

TopicId = Literal[
    "family",
    "pregnancy",
    "health",
    "origin",
    "religion",
    "political_views",
    "social_security",
    "bank_details",
]
PROTECTED_TOPICS: tuple[TopicId, ...] = get_args(TopicId)


class ProtectedTopic(ConfigModel):
    label: Text = Field(description="French name of the topic, shown to referents.")
    patterns: list[Pattern] = Field(min_length=1)


class ManipulationCues(ConfigModel):
    patterns: list[Pattern] = Field(min_length=1, description="Matched on normalised text.")
    markup: list[RawPattern] = Field(min_length=1, description="Matched on the raw text, ignoring case.")


class EnglishWords(ConfigModel):
    words: list[Annotated[str, StringConstraints(pattern=r"^[a-z]+$")]] = Field(min_length=1)
    at_least: int = Field(ge=1, description="Distinct words that make a generated text English.")


class ScreeningConfig(ConfigModel):
    protected_topics: dict[TopicId, ProtectedTopic]
    manipulation: ManipulationCues
    skip: list[Pattern] = Field(min_length=1, description="A whole answer matching one declines the question.")
    inferred_traits: list[Pattern] = Field(min_length=1, description="Wording a generated rationale may not use.")
    english: EnglishWords

    @model_validator(mode="after")
    def _check_topics(self) -> ScreeningConfig:
        missing = [topic for topic in PROTECTED_TOPICS if topic not in self.protected_topics]
        if missing:
            raise LocatedValueError(f"missing protected topics: {', '.join(missing)}", "protected_topics")
        return self


@dataclass(frozen=True)
class ScreenedText:
    """A candidate's text split into what may be scored and quoted, and what may not.

    `protected_topics` names the topics volunteered (never their text); `manipulation` holds the sentences
    addressed to the scorer, shortened and stripped of control characters so they can be quoted safely.
    """

    kept: tuple[Sentence, ...] = ()
    protected_topics: tuple[TopicId, ...] = ()
    protected_sentences: int = 0
    manipulation: tuple[str, ...] = ()
    skipped: bool = False

    @property
    def kept_text(self) -> str:
        return " ".join(sentence.text for sentence in self.kept)

    @classmethod
    def merge(cls, parts: Iterable[ScreenedText]) -> ScreenedText:
        """Several replies to one criterion: skipped only if every reply declined."""
        parts = list(parts)
        return cls(
            kept=tuple(sentence for part in parts for sentence in part.kept),
            protected_topics=tuple(sorted({topic for part in parts for topic in part.protected_topics})),
            protected_sentences=sum(part.protected_sentences for part in parts),
            manipulation=tuple(quote for part in parts for quote in part.manipulation),
            skipped=bool(parts) and all(part.skipped for part in parts),
        )


@dataclass(frozen=True)
class QuestionCheck:
    """Whether a generated question may be sent; `topics` lists the protected topics it touches."""

    allowed: bool
    topics: tuple[TopicId, ...] = ()
    labels: tuple[str, ...] = ()


class Screening:
    def __init__(self, config: ScreeningConfig, sha256: str) -> None:
        self.config = config
        self.sha256 = sha256
        self._topics = {topic: PatternSet(spec.patterns) for topic, spec in config.protected_topics.items()}
        self._manipulation = PatternSet(config.manipulation.patterns)
        self._markup = re.compile("|".join(f"(?:{p})" for p in config.manipulation.markup), re.IGNORECASE)
        self._skip = re.compile("|".join(f"(?:{p})" for p in config.skip))
        self._inferred = PatternSet(config.inferred_traits)
        self._english = frozenset(config.english.words)

    def protected_topics(self, text: str) -> tuple[TopicId, ...]:
        normalised = normalise(text)
        return tuple(topic for topic, patterns in self._topics.items() if patterns.search(normalised))

    def is_manipulation(self, sentence: Sentence) -> bool:
        return bool(self._manipulation.search(sentence.normalised) or self._markup.search(sentence.text))

    def is_skip(self, text: str) -> bool:
        normalised = normalise(text)
        return not normalised or self._skip.fullmatch(normalised) is not None

    def screen(self, text: str) -> ScreenedText:
        if self.is_skip(text):
            return ScreenedText(skipped=True)
        kept: list[Sentence] = []
        topics: set[TopicId] = set()
        protected = 0
        manipulation: list[str] = []
        for sentence in sentences(text):
            found = self.protected_topics(sentence.text)
            if found:  # checked first: a protected sentence is never quoted, even as a manipulation attempt
                topics.update(found)
                protected += 1
            elif self.is_manipulation(sentence):
                manipulation.append(safe_quote(sentence.text))
            else:
                kept.append(sentence)
        return ScreenedText(tuple(kept), tuple(sorted(topics)), protected, tuple(manipulation))

    def acceptable_wording(self, generated: str) -> bool:
        """Whether generated text (a rationale) stays factual and French: no protected topic, no inferred trait,
        not English."""
        normalised = normalise(generated)
        english = len(self._english.intersection(normalised.split())) >= self.config.english.at_least
        return not english and not self.protected_topics(generated) and self._inferred.search(normalised) is None

    def check_question(self, question: str) -> QuestionCheck:
        """Refuse a question that asks about a protected topic (the flows call this before sending one)."""
        topics = self.protected_topics(question)
        labels = tuple(self.config.protected_topics[topic].label for topic in topics)
        return QuestionCheck(allowed=not topics, topics=topics, labels=labels)

    def allowed_question(self, question: str) -> bool:
        """Whether generated text may be asked: no protected topic and acceptable wording."""
        return self.check_question(question).allowed and self.acceptable_wording(question)


def safe_quote(text: str) -> str:
    """`text` without control or format characters, on one line, at most `MAX_QUOTE_CHARS` characters."""
    visible = "".join(" " if unicodedata.category(char) in {"Cc", "Cf"} else char for char in text)
    flat = " ".join(visible.split())
    return flat if len(flat) <= MAX_QUOTE_CHARS else flat[: MAX_QUOTE_CHARS - 1] + "…"


def load_screening(path: Path = DEFAULT_SCREENING_PATH) -> Screening:
    config, sha256 = load_config(path, ScreeningConfig)
    return Screening(config, sha256)


@lru_cache(maxsize=1)
def get_screening() -> Screening:
    return load_screening()


def check_question(question: str) -> QuestionCheck:
    """`Screening.check_question` with the shipped configuration."""
    return get_screening().check_question(question)
