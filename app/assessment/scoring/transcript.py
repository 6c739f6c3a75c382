"""The transcript a scorer reads: the format of `tremplin score TRANSCRIPT.json` and of the flows.

    {"rubric": "aide-soignant", "flow": "motivation_interview",
     "turns": [{"role": "assistant", "criterion": "job_knowledge", "content": "..."},
               {"role": "candidate", "content": "..."}]}

`criterion` is optional and only allowed on assistant turns (a criterion id of the motivation grid, or a
question id of the rubric's mock interview). Every problem is reported on one line naming the field.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from app.assessment.scoring.grid import FlowName
from app.errors import ConfigError

MAX_TURN_CHARS = 20_000
MAX_TURNS = 400
Role = Literal["assistant", "candidate"]


class TranscriptError(ConfigError):
    """A transcript cannot be scored: unreadable, not JSON, or not in the expected format."""


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    content: str = Field(max_length=MAX_TURN_CHARS)
    criterion: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")] | None = None

    @field_validator("content")
    @classmethod
    def _check_content(cls, content: str) -> str:
        for char in content:
            if char not in "\n\r\t" and unicodedata.category(char) == "Cc":
                raise ValueError(f"contains the control character U+{ord(char):04X}")
        return unicodedata.normalize("NFC", content)

    @model_validator(mode="after")
    def _check_role(self) -> Turn:
        if self.role == "candidate" and self.criterion is not None:
            raise ValueError("`criterion` is only allowed on assistant turns")
        if self.role == "assistant" and not self.content.strip():
            raise ValueError("an assistant turn cannot be empty")
        return self


class Transcript(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rubric: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    flow: FlowName
    turns: tuple[Turn, ...] = Field(min_length=1, max_length=MAX_TURNS)


def parse_transcript(content: bytes | str, *, source: str) -> Transcript:
    """Validate transcript JSON; any problem raises a one-line `TranscriptError` starting with `source`."""
    try:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
    except UnicodeDecodeError as exc:
        raise TranscriptError(f"{source}: not valid UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        where = ".".join(str(part) for part in first["loc"]) or "transcript"
        message = str(first["msg"]).removeprefix("Value error, ")
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise TranscriptError(f"{source}: {where}: {message}{more}") from None


def load_transcript(path: Path) -> Transcript:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_transcript(content, source=str(path))
