"""The process scrubber: the seam the model gateway, logs and exports use."""

from __future__ import annotations

import asyncio
import threading

from app.pii import get_scrubber
from app.pii.analyzer import PiiAnalyzer
from app.pii.pseudonyms import SessionPseudonymiser
from app.pii.scrubber import PresidioScrubber
from app.pii.vault import MemoryVault

TEXT = "Je m'appelle Kevin Martin, mon tél 06 12 34 56 78, je peux aller jusqu'à Metz."


def test_scrub_replaces_each_value_by_its_type(scrubber: PresidioScrubber) -> None:
    assert scrubber.scrub(TEXT) == "Je m'appelle <PERSONNE>, mon tél <TELEPHONE>, je peux aller jusqu'à Metz."
    assert scrubber.scrub_many([TEXT, "", "rien à cacher"]) == [scrubber.scrub(TEXT), "", "rien à cacher"]


def test_scrubbing_is_idempotent(scrubber: PresidioScrubber) -> None:
    once = scrubber.scrub(TEXT)
    assert scrubber.scrub(once) == once


def test_the_process_scrubber_names_its_versions(scrubber: PresidioScrubber) -> None:
    assert get_scrubber() is scrubber
    assert scrubber.name.startswith("presidio-fr (presidio-analyzer 2.2.366, fr_core_news_md 3.8.0, recognizers.yaml")


def test_active_session_gives_numbered_placeholders_in_threads_too(
    scrubber: PresidioScrubber, analyzer: PiiAnalyzer
) -> None:
    """The gateway scrubs in the caller's thread or in `asyncio.to_thread` (which copies the context)."""
    pseudonymiser = SessionPseudonymiser("s", analyzer, MemoryVault())
    with pseudonymiser.active():
        direct = scrubber.scrub(TEXT)
        in_thread = asyncio.run(asyncio.to_thread(scrubber.scrub, "rappel au 0612345678"))
        batch = scrubber.scrub_many(["Kevin Martin", "tel 07 11 22 33 44"])
    assert direct == "Je m'appelle <PERSONNE_1>, mon tél <TELEPHONE_1>, je peux aller jusqu'à Metz."
    assert in_thread == "rappel au <TELEPHONE_1>"
    assert batch == ["<PERSONNE_1>", "tel <TELEPHONE_2>"]
    # outside the block, and in a thread that did not copy the context, placeholders are anonymous again
    assert scrubber.scrub("tel 0612345678") == "tel <TELEPHONE>"
    with pseudonymiser.active():
        results: list[str] = []
        thread = threading.Thread(target=lambda: results.append(scrubber.scrub("tel 0612345678")))
        thread.start()
        thread.join()
    assert results == ["tel <TELEPHONE>"]
