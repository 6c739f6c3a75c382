"""Scrubber throughput, a benchmark (not a test): `.venv/bin/python -m evals.pii.bench [--messages N] [--out F]`.

Typical chat messages of about 30 words (two or three messages of the synthetic corpus's test split joined),
each analysed once (no message is repeated, so the analyzer's cache of recent texts never answers). Measured:

- ours, one message at a time (the chat path) and in batches of 32 (exports, reports);
- Presidio's default French configuration, one message at a time, on the same messages;
- a chat turn: the candidate's message pseudonymised, then the prompt the gateway scrubs (the system message,
  cached after the first turn, and the conversation so far), set against the embedded model's own time for a
  60-token reply (first token 1.5 s, then 12.5 tokens/s: measured on this machine, ../shared/STACK.md).

One core: the process pins itself to one CPU (as `taskset -c 0` would), BLAS and OpenMP are limited to one
thread, and messages/s are reported per CPU-second of this process (`time.process_time`) as well as per
wall-clock second, which other processes on the machine slow down (a loaded machine lowers both: compare
figures taken under the same load). The 150 messages/s target is checked one message at a time, the chat path;
exit code 1 when it is missed.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402  (the thread limits must be set before numpy is imported)
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import asdict, dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

from app.pii.analyzer import get_analyzer  # noqa: E402
from app.pii.pseudonyms import SessionPseudonymiser  # noqa: E402
from app.pii.scrubber import get_scrubber  # noqa: E402
from app.pii.vault import MemoryVault  # noqa: E402
from app.prompts import PromptMessage, get_prompt_registry  # noqa: E402
from evals.pii.baseline import DefaultFrenchPresidio  # noqa: E402
from evals.pii.corpus import build_corpus  # noqa: E402

MODEL_FIRST_TOKEN_S = 1.5
MODEL_TOKENS_PER_S = 12.5
REPLY_TOKENS = 60
TARGET_PER_S = 150


@dataclass(frozen=True)
class Throughput:
    what: str
    messages: int
    wall_s: float
    cpu_s: float

    @property
    def per_wall_s(self) -> float:
        return self.messages / self.wall_s

    @property
    def per_cpu_s(self) -> float:
        return self.messages / self.cpu_s


def chat_messages(count: int, seed: int = 11) -> list[str]:
    """`count` distinct messages of 25 to 40 words from the corpus's test split."""
    pool = [sample.text for sample in build_corpus(seed, tune=1, test=count * 3)["test"]]
    rng = random.Random(seed)  # noqa: S311 (reproducible sample)
    messages: set[str] = set()
    while len(messages) < count:
        parts = [rng.choice(pool)]
        while len(" ".join(parts).split()) < 25:
            parts.append(rng.choice(pool))
        message = " ".join(parts)
        if len(message.split()) <= 40:
            messages.add(message)
    return sorted(messages)


def measure(what: str, messages: Sequence[str], run: Callable[[Sequence[str]], object]) -> Throughput:
    wall, cpu = time.perf_counter(), time.process_time()
    run(messages)
    return Throughput(what, len(messages), time.perf_counter() - wall, time.process_time() - cpu)


def chat_turn_seconds(messages: Sequence[str]) -> float:
    """Scrubbing time of one chat turn, averaged over conversations of six turns."""
    registry, analyzer, scrubber = get_prompt_registry(), get_analyzer(), get_scrubber()
    started, turns = time.perf_counter(), 0
    for offset in range(0, len(messages) - 5, 6):
        pseudonymiser = SessionPseudonymiser(f"bench-{offset}", analyzer, MemoryVault())
        history: list[PromptMessage] = []
        for message in messages[offset : offset + 6]:
            history.append(PromptMessage("user", pseudonymiser.pseudonymise(message)))
            prompt = registry.render("chat/reply", training_title="Aide-soignant", history=history)
            with pseudonymiser.active():
                for prompt_message in prompt.messages:
                    scrubber.scrub(prompt_message.content)
            history.append(PromptMessage("assistant", "Merci. Pouvez-vous m'en dire plus sur votre expérience ?"))
            turns += 1
    return (time.perf_counter() - started) / turns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=600, help="messages per measurement (default 600)")
    parser.add_argument("--out", type=Path, default=Path("var/evals/pii/bench.json"))
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):  # one core
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    messages = chat_messages(args.messages * 4 + 50)
    warm_up, ours, batched, default, turns = (
        messages[:50],
        messages[50 : 50 + args.messages],
        messages[50 + args.messages : 50 + 2 * args.messages],
        messages[50 + 2 * args.messages : 50 + 3 * args.messages],
        messages[50 + 3 * args.messages :],
    )
    analyzer, baseline = get_analyzer(), DefaultFrenchPresidio()
    for message in warm_up:
        analyzer.detect(message)
        baseline.predict(message)
    words = sum(len(message.split()) for message in ours) / len(ours)

    results = [
        measure("ours, one message at a time", ours, lambda texts: [analyzer.detect(text) for text in texts]),
        measure("ours, batches of 32", batched, lambda texts: analyzer.detect_many(texts, batch_size=32)),
        measure("Presidio default French, one at a time", default, baseline.predict_many),
    ]
    turn_s = chat_turn_seconds(turns)
    model_s = MODEL_FIRST_TOKEN_S + REPLY_TOKENS / MODEL_TOKENS_PER_S

    print(f"{len(ours)} messages per measurement, {words:.1f} words on average; {analyzer.version}")
    print(f"{'':42} {'msg/s (CPU)':>12} {'msg/s (wall)':>13} {'ms/msg (CPU)':>13}")
    for result in results:
        print(
            f"{result.what:42} {result.per_cpu_s:12.0f} {result.per_wall_s:13.0f} "
            f"{1000 * result.cpu_s / result.messages:13.1f}"
        )
    share = turn_s / (turn_s + model_s)
    print(
        f"chat turn: scrubbing {1000 * turn_s:.0f} ms (message + prompt) vs {model_s:.1f} s for the embedded "
        f"model's {REPLY_TOKENS}-token reply: {100 * share:.1f}% of the turn"
    )
    single = results[0].per_cpu_s
    print(
        f"target {TARGET_PER_S} msg/s on one core, one message at a time: "
        f"{'met' if single >= TARGET_PER_S else 'MISSED'} ({single:.0f})"
    )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "analyzer": analyzer.version,
        "average_words": words,
        "results": [{**asdict(r), "per_cpu_s": r.per_cpu_s, "per_wall_s": r.per_wall_s} for r in results],
        "chat_turn_scrub_s": turn_s,
        "model_reply_s": model_s,
        "scrub_share_of_turn": share,
    }
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if single >= TARGET_PER_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
