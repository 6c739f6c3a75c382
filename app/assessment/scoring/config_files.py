"""Loading the scorer's YAML configuration files: validated, hashed, with `file:line: field: problem` errors."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.errors import ConfigError
from app.rubrics.yaml_loader import parse_yaml_model

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
M = TypeVar("M", bound=BaseModel)


class ConfigModel(BaseModel):
    """Unknown fields are errors and nothing is coerced, so a typo fails at load time with its line."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def load_config(path: Path, model: type[M]) -> tuple[M, str]:
    """The validated content of `path` and the sha256 of its bytes (results record it)."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_yaml_model(content, model, source=str(path)), hashlib.sha256(content).hexdigest()
