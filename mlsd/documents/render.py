"""Jinja templates to Markdown: the environment, the Markdown filters and template lookup.

User text (answers, questions, case prose) only ever enters a template as a *value*; it is
never compiled, so ``{{ ... }}`` typed in an answer comes out exactly as typed. Markdown
has no autoescape, so the filters below do that job: they make a value render as exactly
the characters the user typed, and never as a heading, fence, list, table, HTML or any
other structure. Every template, bundled or the user's own, runs in Jinja's immutable
sandbox with ``StrictUndefined``, loads only from the template roots and is bounded in
size and work (``mlsd.documents.sandbox``); every template problem becomes a
``TemplateError`` that names the file and line, before anything is written. An exception
inside one of mlsd's own filters is mlsd's bug, not the template's, and is reported so.

The escapes themselves are in ``mlsd.documents.markdown``; the filters reach them through
names in this module, where a test can stand one in for a bug in mlsd.

Imported lazily by the commands that render (it pulls in jinja2).
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import os
from collections.abc import Callable, Mapping
from functools import lru_cache, wraps
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2 import FileSystemBytecodeCache, StrictUndefined
from jinja2.bccache import Bucket
from jinja2.exceptions import SecurityError

from mlsd._util import paths, textflow
from mlsd._util.formatting import clock, number, percent
from mlsd._util.textsafe import controls_visible, visible
from mlsd.cases.brief import CaseBrief
from mlsd.documents.limits import MAX_OUTPUT, TemplateLimitError, end_budget, new_budget
from mlsd.documents.markdown import escape_inline as _escape_inline
from mlsd.documents.markdown import escape_line_start as _escape_line_start
from mlsd.documents.markdown import spaced_pairs as _spaced_pairs
from mlsd.documents.sandbox import BoundedSandbox
from mlsd.documents.template_loader import RootedLoader
from mlsd.errors import MlsdError, TemplateError

DESIGN_DOC = "design_doc.md.j2"
CANDIDATE_BRIEF = "candidate_brief.md.j2"
SCORECARD = "scorecard.md.j2"


def md_block(value: object, hard_breaks: bool | None = None) -> str:
    """A multi-line text as Markdown paragraphs that show exactly what was typed.

    Blank lines separate paragraphs. Within one, a typed line break stays a line break (a
    hard break, ``\\`` at the line's end) where it means something, and is kept as an
    ordinary newline where it is only wrapping (``mlsd._util.textflow``), so prose typed in an
    editor reads as prose; ``hard_breaks`` true or false forces one or the other. Nothing
    in the text can become structure: no heading, setext underline, fence, list, quote,
    table, HTML, thematic break or front matter; and only what would act as Markdown is
    escaped. Whitespace at line ends and runs of blank lines, which Markdown would not
    show anyway, are dropped. Place the result on its own, with a blank line before and
    after it.
    """
    text = visible(value)
    brackets = "]" in text
    spaced = _spaced_pairs(text)
    paras = textflow.paragraphs(text)
    width = textflow.wrap_width(paras)
    out: list[str] = []
    for lines in paras:
        # Leading spaces on a paragraph's first line would start a code block.
        parts = [
            _escape_line_start(lines[0].lstrip(" \t"), known=True, brackets=brackets, spaced=spaced)
        ]
        for prev, line in itertools.pairwise(lines):
            wrapping = textflow.wrapped(prev, line, width)
            soft = wrapping if hard_breaks is None else not hard_breaks
            parts.append("\n" if soft else "\\\n")
            parts.append(_escape_line_start(line, known=True, brackets=brackets, spaced=spaced))
        out.append("".join(parts))
    return "\n\n".join(out)


def md_inline(value: object) -> str:
    """A text folded onto one line, safe anywhere a line of Markdown goes.

    For headings, list items and quotes: newlines become spaces, and nothing at the start
    (``#``, ``>``, ``-``, ``1.``) or inside (``#`` closing a heading, HTML, links) acts as
    Markdown.
    """
    folded = " ".join(part.strip() for part in visible(value).split("\n") if part.strip())
    return _escape_line_start(folded, frozenset("#"), spaced=_spaced_pairs(folded))


def md_cell(value: object) -> str:
    """A text for one cell of a Markdown table: ``|`` escaped, line breaks as ``<br>``."""
    lines = [part.strip() for part in visible(value).split("\n")]
    spaced = _spaced_pairs(" ".join(lines))
    return "<br>".join(
        _escape_inline(line, frozenset("|"), spaced=spaced) for line in lines if line
    )


def mermaid_label(value: object) -> str:
    """A quoted Mermaid node label: one line, with Mermaid's own entity codes for quotes."""
    text = " ".join(visible(value).split())
    for ch, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        text = text.replace(ch, code)
    return f'"{text}"'


class _FilterBugError(Exception):
    """An exception raised inside one of mlsd's own filters: a bug in mlsd."""

    def __init__(self, name: str, error: Exception) -> None:
        super().__init__(f"{name}: {type(error).__name__}: {error}")
        self.name = name
        self.error = error


def _real_number(value: object, *, none_ok: bool = False) -> bool:
    if value is None:
        return none_ok
    return isinstance(value, (int, float))


def _own(name: str, func: Callable[..., str], numeric: bool = False) -> Callable[..., str]:
    """One of mlsd's filters: the template's mistakes stay template errors, its bugs not.

    Calling a filter with the wrong arguments, or a number filter with a non-number, is
    the template's mistake (a ``TypeError`` naming the filter). Anything raised after
    that, from inside the filter, is mlsd's bug and is reported as one.
    """
    signature = inspect.signature(func)

    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> str:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"the {name} filter: {exc}") from None
        if numeric and args and not _real_number(args[0], none_ok=name == "percent"):
            if isinstance(args[0], jinja2.Undefined):
                str(args[0])  # raises UndefinedError naming the missing variable
            raise TypeError(f"the {name} filter needs a number, not {type(args[0]).__name__}")
        try:
            return func(*args, **kwargs)
        except (jinja2.TemplateError, MemoryError, RecursionError):
            raise  # an undefined value handed in, or a limit: the template's doing
        except Exception as exc:
            raise _FilterBugError(name, exc) from exc

    return run


FILTERS: dict[str, Callable[..., str]] = {
    "md_block": _own("md_block", md_block),
    "md_inline": _own("md_inline", md_inline),
    "md_cell": _own("md_cell", md_cell),
    "mermaid_label": _own("mermaid_label", mermaid_label),
    "clock": _own("clock", clock, numeric=True),
    "percent": _own("percent", percent, numeric=True),
    "number": _own("number", number, numeric=True),
}


# -- templates ----------------------------------------------------------------------------


def user_templates_dir() -> Path:
    return paths.home_dir() / "templates"


class _QuietBytecodeCache(FileSystemBytecodeCache):
    """Jinja's compiled-template cache; an unwritable cache folder only costs speed."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    # Compiling the design doc template is most of an export's cost in a fresh process;
    # Jinja checks each cached entry against the template's source, so it is never stale.
    folder = paths.cache_dir() / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(str(folder))


@lru_cache(maxsize=8)
def _environment(search_path: tuple[str, ...]) -> jinja2.Environment:
    """One sandboxed environment per search path, so compiled templates are reused."""
    env = BoundedSandbox(
        loader=RootedLoader(search_path),
        bytecode_cache=_bytecode_cache(),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.add_filters(FILTERS)
    return env


def _locate(name: str, template: Path | None) -> tuple[tuple[str, ...], str]:
    """The search path and name for ``--template FILE``, else ``$MLSD_HOME`` then bundled."""
    fallback = (str(user_templates_dir()), str(paths.bundled_templates_dir()))
    if template is None:
        return fallback, name
    if not template.is_file():
        raise TemplateError(f"{template}: no such template file")
    return (str(template.parent), *fallback), template.name


def render(name: str, context: Mapping[str, Any], template: Path | None = None) -> str:
    """Render a template to text, or raise ``TemplateError`` naming the file and line.

    The document is capped at ``MAX_OUTPUT`` characters while it is produced, and any
    control character the template itself writes is shown, not kept (``visible``).
    """
    search_path, lookup = _locate(name, template)
    budget = new_budget()
    shown = lookup  # where a problem is, when no template line can be named
    try:
        compiled = _environment(search_path).get_template(lookup)
        shown = compiled.filename or lookup
        text = _capped(compiled.generate(context))
    except TemplateLimitError as exc:
        where = _where(exc.__traceback__, shown)
        raise TemplateError(f"{where}: over a template limit: {exc}") from None
    except _FilterBugError as exc:
        if os.environ.get("MLSD_DEBUG"):
            raise
        raise MlsdError(
            f"internal error in mlsd's {exc.name} filter, called at "
            f"{_where(exc.__traceback__, shown)}: {type(exc.error).__name__}: {exc.error}\n"
            "This is a bug in mlsd, not in your template. Run again with MLSD_DEBUG=1 to "
            "see the details."
        ) from None
    except (MemoryError, RecursionError) as exc:
        what = "runs out of memory" if isinstance(exc, MemoryError) else "nests too deeply"
        raise TemplateError(f"{_where(exc.__traceback__, shown)}: the template {what}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"{_where(exc.__traceback__, lookup)}: template {exc.name!r} not found in "
            f"{' or '.join(search_path)}"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or lookup
        raise TemplateError(f"{where}:{exc.lineno}: syntax error: {exc.message}") from None
    except UnicodeDecodeError as exc:
        raise TemplateError(f"{lookup}: the template is not UTF-8 text ({exc.reason})") from None
    except (
        jinja2.TemplateError,
        TypeError,
        ValueError,
        ArithmeticError,
        LookupError,
        AttributeError,
    ) as exc:
        raise TemplateError(_runtime_message(exc, lookup)) from None
    finally:
        end_budget(budget)
    return controls_visible(text.rstrip("\n")) + "\n"


def _capped(chunks: Any) -> str:
    """The rendered chunks joined, stopped as soon as they pass ``MAX_OUTPUT``."""
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise TemplateLimitError(
                f"the document would pass {MAX_OUTPUT // (1024 * 1024)} MiB "
                f"({MAX_OUTPUT:,} characters)"
            )
        out.append(chunk)
    return "".join(out)


def _where(tb: TracebackType | None, lookup: str) -> str:
    """``file:line`` of the innermost template frame, from Jinja's rewritten traceback."""
    where = lookup
    while tb is not None:
        # Jinja replaces template frames by fake ones that carry this global.
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _runtime_message(exc: BaseException, lookup: str) -> str:
    """``file:line: what went wrong``, the line taken from Jinja's rewritten traceback."""
    where = _where(exc.__traceback__, lookup)
    if isinstance(exc, SecurityError):
        what = f"not allowed in a template: {exc}"
    elif isinstance(exc, jinja2.UndefinedError):
        what = f"undefined: {exc} (see docs/templates.md for the names a template can use)"
    else:
        what = f"{type(exc).__name__}: {exc}"
    return f"{where}: {what}"


def render_brief(brief: CaseBrief, template: Path | None = None) -> str:
    """The candidate's brief as Markdown (``mlsd show CASE --format md``)."""
    return render(CANDIDATE_BRIEF, {"format": 1, "brief": brief.to_json()}, template)
