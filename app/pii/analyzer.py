"""The French personal-data analyzer: Presidio over spaCy `fr_core_news_md`, offline, with the recognizers of
`recognizers.yaml`.

spaCy runs only its tokenizer and `ner`: the parser, tagger and lemmatizer are not loaded, nor the shared
`tok2vec` layer that only they listen to (`ner` embeds tokens itself in fr_core_news_md), which more than doubles
the speed with the same entities; its matrix products use numpy (`_NumpyMatmulOps`), nearly twice as fast again.
Without lemmas Presidio's own context enhancer has nothing to work with, so context words are matched here
instead, on the folded raw text around each match (which also copes with missing accents).
After the threshold, overlapping spans are merged so that no part of an entity is left in clear.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.pipeline import Tok2Vec
from thinc.api import Model, NumpyOps, Ops
from thinc.types import Floats2d

from app.errors import ConfigError
from app.pii.config import DEFAULT_CONFIG_PATH, LoadedConfig, RecognizerSpec, load_recognizer_config
from app.pii.recognizers import LANGUAGE, build_recognizer, word_alternation
from app.pii.text import fold_text, is_shouting

RECENT_TEXTS = 512
MAX_TEXT_CHARS = 1_000_000  # spaCy's own limit; longer texts are refused, never passed through
SPACY_EXCLUDE = ("parser", "morphologizer", "attribute_ruler", "lemmatizer", "senter")
SHARED_TOK2VEC = "tok2vec"
# Placeholders already in a text (`<PERSONNE_1>`, `<TELEPHONE>`) are never analysed again.
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*[A-Z](?:_\d+)?>")
_TRIM = " \t\r\n.,;:!?()[]{}\"'«»"


class TextTooLongError(ValueError):
    pass


@dataclass(frozen=True)
class Detection:
    """A span of personal data: `text[start:end]` is an `entity` (a type of `recognizers.yaml`)."""

    entity: str
    start: int
    end: int
    score: float
    recognizer: str


class _NumpyMatmulOps(NumpyOps):  # type: ignore[misc]  # thinc's compiled class is untyped for mypy
    """thinc's CPU operations with numpy's matrix product instead of the BLIS build thinc ships: on the small
    matrices of one chat message it is about four times faster here (AMD EPYC, AVX2), and the detections on the
    3,400 messages of the evaluation corpus are the same."""

    name = "numpy-matmul"

    def gemm(
        self, x: Floats2d, y: Floats2d, out: Floats2d | None = None, trans1: bool = False, trans2: bool = False
    ) -> Floats2d:
        return Ops.gemm(self, x, y, out=out, trans1=trans1, trans2=trans2)


class _FrenchSpacyEngine(SpacyNlpEngine):
    """Presidio's spaCy engine, loading the installed model without the components Tremplin does not use and
    never trying to download it."""

    def __init__(self, model_name: str) -> None:
        labels = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}
        super().__init__(
            models=[{"lang_code": LANGUAGE, "model_name": model_name}],
            ner_model_configuration=NerModelConfiguration(model_to_presidio_entity_mapping=labels),
        )
        self.model_name = model_name

    def load(self) -> None:
        if not spacy.util.is_package(self.model_name):
            raise ConfigError(f"spaCy model {self.model_name} is not installed (it is a pinned dependency)")
        nlp = spacy.load(self.model_name, exclude=list(SPACY_EXCLUDE))
        shared = nlp.get_pipe(SHARED_TOK2VEC) if SHARED_TOK2VEC in nlp.pipe_names else None
        if isinstance(shared, Tok2Vec) and not shared.listening_components:
            nlp.remove_pipe(SHARED_TOK2VEC)  # computed for the excluded components only: pure cost
        ops = _NumpyMatmulOps()
        for _, component in nlp.components:
            model = getattr(component, "model", None)
            if isinstance(model, Model):
                for layer in model.walk():
                    layer.ops = ops
        # Presidio declares `nlp` as None until loaded.
        self.nlp = {LANGUAGE: nlp}  # type: ignore[assignment]

    def artifacts(self, texts: Sequence[str], batch_size: int) -> Iterator[NlpArtifacts]:
        """spaCy over `texts` in batches. A message typed in capitals is read in lower case (same length, so
        offsets hold): the model takes every capitalised word of it for a name, and reads lower case well."""
        nlp = self.get_nlp(LANGUAGE)
        if len(texts) == 1:  # the chat path: calling the pipeline skips `pipe`'s batching machinery
            yield self._doc_to_nlp_artifact(nlp(_lower_if_shouting(texts[0])), LANGUAGE)
            return
        for doc in nlp.pipe((_lower_if_shouting(text) for text in texts), batch_size=batch_size):
            yield self._doc_to_nlp_artifact(doc, LANGUAGE)


class _NoContextEnhancer(ContextAwareEnhancer):
    """Context is applied by `PiiAnalyzer` (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0,
            min_score_with_context_similarity=0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        return raw_results


class _Context:
    """A recognizer's context words, looked for in the folded text on both sides of a match."""

    def __init__(self, spec: RecognizerSpec, default_window: int) -> None:
        words = word_alternation(spec.context)
        self.pattern = re.compile(rf"(?<![^\W_]){words}(?![^\W_])") if spec.context else None
        self.boost = spec.context_boost
        self.window = spec.context_window or default_window

    def found(self, folded: str, start: int, end: int) -> bool:
        if self.pattern is None:
            return False
        before = folded[max(0, start - self.window) : start]
        after = folded[end : end + self.window]
        return bool(self.pattern.search(before) or self.pattern.search(after))


class PiiAnalyzer:
    """Finds personal data in French text. Thread-safe; build it once per process (`get_analyzer()`)."""

    def __init__(self, config: LoadedConfig) -> None:
        # Presidio logs at INFO on every analysis ("Fetching all recognizers..."): only its warnings matter.
        logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
        spec = config.spec
        self.config = config
        self.threshold = spec.score_threshold
        nlp_engine = _FrenchSpacyEngine(spec.spacy_model)
        nlp_engine.load()
        self._nlp_engine = nlp_engine
        recognizers: list[EntityRecognizer] = [
            build_recognizer(recognizer, config.path.parent) for recognizer in spec.recognizers
        ]
        registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[LANGUAGE])
        self._engine = AnalyzerEngine(
            nlp_engine=nlp_engine,
            registry=registry,
            supported_languages=[LANGUAGE],
            context_aware_enhancer=_NoContextEnhancer(),
        )
        self._contexts = {recognizer.name: _Context(recognizer, spec.context_window) for recognizer in spec.recognizers}
        self._heuristic = frozenset(r.name for r in spec.recognizers if r.kind in ("ner", "first_name", "name_cue"))
        self._lock = threading.Lock()
        self._recent: OrderedDict[bytes, tuple[Detection, ...]] = OrderedDict()
        self.version = (
            f"presidio-analyzer {_version('presidio-analyzer')}, {spec.spacy_model} {_version(spec.spacy_model)}, "
            f"{config.path.name} sha256:{config.sha256[:12]}"
        )

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline the analyzer runs."""
        return self._nlp_engine.get_nlp(LANGUAGE)

    def detect(self, text: str) -> list[Detection]:
        """Non-overlapping detections in `text`, in order. Raises `TextTooLongError` beyond `MAX_TEXT_CHARS`."""
        return self.detect_many([text])[0]

    def detect_many(self, texts: Sequence[str], batch_size: int = 32) -> list[list[Detection]]:
        """`detect` for several texts at once: spaCy runs them in batches, several times faster per text."""
        for text in texts:
            if len(text) > MAX_TEXT_CHARS:
                raise TextTooLongError(f"text of {len(text)} characters; the limit is {MAX_TEXT_CHARS}")
        results: list[list[Detection]] = [[] for _ in texts]
        with self._lock:
            keys = [hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest() for text in texts]
            todo = []
            for index, (text, key) in enumerate(zip(texts, keys, strict=True)):
                if key in self._recent:
                    self._recent.move_to_end(key)
                    results[index] = list(self._recent[key])
                elif text.strip():
                    todo.append(index)
            artifacts = self._nlp_engine.artifacts([texts[index] for index in todo], batch_size)
            for index, nlp_artifacts in zip(todo, artifacts, strict=True):
                found = self._engine.analyze(
                    text=texts[index], language=LANGUAGE, score_threshold=0.0, nlp_artifacts=nlp_artifacts
                )
                results[index] = self._finish(texts[index], found)
                self._remember(keys[index], results[index])
        return results

    def _remember(self, key: bytes, detections: list[Detection]) -> None:
        """Prompts re-send the same texts (the system message, every turn): their detections are kept for
        the last `RECENT_TEXTS` texts, by hash (offsets only, no text)."""
        self._recent[key] = tuple(detections)
        if len(self._recent) > RECENT_TEXTS:
            self._recent.popitem(last=False)

    def _finish(self, text: str, results: list[RecognizerResult]) -> list[Detection]:
        """Context boosts, threshold, trimming, placeholders left alone, overlaps merged."""
        folded = fold_text(text)
        protected = [match.span() for match in PLACEHOLDER.finditer(text)]
        detections = []
        for result in results:
            name = result.recognition_metadata[RecognizerResult.RECOGNIZER_NAME_KEY]
            context = self._contexts[name]
            score = result.score
            if score < 1.0 and context.found(folded, result.start, result.end):
                score = min(1.0, score + context.boost)
            if score < self.threshold:
                continue
            start, end = _trim(text, result.start, result.end)
            if end <= start or any(start < p_end and p_start < end for p_start, p_end in protected):
                continue
            detections.append(Detection(result.entity_type, start, end, round(score, 4), name))
        return merge_overlaps(detections, ranked_below=self._heuristic)


def _lower_if_shouting(text: str) -> str:
    if not is_shouting(text):
        return text
    return "".join(lowered if len(lowered := char.lower()) == 1 else char for char in text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def merge_overlaps(detections: list[Detection], ranked_below: frozenset[str] = frozenset()) -> list[Detection]:
    """Overlapping detections become one span covering them all: a scrubber must not leave half an entity in
    clear. The span takes the label of the most confident detection (then the longest), those of the
    recognizers `ranked_below` (the name heuristics: the NER takes "rue Victor Hugo" for a person, the first
    names list finds "martin" in a URL) counting only when nothing more specific matched."""
    merged: list[list[Detection]] = []
    for detection in sorted(detections, key=lambda d: (d.start, -d.end)):
        if merged and detection.start < max(d.end for d in merged[-1]):
            merged[-1].append(detection)
        else:
            merged.append([detection])
    result = []
    for group in merged:
        best = max(group, key=lambda d: (d.recognizer not in ranked_below, d.score, d.end - d.start))
        result.append(
            Detection(best.entity, min(d.start for d in group), max(d.end for d in group), best.score, best.recognizer)
        )
    return result


def _version(distribution: str) -> str:
    try:
        return version(distribution.replace("_", "-"))
    except PackageNotFoundError:
        return "unknown"


def load_analyzer(config_path: Path = DEFAULT_CONFIG_PATH) -> PiiAnalyzer:
    return PiiAnalyzer(load_recognizer_config(config_path))


@lru_cache(maxsize=1)
def get_analyzer() -> PiiAnalyzer:
    """The analyzer of this process, with the shipped configuration (loads spaCy: about 4 s and 500 MB)."""
    return load_analyzer()
