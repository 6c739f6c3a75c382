"""Load the rubric files of a directory: one `<id>.yaml` per training."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from app.errors import ConfigError
from app.rubrics.models import Rubric
from app.settings import get_settings


def load_rubric(path: Path) -> Rubric:
    """Load and validate one rubric file; its name must be `<id>.yaml`."""
    rubric = Rubric.from_yaml(path.read_bytes(), source=str(path))
    if path.name != f"{rubric.id}.yaml":
        raise ConfigError(f"{path}: file name must be {rubric.id}.yaml to match the rubric id {rubric.id!r}")
    return rubric


def load_rubrics(directory: Path) -> dict[str, Rubric]:
    """Every `*.yaml` rubric of `directory`, by id."""
    if not directory.is_dir():
        raise ConfigError(f"{directory}: rubric directory not found")
    return {rubric.id: rubric for rubric in map(load_rubric, sorted(directory.glob("*.yaml")))}


def get_rubrics() -> Mapping[str, Rubric]:
    """The rubrics of the configured directory (`TREMPLIN_RUBRICS_DIR`), loaded on first use.

    Read-only, since the cached mapping is shared.
    """
    return _load_cached(get_settings().rubrics_dir)


@lru_cache(maxsize=4)
def _load_cached(directory: Path) -> Mapping[str, Rubric]:
    return MappingProxyType(load_rubrics(directory))
