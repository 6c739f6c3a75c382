"""Input files: a good file loads whole; a bad one is refused with one line naming the record and the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.errors import ConfigError
from app.matching.input_files import load_candidates, load_offers
from tests.matching.support import REMOVE, candidate_data, offer_data


def write(path: Path, records: Any) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def test_good_files_load_with_their_hash(tmp_path: Path) -> None:
    offers = load_offers(write(tmp_path / "offers.json", [offer_data(), offer_data(id="OF-2")]))
    candidates = load_candidates(write(tmp_path / "candidates.json", [candidate_data(), candidate_data(id="C-2")]))
    assert [o.id for o in offers.records] == ["OF-1", "OF-2"]
    assert [c.profile.id for c in candidates.records] == ["C-1", "C-2"]
    assert candidates.records[0].protected.sex == "F"
    assert len(offers.sha256) == len(candidates.sha256) == 64


def test_a_record_written_back_is_the_record_read() -> None:
    from app.matching import CandidateRecord

    data = candidate_data()
    assert CandidateRecord.model_validate(data).model_dump(mode="json") == data


# (case id, changes to the second candidate, message after "<path>: ")
CANDIDATE_CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "theta not a number",
        {"assessment__theta": "high"},
        'records[1] (id "C-2"): assessments.aide-soignant.theta: Input should be a valid number, got "high"',
    ),
    (
        "misspelt field",
        {"max_travel_km": REMOVE, "max_travel": 30},
        'records[1] (id "C-2"): max_travel: Extra inputs are not permitted (+1 more)',
    ),
    (
        "date not ISO",
        {"available_from": "04/01/2027"},
        'records[1] (id "C-2"): available_from: expected a date as YYYY-MM-DD, got "04/01/2027"',
    ),
    (
        "date that does not exist",
        {"registered_on": "2027-02-30"},
        'records[1] (id "C-2"): registered_on: day is out of range for month, got "2027-02-30"',
    ),
    (
        "timestamp for a date",
        {"registered_on": 1767225600},
        'records[1] (id "C-2"): registered_on: Input should be a valid date, got 1767225600',
    ),
    (
        "motivation level above 3",
        {"assessment__motivation__commitment": 4},
        'records[1] (id "C-2"): assessments.aide-soignant.motivation.commitment: '
        "Input should be less than or equal to 3, got 4",
    ),
    (
        "boolean as text",
        {"driving_licence": "yes"},
        'records[1] (id "C-2"): driving_licence: Input should be a valid boolean, got "yes"',
    ),
    (
        "protected value outside its list",
        {"protected__sex": "female"},
        "records[1] (id \"C-2\"): protected.sex: Input should be 'F' or 'M', got \"female\"",
    ),
    (
        "unknown protected attribute",
        {"protected__religion": "x"},
        'records[1] (id "C-2"): protected.religion: Extra inputs are not permitted',
    ),
    ("missing id", {"id": REMOVE}, "records[1]: id: Field required"),
    (
        "negative travel limit",
        {"max_travel_km": -5},
        'records[1] (id "C-2"): max_travel_km: Input should be greater than 0, got -5',
    ),
    ("duplicate id", {"id": "C-1"}, 'records[1] (id "C-1"): id: duplicate, already used by records[0]'),
]


@pytest.mark.parametrize(("changes", "message"), [c[1:] for c in CANDIDATE_CASES], ids=[c[0] for c in CANDIDATE_CASES])
def test_bad_candidate_names_record_and_field(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    path = write(tmp_path / "candidates.json", [candidate_data(), candidate_data(**{"id": "C-2", **changes})])
    with pytest.raises(ConfigError) as caught:
        load_candidates(path)
    assert str(caught.value) == f"{path}: {message}"


OFFER_CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "ends before it starts",
        {"end_date": "2027-01-01"},
        'records[0] (id "OF-1"): end_date: before start_date 2027-03-01, got "2027-01-01"',
    ),
    (
        "unknown schedule",
        {"schedule": "weekend"},
        "records[0] (id \"OF-1\"): schedule: Input should be 'full_time' or 'part_time', got \"weekend\"",
    ),
    (
        "diploma level below CAP",
        {"requirements__min_diploma_level": 2},
        'records[0] (id "OF-1"): requirements.min_diploma_level: Input should be greater than or equal to 3, got 2',
    ),
    ("seats as text", {"seats": "20"}, 'records[0] (id "OF-1"): seats: Input should be a valid integer, got "20"'),
    (
        "latitude out of range",
        {"lat": 123.0},
        'records[0] (id "OF-1"): lat: Input should be less than or equal to 90, got 123.0',
    ),
    (
        "rubric id not a slug",
        {"rubric": "Aide Soignant"},
        "records[0] (id \"OF-1\"): rubric: String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$', "
        'got "Aide Soignant"',
    ),
]


@pytest.mark.parametrize(("changes", "message"), [c[1:] for c in OFFER_CASES], ids=[c[0] for c in OFFER_CASES])
def test_bad_offer_names_record_and_field(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    path = write(tmp_path / "offers.json", [offer_data(**changes)])
    with pytest.raises(ConfigError) as caught:
        load_offers(path)
    assert str(caught.value) == f"{path}: {message}"


# (case id, file content, loader, message after "<path>")
FILE_CASES: list[tuple[str, str, Callable[[Path], object], str]] = [
    ("invalid JSON", '[\n  {"id": "C-1",\n  "lat": }\n]', load_candidates, ":3:10: invalid JSON: Expecting value"),
    ("an object, not a list", '{"offers": []}', load_offers, ": expected a JSON list of offers, got dict"),
    ("a record that is not an object", '["C-1"]', load_candidates, ": records[0]: expected a JSON object, got str"),
]


@pytest.mark.parametrize(("content", "loader", "message"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_bad_file_is_refused_with_one_line(
    tmp_path: Path, content: str, loader: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "input.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        loader(path)
    assert str(caught.value) == f"{path}{message}"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read the offers file \(No such file or directory\)"):
        load_offers(tmp_path / "nope.json")
