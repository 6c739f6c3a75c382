"""`tremplin users add` / `users list`, run as the installed command: the password comes from stdin, never argv."""

from __future__ import annotations

from tests.test_cli import assert_one_line_error, run


def test_users_add_reads_the_password_from_stdin_then_lists_the_account() -> None:
    assert run("db", "upgrade").returncode == 0
    assert run("seed-demo", "--no-candidates").returncode == 0  # one organisation: --organisation-id may be left out
    added = run(
        "users",
        "add",
        "--email",
        "Auditrice@Exemple.fr",
        "--name",
        "Awa Diallo",
        "--role",
        "auditor",
        stdin="un-mot-de-passe-solide\n",
    )
    assert added.returncode == 0, added.stderr
    assert "auditrice@exemple.fr (auditor, organisation 1)" in added.stdout
    assert "un-mot-de-passe-solide" not in added.stdout + added.stderr
    listed = run("users", "list")
    assert listed.returncode == 0
    assert "auditrice@exemple.fr\tauditor" in listed.stdout
    assert "referent@demo.tremplin.local\treferent" in listed.stdout
    assert "$argon2" not in listed.stdout


def test_users_add_refuses_bad_accounts_on_one_line() -> None:
    assert run("db", "upgrade").returncode == 0
    assert run("seed-demo", "--no-candidates").returncode == 0
    short = run("users", "add", "--email", "a@b.fr", "--name", "A", stdin="court\n")
    assert_one_line_error(short, "au moins 12 caractères")
    duplicate = run("users", "add", "--email", "referent@demo.tremplin.local", "--name", "B", stdin="x" * 12 + "\n")
    assert_one_line_error(duplicate, "existe déjà")
    wrong_org = run("users", "add", "--email", "c@b.fr", "--name", "C", "--organisation-id", "42", stdin="x" * 12)
    assert_one_line_error(wrong_org, "--organisation-id")
    role = run("users", "add", "--email", "d@b.fr", "--name", "D", "--role", "boss", stdin="x" * 12)
    assert role.returncode == 2
    assert "boss" in role.stderr
