import socket

import pytest

from tests.conftest import NetworkBlockedError


def test_outbound_connection_is_blocked() -> None:
    with pytest.raises(NetworkBlockedError), socket.socket() as sock:
        sock.connect(("192.0.2.1", 443))


def test_name_resolution_of_public_hosts_is_blocked() -> None:
    with pytest.raises(NetworkBlockedError):
        socket.getaddrinfo("api.mistral.ai", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
