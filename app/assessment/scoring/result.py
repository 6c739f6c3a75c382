"""What scoring one transcript produces: a level per criterion with its evidence, and how it was obtained."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.assessment.scoring.answers import AnswerStatus
from app.assessment.scoring.grid import FlowName
from app.assessment.scoring.screening import TopicId

CriterionFlag = Literal[
    "evidence_missing",  # the model's level (above 0) had no quote found in the answer; the rules level is used
    "quotes_dropped",  # some of the model's quotes are not in the answer and were removed
    "models_disagree",  # the model and the rules scorer are 2 or more levels apart
    "manipulation_capped",  # the answer tried to steer the scoring; the level was capped at the rules level
    "manipulation_ignored",  # the answer held sentences addressed to the scorer, which were not scored
    "protected_topic_excluded",  # the answer held protected information, which was not scored nor quoted
    "model_abstained",  # the model gave no level; the rules level is used
    "rationale_replaced",  # the model's rationale broke the wording rules; the rules rationale is used
    "model_unavailable",  # the model failed for this criterion; the rules scorer answered
]
ReportFlag = Literal[
    "needs_human_review",
    "degraded_model",
    "forbidden_topic_volunteered",
    "possible_manipulation",
    "conversation_fallback",  # the model failed during the conversation: bank questions or rules feedback were used
]
# Criterion flags that a person must look at before relying on the level.
REVIEW_FLAGS: frozenset[CriterionFlag] = frozenset({"evidence_missing", "models_disagree", "manipulation_capped"})
Source = Literal["model", "rules"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoredCriterion(_Frozen):
    id: str
    title: str
    status: AnswerStatus
    level: int | None = Field(ge=0, le=3, description="None: not assessed (never the same as 0).")
    descriptor: str | None = Field(description="The rubric's descriptor of `level`.")
    evidence: tuple[str, ...] = Field(description="Verbatim passages of the scrubbed answer.")
    rationale: str
    source: Source | None = Field(description="Who set the level; None when not assessed.")
    model_level: int | None = None
    rules_level: int | None = None
    flags: tuple[CriterionFlag, ...] = ()


class ScoringResult(_Frozen):
    flow: FlowName
    rubric_id: str
    rubric_version: str
    rubric_sha256: str
    transcript_sha256: str = Field(description="sha256 of the scrubbed turns (canonical JSON).")
    scrubber: str
    criteria: tuple[ScoredCriterion, ...]
    flags: tuple[ReportFlag, ...]
    protected_topics: tuple[TopicId, ...] = Field(description="Topics volunteered; their text is never kept.")
    manipulation_quotes: tuple[str, ...]
    unattributed_turns: int
    provider: str
    model: str
    prompt_versions: dict[str, str]
    rules_version: str
    cues_sha256: str
    screening_sha256: str
    scored_at: datetime
