"""Weights files: the shipped one is valid; each bad fixture fails with its file, line and field."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from app.errors import ConfigError
from app.matching.weights import FACTORS, WEIGHTS_DIR, available_versions, load_weights, load_weights_file

BAD = Path(__file__).parent / "bad_weights"

# (file, line, message after "<file>:<line>: ")
BAD_CASES = [
    ("sum-not-one.yaml", 5, "factors: factor weights must sum to 1, they sum to 1.05"),
    ("misspelt-field.yaml", 18, "factors.distance.wieght: Extra inputs are not permitted"),
    ("negative-full-at.yaml", 15, "factors.quiz_margin.full_at: Input should be greater than 0"),
    ("bad-version.yaml", 4, "version: String should match pattern '^v\\d+$'"),
    ("quoted-number.yaml", 22, "factors.start_date_fit.horizon_days: Input should be a valid integer"),
    ("missing-factor.yaml", 5, "factors.waiting: Field required"),
]


@pytest.mark.parametrize(("file_name", "line", "message"), BAD_CASES, ids=[case[0] for case in BAD_CASES])
def test_bad_weights_name_file_line_and_field(file_name: str, line: int, message: str) -> None:
    path = BAD / file_name
    with pytest.raises(ConfigError) as caught:
        load_weights_file(path)
    assert str(caught.value).startswith(f"{path}:{line}: {message}")


def test_file_name_must_match_the_version() -> None:
    path = BAD / "name-mismatch.yaml"
    with pytest.raises(ConfigError, match=r"file name must be v1\.yaml to match version 'v1'"):
        load_weights_file(path)


def test_shipped_weights_are_valid_and_sum_to_one() -> None:
    weights = load_weights()
    assert weights.version == available_versions()[-1]
    assert sum(weights.weight_vector()) == pytest.approx(1.0)
    assert len(weights.weight_vector()) == len(FACTORS)
    assert weights.sha256 == hashlib.sha256((WEIGHTS_DIR / f"{weights.version}.yaml").read_bytes()).hexdigest()


def test_latest_version_is_the_highest_number(tmp_path: Path) -> None:
    for version in ("v2", "v10", "v9"):
        text = (WEIGHTS_DIR / "v1.yaml").read_text().replace("version: v1", f"version: {version}")
        (tmp_path / f"{version}.yaml").write_text(text)
    shutil.copy(WEIGHTS_DIR / "v1.yaml", tmp_path / "v1.yaml")
    (tmp_path / "notes.yaml").write_text("not a weights file")
    assert available_versions(tmp_path) == ["v1", "v2", "v9", "v10"]
    assert load_weights(None, tmp_path).version == "v10"
    assert load_weights("v2", tmp_path).version == "v2"


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"weights version 'v999': unknown; available: v1"):
        load_weights("v999")
