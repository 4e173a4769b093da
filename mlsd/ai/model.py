"""The model layer: one typed request to whatever model the user has set up for ``llm``.

``llm`` (an optional extra) owns models, plugins and keys; mlsd never reads or stores a
key. This module adds what a coach needs on top and ``llm`` does not give: a wall-clock
bound on every request (llm has no timeout option, simonw/llm#1279), one retry with
backoff for the failures that can pass, a strict parse of the reply into a pydantic
model, and one short sentence for every way it can fail, so that a caller can print it
and carry on offline. ``llm`` is imported inside functions only: ``mlsd --help``,
``list`` and a practice without a model never load it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from mlsd.errors import MlsdError

if TYPE_CHECKING:
    from llm import Model
    from pydantic import BaseModel

MODEL_ENV = "MLSD_MODEL"
TIMEOUT_ENV = "MLSD_AI_TIMEOUT"
RETRY_DELAY_ENV = "MLSD_AI_RETRY_DELAY"
INSTALL = "pip install 'mlsd[ai]'"
# A local model on a laptop can take a minute over a whole session; past two, give up.
DEFAULT_TIMEOUT = 120.0
DEFAULT_RETRY_DELAY = 2.0
MESSAGE_CAP = 200  # characters of a server's own error text kept in a one-line message
# The longest reply read. Every reply mlsd asks for is a few kilobytes (each text field is
# capped at 2,000 characters); a server that streams without end is cut off here rather
# than filling memory (see ``_request``).
MAX_REPLY = 1_000_000

R = TypeVar("R", bound="BaseModel")


class AiUnavailable(MlsdError):
    """The model could not give a usable answer; ``message`` is one line for the user."""


def chosen_model(option: str | None) -> str | None:
    """``--model NAME``, else ``MLSD_MODEL``; None means offline only."""
    name = option if option is not None else os.environ.get(MODEL_ENV, "")
    return name.strip() or None


def _seconds(env: str, default: float) -> float:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise MlsdError(f"{env}={raw!r}: expected a number of seconds") from None
    if not 0 <= value <= 3600:
        raise MlsdError(f"{env}={raw!r}: expected between 0 and 3600 seconds")
    return value


@dataclass(frozen=True)
class Settings:
    """How long to wait for a reply, and before the one retry."""

    timeout: float = DEFAULT_TIMEOUT
    retry_delay: float = DEFAULT_RETRY_DELAY

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            timeout=_seconds(TIMEOUT_ENV, DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT,
            retry_delay=_seconds(RETRY_DELAY_ENV, DEFAULT_RETRY_DELAY),
        )


@dataclass(frozen=True)
class Destination:
    """Who receives the candidate's text: said before the first request of a session."""

    model_id: str
    host: str  # the api_base, or "hosted by the plugin (name)"
    supports_schema: bool

    @property
    def local(self) -> bool:
        """The model answers on this machine (an api_base on the loopback)."""
        from urllib.parse import urlsplit

        if "://" not in self.host:
            return False
        name = (urlsplit(self.host).hostname or "").lower()
        return name in {"localhost", "::1"} or name.startswith("127.")

    def sentence(self) -> str:
        if self.local:
            return (
                f"AI: your answers and the case go to the model {self.model_id} on this "
                f"machine ({self.host}); nothing leaves it."
            )
        return (
            f"AI: your answers and the case are sent to the model {self.model_id} "
            f"({self.host}); nothing else leaves this machine."
        )


