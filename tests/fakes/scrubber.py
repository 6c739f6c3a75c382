"""A scrubber that makes its work visible: it masks one known name and tags every text it handled."""

from __future__ import annotations

TAG = "[scrubbed] "
SECRET_NAME = "Jeanne Dupont"
MASK = "<PERSON>"


class TaggingScrubber:
    name = "tagging"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def scrub(self, text: str) -> str:
        self.seen.append(text)
        return TAG + text.replace(SECRET_NAME, MASK)
