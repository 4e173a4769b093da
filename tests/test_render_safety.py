"""User text stays data: the Markdown filters, and the sandbox around templates."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd.documents.render import md_block, md_cell, md_inline, mermaid_label, render, visible
from mlsd.errors import TemplateError
from tests.mdcheck import PARSER, expected_text, headings, shown_inline, shown_text

# Everything issue 5 lists, one construct per entry, so a failure names the culprit.
HOSTILE = {
    "atx heading": "# Heading one\n## Two\n###### Six\n#hashtag\n  # indented",
    "setext underline": "Title\n===\nSubtitle\n---\nmore\n  - - -",
    "backtick fence": "```python\nprint('never closed')",
    "tilde fence": "~~~\nnever closed either",
    "long fence": "````\n```\ncode\n",
    "front matter": "---\ntitle: evil\nlayout: post\n---\nbody",
    "raw html": "<details><summary>x</summary>\n<script>alert(1)</script>\n<h1>big</h1> and <img src=x onerror=alert(1)>",
    "html comment": "before <!-- swallow everything\nafter",
    "terminal escapes": "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x9b2J nul\x00 del\x7f bs\x08",
    "jinja": "{{ 7*7 }} {% raw %}{{ x }}{% endraw %} {# x #} {%- if true -%}",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |\n:--|--:",
    "lists and quotes": "- item\n  # nested heading\n* star\n+ plus\n1. one\n2) two\n> quote\n>> # deep",
    "links": "[ref]: http://evil.example\n[x](javascript:alert(1)) ![i](http://t.example/p.png) <http://a.example> [^1]",
    "emphasis": "*em* **strong** _u_ __uu__ ~~strike~~ ~one~ `code` ``two`` $x^2$ $$m$$ a*b*c",
    "entities": "&amp; &#35; &#x1b; &copy; R&D",
    "backslashes": "C:\\path\\to \\# \\\\ \\* end\\\nnext",
    "indentation": "    indented code\n\n\ttabbed\n\n        deep",
    "thematic breaks": "***\n___\n* * *\n- - -",
    "unicode": "emoji 👩\u200d💻🚀 RTL שלום עליכם مرحبا بالعالم CJK 机器学习系统设计 \u202ereversed\u202c",
    "snake case": "user_id and item_embedding_v2 and __dunder__ and 2*3",
    "line ends": "trailing spaces   \ntwo-space break  \nbackslash break\\\nlast",
    "crlf": "windows\r\nline\rends\r\n",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_md_block_shows_exactly_the_text_and_no_structure(name):
    text = HOSTILE[name]
    out = md_block(text)
    assert shown_text(out) == expected_text(text)
    assert headings(out) == []


@pytest.mark.parametrize("name", HOSTILE)
def test_md_inline_is_one_line_of_text(name):
    text = HOSTILE[name]
    out = md_inline(text)
    assert "\n" not in out
    assert shown_inline(out) == " ".join(expected_text(text).split("\n")).replace("  ", " ")
    # As a heading, it must stay one heading with the whole text.
    assert headings(f"## {out}\n") == [("h2", headings(f"## {out}\n")[0][1])]


@pytest.mark.parametrize("name", HOSTILE)
def test_md_cell_stays_in_its_cell(name):
    out = md_cell(HOSTILE[name])
    doc = f"| a | b |\n| --- | --- |\n| {out} | after |\n"
    tokens = PARSER.parse(doc)
    cells = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "td_open"]
    assert len(cells) == 2
    assert cells[1].content == "after"
    for child in cells[0].children or []:
        assert child.type == "text" or (child.type == "html_inline" and child.content == "<br>")


def test_terminal_escapes_never_reach_the_document():
    for fn in (md_block, md_inline, md_cell, mermaid_label):
        out = fn("\x1b[2J\x1b]0;pwned\x07\x9b31m\x00")
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in out.replace("\n", ""))
        assert "␛" in out


def test_ordinary_prose_is_left_alone():
    prose = "We rank by bid x pCTR - calibrated, of course (p99 < 50 ms); user_id is hashed."
    assert md_block(prose) == prose
    assert md_inline(prose) == prose


def test_a_fence_longer_than_any_in_the_answer_is_not_needed_backticks_are_escaped():
    out = md_block("`````\nx\n`````")
    assert shown_text(out) == "`````\nx\n`````"


def test_mermaid_labels_are_quoted_and_cannot_break_out():
    label = mermaid_label('a "quoted" <b>bold</b> #1 `tick`\nnext line')
    assert label.startswith('"') and label.endswith('"')
    assert label.count('"') == 2
    assert "\n" not in label and "<" not in label and "`" not in label
    assert "#quot;" in label


def test_visible_maps_controls_to_stand_ins():
    assert visible("a\x1bb\x7fc\x85d") == "a\u241bb\u2421c\ufffdd"
    assert visible(None) == ""


# Text made of exactly the characters Markdown cares about, plus some prose and Unicode.
_ALPHABET = st.sampled_from(
    [
        *"#>-+*=_`~<[]|:!\\&$()0123456789.; \t\nabcxyz",
        "\r\n",
        "\r",
        "\x1b",
        "\x00",
        "\x9b",
        "é",
        "中",
        "ש",
        "👩\u200d💻",
        "&amp;",
        "<b>",
        "```",
        "~~~",
        "---",
        "1. ",
        "- ",
    ]
)
_TEXT = st.lists(_ALPHABET, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_any_text_renders_as_itself(text):
    out = md_block(text)
    assert shown_text(out) == expected_text(text)
    assert shown_text(md_block(text, hard_breaks=False)) == expected_text(text)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_any_text_inline_renders_as_itself(text):
    folded = " ".join(line for line in expected_text(text).split("\n") if line)
    out = md_inline(text)
    if folded:
        assert shown_inline(out) == folded


# -- the sandbox ---------------------------------------------------------------------------

CONTEXT = {"format": 1, "session": {"id": "abc", "level": "senior"}, "steps": [{"answer": "x"}]}


def _template(tmp_path: Path, text: str, name: str = "mine.md.j2") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "attack",
    [
        "{{ session.__class__ }}",
        "{{ session.__class__.__mro__ }}",
        "{{ ''.__class__.mro() }}",
        "{{ session.mro() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ steps.append(1) }}",
        "{{ session.update({'level': 'staff'}) }}",
    ],
)
def test_reaching_python_internals_is_refused_with_the_file_named(tmp_path, attack):
    path = _template(tmp_path, f"# ok\n\n{attack}\n")
    with pytest.raises(TemplateError) as info:
        render("design_doc.md.j2", CONTEXT, path)
    assert f"{path}:3:" in info.value.message


def test_a_syntax_error_names_file_and_line(tmp_path):
    path = _template(tmp_path, "# ok\n\n{% if session.level %}\nno end\n")
    with pytest.raises(TemplateError) as info:
        render("design_doc.md.j2", CONTEXT, path)
    assert str(path) in info.value.message
    assert "syntax error" in info.value.message
    assert ":5:" in info.value.message or ":4:" in info.value.message


def test_an_undefined_name_names_file_and_line(tmp_path):
    path = _template(tmp_path, "# ok\n\n{{ session.level }}\n{{ sesion.level }}\n")
    with pytest.raises(TemplateError) as info:
        render("design_doc.md.j2", CONTEXT, path)
    assert f"{path}:4: undefined: 'sesion' is undefined" in info.value.message


def test_an_undefined_name_inside_an_included_template_names_that_file(tmp_path):
    _template(tmp_path, "line one\n{{ nope }}\n", "part.md.j2")
    path = _template(tmp_path, "# ok\n{% include 'part.md.j2' %}\n")
    with pytest.raises(TemplateError) as info:
        render("design_doc.md.j2", CONTEXT, path)
    assert f"{tmp_path / 'part.md.j2'}:2:" in info.value.message


def test_runtime_errors_are_template_errors(tmp_path):
    path = _template(tmp_path, "{{ 1 // 0 }}\n")
    with pytest.raises(TemplateError, match=r"mine\.md\.j2:1: ZeroDivisionError"):
        render("design_doc.md.j2", CONTEXT, path)


def test_a_missing_or_binary_template_is_a_clear_error(tmp_path):
    with pytest.raises(TemplateError, match="no such template file"):
        render("design_doc.md.j2", CONTEXT, tmp_path / "nope.j2")
    binary = tmp_path / "bin.j2"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(TemplateError, match="not UTF-8"):
        render("design_doc.md.j2", CONTEXT, binary)


def test_user_text_is_never_compiled(tmp_path):
    path = _template(tmp_path, "{{ steps[0].answer | md_block }}\n")
    context = {**CONTEXT, "steps": [{"answer": "{{ 7*7 }} {% raw %} {# x #}"}]}
    out = render("design_doc.md.j2", context, path)
    assert out == "{{ 7\\*7 }} {% raw %} {# x #}\n"
    assert shown_text(out) == "{{ 7*7 }} {% raw %} {# x #}"


def test_compiled_template_cache_never_serves_an_edited_template(tmp_path):
    from mlsd.documents import render as render_module

    template = tmp_path / "mine.md.j2"
    template.write_text("first {{ session.short_id }}\n")
    context = {"session": {"short_id": "abc"}}
    assert render_module.render("design_doc.md.j2", context, template) == "first abc\n"
    render_module._environment.cache_clear()  # as a new process would start
    template.write_text("second {{ session.short_id }}\n")
    assert render_module.render("design_doc.md.j2", context, template) == "second abc\n"


# -- only what would act as Markdown is escaped (issue 14) ----------------------------------

WRAPPED = (
    "The business goal is auction revenue that holds up over time, so I'd track revenue\n"
    "per thousand impressions as the north star. Scale: say 200M DAU with ~15 ad slots\n"
    "each is 3B auctions a day, ~35K QPS on average; the score is sum w_i * p_i, about\n"
    "$0.50 a click and $5 per thousand, so p99 < 50 ms matters. -5% is a loss. #ads\n"
    "last line."
)


def test_wrapped_prose_flows_and_is_not_escaped():
    out = md_block(WRAPPED)
    assert out == WRAPPED  # no `\` at line ends, no `\~`, `\*`, `\$`, `\<`, `\-` or `\#`
    assert shown_text(out) == expected_text(WRAPPED)


def test_a_line_per_item_keeps_its_line_breaks():
    text = "Scale: 200M DAU, 70K QPS at the evening peak, 300 candidates each\nLatency: 40 ms"
    assert md_block(text) == text.replace("\n", "\\\n")
    listed = WRAPPED.replace("last line.", "- a bullet that starts a line")
    assert md_block(listed).endswith(
        "matters. -5% is a loss. #ads\\\n\\- a bullet that starts a line"
    )
    assert md_block(WRAPPED, hard_breaks=True).count("\\\n") == 4
    assert "\\\n" not in md_block("short\nlines", hard_breaks=False)


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("~one~ and ~~two~~", "~one\\~ and ~~two\\~\\~"),  # GitHub strikes out one tilde too
        ("$x^2$ and US$5", "$x^2\\$ and US\\$5"),  # GitHub math closes on `$` after text
        ("a*b*c and *em* and __dunder__", "a\\*b\\*c and *em\\* and __dunder\\_\\_"),
        ("[x](javascript:alert(1))", "\\[x](javascript:alert(1))"),
        (
            "[1] without a closing bracket later? no: [2",
            "\\[1] without a closing bracket later? no: \\[2",
        ),
        ("[only an opening one", "[only an opening one"),
        ("<b>bold</b> and <!-- c --> and a < b", "\\<b>bold\\</b> and \\<!-- c --> and a < b"),
        ("-5% and +3 and #hashtag", "-5% and +3 and #hashtag"),
        ("#hashtag", "\\#hashtag"),  # not a heading, but linters say it is (MD018)
        ("~~~ and ***", "\\~\\~\\~ and ***"),  # a whole run, or `~~` would close
        ("a * b * c but w_i * p_i", "a \\* b \\* c but w_i \\* p_i"),  # MD037 reads a pair
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("--- | ---", "\\--- | ---"),
    ],
)
def test_md_block_escapes_exactly_what_would_act(typed, escaped):
    assert md_block(typed) == escaped
    assert shown_text(md_block(typed)) == expected_text(typed)


def test_inline_values_escape_openers_that_template_markup_could_close():
    # In `- **{{ title | md_inline }}:**` an unescaped `*` opener would pair with the `**`.
    out = md_inline("a *b")
    assert out == "a \\*b"
    assert headings(f"## **{out}:**\n")[0][1] == f"**{out}:**"
    assert md_inline("about ~3,000 and $0.50, sum w_i * p_i") == (
        "about ~3,000 and $0.50, sum w_i * p_i"
    )


_WORD = st.lists(_ALPHABET, min_size=1, max_size=8).map("".join)
_PROSE_LINE = st.lists(st.sampled_from(["word", "prose", "x", "12"]) | _WORD, max_size=18).map(
    " ".join
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PROSE_LINE, max_size=8).map("\n".join))
def test_any_wrapped_looking_text_renders_as_itself(text):
    out = md_block(text)
    assert shown_text(out) == expected_text(text)
    assert headings(out) == []
