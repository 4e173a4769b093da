"""Reading user-editable YAML safely, with every value located by line and column.

Case, framework and answers files are written by hand, so a mistake must be reported as
``path:line:col``. We compose the YAML node tree once, build Python data from it, and keep
a map from each value's path (``("steps", "model", "rubric", 2, "why")``) to its position.

Safety: the safe loader only (the C one when present); anchors, aliases and ``<<:`` merge
keys are refused (they buy nothing in a case file and enable "billion laughs" documents);
a key written twice in one mapping is refused (PyYAML would silently keep the last);
nesting is capped; only regular files are read (``mlsd._util.reading``), and files over
1 MiB, binary files and non-UTF-8 files are refused before parsing. Only
``true``/``false`` are booleans (YAML 1.2), so ``answer: no`` stays the string "no".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlsd._util import reading
from mlsd.errors import FileProblemError, Problem

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
# The largest bundled case holds about 2,600 values; 1 MiB of `[1,1,1,...]` holds 500,000,
# which took 11 s and 800 MB to load and report value by value.
MAX_VALUES = 50_000
# An integer longer than this is refused at its place: Python will not even turn one of
# over 4,300 digits into a number, and no mlsd field needs more than a few.
MAX_INT_CHARS = 100
# A broken file is reported problem by problem, but no more than this many of them.
MAX_PROBLEMS = 20

PathKey = tuple[str | int, ...]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_Base):  # type: ignore[misc]  # _Base is the C or pure loader, chosen at import
    """Safe loader with YAML 1.2 booleans and no timestamps (dates stay strings)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class Located:
    """Parsed YAML data plus where each value was written."""

    path: Path
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def where(self, key: PathKey) -> tuple[int | None, int | None]:
        """The 1-based line and column of ``key``, or of its nearest located parent."""
        for end in range(len(key), -1, -1):
            mark = self.marks.get(key[:end])
            if mark is not None:
                return mark
        return None, None

    def problem(self, key: PathKey, message: str) -> Problem:
        line, column = self.where(key)
        return Problem(self.path, message, line, column, dotted(key))


def dotted(key: PathKey) -> str:
    """``("steps", "model", "rubric", 2, "why")`` -> ``steps.model.rubric[2].why``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def capped(path: Path | str, problems: list[Problem]) -> list[Problem]:
    """The first ``MAX_PROBLEMS`` problems, then one line saying how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem(path, f"… and {more:,} more problems in this file")]


def read_text(path: Path) -> str:
    """Read a user file as UTF-8 text: regular files only, at most 1 MiB, no binary."""
    return reading.read_text_capped(path, MAX_BYTES)


