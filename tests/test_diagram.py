"""The candidate's own diagram: arrows typed with /diagram (or in the serving answer, or an
answers file's ``diagram:``) come out as a Mermaid block labelled as the candidate's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlsd._util.arrows import MAX_EDGES, MAX_LABEL, MAX_LINES, arrows_in_answer, parse_arrows
from mlsd._util.paths import bundled_cases_dir
from mlsd.cases.catalog import check_answers, load_answers, load_case, load_framework
from mlsd.documents.context import candidate_diagram, design_context
from mlsd.documents.render import DESIGN_DOC, render
from mlsd.errors import FileProblemError
from mlsd.interview.scorecard import render_scorecard, scorecard_context
from mlsd.log import events as ev
from mlsd.practice.commands import controls_help, parse_command
from mlsd.practice.diagram import read_diagram
from mlsd.practice.flow import Practice, run_answers, start
from tests.fakes import STEPS, FakeClock
from tests.mdcheck import headings, pymarkdown
from tests.scripted import ScriptedPrompter
from tests.test_render_safety import HOSTILE

OURS = "## The candidate's architecture diagram"
REFERENCE = "## Appendix: reference pipeline"


def _mermaid_blocks(doc: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", doc, flags=re.M | re.S)


# -- the parser ---------------------------------------------------------------------------


def test_chains_become_edges_in_order_with_one_spelling_per_box():
    arrows = parse_arrows(
        "client -> Feature Store -> ranker\n\n# a comment\n- feature  store --> cache → ranker"
    )
    assert arrows.edges == (
        ("client", "Feature Store"),
        ("Feature Store", "ranker"),
        ("Feature Store", "cache"),
        ("cache", "ranker"),
    )
    assert arrows.labels == ["client", "Feature Store", "ranker", "cache"]
    assert arrows.problems == ()


def test_duplicates_are_drawn_once_and_cycles_and_self_loops_as_written():
    arrows = parse_arrows("a -> b\na -> b -> a\nA -> B\nc -> c")
    assert arrows.edges == (("a", "b"), ("b", "a"), ("c", "c"))
    assert arrows.problems == ()


def test_every_line_not_drawn_is_named():
    arrows = parse_arrows(
        "client -> ranker\njust prose\n-> ranker\na -> -> b\n" + "x" * (MAX_LABEL + 1) + " -> y"
    )
    assert arrows.edges == (("client", "ranker"),)
    assert [p.split(":")[0] for p in arrows.problems] == ["line 2", "line 3", "line 4", "line 5"]
    assert "no arrow" in arrows.problems[0]
    assert "no box" in arrows.problems[1]
    assert f"{MAX_LABEL} characters" in arrows.problems[3]


def test_edges_and_lines_are_bounded_and_the_cut_is_said():
    many = "\n".join(f"n{i} -> n{i + 1}" for i in range(MAX_EDGES + 5))
    arrows = parse_arrows(many)
    assert len(arrows.edges) == MAX_EDGES
    assert arrows.problems == (
        f"only the first {MAX_EDGES} arrows are drawn; 5 more were left out",
    )
    long = "\n".join(["a -> b"] * (MAX_LINES + 3))
    arrows = parse_arrows(long)
    assert arrows.edges == (("a", "b"),)
    assert "3 more were left out" in arrows.problems[0]


def test_a_huge_paste_stays_bounded():
    arrows = parse_arrows(" -> ".join(f"box{i}" for i in range(10_000)))
    assert len(arrows.edges) == MAX_EDGES
    assert "9939 more" in arrows.problems[0]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_labels_are_kept_as_data(name):
    text = " ".join(HOSTILE[name].split())[:MAX_LABEL].strip() or "x"
    arrows = parse_arrows(f"{text} -> b")
    if arrows.edges:  # unless the text itself holds an arrow, it is one box
        assert arrows.edges[-1][1] == "b"


def test_only_short_whole_line_chains_count_in_a_prose_answer():
    answer = (
        "Serving is online.\n"
        "- `client -> feature store -> ranker`\n"
        "~2,000 ads, ~15 ms -> ranking slice of ~40 ms: one batched multi-get from the online\n"
        "parse the request ~5 ms ->\n"
        "1. ranker -> cache"
    )
    assert arrows_in_answer(answer).edges == (
        ("client", "feature store"),
        ("feature store", "ranker"),
        ("ranker", "cache"),
    )


# -- what /diagram says back -------------------------------------------------------------


def test_the_reply_names_what_was_not_drawn_and_never_saves_nothing_over_something():
    saved = read_diagram("a -> b\noops", had_one=False)
    assert saved.save == "a -> b\noops"
    assert "2 boxes, 1 arrow." in saved.message and "line 2: no arrow" in saved.message
    refused = read_diagram("no arrows here", had_one=True)
    assert refused.save is None and "nothing was saved" in refused.message
    assert read_diagram("", had_one=True).save is None
    assert read_diagram("none", had_one=True).save == ""
    assert read_diagram("none", had_one=False).save is None


def test_diagram_is_a_listed_command():
    assert parse_command(" /Diagram ") == "/diagram"
    assert "/diagram" in controls_help(requirements=False)


# -- a practice session --------------------------------------------------------------------


def _practice(store, ctr, replies):
    case, path = ctr
    sid = start(store, case, path, mode="practice", level="senior", minutes=45.0)
    ui = ScriptedPrompter(list(replies))
    runner = Practice(store, sid, case, load_framework(), ui, clock=FakeClock())
    return runner.run().record, ui


def test_diagram_in_a_practice_session_goes_into_the_export(store, ctr, tmp_path):
    replies = ["done"]
    for step in STEPS:
        if step == "serving":
            replies += [
                "/diagram",
                "client -> ranker\nnot a chain",  # replaced below: the latest wins
                "/diagram",
                'client -> "feature store" -> ranker\nranker --> client',
            ]
        replies += [f"My {step} answer.", "/skip"]
    record, ui = _practice(store, ctr, replies)
    assert record.diagram == 'client -> "feature store" -> ranker\nranker --> client'
    assert [s for s, _ in record.events_of(ev.Diagram)] == ["serving", "serving"]
    notes = ui.kinds("note")
    assert any("Not drawn:\n  - line 2: no arrow" in n for n in notes)
    assert any("3 boxes, 3 arrows" in n for n in notes)
    assert ui.defaults.count("client -> ranker\nnot a chain") == 1  # offered for editing
    assert record.answers["serving"] == "My serving answer."

    case, _ = ctr
    framework = load_framework()
    doc = render(DESIGN_DOC, design_context(record, case, framework))
    assert doc.index(OURS) < doc.index(REFERENCE)
    assert "*Drawn by the candidate.*" in doc
    ours = _mermaid_blocks(doc[doc.index(OURS) : doc.index(REFERENCE)])
    assert ours == [
        "flowchart LR\n"
        '    n1["client"]\n'
        '    n2["#quot;feature store#quot;"]\n'
        '    n3["ranker"]\n'
        "    n1 --> n2\n"
        "    n2 --> n3\n"
        "    n3 --> n1\n"
    ]
    (tmp_path / "doc.md").write_text(doc, encoding="utf-8")
    result = pymarkdown(tmp_path / "doc.md")
    assert result.returncode == 0, result.stdout + result.stderr


def test_arrows_in_the_serving_answer_count_when_there_is_no_diagram(store, ctr):
    replies = ["done"]
    for step in STEPS:
        text = "Online.\nclient -> ranker -> cache" if step == "serving" else f"My {step} answer."
        replies += [text, "/skip"]
    record, _ = _practice(store, ctr, replies)
    assert record.diagram is None
    found = candidate_diagram(record)
    assert found["candidate_diagram_source"] == "serving answer"
    assert [e["target"] for e in found["candidate_diagram_edges"]] == ["ranker", "cache"]
    case, _ = ctr
    doc = render(DESIGN_DOC, design_context(record, case, load_framework()))
    assert "*Drawn by the candidate, as arrows in the serving answer.*" in doc


def test_no_diagram_no_section(store, ctr):
    replies = ["done"]
    for step in STEPS:
        replies += [f"My {step} answer.", "/skip"]
    record, _ = _practice(store, ctr, replies)
    case, _ = ctr
    doc = render(DESIGN_DOC, design_context(record, case, load_framework()))
    assert OURS not in doc and REFERENCE in doc


# -- an answers file -------------------------------------------------------------------------

_HOSTILE_DIAGRAM = (
    "# the whole pipeline\n"
    "client -> ```fence``` -> <script>alert(1)</script>\n"
    '<script>alert(1)</script> -> "quoted" #1 | pipe ]] [x]\n'
    "\x1b[31mred\x1b[0m -> ## heading -> {{ 7*7 }}\n"
)


def _answers_file(tmp_path: Path, diagram: str) -> Path:
    import yaml

    path = tmp_path / "answers.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "case": "ctr-prediction",
                "answers": {"serving": "Online scoring.", "model": "A GBDT."},
                "diagram": diagram,
            }
        ),
        encoding="utf-8",
    )
    return path


def test_an_answers_file_diagram_is_the_candidates_and_hostile_labels_stay_inside(store, tmp_path):
    framework = load_framework()
    case_path = bundled_cases_dir() / "ctr-prediction.yaml"
    case = load_case(case_path, framework)
    path = _answers_file(tmp_path, _HOSTILE_DIAGRAM)
    answers = load_answers(path)
    check_answers(path, answers, case, framework)
    record = run_answers(
        store, case, str(case_path), framework, answers, level="senior", minutes=45
    )
    assert record.diagram == _HOSTILE_DIAGRAM
    doc = render(DESIGN_DOC, design_context(record, case, framework))
    blocks = _mermaid_blocks(doc)
    assert len(blocks) == 2  # the candidate's and the reference
    ours = blocks[0]
    assert ours.count("\n") == 1 + 7 + 5  # header, seven boxes, five arrows
    for line in ours.splitlines()[1:]:
        assert re.fullmatch(r'    n\d+\["[^"\n`<>]*"\]|    n\d+ --> n\d+', line), line
    assert "\x1b" not in doc and "{{" in ours  # data, never a template
    assert headings(doc) == headings(render(DESIGN_DOC, design_context(record, case, framework)))
    (tmp_path / "doc.md").write_text(doc, encoding="utf-8")
    result = pymarkdown(tmp_path / "doc.md")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_answers_file_diagram_with_a_bad_line_is_refused_with_its_place(tmp_path):
    framework = load_framework()
    case = load_case(bundled_cases_dir() / "ctr-prediction.yaml", framework)
    path = _answers_file(tmp_path, "client -> ranker\nranker then cache\n")
    with pytest.raises(FileProblemError) as caught:
        check_answers(path, load_answers(path), case, framework)
    message = str(caught.value)
    assert "answers.yaml" in message and "diagram" in message
    assert "in the diagram, line 2: no arrow" in message
    path = _answers_file(tmp_path, "just words")
    with pytest.raises(FileProblemError, match="no arrows"):
        check_answers(path, load_answers(path), case, framework)


# -- the interviewer's scorecard ---------------------------------------------------------------


def test_the_scorecard_shows_the_candidates_diagram(store, ctr, tmp_path):
    case, path = ctr
    framework = load_framework()
    sid = start(store, case, path, mode="interview", level="senior", minutes=45.0)
    store.add_event(sid, ev.Enter(), "serving")
    note = "Draws the pipeline as\nclient -> ranker -> cache\nwithout a cache for features."
    store.add_event(sid, ev.Note(text=note), "serving")
    record = store.load(sid)
    context = scorecard_context(record, case, framework)
    assert context["candidate_diagram_source"] == "interviewer notes"
    doc = render_scorecard(record, case, framework)
    assert OURS in doc and "as noted by the interviewer" in doc
    assert _mermaid_blocks(doc)[0].endswith("    n1 --> n2\n    n2 --> n3\n")
    store.add_event(sid, ev.Diagram(text="a -> b"), "serving")
    doc = render_scorecard(store.load(sid), case, framework)
    assert '    n1["a"]' in doc and "*Drawn by the candidate.*" in doc
    (tmp_path / "card.md").write_text(doc, encoding="utf-8")
    result = pymarkdown(tmp_path / "card.md")
    assert result.returncode == 0, result.stdout + result.stderr


# -- through the command line ------------------------------------------------------------------


def test_a_bad_diagram_in_an_answers_file_is_refused_before_a_session_starts(run, tmp_path):
    from mlsd.log.store import open_store

    path = _answers_file(tmp_path, "client -> ranker\nranker then cache\n")
    result = run("practice", "ctr-prediction", "--answers", str(path))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert f"mlsd: {path}:" in result.err
    assert "diagram: in the diagram, line 2: no arrow" in result.err
    with open_store() as store:
        assert store.list_sessions() == []


def test_practice_answers_then_export_draws_the_diagram(run, tmp_path):
    path = _answers_file(tmp_path, "client -> feature store -> ranker\n")
    doc = tmp_path / "doc.md"
    result = run("practice", "ctr-prediction", "--answers", str(path), "--export", str(doc))
    assert result.code == 0, result.err
    text = doc.read_text(encoding="utf-8")
    assert OURS in text
    assert '    n2["feature store"]' in _mermaid_blocks(text)[0]
