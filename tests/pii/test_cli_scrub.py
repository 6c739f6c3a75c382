"""`tremplin scrub`, the command-line contract: stdin in, scrubbed text (or JSON with offsets) out."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.pii.command import scrub_stream

TREMPLIN = str(Path(sys.executable).with_name("tremplin"))
TEXT = "Bonjour, je m'appelle Kévin Martin ; tél 06 12 34 56 78 (ou 0612345678). Je peux aller jusqu'à Metz.\n"


def run(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([TREMPLIN, "scrub", *args], input=stdin, capture_output=True, timeout=180, check=False)


def test_scrub_json_gives_offsets_into_the_input() -> None:
    """The installed command, in a subprocess (it loads spaCy: one run only)."""
    result = run("--json", stdin=TEXT.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(b"\n") == 1
    assert result.stdout.endswith(b"\n")
    document = json.loads(result.stdout)
    assert set(document) == {"text", "entities"}
    assert [(e["type"], TEXT[e["start"] : e["end"]]) for e in document["entities"]] == [
        ("PERSONNE", "Kévin Martin"),
        ("TELEPHONE", "06 12 34 56 78"),
        ("TELEPHONE", "0612345678"),
    ]
    for entity in document["entities"]:
        assert set(entity) == {"type", "start", "end", "score"}
        assert 0.5 <= entity["score"] <= 1.0
    assert document["text"] == (
        "Bonjour, je m'appelle <PERSONNE_1> ; tél <TELEPHONE_1> (ou <TELEPHONE_1>). Je peux aller jusqu'à Metz.\n"
    )


def _in_process(data: bytes, *, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.StringIO()
    code = scrub_stream(io.BytesIO(data), out, err, as_json=as_json)
    return code, out.getvalue().decode(), err.getvalue()


def test_plain_output_is_the_scrubbed_text_exactly() -> None:
    code, out, err = _in_process(TEXT.encode())
    assert (code, err) == (0, "")
    assert (
        out
        == "Bonjour, je m'appelle <PERSONNE_1> ; tél <TELEPHONE_1> (ou <TELEPHONE_1>). Je peux aller jusqu'à Metz.\n"
    )


def test_input_that_is_not_utf8_is_refused_with_one_line() -> None:
    code, out, err = _in_process("tél 06 12 34 56 78 é".encode("latin-1"))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "not UTF-8" in err


def test_too_long_input_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.pii.command as command

    monkeypatch.setattr(command, "MAX_TEXT_CHARS", 10)
    code, out, err = _in_process(b"x" * 11)
    assert (code, out) == (2, "")
    assert "more than the 10 accepted" in err


def test_empty_input() -> None:
    assert _in_process(b"", as_json=True) == (0, '{"text": "", "entities": []}\n', "")
    assert _in_process(b"") == (0, "", "")
