"""Read offers and candidates from JSON files (a list of records each), with errors naming record and field.

A bad file raises a one-line `ConfigError` such as
`candidates.json: records[12] (id "C-0013"): assessments.aide-soignant.theta: Input should be a valid number,
got "high"` (the index counts from 0, as in the JSON list), and says how many other problems there are.
Nothing is half-loaded: a file is all valid or refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from app.errors import ConfigError
from app.matching.inputs import CandidateRecord, Offer

RecordT = TypeVar("RecordT", bound=BaseModel)
_MAX_SHOWN_INPUT = 60


@dataclass(frozen=True)
class LoadedFile(Generic[RecordT]):
    path: Path
    sha256: str
    records: list[RecordT]


def load_offers(path: Path) -> LoadedFile[Offer]:
    loaded = _load(path, Offer, "offers")
    _reject_duplicate_ids(path, [offer.id for offer in loaded.records])
    return loaded


def load_candidates(path: Path) -> LoadedFile[CandidateRecord]:
    loaded = _load(path, CandidateRecord, "candidates")
    _reject_duplicate_ids(path, [record.profile.id for record in loaded.records])
    return loaded


def _load(path: Path, model: type[RecordT], what: str) -> LoadedFile[RecordT]:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} file ({exc.strerror})") from None
    try:
        raw = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: expected a JSON list of {what}, got {type(raw).__name__}")
    for index, record in enumerate(raw):
        if not isinstance(record, dict):
            raise ConfigError(f"{path}: records[{index}]: expected a JSON object, got {type(record).__name__}")
    try:
        records = TypeAdapter(list[model]).validate_python(raw)  # type: ignore[valid-type]
    except ValidationError as exc:
        raise ConfigError(_describe(path, raw, exc)) from None
    return LoadedFile(path, hashlib.sha256(content).hexdigest(), records)


def _describe(path: Path, raw: Sequence[Any], exc: ValidationError) -> str:
    errors = exc.errors()
    first = next((error for error in errors if error["type"] == "extra_forbidden"), errors[0])
    index, *field = first["loc"]
    if field[:1] == ["profile"]:  # the flat record is split into profile + protected internally
        field = field[1:]
    record = raw[int(index)]
    record_id = record.get("id") if isinstance(record, dict) else None
    who = f"records[{index}]" + (f" (id {json.dumps(record_id)})" if isinstance(record_id, str) else "")
    where = ".".join(str(part) for part in field) or "record"
    message = str(first["msg"]).removeprefix("Value error, ")
    shown = json.dumps(first.get("input"), ensure_ascii=False, default=str)
    if first["type"] not in {"missing", "extra_forbidden"} and len(shown) <= _MAX_SHOWN_INPUT:
        message += f", got {shown}"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{path}: {who}: {where}: {message}{more}"


def _reject_duplicate_ids(path: Path, ids: Sequence[str]) -> None:
    first_seen: dict[str, int] = {}
    for index, record_id in enumerate(ids):
        if record_id in first_seen:
            raise ConfigError(
                f"{path}: records[{index}] (id {json.dumps(record_id)}): id: "
                f"duplicate, already used by records[{first_seen[record_id]}]"
            )
        first_seen[record_id] = index
