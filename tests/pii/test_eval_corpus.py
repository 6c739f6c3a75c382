"""The PII evaluation's corpus and metrics (the suite itself runs with `tremplin eval run pii`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ConfigError
from app.pii.validators import iban_checksum_valid, nir_key_valid
from evals.pii import run
from evals.pii.corpus import GoldEntity, Sample, ValueFactory, build_corpus, load_templates
from evals.pii.metrics import Predicted, f_beta, score

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Sample]]:
    return build_corpus(5, tune=200, test=400)


def test_same_seed_same_corpus(corpus: dict[str, list[Sample]]) -> None:
    assert build_corpus(5, tune=200, test=400) == corpus
    assert build_corpus(6, tune=200, test=400) != corpus


def test_test_split_uses_only_templates_never_tuned_on(corpus: dict[str, list[Sample]]) -> None:
    templates = load_templates()
    tune_ids, test_ids = {t.id for t in templates.tune}, {t.id for t in templates.test}
    assert not tune_ids & test_ids
    assert {t for s in corpus["test"] for t in s.templates} == test_ids  # every test template is used
    assert {t for s in corpus["tune"] for t in s.templates} <= tune_ids
    assert run.TEST_SAMPLES >= 2000


def test_gold_spans_are_clean_and_disjoint(corpus: dict[str, list[Sample]]) -> None:
    for sample in corpus["tune"] + corpus["test"]:
        previous_end = 0
        for gold in sample.entities:
            value = sample.text[gold.start : gold.end]
            assert gold.start >= previous_end, (sample.text, gold)
            assert value, (sample.text, gold)
            assert value == value.strip(), (sample.text, gold)
            previous_end = gold.end


def test_templates_written_after_tuning_are_scored_apart() -> None:
    later = run._written_after_tuning()
    assert later  # the held-out postcode, address and name templates
    assert set(later) <= {t.id for t in load_templates().test}
    assert any(when.endswith("blind") for when in later.values())
    old, new = Sample("a", (), ("old",), "test"), Sample("b", (GoldEntity("CODE_POSTAL", 0, 1),), ("new",), "test")
    blind = Sample("d", (GoldEntity("NIR", 0, 1),), ("blind",), "test")
    mixed = Sample("c", (GoldEntity("PERSONNE", 0, 1),), ("old", "new"), "test")
    found = [Predicted("PERSONNE", 0, 1)]
    groups = run._by_template_age(
        [old, new, mixed, blind],
        [found, [], found, [Predicted("NIR", 0, 1)]],
        {"new": "2026-11-29", "blind": "2026-11-29 blind"},
    )
    assert (groups["after"].samples, groups["after"].overall.gold, groups["after"].overall.caught) == (1, 1, 0)
    assert (groups["before"].samples, groups["before"].overall.predicted, groups["before"].overall.correct) == (1, 1, 0)
    assert (groups["blind"].samples, groups["blind"].overall.gold, groups["blind"].overall.caught) == (1, 1, 1)


def test_generated_identifiers_are_valid() -> None:
    values = ValueFactory(3)
    for _ in range(200):
        assert nir_key_valid(values.nir())
        assert iban_checksum_valid(values.iban())


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("unknown-slot.yaml", ":6: test.0.text: unknown slot {numero_fiscal}"),
        ("duplicate-id.yaml", ":5: test.0.id: duplicate"),
        ("tuned-after-tuning.yaml", ":4: tune.0.written_after_tuning: a tune template cannot"),
        ("blind-without-date.yaml", "test.0.written_after_tuning: a blind template needs its date"),
    ],
)
def test_bad_template_files_are_refused(name: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_templates(HERE / "bad_templates" / name)


TEXT = "moi c'est Kevin Martin, tel 06 12 34 56 78, Metz"
GOLD = Sample(TEXT, (GoldEntity("PERSONNE", 10, 22), GoldEntity("TELEPHONE", 28, 42)), ("t",), "test")


@pytest.mark.parametrize(
    ("predicted", "caught", "correct"),
    [
        ([Predicted("PERSONNE", 10, 22), Predicted("TELEPHONE", 28, 42)], 2, 2),
        ([Predicted("PERSONNE", 10, 15)], 0, 1),  # "Kevin" only: the surname leaks, the name is missed
        ([Predicted("NIR", 28, 42), Predicted("PERSONNE", 10, 16), Predicted("PERSONNE", 16, 22)], 2, 3),
        ([Predicted("PERSONNE", 10, 22), Predicted("TELEPHONE", 28, 42), Predicted("LIEU", 44, 48)], 2, 2),
        ([], 0, 0),
    ],
    ids=["exact", "partial", "any-label-split-spans", "town-masked", "nothing"],
)
def test_metrics_count_leaks_and_spurious_masks(predicted: list[Predicted], caught: int, correct: int) -> None:
    scores = score([GOLD], [predicted])
    assert (scores.overall.gold, scores.overall.caught) == (2, caught)
    assert (scores.overall.predicted, scores.overall.correct) == (len(predicted), correct)


def test_f2_weighs_recall() -> None:
    assert f_beta(1.0, 0.5, beta=2.0) == pytest.approx(5 * 0.5 / (4 + 0.5))
    assert f_beta(0.5, 1.0, beta=2.0) == pytest.approx(5 * 0.5 / (4 * 0.5 + 1))
    assert f_beta(None, 1.0, beta=2.0) is None
