"""The trainings demo offers are drawn from (`catalogue.yaml`), validated when loaded."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.rubrics.yaml_loader import LocatedValueError, parse_yaml_model

CATALOGUE_YAML = Path(__file__).resolve().parent / "catalogue.yaml"


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Training(_Config):
    rubric: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    sector: Annotated[str, Field(min_length=1, max_length=100)]
    min_diploma_level: Annotated[int, Field(ge=3, le=8)]
    driving_licence: bool
    prerequisites_required: bool
    part_time_share: Annotated[float, Field(ge=0, le=1)]
    seats: Annotated[list[Annotated[int, Field(ge=1, le=200)]], Field(min_length=2, max_length=2)]
    months: Annotated[int, Field(ge=1, le=36)]
    popularity: Annotated[float, Field(gt=0)]

    @model_validator(mode="after")
    def _seats_ordered(self) -> Training:
        if self.seats[0] > self.seats[1]:
            raise LocatedValueError("seats must be [minimum, maximum]", "seats")
        return self


class Catalogue(_Config):
    trainings: Annotated[list[Training], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_rubrics(self) -> Catalogue:
        seen: set[str] = set()
        for index, training in enumerate(self.trainings):
            if training.rubric in seen:
                raise LocatedValueError(f"rubric {training.rubric!r} appears twice", "trainings", index, "rubric")
            seen.add(training.rubric)
        return self


def load_catalogue(path: Path = CATALOGUE_YAML) -> Catalogue:
    return parse_yaml_model(path.read_bytes(), Catalogue, source=str(path))


@lru_cache(maxsize=1)
def demo_catalogue() -> Catalogue:
    return load_catalogue()
