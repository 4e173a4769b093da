"""The template sandbox: Jinja's immutable sandbox with mlsd's work limits wired in.

Templates are shared like case packs, by strangers, so a template is untrusted code.
Jinja's sandbox stops it reaching Python internals; the host must bound what it may do
(``mlsd.documents.limits``) and where it may load from
(``mlsd.documents.template_loader``). This module wires the limits into Jinja: the
intercepted operators, every sandboxed call, every filter, every ``for`` loop and every
``~`` (through the code generator) and every printed ``{{ }}`` (through ``finalize``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable, Iterator
from functools import wraps
from typing import Any

import jinja2
from jinja2 import filters as jinja_filters
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, operators
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from mlsd.documents.limits import (
    CALL_STEPS,
    KIB_PER_STEP,
    MAX_SIZE,
    bounded_concat,
    check_binop,
    check_method,
    check_printf,
    check_replace,
    check_result,
    counted,
    deep_size,
    finalize,
    is_int,
    read,
    size_ok,
    step,
)

# -- filters ------------------------------------------------------------------------------


def _bounded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that charges a step and whose result is capped like a call's."""

    @wraps(func)  # keeps jinja's pass_context/pass_environment marker
    def filtered(*args: Any, **kwargs: Any) -> Any:
        step(CALL_STEPS)
        # The value filtered (after a context or environment, if any) is read whole; and
        # most filters turn it into text (string, tojson, upper, ...): measure a list that
        # repeats itself before it is written out.
        for value in args[:2]:
            read(value)
            if isinstance(value, (list, tuple, dict, set, frozenset)):
                size_ok(deep_size(value), f"the value given to {name}")
        return check_result(func(*args, **kwargs))

    return filtered


def _center(value: object, width: int = 80) -> str:
    if is_int(width):
        size_ok(width, "center()")
    return jinja_filters.do_center(str(value), width)


def _indent(s: object, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(s)
    pad = len(width) if isinstance(width, str) else width if is_int(width) else 0
    size_ok(len(text) + (text.count("\n") + 1) * max(pad, 0), "an indented string")
    return jinja_filters.do_indent(text, width, first, blank)


@jinja2.pass_environment
def _wordwrap(
    environment: jinja2.Environment, s: object, width: int = 79, *args: Any, **kwargs: Any
) -> str:
    text = str(s)
    wrapstring = kwargs.get("wrapstring", args[1] if len(args) > 1 else None)
    if isinstance(wrapstring, str) and is_int(width):
        size_ok(len(text) + (len(text) // max(width, 1) + 1) * len(wrapstring), "a wrapped string")
    return jinja_filters.do_wordwrap(environment, text, width, *args, **kwargs)


@jinja2.pass_eval_context
def _replace(eval_ctx: Any, s: object, old: str, new: str, count: int | None = None) -> str:
    check_replace(str(s), old, new, -1 if count is None else count)
    return jinja_filters.do_replace(eval_ctx, s, old, new, count)  # type: ignore[arg-type]  # jinja converts


@jinja2.pass_eval_context
def _join(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    items = list(value)
    step(len(items))
    total = deep_size(items) if attribute is None else 0
    size_ok(total + len(str(d)) * max(len(items) - 1, 0), "a joined string")
    return jinja_filters.sync_do_join(eval_ctx, items, d, attribute)


def _format(value: object, *args: Any, **kwargs: Any) -> str:
    check_printf(str(value))
    return jinja_filters.do_format(str(value), *args, **kwargs)


def _batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Iterator[list[Any]]:
    if is_int(linecount):
        size_ok(linecount, "a batch")
    return jinja_filters.do_batch(value, linecount, fill_with)


def _slice(value: Collection[Any], slices: int, fill_with: Any = None) -> Iterator[list[Any]]:
    if is_int(slices):
        size_ok(slices, "slice()")
    return jinja_filters.sync_do_slice(value, slices, fill_with)


@jinja2.pass_environment
def _sum(
    environment: jinja2.Environment, iterable: Iterable[Any], attribute: Any = None, start: Any = 0
) -> Any:
    """Jinja's ``sum``, checked as it goes; lists and tuples in linear time.

    Python's ``sum`` copies the running list on every item: quadratic, minutes for a few
    thousand lists, each result under ``MAX_SIZE``.
    """
    if attribute is not None:
        getter = jinja_filters.make_attrgetter(environment, attribute)
        iterable = map(getter, iterable)
    if isinstance(start, (list, tuple)):
        kind = type(start)
        out = list(start)
        for item in iterable:
            if not isinstance(item, kind):
                raise TypeError(f"sum: cannot add {type(item).__name__} to {kind.__name__}")
            step(1 + len(item) // KIB_PER_STEP)  # the copying done, not the running size
            if len(out) + len(item) > MAX_SIZE:
                size_ok(len(out) + len(item), "a summed list")
            out.extend(item)
        return out if kind is list else tuple(out)
    total = start
    for item in iterable:
        step()
        check_binop("+", total, item)
        total = total + item
    return total


_GUARDED: dict[str, Callable[..., Any]] = {
    "center": _center,
    "indent": _indent,
    "wordwrap": _wordwrap,
    "replace": _replace,
    "join": _join,
    "format": _format,
    "batch": _batch,
    "slice": _slice,
    "sum": _sum,
}


# -- the environment ----------------------------------------------------------------------


class _CountingCodeGenerator(CodeGenerator):
    """Jinja's code generator with every ``for`` loop counted and ``~`` bounded.

    ``code_generator_class`` is Jinja's documented hook for changing the compiled code.
    """

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        loop = copy.copy(node)
        loop.iter = nodes.Call(
            nodes.EnvironmentAttribute("mlsd_counted", lineno=node.lineno),
            [node.iter],
            [],
            None,
            None,
            lineno=node.lineno,
        )
        super().visit_For(loop, frame)

    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        # `in`, `==`, `<` ... read their operands: each is charged like a filter's input
        self.write("(environment.mlsd_read(")
        self.visit(node.expr, frame)
        self.write(")")
        for op in node.ops:
            self.visit(op, frame)
        self.write(")")

    def visit_Operand(self, node: nodes.Operand, frame: Frame) -> None:
        self.write(f" {operators[node.op]} environment.mlsd_read(")
        self.visit(node.expr, frame)
        self.write(")")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.mlsd_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the work limits described in the module docstring."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _CountingCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=finalize, **options)
        # lipsum(n, max=...) writes as much text as asked; no document needs it.
        self.globals.pop("lipsum", None)
        for name, func in list(self.filters.items()):
            self.filters[name] = _bounded(name, _GUARDED.get(name, func))

    def add_filters(self, extra: dict[str, Callable[..., Any]]) -> None:
        for name, func in extra.items():
            self.filters[name] = _bounded(name, func)

    mlsd_counted = staticmethod(counted)
    mlsd_read = staticmethod(read)
    mlsd_concat = staticmethod(bounded_concat)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        step(CALL_STEPS)
        if isinstance(obj, LoopContext) and args:  # a recursive loop's loop(children)
            args = (counted(args[0]), *args[1:])
        else:
            args = check_method(obj, args, kwargs)
            read(getattr(obj, "__self__", None))  # a string method reads its string
            for value in args:
                read(value)
        return check_result(super().call(context, obj, *args, **kwargs))
