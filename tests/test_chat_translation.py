"""The chat's French interface text (.chainlit/translations/fr-FR.json, ours; Chainlit copies the other languages)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from app.settings import PROJECT_ROOT

OURS = PROJECT_ROOT / ".chainlit" / "translations" / "fr-FR.json"


def _chainlits_english() -> Path:
    """Found without importing Chainlit, which reads its configuration when first imported (see app.web.main)."""
    spec = find_spec("chainlit")
    assert spec is not None
    assert spec.origin is not None
    return Path(spec.origin).parent / "translations" / "en-US.json"


def _texts(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _texts(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _load(path: Path) -> dict[str, str]:
    return dict(_texts(json.loads(path.read_text(encoding="utf-8"))))


def test_every_text_of_the_installed_chainlit_has_a_french_one() -> None:
    """A Chainlit upgrade that adds interface text fails here until the French text is added."""
    assert set(_load(OURS)) == set(_load(_chainlits_english()))
