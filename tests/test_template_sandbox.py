"""User templates are untrusted code: where they load from and how much they may do.

Issue 12 H2 (templates load only from the template roots) and M3 (output and arithmetic
bounded), and issue 11 (an exception inside mlsd's own filter is mlsd's bug, not the
template's). Every limit is hit by counting, never by a clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlsd.documents import render as render_module
from mlsd.documents.render import render
from mlsd.errors import MlsdError, TemplateError

CONTEXT = {"session": {"short_id": "abc", "level": "senior"}, "steps": []}


def _template(folder: Path, text: str, name: str = "mine.md.j2") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(path: Path, line: int) -> str:
    with pytest.raises(TemplateError) as info:
        render("design_doc.md.j2", CONTEXT, path)
    message = info.value.message
    assert message.startswith(f"{path}:{line}:"), message
    assert "refused" in message, message
    return message


# -- H2: loading only from the template roots ---------------------------------------------


def test_include_of_a_dotfile_next_to_a_home_template_is_refused(tmp_path):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    path = _template(home, 'ok\n<!-- {% include ".ssh/id_rsa" %} -->\n', "x.j2")
    message = _refused(path, 2)
    assert "'.ssh/id_rsa'" in message and "BEGIN" not in message


@pytest.mark.parametrize(
    "name",
    [
        "../outside.md.j2",
        "/etc/passwd",
        "partials.md",
        "a/./b.md.j2",
        ".hidden.md.j2",
        "a\\b.md.j2",
    ],
)
def test_template_names_that_could_escape_are_refused(tmp_path, name):
    (tmp_path / "outside.md.j2").write_text("SECRET")
    path = _template(tmp_path / "t", f"{{% include {name!r} %}}\n")
    assert "SECRET" not in _refused(path, 1)


def test_a_symlink_leading_outside_the_template_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.md.j2"
    secret.write_text("SECRET environ\n")
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "partials.md.j2").symlink_to(secret)
    (folder / "environ.md.j2").symlink_to("/proc/self/environ")
    for name, line in (("partials.md.j2", 2), ("environ.md.j2", 2)):
        path = _template(folder, f'# doc\n<!-- {{% include "{name}" %}} -->\n')
        message = _refused(path, line)
        assert "outside its template folder" in message and "SECRET" not in message


def test_a_symlink_to_a_non_template_inside_the_folder_is_refused(tmp_path):
    folder = tmp_path / "repo"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config.j2").write_text("token = SECRET\n")
    (folder / "notes.txt").write_text("SECRET\n")
    (folder / "a.md.j2").symlink_to(folder / ".git" / "config.j2")
    (folder / "b.md.j2").symlink_to(folder / "notes.txt")
    for name in ("a.md.j2", "b.md.j2"):
        path = _template(folder, f'{{% include "{name}" %}}\n')
        assert "not a visible .j2 file" in _refused(path, 1)


def test_the_template_file_itself_may_not_be_a_link_out(tmp_path, run):
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "doc.md.j2").symlink_to("/etc/passwd")
    with pytest.raises(TemplateError, match="outside its template folder"):
        render("design_doc.md.j2", CONTEXT, folder / "doc.md.j2")


def test_a_fifo_named_like_a_template_is_refused_without_hanging(tmp_path):
    folder = tmp_path / "repo"
    folder.mkdir()
    os.mkfifo(folder / "pipe.md.j2")
    path = _template(folder, '{% include "pipe.md.j2" %}\n')
    assert "not a regular file" in _refused(path, 1)


def test_mlsd_home_templates_are_confined_too(tmp_path):
    from mlsd._util.paths import home_dir

    (tmp_path / "secret.md.j2").write_text("SECRET\n")
    templates = home_dir() / "templates"
    templates.mkdir(parents=True)
    (templates / "design_doc.md.j2").symlink_to(tmp_path / "secret.md.j2")
    with pytest.raises(TemplateError, match="outside its template folder"):
        render("design_doc.md.j2", CONTEXT)


def test_includes_inside_the_roots_still_work(tmp_path):
    folder = tmp_path / "repo"
    _template(folder / "parts", "part {{ session.short_id }}\n", "head.md.j2")
    (folder / "linked.md.j2").symlink_to(folder / "parts" / "head.md.j2")
    path = _template(folder, '{% include "parts/head.md.j2" %}{% include "linked.md.j2" %}')
    assert render("design_doc.md.j2", CONTEXT, path) == "part abc\npart abc\n"


# -- M3: bounded output, arithmetic and work -----------------------------------------------

BOMBS = {
    "repeat-1e9": '{{ "x" * 10**9 }}',
    "repeat-list": "{{ [1] * 10**9 }}",
    "power": "{{ 2 ** (10**9) }}",
    "nested-ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "doubling-concat": '{% set ns = namespace(s="ab") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}',
    "doubling-plus": '{% set ns = namespace(s="ab") %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
    "doubling-block": '{% set ns = namespace(s="ab") %}{% for i in range(64) %}{% set ns.s %}{{ ns.s }}{{ ns.s }}{% endset %}{% endfor %}',
    "doubling-macro": "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    "ljust": '{{ "x".ljust(10**9) }}',
    "format-width": '{{ "{:>1000000000}".format(1) }}',
    "printf-width": '{{ "%1000000000s" % 1 }}',
    "printf-star": '{{ "%*s" % (10**9, 1) }}',
    "center-filter": '{{ "x" | center(10**9) }}',
    "replace-filter": '{{ ("a" * 1000000) | replace("a", "b" * 100) }}',
    "join-filter": '{{ (["x" * 1000000] * 4) | join("y" * 1000000) }}',
    "sum-of-lists": "{{ ([[0] * 1000] * 4000) | sum(start=[0] * 2000000) | length }}",
    "quadratic-copy": '{% set ns = namespace(s="x" * 4000000) %}{% for i in range(100000) %}{% set ns.t = ns.s + "y" %}{% endfor %}',
    "aliased-list-repeat": "{% set l = range(100000) | list %}{% set a = [l] * 10 %}{{ ([a] * 10) | length }}",
    "aliased-list-printed": "{% set l = range(100000) | list %}{% set a = [l, l, l, l, l, l, l, l, l, l] %}{{ [a, a, a, a, a, a, a, a, a, a] }}",
    "aliased-list-string": "{% set l = range(100000) | list %}{% set a = [l, l, l, l, l, l, l, l, l, l] %}{{ [a, a, a, a, a, a, a, a, a, a] | string | length }}",
    "aliased-list-concat": "{% set l = range(100000) | list %}{% set a = [l, l, l, l, l, l, l, l, l, l] %}{{ ([a, a, a, a, a, a, a, a, a, a] ~ '') | length }}",
    "aliased-list-format": "{% set l = range(100000) | list %}{% set a = [l, l, l, l, l, l, l, l, l, l] %}{{ ('%s' % [a, a, a, a, a, a, a, a, a, a]) | length }}",
    "big-output": '{% for i in range(10) %}{{ "y" * 1000000 }}{% endfor %}',
    # a pass over a big text, repeated: each read is charged by its length
    "reread-filter": '{% set big = "ab " * 1700000 %}{% for i in range(1000) %}{{ big | wordcount }}{% endfor %}',
    "reread-in": '{% set big = "ab " * 1700000 %}{% for i in range(100000) %}{% if "zz" in big %}x{% endif %}{% endfor %}',
    "reread-equal": '{% set big = "ab " * 1700000 %}{% for i in range(100000) %}{% if big == big ~ "" %}x{% endif %}{% endfor %}',
    "reread-method": '{% set big = "ab " * 1700000 %}{% for i in range(100000) %}{{ big.count("a") }}{% endfor %}',
}


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_template_bombs_stop_with_a_template_error(tmp_path, kind):
    path = _template(tmp_path, "# doc\n" + BOMBS[kind] + "\n")
    with pytest.raises(TemplateError) as info:
        render("design_doc.md.j2", CONTEXT, path)
    message = info.value.message
    assert "over a template limit" in message, message
    assert message.startswith(str(path)), message


def test_ordinary_arithmetic_strings_and_loops_still_work(tmp_path):
    path = _template(
        tmp_path,
        '{{ 10**10 }} {{ "ab" * 3 }} {{ [1, 2] + [3] }} {{ "%5s|" % "a" }} {{ "a" ~ 1 }} '
        '{{ ["x", "y"] | join(",") }} {{ "{:>4}".format(7) }} {{ [[1], [2]] | sum(start=[]) }} '
        "{% for i in range(3) %}{{ loop.index }}{% endfor %} "
        "{{ ([[0] * 1000] * 4000) | sum(start=[]) | length }}\n",
    )
    assert render("design_doc.md.j2", CONTEXT, path) == (
        "10000000000 ababab [1, 2, 3]     a| a1 x,y    7 [1, 2] 123 4000000\n"
    )


def test_a_huge_repetition_under_a_memory_limit_is_a_template_error(tmp_path):
    """The issue's ``10**10`` under ``ulimit -v``: refused before any memory is asked for."""
    path = _template(tmp_path, '{{ "x" * 10**10 }}\n')
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from mlsd.documents.render import render\n"
        "from mlsd.errors import TemplateError\n"
        "try:\n"
        f"    render('design_doc.md.j2', {{}}, __import__('pathlib').Path({str(path)!r}))\n"
        "except TemplateError as exc:\n"
        "    print(exc.message)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "over a template limit" in result.stdout
    assert "MemoryError" not in result.stdout + result.stderr


