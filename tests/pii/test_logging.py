"""Log records are scrubbed before any handler writes them, whatever the logger."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import ConfigError
from app.pii.analyzer import PiiAnalyzer
from app.pii.logging import WITHHELD, PiiLogFilter, get_log_scrubber, install_log_scrubbing, load_log_allow_list
from app.pii.scrubber import PresidioScrubber


@pytest.fixture
def captured(scrubber: PresidioScrubber) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger configured like an application's, with a handler that exists before installation."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.pii.captured")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    uninstall = install_log_scrubbing(scrubber)
    yield logger, stream
    uninstall()
    logger.removeHandler(handler)


def test_message_and_arguments_are_scrubbed(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("candidat %s joignable au %s", "Kevin Martin", "06 12 34 56 78")
    assert stream.getvalue() == "INFO candidat <PERSONNE> joignable au <TELEPHONE>\n"


def test_exception_text_is_scrubbed(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError("refus pour kevin.martin@gmail.com")
    except ValueError:
        logger.exception("échec pour Mme Dupont")
    output = stream.getvalue()
    assert "ERROR échec pour Mme <PERSONNE>" in output
    assert "ValueError: refus pour <EMAIL>" in output
    assert "Dupont" not in output
    assert "kevin" not in output


def test_traceback_frame_lines_stay_in_clear_but_not_the_code_below_them(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured

    def importer(row: str) -> None:
        raise ValueError(f"ligne refusée : {row}")

    try:
        importer("Kevin Martin 06 12 34 56 78")  # a candidate's data on the source line too
    except ValueError:
        logger.exception("import interrompu")
    lines = stream.getvalue().splitlines()
    frames = [line for line in lines if line.startswith('  File "')]
    assert frames
    assert all(line.startswith(f'  File "{__file__}", line ') for line in frames)
    assert frames[-1].endswith(", in importer")
    assert '    importer("<PERSONNE> <TELEPHONE>")  # a candidate\'s data on the source line too' in lines
    assert lines[-1] == "ValueError: ligne refusée : <PERSONNE> <TELEPHONE>"


def test_extra_attributes_are_scrubbed(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.handlers[0].setFormatter(logging.Formatter("%(message)s [%(candidate)s]"))
    logger.info("nouveau message", extra={"candidate": "tel 0612345678"})
    assert stream.getvalue() == "nouveau message [tel <TELEPHONE>]\n"


def test_handlers_added_after_installation_get_scrubbed_messages(scrubber: PresidioScrubber) -> None:
    uninstall = install_log_scrubbing(scrubber)
    try:
        stream = io.StringIO()
        logger = logging.getLogger("tests.pii.later")
        handler = logging.StreamHandler(stream)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        logger.info("GET /inscription?mail=jeanne.dupont@orange.fr")
        logger.removeHandler(handler)
    finally:
        uninstall()
    assert stream.getvalue() == "GET /inscription?mail=<EMAIL>\n"


def test_installation_is_idempotent_and_undone(scrubber: PresidioScrubber) -> None:
    factory = logging.getLogRecordFactory()
    uninstall = install_log_scrubbing(scrubber)
    assert install_log_scrubbing(scrubber)() is None  # the second install is a no-op, so is its undo
    assert logging.getLogRecordFactory() is not factory
    uninstall()
    assert logging.getLogRecordFactory() is factory


class _BrokenScrubber:
    name = "broken"

    def scrub(self, text: str) -> str:
        raise RuntimeError(f"cannot scrub {text}")


@pytest.mark.parametrize(
    ("msg", "args"),
    [("tel %s", ("0612345678",)), ("tel %s %s", ("0612345678",))],  # a scrubber failure, a formatting error
    ids=["scrubber-fails", "bad-format"],
)
def test_a_record_that_cannot_be_scrubbed_is_withheld(msg: str, args: tuple[str, ...]) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, msg, args, None)
    assert PiiLogFilter(_BrokenScrubber()).filter(record)
    assert record.getMessage() == WITHHELD


def test_formatters_that_unpack_arguments_still_work(scrubber: PresidioScrubber) -> None:
    """uvicorn's access log unpacks the record's arguments: they stay a tuple, each one scrubbed."""
    from uvicorn.logging import AccessFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
    logger = logging.getLogger("uvicorn.access")
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    uninstall = install_log_scrubbing(scrubber)
    try:
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/chat/?tel=0612345678", "1.1", 200)
    finally:
        uninstall()
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    line = stream.getvalue()
    assert "0612345678" not in line
    assert line.startswith('127.0.0.1:5000 - "GET /chat/?tel=')
    assert line.rstrip().endswith("200 OK")


@pytest.fixture
def server_log(analyzer: PiiAnalyzer) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of the service once `tremplin serve` has installed the scrubbing, with its default scrubber."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.pii.server")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    uninstall = install_log_scrubbing()
    yield logger, stream
    uninstall()
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("msg", "args", "written"),
    [
        # the libraries' own lines (uvicorn, langgraph, chainlit), which the French recognizers took for names
        (
            "Uvicorn running on %s://%s:%d (Press CTRL+C to quit)",
            ("http", "127.0.0.1", 8000),
            "Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)",
        ),
        ("ASGI callable returned without completing handshake.", (), None),
        ("Maximum request limit of %d exceeded. Terminating process.", (1000,), None),
        ("Timed out waiting for TTL sweeper task to stop", (), None),
        ("Ignoring invalid PUSH task path %s", ("(0, 'noeud')",), None),
        ("MCP background task for %r cancelled", ("outil",), None),
        # names are still masked, next to an allowed word or even made of one
        (
            "candidat %s joignable au %s",
            ("Kevin Martin", "06 12 34 56 78"),
            "candidat <PERSONNE> joignable au <TELEPHONE>",
        ),
        ("Uvicorn: réponse envoyée à Kevin Martin", (), "Uvicorn: réponse envoyée à <PERSONNE>"),
        ("échec pour Mme Dupont", (), "échec pour Mme <PERSONNE>"),
        ("Timed Dupont a écrit", (), "<PERSONNE> a écrit"),
        ("échec pour Mme %s", ("Dupont",), "échec pour Mme <PERSONNE>"),
    ],
    ids=[
        "uvicorn-running",
        "asgi",
        "terminating",
        "timed",
        "ignoring",
        "cancelled",
        "name-and-phone",
        "name-after-allowed-word",
        "civility",
        "allowed-word-inside-a-name",
        "surname-as-lone-argument",
    ],
)
def test_technical_words_of_log_lines_stay_in_clear_but_names_do_not(
    server_log: tuple[logging.Logger, io.StringIO], msg: str, args: tuple[object, ...], written: str | None
) -> None:
    logger, stream = server_log
    logger.info(msg, *args)
    assert stream.getvalue() == f"{written or msg % args}\n"


def test_the_log_allow_list_applies_to_batches_too() -> None:
    texts = ["Uvicorn running on http://127.0.0.1:8000", "candidat Kevin Martin"]
    scrubber = get_log_scrubber()
    assert scrubber.scrub_many(texts) == [scrubber.scrub(text) for text in texts] == [texts[0], "candidat <PERSONNE>"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("words: [Uvicorn]", ":1: words.0: String should match pattern"),
        ("words: [uvicorn, asgi, uvicorn]", ":1: words.2: duplicate word 'uvicorn'"),
        ("words: [uvicorn, martin]", ": words.1: 'martin' is a first name"),
        ("words: []", ":1: words: List should have at least 1 item"),
        ("mots: [uvicorn]", ":1: mots: Extra inputs are not permitted"),
    ],
    ids=["not-folded", "duplicate", "first-name", "empty", "unknown-key"],
)
def test_bad_log_allow_lists_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "log_allow_list.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_log_allow_list(path)


def test_the_shipped_log_allow_list_loads() -> None:
    assert "uvicorn" in load_log_allow_list()
