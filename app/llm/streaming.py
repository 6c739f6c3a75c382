"""Reading a blocking chunk stream with a per-chunk timeout."""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor

from langchain_core.messages import AIMessageChunk

from app.llm.errors import Failure, ProviderError

_Item = AIMessageChunk | Exception | None  # None marks the end of the stream


class ChunkPump:
    """Runs a model's chunk iterator on an executor thread and hands chunks over through a queue, so that
    waiting for the next chunk can time out even when the provider client cannot."""

    def __init__(
        self, executor: Executor, open_stream: Callable[[], Iterator[AIMessageChunk]], timeout_s: float
    ) -> None:
        self._queue: queue.Queue[_Item] = queue.Queue()
        self._stop = threading.Event()
        self._timeout_s = timeout_s
        executor.submit(contextvars.copy_context().run, self._run, open_stream)

    def _run(self, open_stream: Callable[[], Iterator[AIMessageChunk]]) -> None:
        try:
            chunks = open_stream()
            for chunk in chunks:
                if self._stop.is_set():
                    close = getattr(chunks, "close", None)
                    if close is not None:
                        close()
                    return
                self._queue.put(chunk)
        except Exception as exc:
            self._queue.put(exc)
        else:
            self._queue.put(None)

    def next(self) -> AIMessageChunk | None:
        """The next chunk, None at the end; re-raises the stream's error; `ProviderError` on timeout."""
        try:
            item = self._queue.get(timeout=self._timeout_s)
        except queue.Empty:
            self.close()
            raise ProviderError(Failure("timeout"), f"no stream chunk within {self._timeout_s:g} s") from None
        if isinstance(item, Exception):
            raise item
        return item

    def close(self) -> None:
        """Ask the worker to stop at its next chunk (it cannot be interrupted while blocked on the network)."""
        self._stop.set()
