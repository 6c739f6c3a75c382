"""The chat handlers' safety net: whatever fails inside, the candidate reads French, never the Python error."""

from __future__ import annotations

import logging

import pytest

from app.web import chat


async def test_an_unexpected_error_reaches_the_candidate_in_french(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    told: list[str] = []

    async def record(text: str) -> None:
        told.append(text)

    monkeypatch.setattr(chat, "tell", record)

    @chat.in_french
    async def broken(message: str) -> None:
        raise RuntimeError(f"KeyError while reading {message!r}")

    with caplog.at_level(logging.ERROR, logger=chat.__name__):
        await broken(message="réponse du candidat")
    assert told == [chat.TECHNICAL_PROBLEM]
    assert "broken failed" in caplog.text  # the engineer still gets the traceback, in the (scrubbed) log


async def test_a_handler_that_works_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []

    async def record(text: str) -> None:
        told.append(text)

    monkeypatch.setattr(chat, "tell", record)
    done: list[str] = []

    @chat.in_french
    async def fine(message: str) -> None:
        done.append(message)

    await fine(message="bonjour")
    assert (done, told) == (["bonjour"], [])
