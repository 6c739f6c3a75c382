"""The model scorer: a language model proposes a level, verbatim quotes and a rationale for one criterion.

Every call goes through `LLMGateway.structured_or_fallback` with the versioned prompt `scoring/criterion`;
when the model fails, the gateway answers with the rules scorer's result and flags the fallback. The
proposal is only a proposal: `scorer.py` checks its quotes and compares it with the rules scorer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.assessment.scoring.answers import CriterionAnswer
from app.assessment.scoring.grid import FlowName, Grid, GridCriterion
from app.assessment.scoring.rules import RulesScore
from app.llm.gateway import LLMGateway
from app.llm.result import LLMResult
from app.prompts import PromptRegistry

PROMPT_NAME = "scoring/criterion"
FLOW_LABELS: dict[FlowName, str] = {
    "motivation_interview": "entretien de motivation",
    "mock_interview": "entretien d'embauche blanc",
}


class ProposedLevel(BaseModel):
    """What the model must answer. Extra keys are ignored: small models add some.

    No length limits in the schema: llama.cpp turns them into grammar repetitions it refuses to build; long
    answers are cut by the scorer instead.
    """

    model_config = ConfigDict(extra="ignore")

    level: int | None = Field(ge=0, le=3, description="0 to 3, or null when the answer does not allow a level.")
    evidence: list[str] = Field(default_factory=list, description="Verbatim quotes of the answer.")
    rationale: str = Field(default="", description="One or two factual sentences, in French.")


class ModelScorer:
    def __init__(self, gateway: LLMGateway, prompts: PromptRegistry) -> None:
        self._gateway = gateway
        self._prompts = prompts

    def propose(
        self,
        grid: Grid,
        criterion: GridCriterion,
        answer: CriterionAnswer,
        rules: RulesScore,
        *,
        session_id: str | None = None,
    ) -> LLMResult[ProposedLevel]:
        prompt = self._prompts.render(
            PROMPT_NAME,
            training_title=grid.rubric.title,
            flow_label=FLOW_LABELS[grid.flow],
            criterion=_criterion_variables(criterion),
            questions=list(answer.questions),
            answer=answer.screened.kept_text,
        )
        return self._gateway.structured_or_fallback(
            prompt,
            ProposedLevel,
            rules=lambda: ProposedLevel(level=rules.level, evidence=list(rules.evidence), rationale=rules.rationale),
            session_id=session_id,
        )


def _criterion_variables(criterion: GridCriterion) -> dict[str, Any]:
    anchors = criterion.anchors or tuple(() for _ in criterion.descriptors)
    return {
        "title": criterion.title,
        "levels": [
            {"score": score, "descriptor": descriptor, "anchors": list(examples)}
            for score, (descriptor, examples) in enumerate(zip(criterion.descriptors, anchors, strict=True))
        ],
        "expected": list(criterion.expected),
    }
