"""The rules scorer's explicit cues (`cues.yaml` next to this module), validated and compiled.

See the header of `cues.yaml` for how cues turn into levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from app.assessment.scoring.config_files import ConfigModel, Text, load_config
from app.assessment.scoring.patterns import Pattern, PatternSet, normalise
from app.rubrics.models import CRITERION_IDS, CriterionId
from app.rubrics.yaml_loader import LocatedValueError

DEFAULT_CUES_PATH = Path(__file__).with_name("cues.yaml")

KindId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]*$")]
RubricId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Similarity = Annotated[float, Field(gt=0, lt=1)]


class Kind(ConfigModel):
    """One kind of concrete element. `topic` patterns only count next to a precision."""

    label: Text = Field(description="French name of the kind, used in rationales.")
    concrete: list[Pattern] = Field(default_factory=list)
    topic: list[Pattern] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_patterns(self) -> Kind:
        if not self.concrete and not self.topic:
            raise LocatedValueError("a kind needs `concrete` or `topic` patterns", "concrete")
        return self


class TrainingCues(ConfigModel):
    kinds: dict[KindId, Kind] = Field(default_factory=dict)
    misconceptions: list[Pattern] = Field(default_factory=list)


class CriterionCues(ConfigModel):
    level3_kinds: int = Field(ge=2, le=6, description="Distinct kinds needed for level 3.")
    question_cues: list[Pattern] = Field(min_length=1, description="Recognise a question about this criterion.")
    nothing: list[Pattern] = Field(default_factory=list, description="Added to the shared `nothing` patterns.")
    vague: list[Pattern] = Field(default_factory=list)
    kinds: dict[KindId, Kind] = Field(min_length=1)
    trainings: dict[RubricId, TrainingCues] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_kinds(self) -> CriterionCues:
        for rubric_id, training in self.trainings.items():
            for kind_id in training.kinds:
                if kind_id in self.kinds:
                    raise LocatedValueError(
                        f"kind {kind_id!r} is already defined for every training", "trainings", rubric_id, "kinds"
                    )
        return self


class Negation(ConfigModel):
    words: list[Annotated[str, StringConstraints(pattern=r"^[a-z]+$")]] = Field(min_length=1)
    window: int = Field(ge=1, le=10, description="Words before a cue that are searched for a negation.")


class MockInterviewCues(ConfigModel):
    descriptors: list[Text] = Field(min_length=4, max_length=4, description="French descriptor of levels 0-3.")
    point_similarity: Similarity = Field(description="A sentence this close to an expected point covers it.")
    relevance_similarity: Similarity = Field(description="An answer this close to its question is on topic.")


class CuesConfig(ConfigModel):
    question_similarity: Similarity = Field(description="Attribution of assistant turns without a criterion.")
    precision: list[Pattern] = Field(min_length=1)
    negation: Negation
    nothing: list[Pattern] = Field(min_length=1)
    criteria: dict[CriterionId, CriterionCues]
    mock_interview: MockInterviewCues

    @model_validator(mode="after")
    def _check_criteria(self) -> CuesConfig:
        missing = [criterion for criterion in CRITERION_IDS if criterion not in self.criteria]
        if missing:
            raise LocatedValueError(f"missing criteria: {', '.join(missing)}", "criteria")
        return self


@dataclass(frozen=True)
class CompiledKind:
    id: str
    label: str
    concrete: PatternSet
    topic: PatternSet


@dataclass(frozen=True)
class CriterionRules:
    """Everything the rules scorer needs for one criterion of one training."""

    level3_kinds: int
    kinds: tuple[CompiledKind, ...]
    nothing: PatternSet
    vague: PatternSet
    misconceptions: PatternSet


class Cues:
    def __init__(self, config: CuesConfig, sha256: str) -> None:
        self.config = config
        self.sha256 = sha256
        self.precision = PatternSet(config.precision)
        self.negation_words = frozenset(config.negation.words)
        self.negation_window = config.negation.window
        self._rules: dict[tuple[str, str], CriterionRules] = {}
        self._questions: dict[str, PatternSet] = {}

    def for_criterion(self, criterion_id: CriterionId, rubric_id: str) -> CriterionRules:
        key = (criterion_id, rubric_id)
        if key not in self._rules:
            spec = self.config.criteria[criterion_id]
            training = spec.trainings.get(rubric_id, TrainingCues())
            kinds = {**spec.kinds, **training.kinds}
            self._rules[key] = CriterionRules(
                level3_kinds=spec.level3_kinds,
                kinds=tuple(
                    CompiledKind(kind_id, kind.label, PatternSet(kind.concrete), PatternSet(kind.topic))
                    for kind_id, kind in kinds.items()
                ),
                nothing=PatternSet([*self.config.nothing, *spec.nothing]),
                vague=PatternSet(spec.vague),
                misconceptions=PatternSet(training.misconceptions),
            )
        return self._rules[key]

    def question_matches(self, criterion_id: CriterionId, question: str) -> int:
        """How many cues of `criterion_id` an assistant question matches."""
        if criterion_id not in self._questions:
            self._questions[criterion_id] = PatternSet(self.config.criteria[criterion_id].question_cues)
        return sum(1 for _ in self._questions[criterion_id].finditer(normalise(question)))

    def negated(self, normalised: str, start: int) -> bool:
        """Whether one of the `window` words before position `start` is a negation."""
        before = normalised[:start].split()[-self.negation_window :]
        return any(word in self.negation_words for word in before)


def load_cues(path: Path = DEFAULT_CUES_PATH) -> Cues:
    config, sha256 = load_config(path, CuesConfig)
    return Cues(config, sha256)


@lru_cache(maxsize=1)
def get_cues() -> Cues:
    return load_cues()
