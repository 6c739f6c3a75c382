"""`tremplin chat`: the same conversation as the web chat, in a terminal.

Evaluators replay candidates with it: when standard input is not a terminal, each line is one candidate
message, the bot's messages are printed as they come, and `--json` ends the output with the result (the
report included) as one JSON line. A script that runs out of lines leaves the session where it is;
`--resume SESSION` continues it.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from app.chat_input import RejectedMessage, clean_candidate_message
from app.conversation import ConversationError, View
from app.runtime import get_conversation, wait_for_reports
from flows.turns import Question


def _print_question(question: Question, out: TextIO) -> None:
    if "progress" in question:
        print(f"[{question['progress']}]", file=out)
    print(question["text"], file=out)
    for option in question["options"]:
        print(f"  {option['id']} : {option['label']}", file=out)


def _show(view: View, shown: set[str], out: TextIO) -> None:
    """Print what is new: assistant messages, then the question. `shown` holds the ids of the turns printed and
    the texts of the questions printed (a question comes back in the transcript once answered)."""
    for turn in view.turns:
        if turn["id"] not in shown and turn["role"] == "assistant" and f"q:{turn['content']}" not in shown:
            print(turn["content"], file=out)
        shown.add(turn["id"])
    if view.question is not None:
        _print_question(view.question, out)
        shown.add(f"q:{view.question['text']}")
    out.flush()


def run(session_id: str, *, json_output: bool, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    conversation = get_conversation()
    shown: set[str] = set()
    view = conversation.open(session_id)
    if any(turn["role"] == "candidate" for turn in view.turns):
        shown.update(turn["id"] for turn in view.turns)  # resuming: continue, do not replay the history
    _show(view, shown, stdout)
    interactive = stdin.isatty()
    while view.question is not None:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            print(f"(session interrompue ; pour reprendre : tremplin chat --resume {session_id} ...)", file=stdout)
            break
        try:
            view = conversation.answer(session_id, clean_candidate_message(line), question_id=view.question_id)
        except (RejectedMessage, ConversationError) as refused:
            print(refused.candidate_message, file=stdout)
            continue
        _show(view, shown, stdout)
    if json_output:
        wait_for_reports()
        print(json.dumps(conversation.result(session_id), ensure_ascii=False), file=stdout)
    return 0
