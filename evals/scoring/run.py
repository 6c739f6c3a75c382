"""`tremplin eval run scoring`: agreement of the rules scorer with the hand-labelled golden set, test split.

Each golden answer becomes a one-question transcript (the group's question, tagged with its criterion, then
the answer), scored end to end by `TranscriptScorer` on the rules provider with the real scrubber. Reports
quadratic weighted kappa (QWK), exact and adjacent agreement per criterion; answers labelled null (nothing to
assess) must come out not assessed. A scorer's null on an answer a human assessed counts as level 0. Also
scores a sample of transcripts five times and checks that the levels are identical.

Writes `scoring.json` and `scoring.md`; exit code 1 when a criterion's QWK is below 0.70, a null is missed,
or a repeated scoring differs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.assessment.scoring.scorer import TranscriptScorer
from app.assessment.scoring.transcript import Transcript, Turn
from app.audit import MemoryAuditSink
from app.llm.gateway import RULES, LLMGateway
from app.pii import get_scrubber
from app.rubrics import get_rubrics
from app.rubrics.models import CRITERION_IDS
from evals.scoring.dataset import GoldenAnswer, Split, load_golden
from evals.scoring.metrics import Agreement, agreement

SPLIT: Split = "test"
TARGET_QWK = 0.70
STABILITY_RUNS = 5
STABILITY_SAMPLE = 12


def transcript_of(answer: GoldenAnswer) -> Transcript:
    return Transcript(
        rubric=answer.rubric,
        flow="motivation_interview",
        turns=(
            Turn(role="assistant", criterion=answer.criterion, content=answer.question),
            Turn(role="candidate", content=answer.answer),
        ),
    )


def scored_level(scorer: TranscriptScorer, answer: GoldenAnswer) -> tuple[int | None, str]:
    result = scorer.score(transcript_of(answer))
    criterion = next(c for c in result.criteria if c.id == answer.criterion)
    return criterion.level, criterion.rationale


def rules_scorer() -> TranscriptScorer:
    gateway = LLMGateway(
        chat_model=None, provider=RULES, model_name=RULES, scrubber=get_scrubber(), audit=MemoryAuditSink()
    )
    return TranscriptScorer.from_services(gateway, scrubber=get_scrubber())


@dataclass(frozen=True)
class Evaluation:
    by_criterion: dict[str, Agreement]  # criteria with at least one assessed answer
    overall: Agreement
    nulls: int
    nulls_kept: int
    stable: bool
    results: dict[str, tuple[int | None, str]]  # answer id -> scorer level, rationale

    @property
    def passed(self) -> bool:
        qwk_met = all(scores.qwk >= TARGET_QWK for scores in self.by_criterion.values())
        return qwk_met and self.nulls_kept == self.nulls and self.stable


def evaluate(answers: Sequence[GoldenAnswer], scorer: TranscriptScorer) -> Evaluation:
    results = {answer.id: scored_level(scorer, answer) for answer in answers}
    assessed = [a for a in answers if a.level is not None]
    criteria = [c for c in CRITERION_IDS if any(a.criterion == c for a in assessed)]
    nulls = [a for a in answers if a.level is None]
    sample = answers[:: max(1, len(answers) // STABILITY_SAMPLE)][:STABILITY_SAMPLE]
    return Evaluation(
        by_criterion={c: _agreement([a for a in assessed if a.criterion == c], results) for c in criteria},
        overall=_agreement(assessed, results),
        nulls=len(nulls),
        nulls_kept=sum(results[a.id][0] is None for a in nulls),
        stable=_stable(scorer, sample),
        results=results,
    )


def main(out_dir: Path) -> int:
    rubrics = get_rubrics()
    golden = load_golden(rubrics=frozenset(rubrics))
    answers = golden.split(SPLIT)
    evaluation = evaluate(answers, rules_scorer())
    report: dict[str, Any] = {
        "split": SPLIT,
        "golden_sha256": golden.sha256,
        "provider": RULES,
        "target_qwk": TARGET_QWK,
        "passed": evaluation.passed,
        "per_criterion": {criterion: asdict(scores) for criterion, scores in evaluation.by_criterion.items()},
        "overall": asdict(evaluation.overall),
        "nulls": {"expected": evaluation.nulls, "kept_null": evaluation.nulls_kept},
        "stability": {"transcripts": STABILITY_SAMPLE, "runs": STABILITY_RUNS, "identical": evaluation.stable},
        "items": [
            {
                "id": a.id,
                "rubric": a.rubric,
                "criterion": a.criterion,
                "human": a.level,
                "scorer": evaluation.results[a.id][0],
                "rationale": evaluation.results[a.id][1],
            }
            for a in answers
        ],
    }
    (out_dir / "scoring.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    markdown = _markdown(evaluation, answers)
    (out_dir / "scoring.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0 if evaluation.passed else 1


def _agreement(answers: Sequence[GoldenAnswer], results: Mapping[str, tuple[int | None, str]]) -> Agreement:
    human = [a.level for a in answers if a.level is not None]
    scorer = [results[a.id][0] or 0 for a in answers if a.level is not None]
    return agreement(human, scorer)


def _stable(scorer: TranscriptScorer, answers: Sequence[GoldenAnswer]) -> bool:
    runs = [[scored_level(scorer, answer)[0] for answer in answers] for _ in range(STABILITY_RUNS)]
    return all(run == runs[0] for run in runs)


def _markdown(evaluation: Evaluation, answers: Sequence[GoldenAnswer]) -> str:
    lines = [
        f"# Scoring eval: rules provider vs hand labels ({SPLIT} split)",
        "",
        f"Target: QWK >= {TARGET_QWK:.2f} on every criterion.",
        "",
        "| criterion | n | QWK | exact | adjacent | target met |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for criterion, scores in (*evaluation.by_criterion.items(), ("all criteria", evaluation.overall)):
        met = "" if criterion == "all criteria" else ("yes" if scores.qwk >= TARGET_QWK else "**no**")
        lines.append(
            f"| {criterion} | {scores.n} | {scores.qwk:.3f} | {scores.exact:.1%} | {scores.adjacent:.1%} | {met} |"
        )
    lines += [
        "",
        f"Nothing to assess (skipped or protected only): {evaluation.nulls_kept} of {evaluation.nulls} left not "
        "assessed.",
        f"Stability: {STABILITY_SAMPLE} transcripts scored {STABILITY_RUNS} times, identical levels: "
        f"{'yes' if evaluation.stable else '**no**'}.",
        "",
        "Confusion matrices (rows: human level 0-3, columns: scorer level 0-3):",
        "",
    ]
    for criterion, scores in evaluation.by_criterion.items():
        rows = " / ".join(" ".join(str(v) for v in row) for row in scores.confusion)
        lines.append(f"- {criterion}: {rows}")
    results = evaluation.results
    disagreements = [a for a in answers if a.level != results[a.id][0]]
    lines += ["", f"Disagreements ({len(disagreements)}):", ""]
    lines += [
        f"- `{a.id}` human {a.level}, scorer {results[a.id][0]}: {' '.join(a.answer.split())[:100]}"
        for a in disagreements
    ]
    return "\n".join(lines) + "\n"
