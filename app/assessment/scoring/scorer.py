"""`TranscriptScorer`: the one scorer of the motivation interview and the mock interview.

For each criterion the candidate answered, the rules scorer always gives its level and the model (through the
gateway) proposes one with verbatim quotes. The model's proposal is kept only as far as it is supported:

- every quote must be a passage of the scrubbed, screened answer, or it is dropped (`quotes_dropped`);
  a level above 0 left without any quote is flagged `evidence_missing` and replaced by the rules level,
  so no reported level lacks evidence;
- a model level 2 or more away from the rules level is flagged `models_disagree`;
- if the answer tried to steer the scoring, the level is capped at the rules level, which never reads those
  sentences (`manipulation_capped`), so an attempt can never raise a level;
- a rationale that mentions protected information or guesses at the candidate's personality is replaced by
  the rules rationale.

When the model is unavailable the rules scorer answers, flagged `degraded_model`. A criterion with no answer
(or only declined or protected answers) is not assessed: level None, never 0.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.assessment.scoring.answers import AnswerStatus, CriterionAnswer, collect_answers
from app.assessment.scoring.cues import Cues, get_cues
from app.assessment.scoring.evidence import check_quotes
from app.assessment.scoring.grid import FlowName as GridFlowName
from app.assessment.scoring.grid import Grid, GridCriterion, build_grid
from app.assessment.scoring.model import ModelScorer, ProposedLevel
from app.assessment.scoring.result import (
    REVIEW_FLAGS,
    CriterionFlag,
    ReportFlag,
    ScoredCriterion,
    ScoringResult,
)
from app.assessment.scoring.rules import RULES_VERSION, RulesScore, RulesScorer
from app.assessment.scoring.screening import ScreenedText, Screening, get_screening, safe_quote
from app.assessment.scoring.similarity import EmbeddingCache
from app.assessment.scoring.transcript import Transcript, TranscriptError, Turn
from app.embeddings import get_embedder
from app.llm.gateway import RULES, LLMGateway
from app.llm.result import LLMResult
from app.pii import Scrubber, get_scrubber
from app.prompts import PromptRegistry, get_prompt_registry
from app.rubrics import get_rubrics
from app.rubrics.models import Rubric

DISAGREEMENT = 2  # levels apart for `models_disagree`
MAX_QUOTES = 5  # quotes read from a proposal; later ones are ignored
NOT_ASSESSED: dict[AnswerStatus, str] = {
    "not_answered": "Non évalué : le candidat n'a pas répondu à cette question ou a choisi de la passer.",
    "protected_only": (
        "Non évalué : la réponse ne contenait que des informations personnelles protégées, qui ne sont ni évaluées "
        "ni citées."
    ),
    "answered": "",
}


@dataclass(frozen=True, slots=True)
class AnswerReading:
    status: AnswerStatus
    level: int | None  # the rules level; None when not answered
    evidence: tuple[str, ...]


class TranscriptScorer:
    def __init__(
        self,
        *,
        gateway: LLMGateway,
        rubrics: Mapping[str, Rubric],
        scrubber: Scrubber,
        embeddings: EmbeddingCache,
        prompts: PromptRegistry,
        screening: Screening,
        cues: Cues,
    ) -> None:
        self._gateway = gateway
        self._rubrics = rubrics
        self._scrubber = scrubber
        self._embeddings = embeddings
        self._screening = screening
        self._cues = cues
        self._rules = RulesScorer(cues, embeddings)
        self._model = ModelScorer(gateway, prompts)

    @classmethod
    def from_services(cls, gateway: LLMGateway, *, scrubber: Scrubber | None = None) -> TranscriptScorer:
        """A scorer on the configured rubrics and prompts, the shipped cues, and the process's services."""
        return cls(
            gateway=gateway,
            rubrics=get_rubrics(),
            scrubber=scrubber or get_scrubber(),
            embeddings=EmbeddingCache(get_embedder()),
            prompts=get_prompt_registry(),
            screening=get_screening(),
            cues=get_cues(),
        )

    def score(self, transcript: Transcript, *, session_id: str | None = None) -> ScoringResult:
        rubric = self._rubrics.get(transcript.rubric)
        if rubric is None:
            raise TranscriptError(
                f"rubric: unknown rubric {transcript.rubric!r}; available: {', '.join(sorted(self._rubrics))}"
            )
        scrubbed = transcript.model_copy(
            update={"turns": tuple(turn.model_copy(update={"content": self._scrub(turn)}) for turn in transcript.turns)}
        )
        grid = build_grid(rubric, transcript.flow, tuple(self._cues.config.mock_interview.descriptors))
        collected = collect_answers(scrubbed, grid, self._screening, self._cues, self._embeddings)
        scored: list[ScoredCriterion] = []
        prompt_versions: dict[str, str] = {}
        for criterion in grid.criteria:
            answer = collected.answers.get(criterion.id)
            if answer is None:
                continue
            result, call = self._score_criterion(grid, criterion, answer, session_id)
            scored.append(result)
            if call is not None and (call.provider != RULES or call.fallback_used):  # a model was asked
                prompt_versions[call.prompt_name] = call.prompt_version
        answers = collected.answers.values()
        return ScoringResult(
            flow=transcript.flow,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            rubric_sha256=rubric.sha256,
            transcript_sha256=_sha256(scrubbed),
            scrubber=self._scrubber.name,
            criteria=tuple(scored),
            flags=_report_flags(scored),
            protected_topics=tuple(sorted({t for answer in answers for t in answer.screened.protected_topics})),
            manipulation_quotes=tuple(quote for answer in answers for quote in answer.screened.manipulation),
            unattributed_turns=collected.unattributed_turns,
            provider=self._gateway.provider if prompt_versions else RULES,
            model=self._gateway.model_name if prompt_versions else RULES,
            prompt_versions=prompt_versions,
            rules_version=RULES_VERSION,
            cues_sha256=self._cues.sha256,
            screening_sha256=self._screening.sha256,
            scored_at=datetime.now(UTC),
        )

    def read_answer(
        self, rubric_id: str, flow: GridFlowName, criterion_id: str, replies: Sequence[str]
    ) -> AnswerReading:
        """The rules reading of a live answer (already scrubbed), without any model call: the interview flows use
        it to decide whether to ask a follow-up. The report's scores come from `score` on the whole transcript."""
        rubric = self._rubrics[rubric_id]
        criterion = build_grid(rubric, flow, tuple(self._cues.config.mock_interview.descriptors)).get(criterion_id)
        if criterion is None:
            raise TranscriptError(f"criterion: unknown criterion {criterion_id!r} for the {flow} of {rubric_id}")
        screened = ScreenedText.merge(self._screening.screen(reply) for reply in replies)
        answer = CriterionAnswer(criterion_id, (), tuple(replies), screened)
        if answer.status != "answered":
            return AnswerReading(answer.status, None, ())
        rules = self._rules.score(criterion, rubric_id, screened.kept)
        return AnswerReading("answered", rules.level, rules.evidence)

    def _scrub(self, turn: Turn) -> str:
        return self._scrubber.scrub(turn.content) if turn.content.strip() else turn.content

    def _score_criterion(
        self, grid: Grid, criterion: GridCriterion, answer: CriterionAnswer, session_id: str | None
    ) -> tuple[ScoredCriterion, LLMResult[ProposedLevel] | None]:
        """The scored criterion, and the gateway call made for it (None when there was nothing to score)."""
        flags: list[CriterionFlag] = []
        if answer.screened.protected_sentences:
            flags.append("protected_topic_excluded")
        if answer.screened.manipulation:
            flags.append("manipulation_ignored")
        if answer.status != "answered":
            return _not_assessed(criterion, answer.status, flags), None

        rules = self._rules.score(criterion, grid.rubric.id, answer.screened.kept)
        proposal = self._model.propose(grid, criterion, answer, rules, session_id=session_id)
        if proposal.provider == RULES:  # no generative model configured, or the model failed
            if proposal.fallback_used:
                flags.append("model_unavailable")
            return _from_rules(criterion, rules, flags), proposal
        return self._combine(criterion, answer, rules, proposal, flags), proposal

    def _combine(
        self,
        criterion: GridCriterion,
        answer: CriterionAnswer,
        rules: RulesScore,
        proposal: LLMResult[ProposedLevel],
        flags: list[CriterionFlag],
    ) -> ScoredCriterion:
        proposed = proposal.value
        if proposed.level is None:
            return _from_rules(criterion, rules, [*flags, "model_abstained"])
        quotes = check_quotes(proposed.evidence[:MAX_QUOTES], answer.screened.kept)
        if quotes.dropped:
            flags.append("quotes_dropped")
        if abs(proposed.level - rules.level) >= DISAGREEMENT:
            flags.append("models_disagree")
        if proposed.level > 0 and not quotes.verified:
            # A level the transcript does not support is not reported; the rules level, with its evidence, is.
            return _from_rules(criterion, rules, [*flags, "evidence_missing"], model_level=proposed.level)
        level = proposed.level
        if answer.screened.manipulation and level > rules.level:
            level = rules.level
            flags.append("manipulation_capped")
        rationale = safe_quote(proposed.rationale)  # one line, no control characters, bounded length
        if not rationale or not self._screening.acceptable_wording(rationale):
            rationale = rules.rationale
            flags.append("rationale_replaced")
        return ScoredCriterion(
            id=criterion.id,
            title=criterion.title,
            status="answered",
            level=level,
            descriptor=criterion.descriptors[level],
            evidence=quotes.verified,
            rationale=rationale,
            source="model",
            model_level=proposed.level,
            rules_level=rules.level,
            flags=tuple(flags),
        )


