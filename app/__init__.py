"""Tremplin: sovereign, transparent assessment of candidates before vocational training."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tremplin")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
