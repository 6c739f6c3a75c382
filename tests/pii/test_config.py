"""The recognizer configuration is data validated at load: the shipped file loads, and each bad file is refused
with one line naming the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ConfigError
from app.pii.config import DEFAULT_CONFIG_PATH, load_recognizer_config

HERE = Path(__file__).parent
BAD = [
    ("bad-regex.yaml", 13, "recognizers.0.patterns.0.regex: invalid regular expression"),
    ("boost-without-context.yaml", 14, "context_boost set but no context words"),
    ("duplicate-key.yaml", 6, "duplicate key 'context_window'"),
    ("duplicate-name.yaml", 15, "recognizers.1.name: duplicate recognizer name 'telephone'"),
    ("invalid-yaml.yaml", 4, "invalid YAML"),
    ("language-en.yaml", 2, "language: Input should be 'fr'"),
    ("score-out-of-range.yaml", 13, "recognizers.0.patterns.0.score: Input should be less than or equal to 1"),
    ("undeclared-entity.yaml", 11, "entity 'NIR' is not declared under entities"),
    ("unknown-key.yaml", 12, "recognizers.0.colour: Extra inputs are not permitted"),
    ("unknown-kind.yaml", 9, "Input tag 'magic' found using 'kind'"),
    ("unknown-validator.yaml", 14, "recognizers.0.validator: Input should be 'nir_key'"),
    # `on` is a YAML boolean: a context word list must quote it
    ("yaml-boolean-word.yaml", 14, "recognizers.0.context.1: Input should be a valid string"),
]


@pytest.mark.parametrize(("name", "line", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_configuration_is_refused_with_its_line(name: str, line: int, message: str) -> None:
    path = HERE / "bad" / name
    with pytest.raises(ConfigError) as raised:
        load_recognizer_config(path)
    text = str(raised.value)
    assert text.startswith(f"{path}:{line}: "), text
    assert message in text
    assert "\n" not in text


def test_missing_names_file_is_named() -> None:
    with pytest.raises(
        ConfigError, match=r"missing-names-file\.yaml: recognizer prenoms: names_file missing\.txt not found"
    ):
        load_recognizer_config(HERE / "bad" / "missing-names-file.yaml")


def test_missing_configuration_file() -> None:
    with pytest.raises(ConfigError, match="cannot read the PII recognizer configuration"):
        load_recognizer_config(HERE / "bad" / "does-not-exist.yaml")


def test_shipped_configuration_declares_every_issue_entity() -> None:
    loaded = load_recognizer_config(DEFAULT_CONFIG_PATH)
    assert {recognizer.entity for recognizer in loaded.spec.recognizers} == {
        "PERSONNE",
        "TELEPHONE",
        "EMAIL",
        "NIR",
        "IBAN",
        "ADRESSE",
        "CODE_POSTAL",
        "DATE_NAISSANCE",
        "URL",
        "COMPTE_SOCIAL",
        "PERMIS",
        "PASSEPORT",
        "CARTE_IDENTITE",
    }
    assert len(loaded.sha256) == 64


def test_minimal_configuration_builds_a_working_analyzer() -> None:
    """A configuration is all the analyzer knows: with only a phone pattern, names are left alone."""
    from app.pii.analyzer import load_analyzer

    analyzer = load_analyzer(HERE / "good" / "minimal.yaml")
    text = "Kevin Martin 0612345678"
    assert [(d.entity, text[d.start : d.end]) for d in analyzer.detect(text)] == [("TELEPHONE", "0612345678")]
    assert "minimal.yaml sha256:" in analyzer.version
