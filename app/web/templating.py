"""The one Jinja2 environment of the server-rendered pages (autoescaping on: every value is HTML-escaped).

Filter `date_fr`: an aware datetime as "29/11/2026 18:05" in Paris time, "—" for None.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates

PARIS = ZoneInfo("Europe/Paris")

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def date_fr(value: datetime | None) -> str:
    return "—" if value is None else value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


templates.env.filters["date_fr"] = date_fr
