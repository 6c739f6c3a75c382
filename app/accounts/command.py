"""`tremplin users add` and `tremplin users list`: staff accounts from the command line.

The password is never an argument (it would land in the shell history and the process list): it is asked twice
on a terminal, or read as the first line of stdin when piped.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from app.db.models import UserRole

users_cli = typer.Typer(help="Staff accounts (referents, admins, auditors).", no_args_is_help=True)


def _read_password() -> str:
    if sys.stdin.isatty():
        password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return password
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("add")
def users_add(
    email: Annotated[str, typer.Option(help="Login email (unique).")],
    name: Annotated[str, typer.Option(help="Full name, shown on the pages and decisions.")],
    role: Annotated[UserRole, typer.Option(help="referent, admin or auditor.")] = UserRole.REFERENT,
    organisation_id: Annotated[
        int | None, typer.Option(help="Organisation of the account (default: the only one).")
    ] = None,
) -> None:
    """Create an account; the password (12 characters or more) is read from the terminal or stdin."""
    from sqlmodel import Session

    from app.accounts.users import create_account, validate_account
    from app.db.audit import DatabaseAuditSink
    from app.db.engine import get_engine, require_database
    from app.invitations import resolve_organisation

    engine = get_engine()
    require_database(engine)
    organisation = resolve_organisation(engine, organisation_id)
    password = _read_password()
    with Session(engine) as db:
        account = validate_account(
            db, email=email, full_name=name, role=role.value, organisation_id=organisation, password=password
        )
        user = create_account(db, account, audit=DatabaseAuditSink(engine, actor="cli"), created_by="cli")
        typer.echo(f"Account {user.id} created: {user.email} ({user.role.value}, organisation {user.organisation_id}).")


@users_cli.command("list")
def users_list() -> None:
    """Every account: id, email, role, organisation, active or not (never a password hash)."""
    from sqlmodel import Session

    from app.accounts.users import list_accounts
    from app.db.engine import get_engine, require_database

    engine = get_engine()
    require_database(engine)
    with Session(engine) as db:
        for user, organisation in list_accounts(db):
            state = "active" if user.is_active else "disabled"
            typer.echo(f"{user.id}\t{user.email}\t{user.role.value}\t{organisation.name}\t{state}")
