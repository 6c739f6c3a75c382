"""The transcript format of `tremplin score`: what is accepted, and the one-line error for what is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.assessment.scoring.transcript import MAX_TURN_CHARS, TranscriptError, load_transcript, parse_transcript

GOOD = {
    "rubric": "aide-soignant",
    "flow": "motivation_interview",
    "turns": [
        {"role": "assistant", "criterion": "job_knowledge", "content": "Comment imaginez-vous une journée ?"},
        {"role": "candidate", "content": "On fait les toilettes."},
        {"role": "assistant", "content": "Pouvez-vous préciser ?"},
        {"role": "candidate", "content": ""},
    ],
}


def with_changes(**changes: object) -> str:
    return json.dumps({**GOOD, **changes})


def with_turn(turn: dict[str, object]) -> str:
    return json.dumps({**GOOD, "turns": [*GOOD["turns"], turn]})  # type: ignore[list-item]


def test_a_good_transcript_is_read_as_written() -> None:
    transcript = parse_transcript(json.dumps(GOOD), source="t.json")
    assert (transcript.rubric, transcript.flow) == ("aide-soignant", "motivation_interview")
    assert [(t.role, t.criterion, t.content) for t in transcript.turns] == [
        ("assistant", "job_knowledge", "Comment imaginez-vous une journée ?"),
        ("candidate", None, "On fait les toilettes."),
        ("assistant", None, "Pouvez-vous préciser ?"),
        ("candidate", None, ""),
    ]


def test_content_is_normalised_to_composed_unicode() -> None:
    decomposed = "journe\u0301e"
    transcript = parse_transcript(with_turn({"role": "candidate", "content": decomposed}), source="t.json")
    assert transcript.turns[-1].content == "journée"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{", "t.json:1:2: invalid JSON: Expecting property name", id="truncated-json"),
        pytest.param("[]", "t.json: transcript: Input should be a valid dictionary", id="not-an-object"),
        pytest.param(
            with_changes(flow="quiz"), "t.json: flow: Input should be 'motivation_interview' or", id="bad-flow"
        ),
        pytest.param(
            with_changes(rubric="Aide Soignant"), "t.json: rubric: String should match pattern", id="bad-rubric"
        ),
        pytest.param(with_changes(turns=[]), "t.json: turns: Tuple should have at least 1 item", id="no-turn"),
        pytest.param(with_changes(extra=1), "t.json: extra: Extra inputs are not permitted", id="unknown-field"),
        pytest.param(
            json.dumps({"flow": "mock_interview", "turns": GOOD["turns"]}),
            "t.json: rubric: Field required",
            id="no-rubric",
        ),
        pytest.param(
            with_turn({"role": "system", "content": "x"}),
            "t.json: turns.4.role: Input should be 'assistant' or 'candidate'",
            id="system-role",
        ),
        pytest.param(
            with_turn({"role": "candidate", "criterion": "job_knowledge", "content": "x"}),
            "t.json: turns.4: `criterion` is only allowed on assistant turns",
            id="criterion-on-candidate-turn",
        ),
        pytest.param(
            with_turn({"role": "assistant", "content": "  "}),
            "t.json: turns.4: an assistant turn cannot be empty",
            id="empty-question",
        ),
        pytest.param(
            with_turn({"role": "candidate", "content": "ok\u0007"}),
            "t.json: turns.4.content: contains the control character U+0007",
            id="control-character",
        ),
        pytest.param(
            with_turn({"role": "candidate", "content": "x" * (MAX_TURN_CHARS + 1)}),
            f"t.json: turns.4.content: String should have at most {MAX_TURN_CHARS} characters",
            id="huge-turn",
        ),
        pytest.param(
            with_turn({"role": "candidate", "content": 3}),
            "t.json: turns.4.content: Input should be a valid string",
            id="content-not-text",
        ),
        pytest.param(
            with_turn({"role": "assistant", "criterion": "Job Knowledge", "content": "x"}),
            "t.json: turns.4.criterion: String should match pattern",
            id="criterion-not-an-id",
        ),
    ],
)
def test_a_bad_transcript_gets_one_line_naming_the_problem(content: str, message: str) -> None:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(content, source="t.json")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_several_problems_are_counted() -> None:
    with pytest.raises(TranscriptError, match=r"\(\+1 more\)$"):
        parse_transcript(
            json.dumps({"flow": "x", "turns": GOOD["turns"], "rubric": "aide-soignant", "z": 0}), source="t"
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "cannot read (No such file or directory)", id="missing-file"),
        pytest.param(b"\xff\xfe{}", "not valid UTF-8 (byte 0)", id="not-utf8"),
    ],
)
def test_an_unreadable_file_is_refused(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "t.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(TranscriptError) as caught:
        load_transcript(path)
    assert str(caught.value) == f"{path}: {message}"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="cannot read"):
        load_transcript(tmp_path)
