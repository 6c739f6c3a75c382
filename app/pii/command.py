"""`tremplin scrub`: text on stdin, the scrubbed text on stdout.

The input is one document: each value gets a numbered placeholder (`<PERSONNE_1>`), the same for every
occurrence, from a throwaway in-memory vault. With `--json`, stdout is one line
`{"text": ..., "entities": [{"type", "start", "end", "score"}]}` whose offsets are Unicode code points of the
input. Input and output are UTF-8; input that is not UTF-8 or too long is refused with one line on stderr.
"""

from __future__ import annotations

import json
from typing import BinaryIO, TextIO

from app.pii.analyzer import MAX_TEXT_CHARS, get_analyzer
from app.pii.pseudonyms import SessionPseudonymiser
from app.pii.vault import MemoryVault

EXIT_BAD_INPUT = 2


def scrub_stream(source: BinaryIO, sink: BinaryIO, errors: TextIO, *, as_json: bool) -> int:
    raw = source.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.write(f"error: stdin is not UTF-8 text (invalid byte at offset {exc.start}); nothing was printed\n")
        return EXIT_BAD_INPUT
    if len(text) > MAX_TEXT_CHARS:
        errors.write(f"error: stdin holds {len(text)} characters, more than the {MAX_TEXT_CHARS} accepted\n")
        return EXIT_BAD_INPUT
    scrubbed, detections = SessionPseudonymiser("cli", get_analyzer(), MemoryVault()).pseudonymise_detailed(text)
    if as_json:
        entities = [{"type": d.entity, "start": d.start, "end": d.end, "score": d.score} for d in detections]
        output = json.dumps({"text": scrubbed, "entities": entities}, ensure_ascii=False) + "\n"
    else:
        output = scrubbed
    sink.write(output.encode("utf-8"))
    sink.flush()
    return 0
