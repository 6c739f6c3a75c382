"""The rules scorer on its own: how cues, negations, misconceptions and anchors turn into levels."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from app.assessment.scoring.cues import get_cues
from app.assessment.scoring.grid import build_grid
from app.assessment.scoring.patterns import sentences
from app.assessment.scoring.rules import RulesScore, RulesScorer
from app.assessment.scoring.similarity import EmbeddingCache
from app.rubrics.models import Rubric


@pytest.fixture(scope="module")
def scorer(embeddings: EmbeddingCache) -> RulesScorer:
    return RulesScorer(get_cues(), embeddings)


def score(
    scorer: RulesScorer, rubric: Rubric, criterion_id: str, answer: str, flow: str = "motivation_interview"
) -> RulesScore:
    grid = build_grid(rubric, flow, tuple(get_cues().config.mock_interview.descriptors))  # type: ignore[arg-type]
    criterion = grid.get(criterion_id)
    assert criterion is not None
    return scorer.score(criterion, rubric.id, sentences(answer))


CASES = [
    # practical readiness: one kind of concrete element is 2, two kinds are 3
    ("aide-soignant", "practical_readiness", "Je n'ai pas le permis et je ne sais pas comment faire.", 1),
    ("aide-soignant", "practical_readiness", "J'ai pas de voiture.", 1),
    ("aide-soignant", "practical_readiness", "Je prendrai le bus, sûrement.", 1),
    ("aide-soignant", "practical_readiness", "Je prendrai le bus de 6 h 40, il met 25 minutes.", 2),
    ("aide-soignant", "practical_readiness", "J'ai le permis.", 2),
    ("aide-soignant", "practical_readiness", "J'ai le permis, et je suis disponible à temps plein jusqu'en juin.", 3),
    ("aide-soignant", "practical_readiness", "Je verrai bien.", 0),
    # job knowledge: three kinds for 3; a misconception is 0
    ("aide-soignant", "job_knowledge", "On fait les toilettes et on refait les lits.", 2),
    ("aide-soignant", "job_knowledge", "On fait les toilettes, on travaille le week-end et c'est physique.", 3),
    ("aide-soignant", "job_knowledge", "On fait les piqûres aux malades.", 0),
    ("aide-soignant", "job_knowledge", "C'est aider les personnes fragiles.", 1),
    ("assistant-de-vie-aux-familles", "job_knowledge", "Je fais le ménage et les courses des personnes.", 2),
    ("assistant-de-vie-aux-familles", "job_knowledge", "On fait les pansements à domicile.", 0),
    ("operateur-de-production", "job_knowledge", "On règle la presse et on contrôle la qualité des pièces.", 2),
    ("operateur-de-production", "job_knowledge", "C'est un travail de bureau devant un ordinateur.", 0),
    # project coherence
    ("operateur-de-production", "project_coherence", "C'est France Travail qui m'a inscrit.", 0),
    ("operateur-de-production", "project_coherence", "Ça recrute beaucoup.", 1),
    ("operateur-de-production", "project_coherence", "J'ai travaillé deux ans en intérim dans une usine.", 2),
    (
        "operateur-de-production",
        "project_coherence",
        "J'ai travaillé deux ans en intérim, j'ai fait une PMSMP et je vise la plasturgie.",
        3,
    ),
    # commitment: two distinct efforts for 3
    ("assistant-de-vie-aux-familles", "commitment", "Je suis très courageuse.", 1),
    ("assistant-de-vie-aux-familles", "commitment", "J'ai passé le PSC1.", 2),
    ("assistant-de-vie-aux-familles", "commitment", "J'ai passé le PSC1 et fait une immersion d'une semaine.", 3),
    ("assistant-de-vie-aux-familles", "commitment", "Rien de spécial.", 0),
]


@pytest.mark.parametrize(("rubric_id", "criterion_id", "answer", "level"), CASES, ids=[c[2] for c in CASES])
def test_levels_follow_the_cues(
    scorer: RulesScorer, rubrics: Mapping[str, Rubric], rubric_id: str, criterion_id: str, answer: str, level: int
) -> None:
    result = score(scorer, rubrics[rubric_id], criterion_id, answer)
    assert result.level == level, result
    assert all(quote in answer for quote in result.evidence)


def test_the_rationale_names_the_kinds_of_elements_found(scorer: RulesScorer, rubrics: Mapping[str, Rubric]) -> None:
    result = score(
        scorer, rubrics["aide-soignant"], "practical_readiness", "J'ai le permis. Je suis libre dès septembre."
    )
    assert (result.level, result.basis, result.kinds) == (3, "cues", ("trajets", "disponibilité"))
    assert result.rationale == "Éléments concrets relevés : trajets, disponibilité."
    assert result.evidence == ("J'ai le permis.", "Je suis libre dès septembre.")


def test_without_any_cue_the_nearest_anchors_decide(scorer: RulesScorer, rubrics: Mapping[str, Rubric]) -> None:
    rubric = rubrics["aide-soignant"]
    criterion = next(c for c in rubric.motivation.criteria if c.id == "commitment")
    zero, one = criterion.levels[0].anchors[0], criterion.levels[1].anchors[0]
    assert score(scorer, rubric, "commitment", zero).basis == "nothing"  # an anchor with an explicit cue
    result = score(scorer, rubric, "commitment", "Bof.")
    assert result.basis == "anchors"
    assert result.level in (0, 1)
    assert score(scorer, rubric, "commitment", one).level == 1


def test_an_empty_answer_scores_0(scorer: RulesScorer, rubrics: Mapping[str, Rubric]) -> None:
    assert score(scorer, rubrics["aide-soignant"], "commitment", "").basis == "empty"


@pytest.mark.parametrize(
    ("answer", "at_least", "at_most"),
    [
        pytest.param(
            "Je reconnais un risque d'escarre : je change sa position pour soulager l'appui, "
            "je préviens l'infirmière et je note l'observation dans les transmissions.",
            2,
            3,
            id="covers-the-points",
        ),
        pytest.param("Je regarde, et je fais attention.", 0, 1, id="vague"),
        pytest.param("J'aime le football et la musique.", 0, 0, id="off-topic"),
    ],
)
def test_mock_interview_answers_are_scored_on_the_expected_points(
    scorer: RulesScorer, rubrics: Mapping[str, Rubric], answer: str, at_least: int, at_most: int
) -> None:
    result = score(scorer, rubrics["aide-soignant"], "rougeur-talon", answer, flow="mock_interview")
    assert at_least <= result.level <= at_most, result
