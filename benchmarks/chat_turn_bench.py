"""Benchmark (not a test): server time per chat turn, the model excluded.

    .venv/bin/python benchmarks/chat_turn_bench.py                      # 20 quiz sessions, rules provider
    .venv/bin/python benchmarks/chat_turn_bench.py --sessions 5 --flows quiz,motivation,mock

Scripted candidates go through the web chat's own path: `clean_candidate_message`, then the process-wide
`Conversation` of `app.runtime` (`open`, `answer`): session graph, checkpointer, transcript scrubbing, database
mirror and audit events. Each session's report (written in the background at its end) is waited for between
sessions, untimed. The `rules` provider stands in for the model; any time still spent in the model
gateway (its `llm_call` audit events record latency) is subtracted from the turn that spent it.
A fresh SQLite database and checkpoint file are made in a temporary data directory, so nothing is left behind.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from typing import Any

FREE_ANSWERS = (
    "je ne sais pas",
    "1350",
    "Je veux travailler auprès des personnes âgées, j'ai aidé ma grand-mère pendant deux ans.",
    "J'ai fait un stage de trois semaines en EHPAD et j'ai aimé le contact avec les résidents et l'équipe.",
    "Je suis ponctuelle, j'aime le travail en équipe et je garde mon calme quand il y a beaucoup de travail.",
)
MAX_TURNS = 200  # a scripted candidate that never gets through is a bug, not a measurement


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--flows", default="quiz", help="comma-separated flows of each session (default: quiz)")
    parser.add_argument("--rubric", default="aide-soignant")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="tremplin-bench-")
    os.environ["TREMPLIN_DATA_DIR"] = data_dir
    os.environ["TREMPLIN_LLM_PROVIDER"] = "rules"

    # Imported after the environment is set: settings are read once, on first use.
    from sqlmodel import Session, col, select

    from app import runtime
    from app.chat_input import clean_candidate_message
    from app.db.engine import get_engine
    from app.db.migrate import upgrade_database
    from app.db.models import AuditEvent, Flow, Organisation, OrganisationKind
    from app.invitations import create_session
    from app.rubrics import get_rubrics
    from app.settings import get_settings

    upgrade_database(get_settings().effective_database_url)
    engine = get_engine()
    with Session(engine) as db:
        organisation = Organisation(name="Centre de mesure", kind=OrganisationKind.TRAINING_CENTRE)
        db.add(organisation)
        db.commit()
        assert organisation.id is not None
        organisation_id = organisation.id
    rubric = get_rubrics()[args.rubric]
    flows = [Flow(name) for name in args.flows.split(",")]

    started = time.perf_counter()
    conversation = runtime.get_conversation()
    warmup = time.perf_counter() - started
    choose = random.Random(args.seed)  # noqa: S311 (scripted answers, not a secret)
    last_event = 0

    def model_seconds(session_id: str) -> float:
        """Gateway time recorded since the last call, for this session."""
        nonlocal last_event
        with Session(engine) as db:
            events = db.exec(
                select(AuditEvent).where(col(AuditEvent.id) > last_event, col(AuditEvent.event_type) == "llm_call")
            ).all()
        if events:
            last_event = max(event.id or 0 for event in events)
        return sum(float(event.payload.get("latency_ms", 0)) for event in events if event.session_id == session_id)

    with Session(engine) as db:
        last_event = max((event.id or 0 for event in db.exec(select(AuditEvent)).all()), default=0)

    opens: list[float] = []
    turns: list[float] = []
    model_total = 0.0
    turns_per_session: list[int] = []
    for _ in range(args.sessions):
        session_id = create_session(engine, organisation_id=organisation_id, rubric=rubric, flows=flows)
        start = time.perf_counter()
        view = conversation.open(session_id)
        opens.append(time.perf_counter() - start - model_seconds(session_id) / 1000)
        count, previous = 0, None
        while view.question is not None:
            if count >= MAX_TURNS:
                raise SystemExit(f"session {session_id} still asks after {MAX_TURNS} turns")
            # An answer the flow could not read brings the same question back: then say "je ne sais pas".
            asked_again = previous == (view.question["kind"], view.question.get("item_id"), view.question["text"])
            previous = (view.question["kind"], view.question.get("item_id"), view.question["text"])
            answer = FREE_ANSWERS[0] if asked_again else _scripted_answer(view.question, choose)
            start = time.perf_counter()
            view = conversation.answer(session_id, clean_candidate_message(answer), question_id=view.question_id)
            elapsed = time.perf_counter() - start
            spent_in_model = model_seconds(session_id) / 1000
            model_total += spent_in_model
            turns.append(elapsed - spent_in_model)
            count += 1
        turns_per_session.append(count)
        # Untimed: the session's report is written in the background; waiting keeps it out of the next turns
        # (on SQLite it can otherwise make them fail with "database is locked", reported to the engine issue).
        runtime.wait_for_reports()
        print(f"session {len(turns_per_session)}/{args.sessions}: {count} turns", file=sys.stderr, flush=True)
    runtime.close()

    cpu = platform.processor() or platform.machine()
    print(f"machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}; database: SQLite")
    print(f"flows: {args.flows}, rubric {args.rubric}, {args.sessions} sessions, provider rules")
    print(f"conversation service built in {warmup:.2f} s (graph, checkpointer, scrubber, embedder)")
    print(f"turns per session: min {min(turns_per_session)}, max {max(turns_per_session)}, total {len(turns)}")
    print(f"time in the model gateway (subtracted): {model_total * 1000:.1f} ms in total")
    _report("first open (starts the session)", opens)
    _report("answer turn", turns)


def _scripted_answer(question: Any, choose: random.Random) -> str:
    options = [option["id"] for option in question["options"]]
    if question["kind"] == "consent":
        return "accept"
    if options:
        return choose.choice(options)
    return choose.choice(FREE_ANSWERS)


def _report(label: str, seconds: list[float]) -> None:
    ms = [value * 1000 for value in seconds]
    print(
        f"{label:32s} n={len(ms):4d}  median {statistics.median(ms):7.1f} ms  p95 {percentile(ms, 0.95):7.1f} ms"
        f"  max {max(ms):7.1f} ms"
    )


if __name__ == "__main__":
    main()
