"""How much work a user template may do: the limits and the per-render budget.

Templates are untrusted code (see ``mlsd.documents.sandbox``). String and list
repetition, concatenation, ``%`` formatting and powers are checked before they run; every
call, loop iteration, printed expression and bit of copying is charged to a budget kept
per render; results of calls and filters and the rendered document are capped. A template
that passes a limit fails with ``TemplateLimitError`` (turned into a ``TemplateError``
naming its file and line by ``render``) before memory or time run out. Every limit is a
count, never a clock, so a slow machine renders exactly what a fast one does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from jinja2.exceptions import SecurityError

MAX_TEMPLATE_BYTES = 1024 * 1024  # a template file: far more than any document needs
MAX_OUTPUT = 5 * 1024 * 1024  # characters in the rendered document
MAX_SIZE = MAX_OUTPUT  # the longest string, list or mapping a template may build
MAX_INT_BITS = 4096  # a 1,233-digit number is more than any document shows
MAX_STEPS = 1_000_000  # work units in one render: see step
CALL_STEPS = 5  # a call (a macro above all) costs about five loop iterations
KIB_PER_STEP = 1024  # building a string or list costs a step per KiB
READ_PER_STEP = 32  # reading one (a filter, a method, `in`, `==`) a step per 32 characters
MAX_PRINTED = 5 * MAX_OUTPUT  # characters printed by {{ }}, in blocks and macros too


class TemplateRefusedError(SecurityError):
    """A template name or file outside the template roots."""


class TemplateLimitError(SecurityError):
    """A template that would pass one of the limits above."""


class _Budget:
    def __init__(self) -> None:
        self.steps = 0
        self.printed = 0

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > MAX_STEPS:
            raise TemplateLimitError(
                f"the template does too much work: more than {MAX_STEPS:,} steps of loops, "
                "calls, copying and reading (a loop inside a loop over big ranges, or a big "
                "text read again on every pass?)"
            )

    def print(self, size: int) -> None:
        self.printed += size
        if self.printed > MAX_PRINTED:
            raise TemplateLimitError(f"the template prints more than {MAX_PRINTED:,} characters")


_BUDGET: ContextVar[_Budget | None] = ContextVar("mlsd_template_budget", default=None)


def new_budget() -> object:
    """Start a render's budget; hand the token back to ``end_budget``."""
    return _BUDGET.set(_Budget())


def end_budget(token: object) -> None:
    _BUDGET.reset(token)  # type: ignore[arg-type]  # the token new_budget returned


def step(count: int = 1) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.step(count)


