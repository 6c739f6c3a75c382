"""Test-wide guards and fixtures.

Tests are hermetic: an autouse guard refuses any outbound connection that is not loopback or a Unix socket,
so a test that would silently reach a real API fails loudly instead.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")


class NetworkBlockedError(RuntimeError):
    pass


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) else address
    if not _is_loopback(host):
        raise NetworkBlockedError(f"network access blocked in tests: {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check(self, address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check(self, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _is_loopback(host.decode() if isinstance(host, bytes) else host):
        raise NetworkBlockedError(f"name resolution blocked in tests: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _block_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own data dir and the deterministic `rules` provider unless it asks otherwise."""
    from app.settings import get_settings

    for key in list(os.environ):
        if key.startswith("TREMPLIN_") and key not in {"TREMPLIN_TEST_POSTGRES_URL", "TREMPLIN_UPDATE_SNAPSHOTS"}:
            monkeypatch.delenv(key)
    monkeypatch.setenv("TREMPLIN_DATA_DIR", str(tmp_path_factory.mktemp("var")))
    monkeypatch.setenv("TREMPLIN_LLM_PROVIDER", "rules")
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))  # no stray .env from the developer's checkout
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
