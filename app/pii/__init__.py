"""Personal-data protection. Every text bound for a model, a log, a transcript or a report goes through here."""

from app.pii.scrubber import Scrubber, get_scrubber

__all__ = ["Scrubber", "get_scrubber"]
