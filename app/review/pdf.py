"""The printable report as PDF, laid out by WeasyPrint from the same HTML as the page.

WeasyPrint is given a URL fetcher that refuses everything: the report's HTML needs no outside resource, and
no text in it (candidate text included, though it is escaped) can make the server fetch a URL. A refused
resource is left out of the page (WeasyPrint logs a warning), the rest of the PDF is still produced.
"""

from __future__ import annotations

from typing import Any

from weasyprint import HTML, Document  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]


class ResourceRefusedError(ValueError):
    pass


class _RefuseAll(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type information
    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ResourceRefusedError(f"the PDF report loads no outside resource ({url[:80]!r} refused)")


def layout(html: str) -> Document:
    """The laid-out pages of `html` (what `render_pdf` writes)."""
    return HTML(string=html, url_fetcher=_RefuseAll()).render()


def render_pdf(html: str) -> bytes:
    pdf = layout(html).write_pdf()
    assert isinstance(pdf, bytes)  # write_pdf returns the bytes when no target is given
    return pdf
