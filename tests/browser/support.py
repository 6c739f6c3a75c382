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
    "Task manually stopped",  # Chainlit's answer to its Stop button, which public/tremplin.css hides
    "Avatar for",  # an avatar's alt text (public/tremplin.js; not in the widget, which runs no script of ours)
    "Floating",  # the widget's display-mode menu, hidden by public/tremplin.css
    "Sidebar",
)
# What a screen reader announces besides the visible text, shadow roots (the widget) included.
SCREEN_READER_TEXTS = """() => {
  const texts = [];
  (function collect(root) {
    root.querySelectorAll("*").forEach((node) => {
      for (const name of ["alt", "aria-label", "title", "placeholder"]) {
        if (node.getAttribute(name)) texts.push(node.getAttribute(name));
      }
      if (node.classList.contains("sr-only")) texts.push(node.textContent);
      if (node.shadowRoot) collect(node.shadowRoot);
    });
  })(document);
  return texts;
}"""


@dataclass(frozen=True)
class Served:
    """A live server and the data directory it writes (its SQLite database is `tremplin.db` there)."""

    base: str
    data_dir: Path
