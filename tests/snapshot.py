"""Compare text with a committed snapshot file; `TREMPLIN_UPDATE_SNAPSHOTS=1 pytest ...` rewrites them instead."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

# Read at import: the autouse settings fixture removes every TREMPLIN_* variable before each test runs.
UPDATE = os.environ.get("TREMPLIN_UPDATE_SNAPSHOTS") == "1"


def assert_snapshot(path: Path, actual: str, *, update: bool = UPDATE) -> None:
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.is_file():
        pytest.fail(f"missing snapshot {path}; run with TREMPLIN_UPDATE_SNAPSHOTS=1 to create it", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{path} (snapshot)",
                tofile="rendered",
            )
        )
        pytest.fail(f"differs from {path} (TREMPLIN_UPDATE_SNAPSHOTS=1 accepts it):\n{diff}", pytrace=False)
