"""The rules scorer: deterministic levels from explicit cues and the rubric's anchor answers.

Motivation criteria: the kinds of concrete elements found by the cues of `cues.yaml` decide levels 2 and 3;
without any, the answer is 1 when it stays on the topic, 0 when it says it has nothing or misdescribes the
job, and otherwise the closest anchor answers of the rubric (sentence embeddings) choose between 0 and 1.
Mock interview questions: each point a good answer brings up (`good_answer_contains`) is covered when a
sentence of the answer is close enough to it. Only screened sentences are read (`ScreenedText.kept`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from app.assessment.scoring.cues import Cues
from app.assessment.scoring.grid import GridCriterion, motivation_criterion_id
from app.assessment.scoring.patterns import PatternSet, Sentence
from app.assessment.scoring.similarity import EmbeddingCache
from app.rubrics.models import CRITERION_IDS, CriterionId

# Bump with any change to how levels are computed here (cue and anchor changes are tracked by hashes).
RULES_VERSION = "1.0.0"
MAX_EVIDENCE = 3

Basis = Literal["cues", "topic", "nothing", "misconception", "anchors", "empty", "points"]


@dataclass(frozen=True)
class RulesScore:
    level: int
    evidence: tuple[str, ...]
    rationale: str
    basis: Basis
    kinds: tuple[str, ...] = ()  # labels of the kinds of concrete element found


class RulesScorer:
    def __init__(self, cues: Cues, embeddings: EmbeddingCache) -> None:
        self._cues = cues
        self._embeddings = embeddings

    def score(self, criterion: GridCriterion, rubric_id: str, kept: Sequence[Sentence]) -> RulesScore:
        if not kept:
            return RulesScore(0, (), "Aucun passage évaluable dans la réponse.", "empty")
        if criterion.id in CRITERION_IDS:
            return self._score_motivation(motivation_criterion_id(criterion.id), criterion, rubric_id, kept)
        return self._score_mock(criterion, kept)

    # --- motivation interview -----------------------------------------------------------------------------

    def _score_motivation(
        self, criterion_id: CriterionId, criterion: GridCriterion, rubric_id: str, kept: Sequence[Sentence]
    ) -> RulesScore:
        rules = self._cues.for_criterion(criterion_id, rubric_id)
        found: dict[str, list[str]] = {}  # kind label -> sentences
        topical: list[str] = []
        for sentence in kept:
            precise = self._cues.precision.search(sentence.normalised) is not None
            for kind in rules.kinds:
                concrete = self._affirmed(kind.concrete, sentence)
                topic = self._affirmed(kind.topic, sentence)
                if concrete or (topic and precise):
                    found.setdefault(kind.label, []).append(sentence.text)
                elif topic or self._mentioned(kind.concrete, sentence) or self._mentioned(kind.topic, sentence):
                    topical.append(sentence.text)

        misconceptions = [s.text for s in kept if self._affirmed(rules.misconceptions, s)]
        if found and not (misconceptions and len(found) < 2):
            level = 3 if len(found) >= rules.level3_kinds else 2
            labels = ", ".join(found)
            evidence = _unique(sentence for sentences in found.values() for sentence in sentences)
            return RulesScore(level, evidence, f"Éléments concrets relevés : {labels}.", "cues", tuple(found))
        if misconceptions:
            rationale = "La réponse décrit le métier de façon erronée."
            return RulesScore(0, _unique(misconceptions), rationale, "misconception")
        if topical:
            return RulesScore(1, _unique(topical), "Réponse sur le sujet, sans élément concret ni précis.", "topic")
        nothing = [s.text for s in kept if rules.nothing.search(s.normalised)]
        if nothing:
            return RulesScore(0, _unique(nothing), "La réponse n'apporte rien de pertinent sur ce point.", "nothing")
        vague = [s.text for s in kept if rules.vague.search(s.normalised)]
        if vague:
            return RulesScore(1, _unique(vague), "Réponse générale, sans élément concret ni précis.", "topic")
        return self._nearest_anchors(criterion, kept)

    def _nearest_anchors(self, criterion: GridCriterion, kept: Sequence[Sentence]) -> RulesScore:
        """Level 0 or 1, whichever level's anchor answers are closest to the answer."""
        text = " ".join(sentence.text for sentence in kept)
        best = [max(self._embeddings.similarities(text, anchors)) for anchors in criterion.anchors]
        level = 0 if best[0] > max(best[1:]) else 1
        rationale = (
            "Aucun indice explicite ; la réponse est la plus proche des exemples de réponse sans élément pertinent."
            if level == 0
            else "Aucun indice explicite ; la réponse est la plus proche des exemples de réponse générale."
        )
        return RulesScore(level, _unique(s.text for s in kept), rationale, "anchors")

    def _affirmed(self, patterns: PatternSet, sentence: Sentence) -> bool:
        return any(
            not self._cues.negated(sentence.normalised, match.start())
            for match in patterns.finditer(sentence.normalised)
        )

    @staticmethod
    def _mentioned(patterns: PatternSet, sentence: Sentence) -> bool:
        return patterns.search(sentence.normalised) is not None

    # --- mock interview -----------------------------------------------------------------------------------

    def _score_mock(self, criterion: GridCriterion, kept: Sequence[Sentence]) -> RulesScore:
        settings = self._cues.config.mock_interview
        texts = [sentence.text for sentence in kept]
        covered: dict[str, str] = {}  # expected point -> first sentence covering it
        for point in criterion.expected:
            similarities = self._embeddings.similarities(point, texts)
            best = max(range(len(texts)), key=similarities.__getitem__)
            if similarities[best] >= settings.point_similarity:
                covered[point] = texts[best]
        if covered:
            level = 3 if len(covered) >= 2 else 2
            points = " ; ".join(f"« {point} »" for point in covered)
            rationale = f"Éléments attendus abordés ({len(covered)} sur {len(criterion.expected)}) : {points}"
            return RulesScore(level, _unique(covered.values()), rationale, "points")
        relevance = max(self._embeddings.similarities(" ".join(texts), [*criterion.questions, *criterion.expected]))
        if relevance >= settings.relevance_similarity:
            return RulesScore(1, _unique(texts), "Réponse sur le sujet, sans aucun des éléments attendus.", "topic")
        return RulesScore(0, (), "Réponse sans rapport avec la question.", "anchors")


def _unique(sentences: Iterable[str]) -> tuple[str, ...]:
    """The first `MAX_EVIDENCE` distinct sentences, in order."""
    return tuple(dict.fromkeys(sentences))[:MAX_EVIDENCE]
