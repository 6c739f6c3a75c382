"""Start the real server the way `make run` does (migrate, then `tremplin serve`), on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

TREMPLIN = str(Path(sys.executable).with_name("tremplin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(
    data_dir: Path, log_dir: Path, *, seed: bool = False, demo_candidates: bool = False, **env_overrides: str
) -> Iterator[str]:
    """Yield the base URL of a running server using the deterministic `rules` provider unless overridden;
    `seed` adds the demo data (the demo organisation that /demo invitations belong to), and `demo_candidates`
    its assessed demo candidates too (about 30 s: only for tests that read their reports)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TREMPLIN_")}
    env |= {"TREMPLIN_DATA_DIR": str(data_dir), "TREMPLIN_LLM_PROVIDER": "rules", **env_overrides}
    subprocess.run([TREMPLIN, "db", "upgrade"], env=env, check=True, capture_output=True)
    if seed:
        extra = [] if demo_candidates else ["--no-candidates"]
        subprocess.run([TREMPLIN, "seed-demo", *extra], env=env, check=True, capture_output=True)
    port = free_port()
    log = log_dir / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [TREMPLIN, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # waits for readiness, not for a duration: the loop ends as soon as it answers
            if process.poll() is not None:
                pytest.fail(f"server exited early:\n{log.read_text()}")
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail(f"server never answered:\n{log.read_text()}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
