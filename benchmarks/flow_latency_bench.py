"""Benchmark (not a test): how long a candidate waits after each answer, per flow, on the configured model.

    TREMPLIN_LLM_PROVIDER=local .venv/bin/python benchmarks/flow_latency_bench.py     # the embedded model
    TREMPLIN_LLM_PROVIDER=rules .venv/bin/python benchmarks/flow_latency_bench.py     # no model: the floor

A scripted candidate accepts, answers the quiz, the motivation interview and the mock interview through the
same `Conversation` the web chat uses, in a throwaway data directory. Each turn is timed from the answer to the
next question (model phrasing of the next question included), and to the first words of it the chat streams
(when the model writes it); the report, written afterwards off the candidate's path, is timed apart.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

ANSWER = (
    "J'ai fait une immersion de deux semaines en EHPAD : toilettes, aide aux repas, transmissions à l'infirmière. "
    "Je sais que c'est physique, avec des horaires de 12 heures et un week-end sur deux."
)


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="tremplin-bench-"))
    os.environ["TREMPLIN_DATA_DIR"] = str(data)
    # The model assembled by `make setup` in var/, while the database lives in the throwaway directory.
    os.environ.setdefault(
        "TREMPLIN_LOCAL_MODEL_PATH", str(Path("var/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf").resolve())
    )
    from app import runtime
    from app.db.engine import get_engine
    from app.db.migrate import upgrade_database
    from app.db.models import Flow
    from app.db.seed import seed_demo
    from app.invitations import create_session, resolve_organisation
    from app.rubrics import get_rubrics
    from app.settings import get_settings

    settings = get_settings()
    upgrade_database(settings.effective_database_url)
    engine = get_engine()
    seed_demo(engine)
    session_id = create_session(
        engine,
        organisation_id=resolve_organisation(engine, None),
        rubric=get_rubrics()["aide-soignant"],
        flows=[Flow.QUIZ, Flow.MOTIVATION, Flow.MOCK],
    )
    started = time.perf_counter()
    conversation = runtime.get_conversation()
    print(
        f"provider {runtime.get_gateway().provider} ({runtime.get_gateway().model_name}); "
        f"services ready in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    view = conversation.open(session_id)
    view = conversation.answer(session_id, "accept", question_id=view.question_id)
    timings: dict[str, list[float]] = defaultdict(list)
    first_words: dict[str, list[float]] = defaultdict(list)
    while view.question is not None:
        question = view.question
        flow = question.get("flow", "quiz")
        text = "je ne sais pas" if question["kind"] == "quiz_item" else ANSWER
        drafts: list[float] = []
        start = time.perf_counter()
        view = conversation.answer(
            session_id,
            text,
            question_id=view.question_id,
            live=functools.partial(_note_draft, drafts),
        )
        timings[flow].append(time.perf_counter() - start)
        shown = f"first words {drafts[0] - start:6.2f} s" if drafts else "no draft"
        if drafts:
            first_words[flow].append(drafts[0] - start)
        print(f"{flow:<11} {timings[flow][-1]:6.2f} s ({shown})  {question['text'][:60]}", flush=True)
    start = time.perf_counter()
    runtime.wait_for_reports()
    report_s = time.perf_counter() - start
    print()
    print(f"{'flow':<11} {'turns':>5} {'median s':>9} {'p95 s':>7} {'max s':>7}")
    for flow, values in timings.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(f"{flow:<11} {len(values):>5} {statistics.median(values):>9.2f} {p95:>7.2f} {max(values):>7.2f}")
    for flow, values in first_words.items():
        print(
            f"{flow:<11} first words of a streamed question: median {statistics.median(values):.2f} s, "
            f"max {max(values):.2f} s ({len(values)} questions)"
        )
    print(f"report (background, after the last turn): {report_s:.1f} s")
    runtime.close()


def _note_draft(times: list[float], event: Mapping[str, object]) -> None:
    if "draft" in event:
        times.append(time.perf_counter())


if __name__ == "__main__":
    sys.exit(main())
