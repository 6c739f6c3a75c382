"""Which criterion a reply answers when the transcript does not say: question cues, then similarity."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from app.assessment.scoring.answers import collect_answers
from app.assessment.scoring.cues import get_cues
from app.assessment.scoring.grid import FLOWS, FlowName, build_grid
from app.assessment.scoring.screening import get_screening
from app.assessment.scoring.similarity import EmbeddingCache
from app.assessment.scoring.transcript import Transcript, Turn
from app.rubrics import load_rubrics
from app.rubrics.models import Rubric
from app.settings import PROJECT_ROOT

RUBRICS = load_rubrics(PROJECT_ROOT / "rubrics")
BANK = [
    (rubric.id, flow, criterion.id, question)
    for rubric in RUBRICS.values()
    for flow in FLOWS
    for criterion in build_grid(rubric, flow, ("0", "1", "2", "3")).criteria
    for question in criterion.questions
]


def attributed(
    rubric: Rubric, flow: FlowName, embeddings: EmbeddingCache, *turns: tuple[str, str | None, str]
) -> dict[str, tuple[str, ...]]:
    transcript = Transcript(
        rubric=rubric.id,
        flow=flow,
        turns=tuple(Turn(role=role, criterion=criterion, content=content) for role, criterion, content in turns),  # type: ignore[arg-type]
    )
    grid = build_grid(rubric, flow, ("0", "1", "2", "3"))
    collected = collect_answers(transcript, grid, get_screening(), get_cues(), embeddings)
    return {cid: answer.replies for cid, answer in collected.answers.items() if answer.replies}


@pytest.mark.parametrize(
    ("rubric_id", "flow", "criterion_id", "question"), BANK, ids=[f"{b[0]}:{b[2]}:{b[3][:40]}" for b in BANK]
)
def test_every_question_of_a_rubric_opens_its_criterion(
    embeddings: EmbeddingCache, rubric_id: str, flow: FlowName, criterion_id: str, question: str
) -> None:
    rubric = RUBRICS[rubric_id]
    other = next(c.id for c in build_grid(rubric, flow, ("0", "1", "2", "3")).criteria if c.id != criterion_id)
    replies = attributed(
        rubric,
        flow,
        embeddings,
        ("assistant", other, "Première question."),
        ("candidate", None, "Première réponse."),
        ("assistant", None, question),
        ("candidate", None, "Réponse."),
    )
    assert replies[criterion_id] == ("Réponse.",)


def test_follow_ups_stay_on_the_open_criterion(embeddings: EmbeddingCache, rubrics: Mapping[str, Rubric]) -> None:
    replies = attributed(
        rubrics["aide-soignant"],
        "motivation_interview",
        embeddings,
        ("assistant", None, "Comment allez-vous vous rendre à l'institut ?"),
        ("candidate", None, "En bus."),
        ("assistant", None, "Pouvez-vous me donner un exemple précis ?"),
        ("candidate", None, "Le bus de 7 h."),
        ("assistant", None, "Et qu'est-ce qui vous a donné envie de devenir aide-soignante ?"),
        ("candidate", None, "Un stage."),
        ("assistant", None, "Pouvez-vous préciser ?"),
        ("candidate", None, "En EHPAD."),
    )
    assert replies == {
        "practical_readiness": ("En bus.", "Le bus de 7 h."),
        "project_coherence": ("Un stage.", "En EHPAD."),
    }


def test_an_explicit_criterion_wins(embeddings: EmbeddingCache, rubrics: Mapping[str, Rubric]) -> None:
    replies = attributed(
        rubrics["aide-soignant"],
        "motivation_interview",
        embeddings,
        ("assistant", "commitment", "Comment allez-vous vous rendre à l'institut ?"),
        ("candidate", None, "En bus."),
    )
    assert replies == {"commitment": ("En bus.",)}
