"""Sessions are checkpointed at every step and resume exactly where they stopped, in a new process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from langgraph.types import Command

from app.checkpoints import open_async_checkpointer, open_checkpointer
from app.settings import PROJECT_ROOT, load_settings
from tests.db.checkpoint_driver import build_graph, snapshot


def _step_in_new_process(db_url: str, thread: str, answer: str | None = None) -> dict[str, object]:
    """One step of the interview in a fresh Python process, as after a server restart."""
    args = [sys.executable, "-m", "tests.db.checkpoint_driver", thread] + ([answer] if answer is not None else [])
    env = {**os.environ, "TREMPLIN_DATABASE_URL": db_url}
    done = subprocess.run(args, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_interview_resumes_in_a_new_process_at_the_same_question(db_url: str) -> None:
    thread = str(uuid.uuid4())
    assert _step_in_new_process(db_url, thread) == {"pending": "question 1", "answers": []}
    assert _step_in_new_process(db_url, thread, "réponse A") == {"pending": "question 2", "answers": ["réponse A"]}
    final = _step_in_new_process(db_url, thread, "réponse B")
    assert final == {"pending": "question 3", "answers": ["réponse A", "réponse B"]}


@pytest.mark.parametrize("answer", ["", "😀 emoji", "مرحبا", "x" * 10_000])
def test_threads_are_isolated_and_any_text_round_trips(db_url: str, answer: str) -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    with open_checkpointer(load_settings(database_url=db_url)) as saver:
        graph = build_graph(checkpointer=saver)
        for thread in (first, second):
            graph.invoke({"answers": []}, {"configurable": {"thread_id": thread}})
        graph.invoke(Command(resume=answer), {"configurable": {"thread_id": first}})
    with open_checkpointer(load_settings(database_url=db_url)) as saver:  # a new connection reads it back
        graph = build_graph(checkpointer=saver)
        assert snapshot(graph, first) == {"pending": "question 2", "answers": [answer]}
        assert snapshot(graph, second) == {"pending": "question 1", "answers": []}


async def test_async_checkpointer_resumes_what_the_sync_one_saved(db_url: str) -> None:
    thread = str(uuid.uuid4())
    config = {"configurable": {"thread_id": thread}}
    settings = load_settings(database_url=db_url)
    with open_checkpointer(settings) as saver:
        build_graph(checkpointer=saver).invoke({"answers": []}, config)
    async with open_async_checkpointer(settings) as async_saver:
        graph = build_graph(checkpointer=async_saver)
        state = await graph.aget_state(config)
        assert [i.value for task in state.tasks for i in task.interrupts] == ["question 1"]
        await graph.ainvoke(Command(resume="réponse A"), config)
        state = await graph.aget_state(config)
        assert state.values["answers"] == ["réponse A"]
