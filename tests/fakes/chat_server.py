"""A local fake of the Mistral / OpenAI chat-completions endpoint (the wire format is shared).

It serves POST /v1/chat/completions on 127.0.0.1 (random port), answers each request with the next scripted
behaviour, and records every request so tests can check what the model actually received.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAT_PATH = "/v1/chat/completions"


@dataclass(frozen=True)
class Reply:
    """A successful answer; streamed word by word as SSE when the request asks for a stream."""

    text: str
    finish_reason: str = "stop"
    prompt_tokens: int = 11
    completion_tokens: int = 7


@dataclass(frozen=True)
class Status:
    """An error status, e.g. 429 with Retry-After, 500, 401."""

    code: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = '{"object": "error", "message": "scripted failure"}'


@dataclass(frozen=True)
class Slow:
    """Wait `delay_s` (longer than the client's timeout), then answer `then`."""

    delay_s: float
    then: Reply = Reply("trop tard")


@dataclass(frozen=True)
class Malformed:
    """A 200 whose body is not a chat completion."""

    body: str = "this is not json {"
    content_type: str = "application/json"


@dataclass(frozen=True)
class Truncated:
    """A stream that sends the first words of `text` and closes without finish_reason or [DONE]."""

    text: str


@dataclass(frozen=True, eq=False)
class Paused:
    """A stream that sends the first `pause_after` words of `text`, waits until `resume` is set (or the server
    stops), then sends the rest: a test can look at what a client shows mid-stream."""

    text: str
    pause_after: int
    resume: threading.Event


Behaviour = Reply | Status | Slow | Malformed | Truncated | Paused


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def contents(self) -> list[str]:
        return [str(message.get("content", "")) for message in self.body.get("messages", [])]


class FakeChatServer:
    def __init__(self, model: str = "fake-model") -> None:
        self.model = model
        self.requests: list[RecordedRequest] = []
        self._script: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-chat-server", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def script(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def next_behaviour(self, request: RecordedRequest) -> Behaviour:
        with self._lock:
            self.requests.append(request)
            if self._script:
                return self._script.popleft()
        # Not retryable, so a test that under-scripts fails fast with a clear `bad_request`.
        return Status(418, body='{"message": "no scripted behaviour left"}')

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def completion(model: str, reply: Reply) -> dict[str, Any]:
    return {
        "id": "cmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": reply.text}, "finish_reason": reply.finish_reason}
        ],
        "usage": _usage(reply),
    }


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
    return {
        "id": "cmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _words(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text) or [text]


def _handler_for(server: FakeChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            raw = self.rfile.read(length)
            body = json.loads(raw) if raw else {}
            if self.path.split("?")[0] != CHAT_PATH:
                self._send(404, '{"message": "not found"}')
                return
            request = RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            behaviour = server.next_behaviour(request)
            # A client that gave up (timeout) has closed the connection: nothing to answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._respond(behaviour, streaming=bool(body.get("stream")))

        def _respond(self, behaviour: Behaviour, *, streaming: bool) -> None:
            if isinstance(behaviour, Slow):
                if server.stopping.wait(behaviour.delay_s):
                    return
                behaviour = behaviour.then
            if isinstance(behaviour, Status):
                self._send(behaviour.code, behaviour.body, headers=behaviour.headers)
            elif isinstance(behaviour, Malformed):
                self._send(200, behaviour.body, content_type=behaviour.content_type)
            elif isinstance(behaviour, Truncated):
                words = _words(behaviour.text)
                self._stream([_chunk(server.model, {"content": w}, None) for w in words[: max(1, len(words) // 2)]])
            elif isinstance(behaviour, Paused):
                words = _words(behaviour.text)
                self._start_stream()
                self._events([_chunk(server.model, {"content": w}, None) for w in words[: behaviour.pause_after]])
                while not behaviour.resume.wait(0.05):
                    if server.stopping.is_set():
                        return
                self._events([_chunk(server.model, {"content": w}, None) for w in words[behaviour.pause_after :]])
                self._events([_chunk(server.model, {"content": ""}, "stop")], done=True)
            elif streaming:
                events = [_chunk(server.model, {"role": "assistant", "content": ""}, None)]
                events += [_chunk(server.model, {"content": w}, None) for w in _words(behaviour.text)]
                last = _chunk(server.model, {"content": ""}, behaviour.finish_reason)
                last["usage"] = _usage(behaviour)
                self._stream([*events, last], done=True)
            else:
                self._send(200, json.dumps(completion(server.model, behaviour)))

        def _send(
            self,
            code: int,
            body: str,
            *,
            content_type: str = "application/json",
            headers: dict[str, str] | None = None,
        ) -> None:
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, events: list[dict[str, Any]], *, done: bool = False) -> None:
            self._start_stream()
            self._events(events, done=done)

        def _start_stream(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True

        def _events(self, events: list[dict[str, Any]], *, done: bool = False) -> None:
            for event in events:
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            if done:
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

    return Handler
