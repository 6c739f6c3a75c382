"""Who answered what: the candidate's replies grouped by the criterion (or mock interview question) asked.

An assistant turn with a `criterion` opens that criterion. Without one, it is attributed as the header of
`cues.yaml` describes (question cues, then similarity to the grid's questions), or else taken as a
follow-up of the criterion already open. Candidate turns belong to the criterion open when they were
written; those written before any question are counted as unattributed and not scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from app.assessment.scoring.cues import Cues
from app.assessment.scoring.grid import Grid, motivation_criterion_id
from app.assessment.scoring.screening import ScreenedText, Screening
from app.assessment.scoring.similarity import EmbeddingCache
from app.assessment.scoring.transcript import Transcript, TranscriptError

AnswerStatus = Literal["answered", "not_answered", "protected_only"]


@dataclass(frozen=True)
class CriterionAnswer:
    criterion_id: str
    questions: tuple[str, ...] = ()
    replies: tuple[str, ...] = ()
    screened: ScreenedText = field(default_factory=ScreenedText)

    @property
    def status(self) -> AnswerStatus:
        """`not_answered`: no reply or only declines; `protected_only`: every sentence was protected."""
        if not self.replies or self.screened.skipped:
            return "not_answered"
        if not self.screened.kept and not self.screened.manipulation:
            return "protected_only"
        return "answered"


@dataclass(frozen=True)
class CollectedAnswers:
    answers: dict[str, CriterionAnswer]
    unattributed_turns: int


def collect_answers(
    transcript: Transcript, grid: Grid, screening: Screening, cues: Cues, embeddings: EmbeddingCache
) -> CollectedAnswers:
    """Group the (already scrubbed) candidate turns by criterion and screen them.

    Every criterion of the motivation grid is present (unanswered ones without replies); the mock interview
    lists the questions that were asked.
    """
    questions: dict[str, list[str]] = {}
    replies: dict[str, list[str]] = {}
    current: str | None = None
    unattributed = 0
    for index, turn in enumerate(transcript.turns):
        if turn.role == "assistant":
            if turn.criterion is not None:
                if grid.get(turn.criterion) is None:
                    raise TranscriptError(
                        f"turns.{index}.criterion: unknown criterion {turn.criterion!r} for the {grid.flow} of "
                        f"rubric {grid.rubric.id} (known: {', '.join(grid.ids)})"
                    )
                current = turn.criterion
            else:
                current = _match_question(turn.content, grid, cues, embeddings, current)
            questions.setdefault(current, []).append(turn.content)
        elif current is None:
            unattributed += 1
        else:
            replies.setdefault(current, []).append(turn.content)

    listed = grid.ids if grid.flow == "motivation_interview" else tuple(cid for cid in grid.ids if cid in questions)
    answers = {
        criterion_id: CriterionAnswer(
            criterion_id,
            tuple(questions.get(criterion_id, ())),
            tuple(replies.get(criterion_id, ())),
            ScreenedText.merge(screening.screen(reply) for reply in replies.get(criterion_id, ())),
        )
        for criterion_id in listed
    }
    return CollectedAnswers(answers, unattributed)


def _match_question(question: str, grid: Grid, cues: Cues, embeddings: EmbeddingCache, current: str | None) -> str:
    candidates = list(grid.ids)
    if grid.flow == "motivation_interview":
        matches = {cid: cues.question_matches(motivation_criterion_id(cid), question) for cid in candidates}
        top = max(matches.values())
        if top > 0:
            candidates = [cid for cid in candidates if matches[cid] == top]
            if current in candidates:
                return current
            if len(candidates) == 1:
                return candidates[0]
    similarity = {
        cid: max(embeddings.similarities(question, criterion.questions))
        for cid in candidates
        if (criterion := grid.get(cid)) is not None
    }
    best = max(similarity, key=similarity.__getitem__)
    if current is None or len(candidates) < len(grid.ids) or similarity[best] >= cues.config.question_similarity:
        return best
    return current
