"""Error types shared across the service."""

from __future__ import annotations


class TremplinError(Exception):
    """Base of the errors Tremplin raises on purpose."""


class ConfigError(TremplinError):
    """A setting, file or service is misconfigured. The message is one line naming what is wrong.

    The CLI prints it without a traceback and exits with code 2.
    """
