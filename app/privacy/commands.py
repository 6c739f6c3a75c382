"""`tremplin candidate export|erase` and `tremplin retention run`. Actions from the command line are logged
with the actor "cli"."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

CLI_ACTOR = "cli"

candidate_cli = typer.Typer(help="A candidate's data: export it (right of access) or erase it.", no_args_is_help=True)
retention_cli = typer.Typer(help="Retention periods of personal data.", no_args_is_help=True)


@candidate_cli.command("export")
def export(candidate_id: Annotated[str, typer.Argument(help="The candidate's id.")]) -> None:
    """Print everything held on the candidate as JSON, pseudonyms decrypted (it is personal data: hand it to the
    candidate only)."""
    from app.db.engine import get_engine, require_database
    from app.privacy import export_candidate

    engine = get_engine()
    require_database(engine)
    typer.echo(json.dumps(export_candidate(engine, candidate_id, actor=CLI_ACTOR), ensure_ascii=False, indent=2))


@candidate_cli.command("erase")
def erase(
    candidate_id: Annotated[str, typer.Argument(help="The candidate's id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase the candidate's transcripts, report quotes and free text, pseudonyms, checkpoints and profile."""
    from app.db.engine import get_engine, require_database
    from app.privacy import erase_candidate

    engine = get_engine()
    require_database(engine)
    if not yes and not typer.confirm(f"Erase the personal data of candidate {candidate_id}? This cannot be undone"):
        raise typer.Exit(code=1)
    summary = erase_candidate(engine, candidate_id, actor=CLI_ACTOR)
    for key, value in asdict(summary).items():
        typer.echo(f"{key}: {value}")


@retention_cli.command("run")
def run() -> None:
    """Apply TREMPLIN_RETENTION_DAYS_TRANSCRIPTS and TREMPLIN_RETENTION_DAYS_REPORTS (meant for a daily timer)."""
    from app.db.engine import get_engine, require_database
    from app.privacy import run_retention

    engine = get_engine()
    require_database(engine)
    summary = run_retention(engine, actor=CLI_ACTOR)
    for key, value in asdict(summary).items():
        typer.echo(f"{key}: {value}")