def load(path: Path, text: str | None = None) -> Located:
    """Parse one YAML document from ``path`` (or from ``text``, named ``path``)."""
    if text is None:
        text = read_text(path)
    elif len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise FileProblemError([Problem(path, f"text is over the {MAX_BYTES:,}-byte limit")])
    try:
        _refuse_anchors_and_depth(path, text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _refuse_duplicate_and_merge_keys(path, node)
                _refuse_huge_integers(path, node)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise FileProblemError([_yaml_problem(path, exc)]) from None
    except yaml.YAMLError as exc:
        raise FileProblemError([Problem(path, f"invalid YAML: {exc}")]) from None
    except (ValueError, TypeError, RecursionError) as exc:
        # The constructors raise these for out-of-range values (e.g. a huge int).
        raise FileProblemError([Problem(path, f"invalid YAML value: {exc}")]) from None
    located = Located(path, data)
    if node is not None:
        _collect_marks(node, (), located.marks)
    return located


def _at(path: Path, event: yaml.Event, message: str) -> FileProblemError:
    mark = event.start_mark
    if mark is None:
        return FileProblemError([Problem(path, message)])
    return FileProblemError([Problem(path, message, mark.line + 1, mark.column + 1)])


def _refuse_anchors_and_depth(path: Path, text: str) -> None:
    depth = 0
    values = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.NodeEvent):
            values += 1
            if values > MAX_VALUES:
                raise _at(
                    path,
                    event,
                    f"more than {MAX_VALUES:,} values in one file; the largest bundled case "
                    "has about 2,600 (is a list repeated or generated?)",
                )
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _at(
                path,
                event,
                "anchors and aliases (&name, *name) are not allowed in mlsd files; write the value out",
            )
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _at(path, event, f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


_MERGE = "tag:yaml.org,2002:merge"


def _refuse_duplicate_and_merge_keys(path: Path, root: yaml.Node) -> None:
    """Refuse a key written twice in one mapping, and ``<<:`` merge keys, at any depth.

    PyYAML keeps the last of two equal keys without a word, so a second ``model:`` under
    ``steps:`` silently replaced a whole step. Merge keys pull fields in from elsewhere
    (with anchors refused, only from an inline mapping): the file stops saying plainly
    what it holds, which is the point of refusing anchors. Every such key is reported.
    """
    problems: list[Problem] = []
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
            continue
        if not isinstance(node, yaml.MappingNode):
            continue
        first: dict[tuple[str, str], int] = {}
        for key_node, value_node in node.value:
            stack.append(value_node)
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == _MERGE:
                problems.append(
                    Problem(
                        path,
                        "merge keys (<<) are not allowed in mlsd files; write the fields out",
                        line,
                        column,
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a mapping or list as a key: the schema refuses it, located
            seen = (key_node.tag, key_node.value)
            if seen in first:
                problems.append(
                    Problem(
                        path,
                        f"key {key_node.value!r} appears twice (first at line {first[seen]})",
                        line,
                        column,
                    )
                )
            else:
                first[seen] = line
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise FileProblemError(capped(path, problems))


_INT = "tag:yaml.org,2002:int"


def _refuse_huge_integers(path: Path, root: yaml.Node) -> None:
    """Refuse, at its line and field, an integer too long to be a number mlsd needs.

    Building it would fail inside PyYAML with Python's own advice to raise
    ``sys.set_int_max_str_digits``, without saying where the number is.
    """
    problems: list[Problem] = []
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    while stack:
        node, at = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT and len(node.value) > MAX_INT_CHARS:
                mark = node.start_mark
                problems.append(
                    Problem(
                        path,
                        f"a number {len(node.value):,} characters long; the limit is "
                        f"{MAX_INT_CHARS} (quote it if it is text)",
                        mark.line + 1,
                        mark.column + 1,
                        dotted(at),
                    )
                )
            continue
        if isinstance(node, yaml.MappingNode):
            stack.extend((key_node, at) for key_node, _ in node.value)
        stack.extend((child, key) for key, _, child in _children(node, at))
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise FileProblemError(capped(path, problems))


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        what = f"{exc.problem} ({exc.context})"
    if mark is None:
        return Problem(path, f"invalid YAML: {what}")
    return Problem(path, f"invalid YAML: {what}", mark.line + 1, mark.column + 1)


def _collect_marks(node: yaml.Node, key: PathKey, marks: dict[PathKey, tuple[int, int]]) -> None:
    stack: list[tuple[yaml.Node, PathKey]] = [(node, key)]
    marks[key] = (node.start_mark.line + 1, node.start_mark.column + 1)
    while stack:
        current, at = stack.pop()
        for child_key, mark_node, child in _children(current, at):
            marks[child_key] = (mark_node.start_mark.line + 1, mark_node.start_mark.column + 1)
            stack.append((child, child_key))


def _children(node: yaml.Node, at: PathKey) -> Iterator[tuple[PathKey, yaml.Node, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            # Point at the key: that is where a person looks for "steps.model.why".
            yield (*at, name), key_node, value_node
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield (*at, index), item, item


def dump(data: Any) -> str:
    """Write data back as block-style YAML that a person can edit."""
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88))
