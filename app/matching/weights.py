"""Versioned ranking weights: `app/matching/weights/v<N>.yaml`, validated when loaded.

Every ranking records the version and the sha256 of the exact file content, so a stored result names the
weights that produced it.
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from app.errors import ConfigError
from app.rubrics.yaml_loader import LocatedValueError, parse_yaml_model

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
_FILE_NAME = re.compile(r"^v(\d+)\.yaml$")

# The order of the factors in every vector and output of the ranker.
FACTORS = ("motivation", "quiz_margin", "distance", "start_date_fit", "waiting")

Weight = Annotated[float, Field(ge=0, le=1)]


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class MotivationFactor(_Config):
    weight: Weight
    prior_level: float = Field(ge=0, le=3)
    prior_strength: float = Field(gt=0, le=10)


class QuizMarginFactor(_Config):
    weight: Weight
    full_at: float = Field(gt=0, le=6)


class DistanceFactor(_Config):
    weight: Weight


class StartDateFitFactor(_Config):
    weight: Weight
    horizon_days: int = Field(ge=1, le=3650)


class WaitingFactor(_Config):
    weight: Weight
    full_at_days: int = Field(ge=1, le=3650)


class Factors(_Config):
    motivation: MotivationFactor
    quiz_margin: QuizMarginFactor
    distance: DistanceFactor
    start_date_fit: StartDateFitFactor
    waiting: WaitingFactor

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> Factors:
        total = sum(getattr(self, name).weight for name in FACTORS)
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise LocatedValueError(f"factor weights must sum to 1, they sum to {total:g}")
        return self


class Weights(_Config):
    version: Annotated[str, StringConstraints(pattern=r"^v\d+$")]
    factors: Factors
    default_quiz_threshold: float = Field(ge=-6, le=6)

    _sha256: str = PrivateAttr(default="")

    @property
    def sha256(self) -> str:
        return self._sha256

    def weight_vector(self) -> tuple[float, ...]:
        return tuple(getattr(self.factors, name).weight for name in FACTORS)


def load_weights_file(path: Path) -> Weights:
    """Validate one weights file; its name must be `<version>.yaml`."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read weights file ({exc.strerror})") from None
    weights = parse_yaml_model(content, Weights, source=str(path))
    if path.name != f"{weights.version}.yaml":
        raise ConfigError(f"{path}: file name must be {weights.version}.yaml to match version {weights.version!r}")
    weights._sha256 = hashlib.sha256(content).hexdigest()
    return weights


def available_versions(directory: Path = WEIGHTS_DIR) -> list[str]:
    """Versions present in `directory`, oldest first (v2 before v10)."""
    numbers = sorted(int(match[1]) for p in directory.glob("v*.yaml") if (match := _FILE_NAME.match(p.name)))
    return [f"v{number}" for number in numbers]


@lru_cache(maxsize=8)
def load_weights(version: str | None = None, directory: Path = WEIGHTS_DIR) -> Weights:
    """The weights of `version`, or of the highest version present when it is None."""
    versions = available_versions(directory)
    if not versions:
        raise ConfigError(f"{directory}: no weights file v<N>.yaml found")
    chosen = version or versions[-1]
    if chosen not in versions:
        raise ConfigError(f"weights version {chosen!r}: unknown; available: {', '.join(versions)}")
    return load_weights_file(directory / f"{chosen}.yaml")
