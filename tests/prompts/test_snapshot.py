"""The snapshot helper compares, reports a diff, and rewrites only when asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.snapshot import assert_snapshot


def test_equal_text_passes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("un\ndeux\n", encoding="utf-8")
    assert_snapshot(path, "un\ndeux\n", update=False)


@pytest.mark.parametrize(
    ("existing", "expected_report"),
    [
        pytest.param("un\ndeux\n", "-deux\n+trois", id="different-shows-a-diff"),
        pytest.param(None, "missing snapshot", id="missing"),
    ],
)
def test_mismatch_fails(tmp_path: Path, existing: str | None, expected_report: str) -> None:
    path = tmp_path / "a.txt"
    if existing is not None:
        path.write_text(existing, encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match=re.escape(expected_report)):
        assert_snapshot(path, "un\ntrois\n", update=False)
    assert path.exists() == (existing is not None)


def test_update_writes_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "a.txt"
    assert_snapshot(path, "nouveau\n", update=True)
    assert path.read_text(encoding="utf-8") == "nouveau\n"