class _Exhausting:
    @property
    def memory(self) -> str:
        raise MemoryError

    @property
    def recursion(self) -> str:
        raise RecursionError


@pytest.mark.parametrize(
    ("attr", "what"), [("memory", "runs out of memory"), ("recursion", "nests too deeply")]
)
def test_memory_and_recursion_errors_are_template_errors(tmp_path, attr, what):
    path = _template(tmp_path, f"# doc\n{{{{ boom.{attr} }}}}\n")
    with pytest.raises(TemplateError, match=f"{path}:2: the template {what}"):
        render("design_doc.md.j2", {"boom": _Exhausting()}, path)


def test_a_macro_that_recurses_forever_is_a_template_error(tmp_path):
    path = _template(tmp_path, "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}\n")
    with pytest.raises(TemplateError, match=r"nests too deeply|over a template limit"):
        render("design_doc.md.j2", CONTEXT, path)


def test_a_template_bomb_from_the_cli_is_a_message_not_a_bug(run, tmp_path, monkeypatch):
    from mlsd._util.paths import home_dir

    templates = home_dir() / "templates"
    _template(templates, '{{ "x" * 10**9 }}\n', "candidate_brief.md.j2")
    result = run("show", "ctr-prediction", "-f", "md")
    assert result.code == 1
    assert "candidate_brief.md.j2:1: over a template limit" in result.err
    assert "This is a bug" not in result.err and result.out == ""


