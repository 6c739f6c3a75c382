"""What the real-browser tests share: the Debian Chromium they drive and what they look for."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from app.settings import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "var" / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chainlit's English strings that would betray a missing translation in the candidate's view.
ENGLISH_LEFTOVERS = (
    "Type your message",
    "New Chat",
    "Readme",
    "Built with",
    "Stop Task",
    "Login",
    "Toggle theme",
    "LLM",  # Chainlit's French footer says "Les LLMs peuvent se tromper"; ours is plain French
)


@dataclass(frozen=True)
class Served:
    """A live server and the data directory it writes (its SQLite database is `tremplin.db` there)."""

    base: str
    data_dir: Path
