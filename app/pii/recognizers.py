"""Presidio recognizers built from the configuration, one class per `kind` of `recognizers.yaml`.

Recognizers only propose spans with a base score. Context words, the score threshold and overlaps are handled
afterwards by the analyzer, the same way for every kind (`app/pii/analyzer.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import regex  # type: ignore[import-untyped]  # Presidio matches patterns with `regex`; it has no stubs
from presidio_analyzer import EntityRecognizer, LocalRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import UrlRecognizer

from app.errors import ConfigError
from app.pii.config import (
    AddressRecognizerSpec,
    FirstNameRecognizerSpec,
    NameCueRecognizerSpec,
    NerRecognizerSpec,
    PatternRecognizerSpec,
    PredefinedRecognizerSpec,
    RecognizerSpec,
)
from app.pii.text import fold, fold_text, fold_words, is_shouting
from app.pii.validators import VALIDATORS

LANGUAGE = "fr"
_DOT_LETTER = re.compile(r"\.[^\W\d_]")


class _UrlRecognizer(UrlRecognizer):
    """Presidio's URL recognizer, skipped for a text in which no dot is followed by a letter: each of its patterns
    needs one (before the top-level domain), and its regex of all top-level domains costs more than every other
    recognizer together."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not _DOT_LETTER.search(text):
            return []
        results: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return results


_PREDEFINED: dict[str, Callable[..., EntityRecognizer]] = {"UrlRecognizer": _UrlRecognizer}
# A word of a name: letters, possibly joined by hyphens or apostrophes ("jean-pierre", "n'diaye").
_WORD = r"[^\W\d_]+(?:['\-][^\W\d_]+)*"


def build_recognizer(spec: RecognizerSpec, base_dir: Path) -> EntityRecognizer:
    """`base_dir` is where files named by the configuration (first names) are looked for."""
    match spec:
        case PatternRecognizerSpec():
            return ConfiguredPatternRecognizer(spec)
        case PredefinedRecognizerSpec():
            return _PREDEFINED[spec.class_name](
                supported_language=LANGUAGE, supported_entity=spec.entity, name=spec.name
            )
        case NerRecognizerSpec():
            return NerRecognizer(spec)
        case NameCueRecognizerSpec():
            return NameCueRecognizer(spec)
        case AddressRecognizerSpec():
            return AddressRecognizer(spec)
        case FirstNameRecognizerSpec():
            return FirstNameRecognizer(spec, read_name_spellings(base_dir / spec.names_file))
    raise AssertionError(f"unknown recognizer kind {spec.kind}")


class _ConfiguredRecognizer(LocalRecognizer):
    """A recognizer written here: one entity, named by its configuration, nothing to load."""

    def __init__(self, spec: RecognizerSpec) -> None:
        super().__init__(supported_entities=[spec.entity], name=spec.name, supported_language=LANGUAGE)
        self._entity, self._name = spec.entity, spec.name

    def load(self) -> None:
        pass

    def result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self._entity,
            start=start,
            end=end,
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self._name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def word_alternation(words: list[str]) -> str:
    """A regex matching any of `words` (folded); spaces match any run of spaces, an apostrophe inside a word
    may be typed as a space or left out ("je m'appelle", "je m appelle", "je mappelle"), one ending a word
    ("d'") may be a space but not left out (or "d'" would match the start of "depuis")."""
    return "(?:" + "|".join(_word_regex(word) for word in fold_words(words)) + ")"


def _word_regex(word: str) -> str:
    trailing = word.endswith("'")
    escaped = re.escape(word.removesuffix("'")).replace(r"\ ", r"\s+").replace("'", r"['\s]?")
    return escaped + (r"['\s]" if trailing else "")


def _not_word(words: list[str]) -> str:
    """A lookahead refusing a word of `words` at this position."""
    return f"(?!{word_alternation(words)}(?![^\\W\\d_]))" if words else ""