# -- issue 11: mlsd's own filters -----------------------------------------------------------


def test_an_exception_inside_an_mlsd_filter_is_reported_as_mlsds_bug(tmp_path, monkeypatch):
    def broken(*args: object, **kwargs: object) -> str:
        raise ValueError("boom inside mlsd")

    monkeypatch.setattr(render_module, "_escape_line_start", broken)
    path = _template(tmp_path, "# doc\n{{ 'text' | md_block }}\n")
    with pytest.raises(MlsdError) as info:
        render("design_doc.md.j2", CONTEXT, path)
    assert not isinstance(info.value, TemplateError)
    message = info.value.message
    assert f"internal error in mlsd's md_block filter, called at {path}:2" in message
    assert "ValueError: boom inside mlsd" in message
    assert "This is a bug in mlsd, not in your template" in message


def test_an_mlsd_filter_bug_from_the_cli(run, monkeypatch):
    def broken(value: object) -> str:
        raise KeyError("oops")

    monkeypatch.setattr(render_module, "visible", broken)
    result = run("show", "ctr-prediction", "-f", "md")
    assert result.code == 1
    assert "internal error in mlsd's md_inline filter" in result.err
    assert "not in your template" in result.err


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{{ 'abc' | clock }}", "the clock filter needs a number, not str"),
        ("{{ 'abc' | md_block(nope=1) }}", "the md_block filter: got an unexpected keyword"),
        ("{{ missing | md_block }}", "undefined: 'missing' is undefined"),
        ("{{ missing | number }}", "undefined: 'missing' is undefined"),
    ],
)
def test_misusing_an_mlsd_filter_is_still_the_templates_error(tmp_path, text, fragment):
    path = _template(tmp_path, f"# doc\n{text}\n")
    with pytest.raises(TemplateError) as info:
        render("design_doc.md.j2", CONTEXT, path)
    assert info.value.message.startswith(f"{path}:2:"), info.value.message
    assert fragment in info.value.message
