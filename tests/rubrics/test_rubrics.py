"""The shipped rubric is valid and complete; each bad fixture fails with its file, line and field."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from app.assessment.quiz.keywords import normalise
from app.errors import ConfigError
from app.rubrics import CRITERION_IDS, INTERVIEW_KINDS, Rubric, get_rubrics, load_rubric, load_rubrics
from app.settings import PROJECT_ROOT, get_settings

HERE = Path(__file__).parent
GOOD = HERE / "good" / "minimal.yaml"
BAD = HERE / "bad"

# Each bad fixture is good/minimal.yaml with one defect: (file, line, message after "<file>:<line>: ").
BAD_CASES = [
    ("unknown-field.yaml", 14, "quiz.items.0.promt: Extra inputs are not permitted"),
    ("wrong-type.yaml", 8, "quiz.threshold_theta: Input should be a valid number"),
    ("missing-criterion.yaml", 63, "motivation.criteria: missing criteria: commitment"),
    ("duplicate-criterion.yaml", 88, "motivation.criteria.3.id: criterion 'job_knowledge' appears twice"),
    ("duplicate-item-id.yaml", 18, "quiz.items.1.id: duplicate item id 'q1'"),
    ("invalid-answer-index.yaml", 16, "quiz.items.0.answer: answer index 2 is out of range for 2 choices"),
    ("single-choice-one-choice.yaml", 15, "quiz.items.0.choices: a single_choice item needs at least 2 choices"),
    ("duplicate-choices.yaml", 15, "quiz.items.0.choices: choices must be distinct"),
    ("unknown-domain.yaml", 19, "quiz.items.1.domain: unknown domain 'calcule' (declared: calcul, francais, metier)"),
    ("levels-out-of-order.yaml", 83, "motivation.criteria.2.levels: levels must have scores 0, 1, 2, 3 in order"),
    ("nonpositive-discrimination.yaml", 23, "quiz.items.1.irt.a: Input should be greater than 0"),
    ("duplicate-key.yaml", 23, "duplicate key 'answer'"),
    ("invalid-yaml.yaml", 16, "invalid YAML: expected ',' or ']', but got '<scalar>'"),
    ("too-few-items.yaml", 10, "quiz.items: List should have at least 30 items"),
    ("too-few-domains.yaml", 9, "quiz.domains: Dictionary should have at least 3 items"),
    (
        "domain-too-small.yaml",
        10,
        "quiz.domains.calcul: domain 'calcul' has 10 item(s); a quiz of up to 31 items over 3 domains needs at "
        "least 11 per domain",
    ),
    ("max-se-too-high.yaml", 9, "quiz.stop.max_se: Input should be less than 1"),
    ("difficulty-out-of-range.yaml", 23, "quiz.items.1.irt.b: Input should be less than or equal to 4"),
    ("unknown-unit.yaml", 38, "quiz.items.6.answer.unit: unknown unit 'tasses' (known: %, cl, cm,"),
    ("min-expected-too-high.yaml", 32, "quiz.items.2.answer.min_expected: min_expected 3 exceeds the 2 expected"),
    ("stem-inside-keyword.yaml", 31, "quiz.items.2.answer.expected.1.0: keyword 'infirmi*re': use words"),
    ("one-anchor.yaml", 69, "motivation.criteria.0.levels.1.anchors: List should have at least 2 items"),
    ("too-few-questions.yaml", 97, "mock_interview.questions: List should have at least 10 items"),
    ("missing-interview-kind.yaml", 97, "mock_interview.questions: no question of kind: job_knowledge"),
    ("unknown-interview-kind.yaml", 98, "mock_interview.questions.0.kind: Input should be 'situational',"),
    ("duplicate-question-id.yaml", 100, "mock_interview.questions.2.id: duplicate question id 'refus'"),
]


@pytest.mark.parametrize(("file_name", "line", "message"), BAD_CASES, ids=[case[0] for case in BAD_CASES])
def test_bad_rubric_names_file_line_and_field(file_name: str, line: int, message: str) -> None:
    path = BAD / file_name
    with pytest.raises(ConfigError) as caught:
        load_rubric(path)
    assert str(caught.value).startswith(f"{path}:{line}: {message}")
    assert "\n" not in str(caught.value)


def test_file_name_must_match_the_id() -> None:
    path = BAD / "name-mismatch.yaml"
    with pytest.raises(ConfigError, match=r"file name must be not-the-file-name\.yaml") as caught:
        load_rubric(path)
    assert str(caught.value).startswith(str(path))


def test_every_bad_fixture_is_in_the_table() -> None:
    tested = {case[0] for case in BAD_CASES} | {"name-mismatch.yaml"}
    assert {path.name for path in BAD.glob("*.yaml")} == tested


def test_the_minimal_fixture_is_valid() -> None:
    assert load_rubrics(GOOD.parent) == {"minimal": load_rubric(GOOD)}


def test_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="rubric directory not found"):
        load_rubrics(tmp_path / "absent")


def test_sha256_is_the_hash_of_the_file_bytes() -> None:
    assert load_rubric(GOOD).sha256 == hashlib.sha256(GOOD.read_bytes()).hexdigest()


def test_a_rubric_not_loaded_from_a_file_has_no_hash() -> None:
    rubric = Rubric.model_validate(yaml.safe_load(GOOD.read_text(encoding="utf-8")))
    with pytest.raises(ValueError, match="not loaded from a file"):
        _ = rubric.sha256


def test_shipped_rubrics_are_cached_and_read_only() -> None:
    rubrics = get_rubrics()
    assert get_rubrics() is rubrics
    assert set(rubrics) == {path.stem for path in (PROJECT_ROOT / "rubrics").glob("*.yaml")}
    with pytest.raises(TypeError):
        rubrics["other"] = rubrics["aide-soignant"]  # type: ignore[index]


def test_get_rubrics_reads_the_configured_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREMPLIN_RUBRICS_DIR", str(GOOD.parent))
    get_settings.cache_clear()
    assert list(get_rubrics()) == ["minimal"]


SHIPPED = sorted(path.stem for path in (PROJECT_ROOT / "rubrics").glob("*.yaml"))


def test_the_three_priority_trainings_are_shipped() -> None:
    assert SHIPPED == ["aide-soignant", "assistant-de-vie-aux-familles", "operateur-de-production"]


@pytest.mark.parametrize("rubric_id", SHIPPED)
def test_shipped_rubric_content(rubric_id: str) -> None:
    rubric = get_rubrics()[rubric_id]
    path = PROJECT_ROOT / "rubrics" / f"{rubric_id}.yaml"
    assert rubric.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert set(rubric.quiz.domains) == {"calcul", "francais", "metier"}
    assert len(rubric.quiz.items) >= 30
    stop = rubric.quiz.stop
    assert (stop.max_se, stop.max_items, stop.decision_confidence, stop.min_items) == (0.32, 20, 0.95, 6)
    for domain in rubric.quiz.domains:
        types = {item.type for item in rubric.quiz.items if item.domain == domain}
        assert len(types) >= 2, f"{domain}: a single item type"
    assert {item.type for item in rubric.quiz.items} == {"single_choice", "numeric", "free_text"}
    assert tuple(criterion.id for criterion in rubric.motivation.criteria) == CRITERION_IDS
    assert all(len(level.anchors) >= 2 for c in rubric.motivation.criteria for level in c.levels)
    assert len(rubric.mock_interview.questions) >= 10
    assert {q.kind for q in rubric.mock_interview.questions} == set(INTERVIEW_KINDS)


# Topics a recruiter may not ask about (Code du travail L1221-6, CNIL): no question of the bank may touch them.
FORBIDDEN_IN_INTERVIEW = re.compile(
    r"\b(enceinte|grossesse|religi\w*|syndica\w*|politique|securite sociale|bancaires?|iban|rib|nationalite"
    r"|origines?|votre sante|maladies?|handicap\w*|vos enfants|votre famille|marie|conjoint|votre age)\b"
)


@pytest.mark.parametrize("rubric_id", SHIPPED)
def test_mock_interview_questions_avoid_forbidden_topics(rubric_id: str) -> None:
    for question in get_rubrics()[rubric_id].mock_interview.questions:
        assert FORBIDDEN_IN_INTERVIEW.search(normalise(question.question)) is None, question.id


def test_the_forbidden_topic_check_catches_a_forbidden_question() -> None:
    assert FORBIDDEN_IN_INTERVIEW.search(normalise("Avez-vous des enfants ? Êtes-vous enceinte ?"))