class ConfiguredPatternRecognizer(PatternRecognizer):
    """Regular expressions, and a checksum that makes a match certain (score 1.0) or drops it.

    Matches like Presidio's `PatternRecognizer` (the `regex` module, its flags), without what the chat path does
    not use: per-pattern timing, debug logging and an explanation object for every match."""

    def __init__(self, spec: PatternRecognizerSpec) -> None:
        super().__init__(
            supported_entity=spec.entity,
            name=spec.name,
            supported_language=LANGUAGE,
            patterns=[Pattern(pattern.name, pattern.regex, pattern.score) for pattern in spec.patterns],
        )
        self._validate = VALIDATORS[spec.validator] if spec.validator else None
        self._compiled = [
            (regex.compile(pattern.regex, flags=self.global_regex_flags), pattern.score) for pattern in spec.patterns
        ]
        self._entity, self._name = spec.entity, spec.name

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results = []
        for compiled, base_score in self._compiled:
            for match in compiled.finditer(text):
                start, end = match.span()
                if start == end:
                    continue
                score = base_score
                if self._validate is not None:
                    if not self._validate(text[start:end]):
                        continue
                    score = EntityRecognizer.MAX_SCORE
                results.append(
                    RecognizerResult(
                        entity_type=self._entity,
                        start=start,
                        end=end,
                        score=score,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self._name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results  # the engine removes duplicates across recognizers


class _FoldedTextRecognizer(_ConfiguredRecognizer):
    """A recognizer that matches its own regex on the folded text (see `app.pii.text`)."""

    def __init__(self, spec: RecognizerSpec, pattern: str, score: float) -> None:
        super().__init__(spec)
        self._regex = re.compile(pattern)
        self._score = score

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        for match in self._regex.finditer(fold_text(text)):
            yield match.span("value")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [self.result(start, end, self._score) for start, end in self.spans(text) if end > start]


class NameCueRecognizer(_FoldedTextRecognizer):
    """The name after a cue: "je m'appelle jean-pierre martin", "moi c'est kevin", "Mme Lefèvre", or on the
    line below a closing formula ("Merci\nJulie Benali"): there the name is the whole rest of its line."""

    def __init__(self, spec: NameCueRecognizerSpec) -> None:
        word = _not_word(spec.stop_words) + _WORD
        particle = rf"(?:{word_alternation(spec.particles)}\s*)?" if spec.particles else ""
        first = particle + word if spec.particle_first else word
        separator = r"[^\n]{0,30}\n\s*" if spec.next_line else r"(?:\s*[:,\-]\s*|\s+)"
        line_end = r"(?=[ \t]*(?:[.,;!?\n]|$))" if spec.next_line else ""
        pattern = (
            rf"(?<![^\W_]){word_alternation(spec.cues)}{separator}"
            rf"(?P<value>{first}(?:[ \t]+{particle}{word}){{0,{spec.max_words - 1}}}){line_end}"
        )
        super().__init__(spec, pattern, spec.score)
        self._require_capital = spec.require_capital
        self._particle_words = frozenset(word for particle in fold_words(spec.particles) for word in particle.split())

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """With `require_capital`, the name starts with a capital and ends with the last capitalised word before
        one that is not, particles aside ("Mme Benali travaille", "ma sœur Inès peut venir")."""
        capitals_mean_names = not is_shouting(text)
        for start, end in super().spans(text):
            if not self._require_capital:
                yield start, end
            elif capitals_mean_names and text[start].isupper():
                last = start
                for match in re.finditer(r"\S+", text[start:end]):
                    word_start, word_end = start + match.start(), start + match.end()
                    if text[word_start].isupper():
                        last = word_end
                    elif fold(text[word_start:word_end]) not in self._particle_words:
                        break
                yield start, last


class AddressRecognizer(_FoldedTextRecognizer):
    """A street address: "12 bis, rue de la Gare", "au 4 de la rue Victor Hugo", "avenue du Général de Gaulle".

    The span runs from the house number (when there is one) to the last word of the street name; the
    postcode and the town are left to their own recognizers (a town alone is not personal data here).
    """

    def __init__(self, spec: AddressRecognizerSpec) -> None:
        connector = word_alternation(spec.connectors) if spec.connectors else "(?!)"
        word = _not_word(spec.stop_words) + _WORD
        name_word = rf"(?:{connector}\s*)?{word}"
        number = r"\d{1,4}(?:\s?(?:bis|ter|quater|[abc])(?![^\W\d_]))?"
        pattern = (
            rf"(?<![^\W_])(?P<value>(?:{number}\s*,?\s*(?:de\s+(?:la\s+|l')\s*)?)?"
            rf"{word_alternation(spec.street_types)}\.?\s+"
            rf"(?P<name>{name_word}(?:[ \t]+{name_word}){{0,{spec.max_name_words - 1}}}))"
        )
        super().__init__(spec, pattern, spec.score)
        self._connectors = frozenset(fold_words(spec.connectors))

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """A street name that starts with a capital ends before the first word that does not ("rue de la Gare
        juste à côté"); in lower-case text the stop words alone end it."""
        capitals_mean_names = not is_shouting(text)
        for match in self._regex.finditer(fold_text(text)):
            end = match.end("value")
            words = [
                (m.start() + match.start("name"), m.end() + match.start("name"))
                for m in re.finditer(r"[^\W\d_][^\s]*", match.group("name"))
            ]
            names = [(s, e) for s, e in words if fold_text(text)[s:e].rstrip("'") not in self._connectors]
            if capitals_mean_names and names and text[names[0][0]].isupper():
                lower = next((s for s, _ in names[1:] if not text[s].isupper()), None)
                if lower is not None:
                    end = max(e for s, e in words if e <= lower)
            yield match.start("value"), end


class NerRecognizer(_ConfiguredRecognizer):
    """spaCy's entities of the configured labels, without leading titles, greetings or field names ("mail
    jp@gmail.com" is not a person) and minus the words the model mistakes for names."""

    def __init__(self, spec: NerRecognizerSpec) -> None:
        super().__init__(spec)
        self._labels = frozenset(spec.labels)
        self._score = spec.score
        self._ignore = frozenset(fold_words(spec.ignore))
        self._leading = frozenset(fold_words(spec.strip_leading))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        results = []
        for entity in nlp_artifacts.entities:
            if entity.label_ not in self._labels:
                continue
            tokens: list[Any] = [token for token in entity if not token.is_punct]
            while tokens and fold(tokens[0].text).rstrip(".") in self._leading:
                tokens.pop(0)
            if not tokens:
                continue
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
            if fold(text[start:end]) in self._ignore or not any(char.isalpha() for char in text[start:end]):
                continue
            results.append(self.result(start, end, self._score))
        return results


def read_name_spellings(path: Path) -> frozenset[str]:
    """A names file: one name a line, `#` starts a comment. Returned in lower case, accents kept."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the names file ({exc})") from None
    names = frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))
    if not names:
        raise ConfigError(f"{path}: no names in the file")
    return names


def read_names(path: Path) -> frozenset[str]:
    """The names of a names file, folded."""
    return frozenset(fold(name) for name in read_name_spellings(path))


class FirstNameRecognizer(_ConfiguredRecognizer):
    """Known first names, with the surname around them (see `FirstNameRecognizerSpec`)."""

    _TOKEN = re.compile(_WORD)

    def __init__(self, spec: FirstNameRecognizerSpec, spellings: frozenset[str]) -> None:
        super().__init__(spec)
        self._spellings = spellings
        self._names = frozenset(fold(name) for name in spellings)
        self._ambiguous = frozenset(fold_words(spec.ambiguous))
        self._not_after = frozenset(fold_words(spec.not_after))
        self._introducer = (
            re.compile(rf"(?<![^\W_]){word_alternation(spec.introducers)}(?:\s*[:,\-]\s*|\s+)")
            if spec.introducers
            else None
        )
        self._particles = [tuple(particle.split()) for particle in fold_words(spec.particles)]  # longest first
        self._particle_sizes = sorted({len(particle) for particle in self._particles}, reverse=True)
        self._stop = frozenset(fold_words(spec.stop_words))
        self._max_following = spec.max_following
        self._score = spec.score

    def _is_stop(self, word: str) -> bool:
        """A stop word, or a word starting with one and an apostrophe ("m'a" stops like "m")."""
        return word in self._stop or word.split("'", 1)[0] in self._stop

    def _is_listed(self, typed: str) -> bool:
        """`typed` (lower case) is a listed name written with its accents or without any ("marié" is not "marie")."""
        folded = fold(typed)
        accented = any(char != plain for char, plain in zip(typed, folded, strict=False) if char.isalpha())
        return typed in self._spellings if accented else folded in self._names

    def _is_name(self, typed: str) -> bool:
        return self._is_listed(typed) or ("-" in typed and all(map(self._is_listed, typed.split("-"))))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        folded = fold_text(text)
        tokens = [match.span() for match in self._TOKEN.finditer(folded)]
        introduced = {match.end() for match in self._introducer.finditer(folded)} if self._introducer else set()
        results = []
        index = 0
        while index < len(tokens):
            start, end = tokens[index]
            if not self._is_name(text[start:end].lower()) or _inside_larger_token(text, start, end):
                index += 1
                continue
            looks = self._looks_like_name(text, folded, tokens, index)
            surname_first = self._surname_first(text, folded, tokens, index, introduced, looks) if index else 0
            if not (looks or surname_first or start in introduced):
                index += 1
                continue
            first = index - surname_first
            if not surname_first and index > 0 and self._upper_surname_before(text, folded, tokens, index):
                first = index - 1
            last = self._surname_end(text, folded, tokens, index)
            results.append(self.result(tokens[first][0], tokens[last][1], self._score))
            index = last + 1
        return results

    def _looks_like_name(self, text: str, folded: str, tokens: list[tuple[int, int]], index: int) -> bool:
        start, end = tokens[index]
        if folded[start:end] not in self._ambiguous:
            return True
        if not text[start].isupper() or text[start:end].isupper():
            return False
        return index == 0 or folded[slice(*tokens[index - 1])] not in self._not_after

    def _upper_surname_before(self, text: str, folded: str, tokens: list[tuple[int, int]], index: int) -> bool:
        (start, end), (name_start, name_end) = tokens[index - 1], tokens[index]
        return (
            end - start >= 2
            and text[start:end].isupper()
            and not text[name_start:name_end].isupper()
            and _only_spaces(text, end, name_start)
            and not self._is_stop(folded[start:end])
        )

    def _surname_first(
        self,
        text: str,
        folded: str,
        tokens: list[tuple[int, int]],
        index: int,
        introduced: set[int],
        at_line_start: bool,
    ) -> int:
        """How many tokens before the first name are its surname, possibly after a particle (0: none). The
        surname comes first when it follows an introducer ("je suis tours odette", "moi c'est le marques
        benjamin") or, if `at_line_start`, starts a line ("benali dominique, ..."; a signature). Before a
        capitalised first name it is capitalised too."""
        (start, end), (name_start, _) = tokens[index - 1], tokens[index]
        if (
            not _only_spaces(text, end, name_start)
            or self._is_stop(folded[start:end])
            or _inside_larger_token(text, start, end)
            or (text[name_start].isupper() and not text[start].isupper())
        ):
            return 0
        for size in [*self._particle_sizes, 0]:
            first = index - 1 - size
            if first < 0 or (size and self._particle_length(folded, tokens, first) != size):
                continue
            if size and not all(_only_spaces(text, tokens[k][1], tokens[k + 1][0]) for k in range(first, index - 1)):
                continue
            begin = tokens[first][0]
            if begin in introduced or (at_line_start and not folded[:begin].rsplit("\n", 1)[-1].strip()):
                return size + 1
        return 0

    def _surname_end(self, text: str, folded: str, tokens: list[tuple[int, int]], index: int) -> int:
        """The index of the last token of the name: up to `max_following` words after the first name that are not
        stop words, each possibly after a particle. After a capitalised first name they are capitalised too
        ("Kevin Martin joignable", "Pierre de Traore"); in lower case, a particle must begin the name's last
        word ("aminata le perez, ..." but not "marie le matin je ...")."""
        capitalised = text[tokens[index][0]].isupper() and not is_shouting(text)
        last = index
        for _ in range(self._max_following):
            following = last + 1 + self._particle_length(folded, tokens, last + 1)
            if following >= len(tokens) or not all(
                _only_spaces(text, tokens[k][1], tokens[k + 1][0]) for k in range(last, following)
            ):
                break
            start, end = tokens[following]
            if self._is_stop(folded[start:end]) or (capitalised and not text[start].isupper()):
                break
            if following > last + 1 and not capitalised and not self._ends_name(text, folded, tokens, following):
                break
            last = following
        return last

    def _particle_length(self, folded: str, tokens: list[tuple[int, int]], index: int) -> int:
        """How many tokens from `index` form one of the particles (0: none)."""
        for particle in self._particles:
            words = tuple(folded[slice(*token)] for token in tokens[index : index + len(particle)])
            if words == particle:
                return len(particle)
        return 0

    def _ends_name(self, text: str, folded: str, tokens: list[tuple[int, int]], index: int) -> bool:
        """Nothing but a stop word, punctuation or the end of the text follows this token on its line."""
        if index + 1 == len(tokens) or not _only_spaces(text, tokens[index][1], tokens[index + 1][0]):
            return True
        return self._is_stop(folded[slice(*tokens[index + 1])])


def _inside_larger_token(text: str, start: int, end: int) -> bool:
    """Part of an email, a URL, a handle or a word with digits ("kevin" in kevin.martin@gmail.com)."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    following = text[end + 1] if end + 1 < len(text) else " "
    return (
        before in "@/._:"
        or before.isalnum()
        or after in "@/_"
        or after.isalnum()
        or (after == "." and following.isalnum())
    )


def _only_spaces(text: str, start: int, end: int) -> bool:
    return start < end and not text[start:end].strip(" \t")