def _one_line(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MESSAGE_CAP else line[: MESSAGE_CAP - 1] + "…"


def load_model(name: str) -> Model:
    """The ``llm`` model called ``name`` (an id or alias), or a one-line reason why not."""
    try:
        import llm
    except ImportError:
        raise AiUnavailable(f"the AI features need the optional extra: {INSTALL}") from None
    try:
        return llm.get_model(name)
    except llm.UnknownModelError:
        raise AiUnavailable(
            f"llm knows no model called {name!r}; `llm models` lists the ones it knows"
        ) from None
    except Exception as exc:  # a plugin or a broken extra-openai-models.yaml
        raise AiUnavailable(f"llm could not load its models: {_one_line(exc)}") from None


def destination_of(model: Model) -> Destination:
    api_base = getattr(model, "api_base", None)
    module = type(model).__module__
    # llm's own OpenAI models live in llm itself; a plugin is named by its package
    plugin = (
        "OpenAI (llm's built-in models)"
        if module.startswith("llm.default_plugins.openai")
        else module.split(".")[0]
    )
    host = str(api_base) if api_base else f"hosted by {plugin}"
    return Destination(model.model_id, host, bool(getattr(model, "supports_schema", False)))


class _TimedOut(Exception):
    pass


class _TooLong(Exception):
    pass


def _bounded(work: Callable[[threading.Event], str], timeout: float) -> str:
    """Run ``work`` in a daemon thread and stop waiting after ``timeout`` seconds.

    A request blocked in a read cannot be cancelled from here; it is abandoned, and its
    thread dies with the process, so a hung server never holds the session. ``work`` is
    handed an event set when it is abandoned: a reply still streaming in stops being
    read at its next piece, so a server that never stops sending cannot go on filling
    memory for the rest of a practice session.
    """
    done: list[str] = []
    failed: list[BaseException] = []
    abandoned = threading.Event()

    def run() -> None:
        try:
            done.append(work(abandoned))
        except BaseException as exc:  # handed to the waiting thread, which classifies it
            failed.append(exc)

    thread = threading.Thread(target=run, name="mlsd-ai-request", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        abandoned.set()
        raise _TimedOut
    if failed:
        raise failed[0]
    return done[0]


def _classify(exc: BaseException, dest: Destination, timeout: float) -> tuple[str, bool]:
    """(one line for the user, worth one retry). By class name: no plugin SDK is imported."""
    names = {c.__name__ for c in type(exc).__mro__}
    status = getattr(exc, "status_code", None)
    if isinstance(exc, _TooLong):
        return f"{dest.model_id} sent a reply longer than {MAX_REPLY:,} characters", False
    if isinstance(exc, _TimedOut) or "APITimeoutError" in names or isinstance(exc, TimeoutError):
        return f"{dest.model_id} did not answer within {timeout:g} s", True
    if "NeedsKeyException" in names:
        return f"{dest.model_id} needs an API key, which llm manages: {_one_line(exc)}", False
    if "APIConnectionError" in names or isinstance(exc, ConnectionError):
        return (
            f"cannot reach {dest.model_id} at {dest.host} (no network, or the server is down)",
            True,
        )
    if "AuthenticationError" in names or status in (401, 403):
        return f"{dest.host} refused the API key for {dest.model_id} (HTTP {status})", False
    if status == 429:
        return f"{dest.host} is rate-limiting requests (HTTP 429)", True
    if isinstance(status, int) and status >= 500:
        # a local server's own words ("CUDA out of memory") are what its owner needs
        return f"{dest.host} failed with HTTP {status} ({_one_line(exc)})", True
    if isinstance(status, int):
        return f"{dest.host} refused the request (HTTP {status}): {_one_line(exc)}", False
    return f"{dest.model_id} failed: {type(exc).__name__}: {_one_line(exc)}", False


def _json_body(text: str) -> str:
    """The reply, without the one Markdown fence models without a schema mode like to add."""
    body = text.strip()
    if body.startswith("```") and body.endswith("```"):
        body = body[3:-3]
        body = body.split("\n", 1)[1] if "\n" in body else ""
    return body.strip()


class Connection:
    """One model for one command: resolved once, announced once, asked many times."""

    def __init__(
        self,
        name: str,
        *,
        settings: Settings | None = None,
        announce: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        waiting: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> None:
        self.name = name
        self.settings = settings or Settings.from_env()
        self._announce = announce
        # Held while a request is out: a slow model left the screen still for minutes.
        self._waiting = waiting
        self._sleep = sleep
        self._model: Model | None = None
        self._announced = False

    @property
    def model(self) -> Model:
        if self._model is None:
            self._model = load_model(self.name)
        return self._model

    @property
    def destination(self) -> Destination:
        return destination_of(self.model)

    def announce(self) -> Destination:
        """Say once, before any request, which model and host receive the candidate's text."""
        dest = self.destination
        if not self._announced:
            self._announced = True
            if self._announce is not None:
                self._announce(dest.sentence())
        return dest

    def ask(self, system: str, prompt: str, reply: type[R], schema: dict[str, object]) -> R:
        """One request, parsed strictly into ``reply``; AiUnavailable says why not.

        ``schema`` is the JSON schema sent for the reply (it may be narrower than
        ``reply``'s, e.g. with the ids allowed); a model without a schema mode gets it in
        the prompt instead. A timeout, a dropped connection, a 429 or a 5xx is retried
        once after ``retry_delay``; nothing else is.
        """
        dest = self.announce()
        if not dest.supports_schema:
            prompt += (
                "\n\nReply with one JSON object only, no prose, matching this JSON schema:\n"
                + json.dumps(schema)
            )
        with self._waiting():
            text = self._with_retry(lambda stop: self._request(system, prompt, schema, stop), dest)
        return parse_reply(text, reply, dest)

    def _request(
        self, system: str, prompt: str, schema: dict[str, object], stop: threading.Event
    ) -> str:
        """The reply's text, read as it streams so that its length is bounded.

        Read whole (``stream=False``), a reply that never ends is buffered without limit
        by the HTTP client, in a thread nobody waits for any more. Streamed, each piece
        is counted: past ``MAX_REPLY`` characters, or once ``stop`` is set, reading ends
        and the response is closed.
        """
        model = self.model
        options: dict[str, object] = {}
        if "temperature" in model.Options.model_fields:
            options["temperature"] = 0
        response = model.prompt(
            prompt,
            system=system,
            schema=schema if getattr(model, "supports_schema", False) else None,
            stream=True,
            options=options,
        )
        pieces: list[str] = []
        size = 0
        chunks = iter(response)
        try:
            for piece in chunks:
                size += len(piece)
                if size > MAX_REPLY:
                    raise _TooLong
                if stop.is_set():
                    break
                pieces.append(piece)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # ends the generator, which closes the HTTP response
        return "".join(pieces)

    def _with_retry(self, work: Callable[[threading.Event], str], dest: Destination) -> str:
        timeout = self.settings.timeout
        for attempt in (1, 2):
            try:
                return _bounded(work, timeout)
            except KeyboardInterrupt:
                raise AiUnavailable("the request to the model was cancelled (Ctrl-C)") from None
            except Exception as exc:
                message, transient = _classify(exc, dest, timeout)
                if not transient:
                    raise AiUnavailable(message) from None
                if attempt == 2:
                    raise AiUnavailable(f"{message} (tried twice)") from None
            try:
                self._sleep(self.settings.retry_delay)
            except KeyboardInterrupt:
                raise AiUnavailable("the request to the model was cancelled (Ctrl-C)") from None
        raise AssertionError("unreachable")  # pragma: no cover


def parse_reply(text: str, reply: type[R], dest: Destination) -> R:
    """Strict: a reply that is not exactly the JSON asked for is a failure, never guessed at."""
    from pydantic import ValidationError

    body = _json_body(text)
    if not body:
        raise AiUnavailable(f"{dest.model_id} returned an empty reply (a refusal?)")
    try:
        return reply.model_validate_json(body, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the reply"
        raise AiUnavailable(
            f"{dest.model_id}'s reply was not the JSON asked for ({where}: {first['msg']}); "
            "it may have refused"
        ) from None
