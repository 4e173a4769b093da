"""A scripted OpenAI-compatible server on 127.0.0.1, for driving llm -> HTTP -> mlsd.

Tests never use a network or a real model. ``serve`` starts this server in a thread on
a real socket, registers it with llm as the model ``stub`` through
``extra-openai-models.yaml`` in a temporary ``LLM_USER_PATH``, and yields it; a test
scripts the replies (JSON content, a 500, a slow reply, a dropped connection) and reads
back the requests llm sent. Both the streaming (SSE) and the plain JSON forms of
``/v1/chat/completions`` are served, whichever llm asks for.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

MODEL = "stub"


@dataclass
class Reply:
    content: str | None = None  # the assistant message's text
    status: int = 200
    delay: float = 0.0  # seconds to hold the reply (cut short when the server stops)
    drop: bool = False  # close the connection without a reply
    refusal: str | None = None


Script = Reply | Callable[[dict[str, Any]], Reply]


def json_reply(data: object) -> Reply:
    return Reply(content=json.dumps(data))


class StubServer:
    def __init__(self) -> None:
        self.script: deque[Script] = deque()
        self.default: Script | None = None
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def reply(self, *replies: Script) -> None:
        """Queue replies, used in order; ``default`` answers once the queue is empty."""
        self.script.extend(replies)

    def next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            item = self.script.popleft() if self.script else self.default
        if item is None:
            return Reply(status=500, content="no scripted reply left")
        return item(body) if callable(item) else item

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.release.set()  # a held (slow) reply ends now
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(server: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            data = {"object": "list", "data": [{"id": MODEL, "object": "model"}]}
            self._send(200, json.dumps(data).encode(), "application/json", {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            reply = server.next_reply(body)
            if reply.delay:
                server.release.wait(reply.delay)
            if reply.drop:
                self.close_connection = True
                self.connection.close()
                return
            if reply.status != 200:
                error = {"error": {"message": reply.content or "boom", "type": "server_error"}}
                # The openai client would retry a 5xx twice on its own; mlsd's retry is
                # the one under test, so the server says not to.
                self._send(
                    reply.status,
                    json.dumps(error).encode(),
                    "application/json",
                    {"x-should-retry": "false"},
                )
                return
            if body.get("stream"):
                self._stream(reply)
            else:
                self._send(200, json.dumps(_completion(reply)).encode(), "application/json", {})

        def _stream(self, reply: Reply) -> None:
            chunks = [
                _chunk({"role": "assistant", "content": reply.content or ""}, None),
                _chunk({}, "stop"),
            ]
            text = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
            self._send(200, text.encode(), "text/event-stream", {})

    return Handler


def _completion(reply: Reply) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": reply.content,
                    "refusal": reply.refusal,
                },
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def _chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def register(
    llm_dir: Path, url: str, *, supports_schema: bool = True, key_name: str | None = None
) -> None:
    """Declare the stub to llm, as a user declares a local server (docs/ai.md)."""
    llm_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        f"- model_id: {MODEL}",
        "  model_name: stub-model",
        f"  api_base: {url}",
    ]
    if supports_schema:
        lines.append("  supports_schema: true")
    if key_name:
        lines.append(f"  api_key_name: {key_name}")
    (llm_dir / "extra-openai-models.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextmanager
def serve(
    llm_dir: Path, monkeypatch: pytest.MonkeyPatch, *, supports_schema: bool = True
) -> Iterator[StubServer]:
    """The stub, registered in a fresh LLM_USER_PATH (for subprocesses too: os.environ)."""
    server = StubServer()
    server.start()
    register(llm_dir, server.url, supports_schema=supports_schema)
    monkeypatch.setenv("LLM_USER_PATH", str(llm_dir))
    monkeypatch.setenv("MLSD_AI_RETRY_DELAY", "0")
    monkeypatch.delenv("MLSD_MODEL", raising=False)
    monkeypatch.delenv("MLSD_AI_TIMEOUT", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    try:
        yield server
    finally:
        server.stop()


# -- reading what mlsd asked, to script a fitting reply -----------------------------------


def schema_of(request: dict[str, Any]) -> dict[str, Any]:
    fmt = request.get("response_format") or {}
    schema: dict[str, Any] = fmt.get("json_schema", {}).get("schema", {})
    return schema


def point_keys(request: dict[str, Any]) -> list[str]:
    """The point keys the judge request allows (the enum in its reply schema)."""
    props = schema_of(request)["$defs"]["PointReply"]["properties"]
    return [str(k) for k in props["point"]["enum"]]


def prompt_text(request: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content") or "") for m in request.get("messages", []))


def verdicts(
    decide: Callable[[str], tuple[str, str]], mistakes: list[dict[str, str]] | None = None
) -> Callable[[dict[str, Any]], Reply]:
    """A judge reply built from the request: ``decide(key) -> (verdict, quote)`` per point."""

    def build(request: dict[str, Any]) -> Reply:
        points = []
        for key in point_keys(request):
            verdict, quote = decide(key)
            points.append({"point": key, "verdict": verdict, "quote": quote, "reason": "stub"})
        return json_reply({"points": points, "mistakes": mistakes or []})

    return build
