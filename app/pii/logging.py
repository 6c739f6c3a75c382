"""Log records scrubbed before any handler sees them.

`install_log_scrubbing()` (called once at startup) wraps the process's log record factory, so every record of
every logger, including those configured later (uvicorn's), is scrubbed when it is created: its message
formatted with its arguments (uvicorn's access lines keep their arguments, each scrubbed), its exception text and
its stack (their frame lines left in clear). The same `PiiLogFilter` is also attached to the handlers
that exist at that moment, which then scrub the attributes passed with `extra=` too.

A record that cannot be scrubbed (the scrubber failed, or the message cannot even be formatted) is not
written as it is: its text is replaced by a notice. Records emitted by the scrubbing itself (spaCy, Presidio)
are withheld the same way, since they could quote the text being scrubbed.

The scrubber is the process's, minus the detections that are exactly a word of `log_allow_list.yaml`: technical
words of the libraries' English log lines that the French recognizers take for names ("Uvicorn running on...").
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.errors import ConfigError
from app.pii.scrubber import PresidioScrubber, Scrubber
from app.rubrics.yaml_loader import LocatedValueError, parse_yaml_model

ALLOW_LIST_PATH = Path(__file__).resolve().parent / "log_allow_list.yaml"
FIRST_NAMES_PATH = Path(__file__).resolve().parent / "data" / "first_names.txt"

WITHHELD = "[log record withheld: it could not be scrubbed of personal data]"
WITHHELD_INNER = "[log record emitted while scrubbing another: withheld]"
_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_MARK = "_tremplin_pii"  # record attribute: which parts are scrubbed
_MESSAGE, _ALL = "message", "all"
_INSTALLED = "_tremplin_pii_installed"
# Loggers whose formatter unpacks the record's arguments (uvicorn's access log: client address, method, path,
# HTTP version, status code): each argument is scrubbed on its own and the tuple is kept.
_ARGUMENTS_UNPACKED = frozenset({"uvicorn.access"})
# A frame line of a Python traceback or stack: '  File "/app/x.py", line 12, in load'.
_FRAME = re.compile(r'  File "[^"\n]+", line \d+, in [\w<>.]+')


class _AllowList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    words: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._\-]*$")]] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> _AllowList:
        for index, word in enumerate(self.words):
            if word in self.words[:index]:
                raise LocatedValueError(f"duplicate word {word!r}", "words", index)
        return self


@lru_cache(maxsize=4)
def load_log_allow_list(path: Path = ALLOW_LIST_PATH, first_names: Path = FIRST_NAMES_PATH) -> frozenset[str]:
    """The words the log scrubber leaves in clear; a problem raises a one-line `ConfigError`."""
    from app.pii.recognizers import read_names  # imports Presidio: only when the list is first loaded

    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the log allow-list ({exc.strerror})") from None
    words = parse_yaml_model(content, _AllowList, source=str(path)).words
    names = read_names(first_names)
    for index, word in enumerate(words):
        if word in names:
            raise ConfigError(f"{path}: words.{index}: {word!r} is a first name: candidates' names would stay in clear")
    return frozenset(words)


@lru_cache(maxsize=1)
def get_log_scrubber() -> PresidioScrubber:
    """The process's scrubber with the log allow-list; the first call loads spaCy."""
    from app.pii.analyzer import get_analyzer

    return PresidioScrubber(get_analyzer(), keep_in_clear=load_log_allow_list())