def _from_rules(
    criterion: GridCriterion, rules: RulesScore, flags: list[CriterionFlag], *, model_level: int | None = None
) -> ScoredCriterion:
    return ScoredCriterion(
        id=criterion.id,
        title=criterion.title,
        status="answered",
        level=rules.level,
        descriptor=criterion.descriptors[rules.level],
        evidence=rules.evidence,
        rationale=rules.rationale,
        source="rules",
        model_level=model_level,
        rules_level=rules.level,
        flags=tuple(flags),
    )


def _not_assessed(criterion: GridCriterion, status: AnswerStatus, flags: list[CriterionFlag]) -> ScoredCriterion:
    return ScoredCriterion(
        id=criterion.id,
        title=criterion.title,
        status=status,
        level=None,
        descriptor=None,
        evidence=(),
        rationale=NOT_ASSESSED[status],
        source=None,
        flags=tuple(flags),
    )


def _report_flags(criteria: list[ScoredCriterion]) -> tuple[ReportFlag, ...]:
    flags = {flag for criterion in criteria for flag in criterion.flags}
    found: list[ReportFlag] = []
    if flags & REVIEW_FLAGS:
        found.append("needs_human_review")
    if "model_unavailable" in flags:
        found.append("degraded_model")
    if "protected_topic_excluded" in flags:
        found.append("forbidden_topic_volunteered")
    if "manipulation_ignored" in flags:
        found.append("possible_manipulation")
    return tuple(found)


def _sha256(transcript: Transcript) -> str:
    content = transcript.model_dump(mode="json")
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
