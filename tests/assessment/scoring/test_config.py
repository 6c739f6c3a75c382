"""The scorer's configuration files: the shipped ones load, and each kind of mistake stops loading with
`file:line: field: problem`. Each bad case is the shipped file with one mistake made in it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from app.assessment.scoring.cues import DEFAULT_CUES_PATH, load_cues
from app.assessment.scoring.screening import DEFAULT_SCREENING_PATH, PROTECTED_TOPICS, load_screening
from app.errors import ConfigError
from app.rubrics.models import CRITERION_IDS, Rubric

Loader = Callable[[Path], object]


def test_the_shipped_configuration_loads(rubrics: Mapping[str, Rubric]) -> None:
    screening = load_screening()
    cues = load_cues()
    assert tuple(screening.config.protected_topics) == PROTECTED_TOPICS
    assert tuple(cues.config.criteria) == CRITERION_IDS
    assert len(screening.sha256) == len(cues.sha256) == 64
    trainings = {rubric_id for spec in cues.config.criteria.values() for rubric_id in spec.trainings}
    assert trainings <= set(rubrics), "cues.yaml names a training that has no rubric"


BAD = [
    pytest.param(
        DEFAULT_SCREENING_PATH,
        "  bank_details:\n    label: coordonnées bancaires\n",
        "  bank_detail:\n    label: coordonnées bancaires\n",
        "protected_topics.bank_detail.[key]: Input should be 'family'",
        id="screening-unknown-topic",
    ),
    pytest.param(
        DEFAULT_SCREENING_PATH,
        "      - ramadan\n",
        "      - Ramadan\n",
        "protected_topics.religion.patterns.5: pattern 'Ramadan' can never match",
        id="screening-pattern-with-capital",
    ),
    pytest.param(
        DEFAULT_SCREENING_PATH,
        "      - careme\n",
        "      - carême\n",
        "protected_topics.religion.patterns.6: pattern 'carême' can never match",
        id="screening-pattern-with-accent",
    ),
    pytest.param(
        DEFAULT_SCREENING_PATH,
        "      - shabbat\n",
        "      - (shabbat\n",
        "protected_topics.religion.patterns.7: pattern '(shabbat' is not a valid regular expression",
        id="screening-invalid-regex",
    ),
    pytest.param(
        DEFAULT_SCREENING_PATH,
        "    - '```'\n",
        "    - '(```'\n",
        "manipulation.markup.",
        id="screening-invalid-raw-regex",
    ),
    pytest.param(
        DEFAULT_SCREENING_PATH,
        "manipulation:\n",
        "manipulations:\n",
        "manipulations: Extra inputs are not permitted",
        id="screening-misspelt-section",
    ),
    pytest.param(
        DEFAULT_SCREENING_PATH,
        "  social_security:\n    label: numéro de sécurité sociale\n    patterns:\n",
        "  social_security:\n    label: numéro de sécurité sociale\n    pattern:\n",
        "protected_topics.social_security.pattern: Extra inputs are not permitted",
        id="screening-misspelt-field",
    ),
    pytest.param(
        DEFAULT_SCREENING_PATH,
        "  at_least: 3\n",
        "  at_least: 0\n",
        "english.at_least: Input should be greater than or equal to 1",
        id="screening-english-threshold",
    ),
    pytest.param(
        DEFAULT_CUES_PATH,
        "    level3_kinds: 3\n",
        "    level3_kinds: 9\n",
        "criteria.job_knowledge.level3_kinds: Input should be less than or equal to 6",
        id="cues-level3-out-of-range",
    ),
    pytest.param(
        DEFAULT_CUES_PATH,
        "    level3_kinds: 2\n",
        '    level3_kinds: "2"\n',
        "criteria.practical_readiness.level3_kinds: Input should be a valid integer",
        id="cues-level3-as-text",
    ),
    pytest.param(
        DEFAULT_CUES_PATH,
        "question_similarity: 0.6\n",
        "question_similarity: 1.5\n",
        "question_similarity: Input should be less than 1",
        id="cues-similarity-out-of-range",
    ),
    pytest.param(
        DEFAULT_CUES_PATH,
        "  commitment:\n",
        "  engagement:\n",
        "criteria.engagement.[key]: Input should be 'job_knowledge'",
        id="cues-unknown-criterion",
    ),
    pytest.param(
        DEFAULT_CUES_PATH,
        "      funding:\n        label: financement\n        concrete:\n",
        "      funding:\n        label: financement\n        concrets:\n",
        "criteria.practical_readiness.kinds.funding.concrets: Extra inputs are not permitted",
        id="cues-misspelt-field",
    ),
    pytest.param(
        DEFAULT_CUES_PATH,
        "    - Rien de pertinent par rapport à la question.\n",
        "",
        "mock_interview.descriptors: List should have at least 4 items",
        id="cues-three-mock-descriptors",
    ),
    pytest.param(
        DEFAULT_CUES_PATH,
        "          tasks:\n            label: tâches du métier\n",
        "          team:\n            label: tâches du métier\n",
        "criteria.job_knowledge.trainings.aide-soignant.kinds: kind 'team' is already defined for every training",
        id="cues-kind-defined-twice",
    ),
    pytest.param(
        DEFAULT_CUES_PATH,
        "  - \\d+([a-z]{1,3}\\d*)?\n",
        "  - \\d+([a-z]{1,3}\\d*)?\n  - J'ai\n",
        'precision.1: pattern "J\'ai" can never match',
        id="cues-pattern-with-apostrophe",
    ),
]


@pytest.mark.parametrize(("path", "old", "new", "message"), BAD)
def test_a_mistake_stops_loading_with_its_line(tmp_path: Path, path: Path, old: str, new: str, message: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, "the shipped file changed: update this case"
    position = text.index(old)
    bad = tmp_path / path.name
    bad.write_text(text[:position] + new + text[position + len(old) :], encoding="utf-8")
    loader: Loader = load_screening if path == DEFAULT_SCREENING_PATH else load_cues
    with pytest.raises(ConfigError) as caught:
        loader(bad)
    line = text.count("\n", 0, position) + 1  # where the mistake is; list-level errors point at the list's key
    found = re.match(rf"^{re.escape(str(bad))}:(\d+): (.*)$", str(caught.value))
    assert found is not None, str(caught.value)
    assert found.group(2).startswith(message), str(caught.value)
    assert line - 3 <= int(found.group(1)) <= line + 2, str(caught.value)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_cues(tmp_path / "cues.yaml")
