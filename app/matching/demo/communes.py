"""Real Grand-Est communes (town-centre coordinates, rounded populations) for the synthetic population."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.errors import ConfigError

COMMUNES_CSV = Path(__file__).resolve().parent / "communes.csv"
GRAND_EST_DEPARTMENTS = ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88")


class Commune(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    department: Literal["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    lat: Annotated[float, Field(ge=47.4, le=50.2)]  # the region's bounding box
    lon: Annotated[float, Field(ge=3.3, le=8.3)]
    population: Annotated[int, Field(ge=1)]


def load_communes(path: Path = COMMUNES_CSV) -> tuple[Commune, ...]:
    """Every row of the CSV, validated; a bad row is a `ConfigError` naming its line and column."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        communes = []
        for row in reader:
            try:
                communes.append(Commune.model_validate(row))
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(part) for part in error["loc"])
                raise ConfigError(f"{path}:{reader.line_num}: {field}: {error['msg']}") from None
    names = [commune.name for commune in communes]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: commune names must be unique")
    return tuple(communes)


@lru_cache(maxsize=1)
def grand_est_communes() -> tuple[Commune, ...]:
    return load_communes()
