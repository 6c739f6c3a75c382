"""The golden set, the agreement metrics and the scoring eval's pass/fail logic."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import yaml

from app.assessment.scoring.patterns import normalise
from app.assessment.scoring.scorer import TranscriptScorer
from app.errors import ConfigError
from app.rubrics.models import CRITERION_IDS, Rubric
from evals.scoring.dataset import GOLDEN_PATH, GoldenAnswer, load_golden
from evals.scoring.metrics import agreement, quadratic_weighted_kappa
from evals.scoring.run import evaluate


@pytest.mark.parametrize(
    ("human", "scorer", "qwk"),
    [
        pytest.param([0, 1, 2, 3], [0, 1, 2, 3], 1.0, id="perfect"),
        pytest.param([0, 1, 2, 3], [0, 1, 2, 2], 0.875, id="one-off-by-one"),
        pytest.param([0, 0, 1, 1], [1, 1, 0, 0], -1.0, id="always-swapped"),
        pytest.param([2, 2], [2, 2], 1.0, id="one-level-agreeing"),
        pytest.param([2, 2], [1, 1], 0.0, id="one-level-disagreeing"),
    ],
)
def test_quadratic_weighted_kappa(human: list[int], scorer: list[int], qwk: float) -> None:
    assert quadratic_weighted_kappa(human, scorer) == pytest.approx(qwk)


def test_agreement_counts_exact_and_adjacent() -> None:
    result = agreement([0, 1, 2, 3], [0, 2, 0, 3])
    assert (result.n, result.exact, result.adjacent) == (4, 0.5, 0.75)
    assert result.confusion == ((1, 0, 0, 0), (0, 0, 1, 0), (1, 0, 0, 0), (0, 0, 0, 1))


def test_the_golden_set_covers_every_training_criterion_and_level(rubrics: Mapping[str, Rubric]) -> None:
    golden = load_golden(rubrics=frozenset(rubrics))
    assessed = [a for a in golden.answers if a.level is not None]
    assert len(assessed) >= 120
    cells = Counter((a.rubric, a.criterion, a.level, a.split) for a in assessed)
    assert len(cells) == len(rubrics) * len(CRITERION_IDS) * 4 * 2
    nulls = Counter(a.split for a in golden.answers if a.level is None)
    assert nulls["dev"] > 0
    assert nulls["test"] > 0


def test_no_golden_answer_is_an_anchor_of_its_own_rubric(rubrics: Mapping[str, Rubric]) -> None:
    """The rules scorer compares answers with these anchors: a copy would agree by construction."""
    anchors = {
        (rubric.id, normalise(anchor))
        for rubric in rubrics.values()
        for criterion in rubric.motivation.criteria
        for level in criterion.levels
        for anchor in level.anchors
    }
    assert [a.id for a in load_golden().answers if (a.rubric, normalise(a.answer)) in anchors] == []


def _write(tmp_path: Path, edit: Callable[[dict[str, object]], None]) -> Path:
    data = yaml.safe_load(GOLDEN_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "golden.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _items(data: dict[str, object]) -> list[dict[str, object]]:
    return data["groups"][0]["items"]  # type: ignore[index,no-any-return]


def _copy_first_field(field: str) -> Callable[[dict[str, object]], None]:
    return lambda data: _items(data)[1].update({field: _items(data)[0][field]})


def _set(field: str, value: object, *, group: bool = False) -> Callable[[dict[str, object]], None]:
    def edit(data: dict[str, object]) -> None:
        target = data["groups"][0] if group else _items(data)[0]  # type: ignore[index]
        target[field] = value

    return edit


def _drop_test_items_of_first_cell(data: dict[str, object]) -> None:
    data["groups"][0]["items"] = [i for i in _items(data) if i["id"] not in {"as-jk-0b", "as-jk-0d"}]  # type: ignore[index]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(_copy_first_field("id"), "duplicate id 'as-jk-0a'", id="duplicate-id"),
        pytest.param(_copy_first_field("answer"), "duplicate answer", id="duplicate-answer"),
        pytest.param(_set("level", 4), "Input should be less than or equal to 3", id="level-4"),
        pytest.param(_set("split", "train"), "Input should be 'dev' or 'test'", id="bad-split"),
        pytest.param(_set("criterion", "salary", group=True), "Input should be 'job_knowledge'", id="bad-criterion"),
        pytest.param(
            _drop_test_items_of_first_cell,
            "the test split has no answer for aide-soignant / job_knowledge / level 0",
            id="empty-cell",
        ),
    ],
)
def test_a_broken_golden_set_is_refused(
    tmp_path: Path, edit: Callable[[dict[str, object]], None], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_golden(_write(tmp_path, edit))


def test_a_golden_set_for_an_unknown_training_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown rubric"):
        load_golden(rubrics=frozenset({"aide-soignant"}))


def _answer(answer_id: str, level: int | None, answer: str, criterion: str = "practical_readiness") -> GoldenAnswer:
    return GoldenAnswer(answer_id, "aide-soignant", criterion, "Et les trajets ?", "test", level, answer)  # type: ignore[arg-type]


SAMPLE = [
    _answer("ok-0", 0, "Je verrai bien."),
    _answer("ok-1", 1, "Je me débrouillerai."),
    _answer("ok-2", 2, "J'ai le permis."),
    _answer("ok-3", 3, "J'ai le permis, je suis libre dès mars."),
    _answer("null", None, "Je passe.", criterion="commitment"),
]


def test_the_eval_passes_when_the_scorer_agrees(make_scorer: Callable[..., TranscriptScorer]) -> None:
    evaluation = evaluate(SAMPLE, make_scorer())
    assert {a.id: evaluation.results[a.id][0] for a in SAMPLE} == {a.id: a.level for a in SAMPLE}
    assert (evaluation.nulls, evaluation.nulls_kept, evaluation.stable) == (1, 1, True)
    assert evaluation.by_criterion["practical_readiness"].qwk == 1.0
    assert evaluation.passed


def test_the_eval_fails_when_the_scorer_disagrees(make_scorer: Callable[..., TranscriptScorer]) -> None:
    swapped = [dataclasses.replace(a, level=None if a.level is None else 3 - a.level) for a in SAMPLE]
    evaluation = evaluate(swapped, make_scorer())
    assert evaluation.by_criterion["practical_readiness"].qwk < 0
    assert not evaluation.passed
