"""The `tremplin` command as a user runs it: the installed entry point, in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

TREMPLIN = str(Path(sys.executable).with_name("tremplin"))


def run(
    *args: str, env: dict[str, str] | None = None, stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [TREMPLIN, *args], env=full_env, input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_db_upgrade_then_seed_prints_password_only_once() -> None:
    assert run("db", "upgrade").returncode == 0
    first = run("seed-demo")
    assert first.returncode == 0, first.stderr
    assert "password:" in first.stdout
    second = run("seed-demo")
    assert second.returncode == 0, second.stderr
    assert "password" not in second.stdout
    assert "already present" in second.stdout


@pytest.mark.parametrize(
    ("env", "args", "fragments"),
    [
        ({"TREMPLIN_DATABASE_URL": "not a url"}, ("db", "upgrade"), ("TREMPLIN_DATABASE_URL",)),
        ({"TREMPLIN_DATABASE_URL": "oracle://scott@db/x"}, ("db", "upgrade"), ("TREMPLIN_DATABASE_URL",)),
        (
            {"TREMPLIN_DATABASE_URL": "postgresql+psycopg://app:hunter2secret@127.0.0.1:1/tremplin"},
            ("db", "upgrade"),
            ("TREMPLIN_DATABASE_URL",),
        ),
        ({"TREMPLIN_LLM_PROVIDER": "mistral"}, ("serve",), ("TREMPLIN_MISTRAL_API_KEY",)),
        ({"TREMPLIN_PORT": "eighty"}, ("serve",), ("TREMPLIN_PORT",)),
        ({"TREMPLIN_ENV": "production"}, ("seed-demo",), ("TREMPLIN_SECRET_KEY",)),
    ],
)
def test_misconfiguration_exits_2_with_one_line(
    env: dict[str, str], args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    result = run(*args, env=env)
    assert_one_line_error(result, *fragments)
    assert "hunter2secret" not in result.stderr


def test_serve_refuses_a_corrupted_model_file(tmp_path: Path) -> None:
    assert run("db", "upgrade").returncode == 0
    corrupted = tmp_path / "model.gguf"
    corrupted.write_bytes(b"GGUF" + b"\0" * 1024)
    result = run("serve", env={"TREMPLIN_LLM_PROVIDER": "local", "TREMPLIN_LOCAL_MODEL_PATH": str(corrupted)})
    assert_one_line_error(result, "TREMPLIN_LOCAL_MODEL_PATH")


def test_serve_refuses_a_port_already_in_use() -> None:
    assert run("db", "upgrade").returncode == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        result = run("serve", "--port", str(busy.getsockname()[1]))
    assert_one_line_error(result, "TREMPLIN_PORT", "--port")


def test_serve_refuses_an_unmigrated_database() -> None:
    assert_one_line_error(run("serve"), "tremplin db upgrade")


def test_serve_refuses_an_invalid_rubric(tmp_path: Path) -> None:
    assert run("db", "upgrade").returncode == 0
    (tmp_path / "aide-soignant.yaml").write_text("id: aide-soignant\nversion: 1\nunexpected_field: true\n")
    result = run("serve", env={"TREMPLIN_RUBRICS_DIR": str(tmp_path)})
    assert_one_line_error(result, "aide-soignant.yaml")


def test_serve_refuses_an_invalid_prompt_file(tmp_path: Path) -> None:
    assert run("db", "upgrade").returncode == 0
    (tmp_path / "chat").mkdir()
    (tmp_path / "chat" / "reply.v1.md.j2").write_text("---\ndescription: x\n---\n{# role: user #}\n{{ unclosed\n")
    result = run("serve", env={"TREMPLIN_PROMPTS_DIR": str(tmp_path)})
    assert_one_line_error(result, "reply.v1.md.j2")


def test_doctor_reports_every_problem_at_once(tmp_path: Path) -> None:
    bad_rubrics = tmp_path / "rubrics"
    bad_rubrics.mkdir()
    (bad_rubrics / "broken.yaml").write_text("id: [unclosed\n")
    bad_prompts = tmp_path / "prompts"
    bad_prompts.mkdir()
    (bad_prompts / "oops.v1.md.j2").write_text("no front matter\n")
    result = run(
        "doctor",
        env={
            "TREMPLIN_DATABASE_URL": "postgresql+psycopg://app:pw@127.0.0.1:1/tremplin",
            "TREMPLIN_LLM_PROVIDER": "local",
            "TREMPLIN_LOCAL_MODEL_PATH": str(tmp_path / "missing.gguf"),
            "TREMPLIN_RUBRICS_DIR": str(bad_rubrics),
            "TREMPLIN_PROMPTS_DIR": str(bad_prompts),
        },
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    failed = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("[FAIL]")}
    assert failed == {"database", "model", "rubrics", "prompts"}


def test_doctor_passes_on_a_healthy_setup() -> None:
    assert run("db", "upgrade").returncode == 0
    result = run("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[FAIL]" not in result.stdout