def read(value: object) -> object:
    """``value``, after charging the budget for a pass over it.

    A filter, a string method or a comparison reads its whole input: ``wordcount`` of a
    5 MB string 166,000 times fitted a budget that counted the call alone (14 hours).
    """
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        step(len(value) // READ_PER_STEP)
    return value


# -- sizes --------------------------------------------------------------------------------


def size_ok(size: int, what: str) -> None:
    """Refuse building something over ``MAX_SIZE``; charge the copying to the budget.

    Charging by size keeps a loop that copies a big string on every pass (quadratic
    work, each result under the limit) from running for minutes.
    """
    if size > MAX_SIZE:
        raise TemplateLimitError(f"{what} would be {size:,} long; the limit is {MAX_SIZE:,}")
    if size >= KIB_PER_STEP:
        step(size // KIB_PER_STEP)


_CONTAINERS = (list, tuple, dict, set, frozenset)
_MAX_DEPTH = 100


def deep_size(value: object) -> int:
    """What ``str(value)`` would have to write, roughly: characters plus elements.

    A list can hold itself many times over at no cost (``[l] * 100`` nested ten deep is a
    few kilobytes), yet printing it writes each copy. Sizes are memoised by identity, so
    measuring costs only the objects that really exist.
    """
    seen: dict[int, int] = {}

    def size(item: object, depth: int) -> int:
        if isinstance(item, (str, bytes)):
            return len(item)
        if not isinstance(item, _CONTAINERS):
            return 1
        key = id(item)
        if key not in seen:
            if depth > _MAX_DEPTH:
                raise TemplateLimitError(f"a value nested more than {_MAX_DEPTH} deep")
            seen[key] = 0  # a cycle (impossible in the immutable sandbox) adds nothing
            # Keys and values, not items(): a memo by id needs objects that stay alive.
            parts = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            total = 1  # the brackets; each element adds its own size
            for part in parts:
                total += size(part, depth + 1)
                if total > MAX_SIZE:
                    break  # already too big: no need to measure the rest
            seen[key] = total
            step(1 + len(item) // KIB_PER_STEP)
        return seen[key]

    return size(value, 0)


def check_result(value: object) -> object:
    """A value a call or filter produced, refused if it is bigger than ``MAX_SIZE``."""
    if isinstance(value, (str, bytes)):
        size_ok(len(value), "a value")
    elif isinstance(value, _CONTAINERS):
        size_ok(deep_size(value), "a value")
    return value


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_SEQUENCES = (str, bytes, list, tuple)
# %-formatting fields: a width or precision given as `*` or as a number.
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def check_printf(template: str | bytes) -> None:
    text = template.decode("latin-1") if isinstance(template, bytes) else template
    for match in _PRINTF.finditer(text):
        for part in match.groups():
            if part == "*":
                raise TemplateLimitError("a `*` width or precision in % formatting")
            if part is not None and len(part) > 7:
                size_ok(int(part), "a % formatting width")


def _check_format_spec(template: str) -> None:
    """``str.format`` widths and precisions, which can ask for any amount of padding."""
    for number in re.findall(r"\d+", "".join(re.findall(r"\{[^{}]*:[^{}]*\}", template))):
        if len(number) > 7:
            size_ok(int(number), "a format width")
    if re.search(r"\{[^{}]*:[^{}]*\{", template):
        raise TemplateLimitError("a nested {width} in a format string")


def check_binop(operator: str, left: object, right: object) -> None:
    """Refuse ``*``, ``**``, ``+`` and ``%`` whose result would be too big to build."""
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, _SEQUENCES) and is_int(n):
                times = max(int(n), 0)  # type: ignore[call-overload]  # n is an int
                size_ok(len(seq) * times, "a repeated string or list")
                size_ok(deep_size(seq) * times, "a repeated list")
        if is_int(left) and is_int(right):
            bits = int(left).bit_length() + int(right).bit_length()  # type: ignore[call-overload]  # both ints
            if bits > MAX_INT_BITS:
                raise TemplateLimitError(f"a product of more than {MAX_INT_BITS} bits")
    elif operator == "**" and is_int(left) and is_int(right):
        base, exponent = int(left), int(right)  # type: ignore[call-overload]  # both ints
        if abs(base) > 1 and exponent > 0 and abs(base).bit_length() * exponent > MAX_INT_BITS:
            raise TemplateLimitError(
                f"{base} ** {exponent} is too big (more than {MAX_INT_BITS} bits)"
            )
    elif operator == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        size_ok(len(left) + len(right), "a joined string or list")
        size_ok(deep_size(left) + deep_size(right), "a joined list")
    elif operator == "%" and isinstance(left, (str, bytes)):
        check_printf(left)
        size_ok(len(left) + deep_size(right), "a % formatted string")


# -- calls --------------------------------------------------------------------------------

_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill"})


def check_method(obj: object, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Pre-check a str/bytes method that can make its result far bigger than its input."""
    method = getattr(obj, "__wrapped__", obj)  # jinja wraps str.format for its formatter
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if not isinstance(owner, (str, bytes)):
        return args
    if name in _WIDTH_METHODS and args and is_int(args[0]):
        size_ok(args[0], f"{name}()")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if is_int(size):
            tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
            size_ok(len(owner) + tabs * size, name)
    elif name == "replace" and len(args) >= 2:
        check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1)
    elif name == "join" and args:
        items = list(args[0])
        step(len(items))
        total = sum(len(i) for i in items if isinstance(i, (str, bytes)))
        size_ok(total + len(owner) * max(len(items) - 1, 0), "a joined string")
        return (items, *args[1:])
    elif name in ("format", "format_map") and isinstance(owner, str):
        _check_format_spec(owner)
        size_ok(len(owner) + deep_size([args, kwargs]), "a formatted string")
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str)), default=1)
        size_ok(len(owner) * max(longest, 1), "a translated string")
    return args


def check_replace(text: object, old: object, new: object, count: object) -> None:
    if not (isinstance(text, (str, bytes)) and isinstance(old, type(text))):
        return
    if not isinstance(new, (str, bytes)):
        return
    times = len(text) + 1 if not old else text.count(old)  # type: ignore[arg-type]  # same type
    if is_int(count) and int(count) >= 0:  # type: ignore[call-overload]  # an int
        times = min(times, int(count))  # type: ignore[call-overload]  # an int
    size_ok(len(text) + times * max(len(new) - len(old), 0), "a replaced string")


def counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """``iterable``, charging the render's budget one step per item (every ``for`` loop)."""
    for item in iterable:
        step()
        yield item


def bounded_concat(parts: Sequence[object]) -> str:
    """The ``~`` operator, refused before it builds a string over ``MAX_SIZE``."""
    size_ok(sum(deep_size(p) for p in parts), "a string joined with ~")
    texts = [str(p) for p in parts]
    size_ok(sum(len(t) for t in texts), "a string joined with ~")
    return "".join(texts)


def finalize(value: Any) -> Any:
    """Every ``{{ }}`` output, charged to the budget (macros and set blocks included)."""
    budget = _BUDGET.get()
    if budget is not None and value is not None:
        size = deep_size(value) if isinstance(value, (str, *_CONTAINERS)) else 16
        if size > MAX_SIZE:  # a list that repeats itself would print far more than it holds
            size_ok(size, "a printed value")
        budget.print(size)
    return value
