"""`tremplin chat` as evaluators use it: candidate messages piped in, one per line."""

from __future__ import annotations

import json
import re

import pytest

from tests.test_cli import run


@pytest.fixture(autouse=True)
def _demo_organisation() -> None:
    assert run("db", "upgrade").returncode == 0
    assert run("seed-demo", "--no-candidates").returncode == 0


def test_a_piped_candidate_completes_the_quiz_and_gets_a_json_result() -> None:
    lines = "oui\n" + "je ne sais pas\n" * 25
    done = run("chat", "--rubric", "aide-soignant", "--flows", "quiz", "--json", stdin=lines)
    assert done.returncode == 0, done.stderr
    output = done.stdout.splitlines()
    assert "intelligence artificielle" in done.stdout
    assert "[Question 1 (" in done.stdout
    result = json.loads(output[-1])
    assert result["status"] == "completed"
    assert result["consent"] is True
    assert result["completed_flows"] == ["quiz"]
    assert result["quiz"]["threshold_met"] is False
    assert result["quiz"]["items_asked"] == len(re.findall(r"\[Question \d+ \(", done.stdout))


def test_running_out_of_lines_leaves_a_session_that_resumes() -> None:
    first = run("chat", "--rubric", "aide-soignant", "--flows", "quiz", stdin="oui\nje ne sais pas\n")
    assert first.returncode == 0, first.stderr
    match = re.search(r"--resume ([0-9a-f-]{36})", first.stdout)
    assert match is not None
    assert "[Question 2 (" in first.stdout
    resumed = run("chat", "--rubric", "aide-soignant", "--flows", "quiz", "--resume", match.group(1), stdin="")
    assert resumed.stdout.startswith("[Question 2 (")  # where it stopped, nothing replayed or skipped


def test_unavailable_flows_and_unknown_rubrics_are_one_line_errors() -> None:
    for args in (("--rubric", "astronaute", "--flows", "quiz"), ("--rubric", "aide-soignant", "--flows", "danse")):
        done = run("chat", *args, stdin="")
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1


def test_an_interview_resumes_in_a_new_process_and_ends_with_its_report() -> None:
    answer = (
        "Pendant mon immersion en EHPAD, j'ai vu les toilettes, l'aide aux repas et les transmissions à "
        "l'infirmière ; c'est physique, en horaires de 12 heures, avec un week-end sur deux."
    )
    first = run("chat", "--rubric", "aide-soignant", "--flows", "motivation", stdin=f"oui\n{answer}\n")
    assert first.returncode == 0, first.stderr
    assert "[Question 1 sur 4]" in first.stdout
    assert "passer cette question" in first.stdout.lower()
    match = re.search(r"--resume ([0-9a-f-]{36})", first.stdout)
    assert match is not None
    asked_last = first.stdout.split("[Question ")[-1]

    resumed = run(
        "chat",
        "--rubric",
        "aide-soignant",
        "--flows",
        "motivation",
        "--resume",
        match.group(1),
        "--json",
        stdin=f"{answer}\n" * 12,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith("[Question " + asked_last.split("\n")[0])  # the same question, not replayed
    result = json.loads(resumed.stdout.splitlines()[-1])
    assert result["status"] == "completed"
    assert result["completed_flows"] == ["motivation"]
    report = result["report"]
    assert {c["id"] for c in report["criteria"]} == {
        "job_knowledge",
        "project_coherence",
        "practical_readiness",
        "commitment",
    }
    assert report["recommendation"] in {"ready", "ready_with_support", "not_yet", "insufficient_data"}
