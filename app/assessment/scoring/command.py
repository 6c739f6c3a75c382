"""`tremplin score TRANSCRIPT.json [--json]`: score one interview transcript and print its report.

The transcript is checked before anything heavy is imported, so a bad file fails at once. Scoring goes
through the process's model gateway (the configured provider; `TREMPLIN_LLM_PROVIDER=rules` for the
deterministic rules scorer), whose calls are audited in the database, so the database must be migrated.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.assessment.scoring.transcript import load_transcript

if TYPE_CHECKING:
    from app.assessment.report import AssessmentReport


def score_file(path: Path, *, as_json: bool) -> str:
    transcript = load_transcript(path)

    from app.assessment.report import build_report
    from app.db.engine import get_engine, require_database
    from app.runtime import get_scorer

    require_database(get_engine())
    scoring = get_scorer().score(transcript)
    report = build_report(scorings=[scoring])
    return report.model_dump_json(indent=2) if as_json else summary(report)


def summary(report: AssessmentReport) -> str:
    """A short plain-text view of a report for the terminal."""
    lines = [
        f"Rubric {report.rubric.id} {report.rubric.version}; flows: {', '.join(report.flows_done)}; "
        f"provider {report.provider} ({report.model})",
        f"Recommendation: {report.recommendation} (confidence {report.confidence:.2f}; {report.recommendation_rule})",
    ]
    for criterion in report.criteria:
        level = "not assessed" if criterion.level is None else f"level {criterion.level}"
        flags = f" [{', '.join(criterion.flags)}]" if criterion.flags else ""
        lines.append(f"- {criterion.id}: {level}{flags}")
        lines += [f"    « {quote} »" for quote in criterion.evidence]
    if report.flags:
        lines.append(f"Flags: {', '.join(report.flags)}")
    return "\n".join(lines)
