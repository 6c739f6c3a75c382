"""The generic YAML + Pydantic loader maps every kind of error back to a line and a field path."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.errors import ConfigError
from app.rubrics.yaml_loader import LocatedValueError, parse_yaml_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Cat(_Strict):
    kind: Literal["cat"]
    lives: int


class Dog(_Strict):
    kind: Literal["dog"]
    good: bool


class Shelter(_Strict):
    name: str
    animals: list[Annotated[Cat | Dog, Field(discriminator="kind")]] = []

    @model_validator(mode="after")
    def _at_most_nine_lives(self) -> Shelter:
        for index, animal in enumerate(self.animals):
            if isinstance(animal, Cat) and animal.lives > 9:
                raise LocatedValueError("a cat has at most 9 lives", "animals", index, "lives")
        return self


CASES = [
    pytest.param(
        "name: A\nanimals:\n  - {kind: cat, lives: 3}\n  - kind: dog\n    good: maybe\n",
        "x.yaml:5: animals.1.good: Input should be a valid boolean",
        id="union-tag-left-out",
    ),
    pytest.param(
        "name: A\nanimals:\n  - kind: cat\n",
        "x.yaml:3: animals.0.lives: Field required",
        id="missing-field-reports-its-parent",
    ),
    pytest.param("name: A\ncolour: red\n", "x.yaml:2: colour: Extra inputs are not permitted", id="extra"),
    pytest.param(
        "name: A\nanimals:\n  - {kind: cat, lives: 3}\n  - {kind: cat, lives: 12}\n",
        "x.yaml:4: animals.1.lives: a cat has at most 9 lives",
        id="located-value-error",
    ),
    pytest.param("", "x.yaml:1: Input should be a valid dictionary", id="empty-document"),
    pytest.param("- a\n- b\n", "x.yaml:1: Input should be a valid dictionary", id="not-a-mapping"),
    pytest.param("name: A\nname: B\n", "x.yaml:2: duplicate key 'name'", id="duplicate-key"),
    pytest.param("name: \x07\n", "x.yaml: invalid YAML: unacceptable character", id="control-character"),
    pytest.param("name: [A\n", "x.yaml:2: invalid YAML:", id="syntax-error"),
    pytest.param("name: A\n---\nname: B\n", "x.yaml:2: invalid YAML: but found another document", id="two-docs"),
]


@pytest.mark.parametrize(("text", "message"), CASES)
def test_errors_name_line_and_field(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_yaml_model(text, Shelter, source="x.yaml")
    assert str(caught.value).startswith(message)


def test_first_line_offsets_reported_lines() -> None:
    with pytest.raises(ConfigError, match=r"^x\.md:11: colour: Extra inputs"):
        parse_yaml_model("name: A\ncolour: red\n", Shelter, source="x.md", first_line=10)


def test_several_errors_are_counted_on_one_line() -> None:
    with pytest.raises(ConfigError, match=r"\(\+1 more\)$"):
        parse_yaml_model("name: 3\ncolour: red\n", Shelter, source="x.yaml")


def test_valid_yaml_gives_the_model() -> None:
    shelter = parse_yaml_model(b"name: A\nanimals: [{kind: dog, good: true}]\n", Shelter, source="x.yaml")
    assert shelter == Shelter(name="A", animals=[Dog(kind="dog", good=True)])