class PiiLogFilter(logging.Filter):
    """Scrubs a record in place. Each part is scrubbed once, however many handlers the record reaches.
    Without a `scrubber`, the process's log scrubber (`get_log_scrubber()`), built at the first record."""

    def __init__(self, scrubber: Scrubber | None = None) -> None:
        super().__init__()
        self._scrubber = scrubber
        self._busy = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        """Always true except for the records emitted by the scrubbing itself, which are dropped."""
        self._guarded(record, extras=True)
        return record.msg != WITHHELD_INNER

    def scrub_message(self, record: logging.LogRecord) -> None:
        """The message, exception and stack only (what exists when the record is created)."""
        self._guarded(record, extras=False)

    def _guarded(self, record: logging.LogRecord, *, extras: bool) -> None:
        state = getattr(record, _MARK, None)
        if state == _ALL or (state == _MESSAGE and not extras):
            return
        if getattr(self._busy, "active", False):
            _replace(record, WITHHELD_INNER)
            setattr(record, _MARK, _ALL)
            return
        self._busy.active = True
        try:
            if state != _MESSAGE:
                self._scrub_message(record)
            if extras:
                self._scrub_extras(record)
            setattr(record, _MARK, _ALL if extras else _MESSAGE)
        except Exception:
            _replace(record, WITHHELD)
            setattr(record, _MARK, _ALL)
        finally:
            self._busy.active = False

    def _scrub(self, text: str) -> str:
        return (self._scrubber or get_log_scrubber()).scrub(text)

    def _scrub_message(self, record: logging.LogRecord) -> None:
        if record.name in _ARGUMENTS_UNPACKED and isinstance(record.args, tuple) and record.args:
            record.msg = self._scrub(str(record.msg))
            record.args = tuple(self._scrub_argument(argument) for argument in record.args)
        else:
            # The message as it will be written: an argument alone ("Dupont") is not known for a name without
            # the words around it ("échec pour Mme %s").
            record.msg, record.args = self._scrub(record.getMessage()), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self._scrub_traceback(record.exc_text)
        if record.stack_info:
            record.stack_info = self._scrub_traceback(record.stack_info)

    def _scrub_traceback(self, text: str) -> str:
        """A traceback's frame lines stay in clear (a file name such as "importer.py" is not a web address);
        everything else, the source lines below them and the exception's message, is scrubbed, each run of
        other lines as one text."""
        scrubbed: list[str] = []
        for is_frame, lines in groupby(text.split("\n"), key=lambda line: _FRAME.fullmatch(line) is not None):
            run = "\n".join(lines)
            scrubbed.append(run if is_frame else self._scrub(run))
        return "\n".join(scrubbed)

    def _scrub_argument(self, argument: object) -> object:
        if argument is None or isinstance(argument, bool | int | float):
            return argument
        return self._scrub(str(argument))

    def _scrub_extras(self, record: logging.LogRecord) -> None:
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_ATTRIBUTES and name != _MARK and isinstance(value, str):
                setattr(record, name, self._scrub(value))


def _replace(record: logging.LogRecord, notice: str) -> None:
    record.msg, record.args = notice, None
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    for name, value in list(vars(record).items()):
        if name not in _STANDARD_ATTRIBUTES and name != _MARK and isinstance(value, str):
            setattr(record, name, "[withheld]")


def install_log_scrubbing(scrubber: Scrubber | None = None) -> Callable[[], None]:
    """Scrub every log record of the process from now on; returns the function that undoes it (for tests).
    Idempotent: a second call changes nothing and its undo does nothing. Without a `scrubber`, the log
    allow-list is loaded now, so that a mistake in it stops the process here rather than withholds its logs."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _INSTALLED, False):
        return lambda: None
    if scrubber is None:
        load_log_allow_list()
    log_filter = PiiLogFilter(scrubber)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        log_filter.scrub_message(record)
        return record

    setattr(factory, _INSTALLED, True)
    logging.setLogRecordFactory(factory)
    handlers = _all_handlers()
    for handler in handlers:
        handler.addFilter(log_filter)

    def uninstall() -> None:
        logging.setLogRecordFactory(previous)
        for handler in handlers:
            handler.removeFilter(log_filter)

    return uninstall


def _all_handlers() -> set[logging.Handler]:
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    return {handler for logger in loggers for handler in logger.handlers}
