"""Design docs of every bundled case, ordinary and hostile, and the export command."""

from __future__ import annotations

import json
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mlsd._util.paths import bundled_cases_dir
from mlsd.cases.catalog import load_case, load_framework
from mlsd.cases.models import AnswersFile
from mlsd.documents.context import design_context
from mlsd.documents.export import default_filename, export_session, session_json
from mlsd.documents.render import DESIGN_DOC, md_block, md_inline, render
from mlsd.errors import MlsdError, TemplateError
from mlsd.log import events as ev
from mlsd.log.store import open_store
from mlsd.practice.flow import run_answers
from mlsd.run.lifecycle import DEFAULT_REPLY
from tests.mdcheck import REPO, atx_headings, expected_text, headings, pymarkdown, shown_text
from tests.test_render_safety import HOSTILE

CASES = sorted(p.stem for p in bundled_cases_dir().glob("*.yaml"))
SKIPPED = "metrics"  # left empty in every session: it must be marked, not dropped
HOSTILE_TEXT = "\n\n".join(f"{name}:\n{text}" for name, text in HOSTILE.items())
# 200 KB in long lines, as pasted prose arrives (see BIG_CASE for why only one case).
_LINE = " ".join(text.replace("\n", " ") for text in HOSTILE.values())
BIG_TEXT = "\n".join([(_LINE + " ") * (2000 // len(_LINE) + 1)] * 100)
# pymarkdownlnt takes several seconds on a 200 KB document (its time grows with the
# square of the line count), so the 200 KB answer goes into one case's hostile export.
BIG_CASE = "ctr-prediction"


def _answers(kind: str, case_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """Answers and follow-up answers: in a hostile session, every construct in one answer
    and each construct again, a few at a time, in the other answers and follow-ups."""
    steps = [s for s in load_framework().steps if s.id != SKIPPED]
    if kind == "benign":
        answers = {
            s.id: f"For {s.title.lower()} I would start simple.\n\n- one point\n- another point"
            for s in steps
        }
        return answers, {s.id: f"It depends on {s.id}; I would measure it." for s in steps}
    names = list(HOSTILE)
    slots = [f"{s.id}:{part}" for s in steps for part in ("answer", "follow_up")]
    chunks = {slot: [] for slot in slots}
    for i, name in enumerate(names * 2):
        chunks[slots[i % len(slots)]].append(f"{name}:\n{HOSTILE[name]}")
    answers = {s.id: "\n\n".join(chunks[f"{s.id}:answer"]) for s in steps}
    answers["requirements"] = HOSTILE_TEXT
    if case_id == BIG_CASE:
        answers["model"] = BIG_TEXT
    follow_ups = {s.id: "\n".join(chunks[f"{s.id}:follow_up"]) for s in steps}
    return answers, follow_ups


def _own_question(kind: str) -> str:
    return "What is our QPS?" if kind == "benign" else "# Is this a heading?\n| no | ``` <b>"


def _make_session(folder: Path, case_id: str, kind: str):
    framework = load_framework()
    path = bundled_cases_dir() / f"{case_id}.yaml"
    case = load_case(path, framework)
    answers, follow_ups = _answers(kind, case_id)
    spec = AnswersFile(
        case=case_id,
        clarifications=[c.id for c in case.clarifications[:3]],
        answers=answers,
        follow_ups=follow_ups,
    )
    with open_store(folder / "mlsd.db") as store:
        record = run_answers(store, case, str(path), framework, spec, level="senior", minutes=45)
        store.add_event(
            record.id,
            ev.Clarification(question=_own_question(kind), answer=DEFAULT_REPLY, id=None),
            "requirements",
        )
        record = store.load(record.id)
    return record, case, framework


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Every bundled case exported twice, with ordinary and with hostile answers."""
    folder = tmp_path_factory.mktemp("exports")
    docs = {}
    with pytest.MonkeyPatch.context() as patch:
        # Module fixtures start before the per-test MLSD_HOME: keep user templates out.
        patch.setenv("MLSD_HOME", str(folder))
        for case_id in CASES:
            for kind in ("benign", "hostile"):
                record, case, framework = _make_session(folder, case_id, kind)
                doc = render(DESIGN_DOC, design_context(record, case, framework))
                docs[case_id, kind] = (record, doc)
    return docs


@pytest.mark.parametrize("case_id", CASES)
def test_hostile_answers_do_not_change_the_heading_structure(exports, case_id):
    _, benign = exports[case_id, "benign"]
    _, hostile = exports[case_id, "hostile"]
    assert atx_headings(hostile) == atx_headings(benign)
    assert headings(hostile) == headings(benign)
    steps = [h for h in headings(benign) if h[0] == "h3"]
    assert len(steps) == len(load_framework().steps)
    assert [h[0] for h in headings(benign)].count("h1") == 1


@pytest.mark.parametrize("case_id", CASES)
@pytest.mark.parametrize("kind", ["benign", "hostile"])
def test_every_answer_is_in_the_document_verbatim(exports, case_id, kind):
    record, doc = exports[case_id, kind]
    texts = list(record.answers.values())
    texts += [f.answer for f in record.follow_ups if f.answer]
    assert texts
    for text in texts:
        fragment = md_block(text)
        assert fragment in doc
        assert shown_text(fragment) == expected_text(text)
    assert md_inline(_own_question(kind)) in doc
    assert "*Not answered: the step was skipped.*" in doc
    assert not any(ord(c) < 32 and c not in "\n\t" for c in doc)
    assert "\x1b" not in doc and "\x9b" not in doc


def test_the_big_answer_is_really_big(exports):
    record, doc = exports[BIG_CASE, "hostile"]
    assert len(record.answers["model"].encode()) >= 200_000
    assert len(doc.encode()) >= 200_000


@pytest.mark.slow
def test_every_export_passes_pymarkdownlnt(exports, tmp_path):
    paths = []
    for (case_id, kind), (_, doc) in exports.items():
        path = tmp_path / f"{case_id}-{kind}.md"
        path.write_text(doc, encoding="utf-8")
        paths.append(path)
    # pymarkdownlnt is slow; split the files over the machine's cores.
    jobs = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(jobs) as pool:
        results = list(
            pool.map(lambda part: pymarkdown(*part), [paths[i::jobs] for i in range(jobs)])
        )
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr


def test_feedback_appendix_lists_missed_points_and_passes_lint(tmp_path):
    for kind in ("benign", "hostile"):
        record, case, framework = _make_session(tmp_path, "feed-ranking", kind)
        path = export_session(record, case, framework, tmp_path / f"{kind}.md", with_feedback=True)
        doc = path.read_text(encoding="utf-8")
        assert "## Appendix: feedback" in doc
        assert "### Missed points" in doc
        assert "Level signal:" in doc
        missed = next(p for p in case.steps["serving"].rubric if p.level != "staff")
        assert md_inline(missed.why) in doc
    assert headings((tmp_path / "benign.md").read_text()) == headings(
        (tmp_path / "hostile.md").read_text()
    )
    result = pymarkdown(tmp_path / "benign.md", tmp_path / "hostile.md")
    assert result.returncode == 0, result.stdout + result.stderr


# -- the core entry point -------------------------------------------------------------------


@pytest.fixture
def session(tmp_path):
    return _make_session(tmp_path, "ctr-prediction", "benign")


def test_export_session_writes_md_and_refuses_to_overwrite(session, tmp_path):
    record, case, framework = session
    target = tmp_path / "doc.md"
    assert export_session(record, case, framework, target) == target
    first = target.read_text(encoding="utf-8")
    assert first.startswith("# Ad click-through-rate prediction\n")
    with pytest.raises(MlsdError, match="already exists"):
        export_session(record, case, framework, target, with_feedback=True)
    assert target.read_text(encoding="utf-8") == first
    export_session(record, case, framework, target, with_feedback=True, force=True)
    assert "## Appendix: feedback" in target.read_text(encoding="utf-8")


def test_export_session_json_is_the_whole_record(session, tmp_path):
    record, case, framework = session
    path = export_session(record, case, framework, tmp_path / "s.json", fmt="json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == 1 and data["kind"] == "mlsd-session"
    assert data["id"] == record.id and data["short_id"] == record.short_id
    assert data["answers"] == record.answers
    assert [h["text"] for h in data["history"]] == [h.text for h in record.history]
    assert {e["kind"] for e in data["events"]} >= {"clarification", "skip", "follow_up"}
    assert "feedback" not in data
    assert data == session_json(record)


def test_export_session_json_with_feedback(session, tmp_path):
    record, case, framework = session
    path = export_session(
        record, case, framework, tmp_path / "s.json", fmt="json", with_feedback=True
    )
    feedback = json.loads(path.read_text(encoding="utf-8"))["feedback"]
    assert feedback["format"] == 1
    point = feedback["steps"][0]["points"][0]
    assert point["point"] and point["why"]


def test_a_template_error_writes_nothing(session, tmp_path):
    record, case, framework = session
    bad = tmp_path / "bad.md.j2"
    bad.write_text("# {{ case.title | md_inline }}\n{{ case.nope }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"bad\.md\.j2:2:"):
        export_session(record, case, framework, tmp_path / "out.md", template=bad)
    assert not (tmp_path / "out.md").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_json_with_a_template_is_refused(session, tmp_path):
    record, case, framework = session
    with pytest.raises(MlsdError, match="--template applies to Markdown"):
        export_session(
            record, case, framework, tmp_path / "s.json", fmt="json", template=tmp_path / "t"
        )


def test_default_filename(session):
    record, _, _ = session
    name = default_filename(record)
    assert name == f"ctr-prediction-{record.started_at[:10]}-{record.short_id}.md"
    assert default_filename(record, "json").endswith(f"{record.short_id}.json")


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def stored(monkeypatch, tmp_path):
    """A finished session in this test's MLSD_HOME, and the current folder in tmp_path."""
    from mlsd._util.paths import home_dir

    record, _, _ = _make_session(home_dir(), "ctr-prediction", "benign")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return record, work


def test_cli_export_writes_the_default_file_in_the_current_folder(run, stored):
    record, work = stored
    result = run("export", "latest")
    assert result.code == 0, result.err
    name = default_filename(record)
    assert (work / name).is_file()
    assert name in result.err and result.out == ""


def test_cli_export_output_and_force(run, stored):
    record, _ = stored
    assert run("export", record.short_id, "-o", "doc.md").code == 0
    again = run("export", record.short_id, "-o", "doc.md")
    assert again.code == 1 and "already exists" in again.err and "--force" in again.err
    assert "Traceback" not in again.out + again.err
    assert run("export", record.short_id, "-o", "doc.md", "--force").code == 0


def test_cli_export_into_a_folder_uses_the_default_name(run, stored):
    record, work = stored
    (work / "docs").mkdir()
    assert run("export", "latest", "-o", "docs").code == 0
    assert (work / "docs" / default_filename(record)).is_file()


def test_cli_export_into_a_missing_folder_is_a_clear_error(run, stored):
    _, work = stored
    result = run("export", "latest", "-o", "no/such/folder/doc.md")
    assert result.code == 1
    assert "does not exist" in result.err and "Traceback" not in result.err
    assert not (work / "no").exists()


def test_cli_export_force_never_replaces_a_special_file(run, stored):
    """As root, `export -o /dev/null --force` swapped the device for a plain file; a FIFO
    (or anything not a regular file) is refused the same way."""
    _, work = stored
    fifo = work / "pipe"
    os.mkfifo(fifo)
    result = run("export", "latest", "-o", str(fifo), "--force")
    assert result.code == 1 and "not a regular file" in result.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_cli_export_json(run, stored):
    record, work = stored
    result = run("export", "latest", "--format", "json", "--with-feedback")
    assert result.code == 0, result.err
    data = json.loads((work / default_filename(record, "json")).read_text(encoding="utf-8"))
    assert data["answers"] == record.answers and data["feedback"]["format"] == 1


def test_cli_export_with_a_template_of_your_own(run, stored):
    _, work = stored
    (work / "mine.md.j2").write_text(
        "# {{ case.title | md_inline }}\n\n{% for s in steps %}- {{ s.title | md_inline }}: "
        "{{ s.status }}\n{% endfor %}",
        encoding="utf-8",
    )
    result = run("export", "latest", "-o", "mine.md", "--template", "mine.md.j2")
    assert result.code == 0, result.err
    text = (work / "mine.md").read_text(encoding="utf-8")
    assert "- Evaluation metrics: skipped\n" in text


def test_cli_export_template_extending_the_bundled_one(run, stored):
    _, work = stored
    (work / "short.md.j2").write_text(
        '{% extends "design_doc.md.j2" %}{% block pipeline %}{% endblock %}', encoding="utf-8"
    )
    assert run("export", "latest", "-o", "short.md", "-t", "short.md.j2").code == 0
    text = (work / "short.md").read_text(encoding="utf-8")
    assert "## Design" in text and "reference pipeline" not in text


def test_cli_export_uses_the_template_in_mlsd_home(run, stored):
    from mlsd._util.paths import home_dir

    _, work = stored
    (home_dir() / "templates").mkdir()
    (home_dir() / "templates" / "design_doc.md.j2").write_text(
        "# Mine: {{ session.short_id }}\n", encoding="utf-8"
    )
    assert run("export", "latest", "-o", "home.md").code == 0
    assert (work / "home.md").read_text(encoding="utf-8").startswith("# Mine: ")


def test_cli_export_template_errors_exit_1_without_a_file(run, stored):
    _, work = stored
    (work / "evil.md.j2").write_text("ok\n{{ session.__class__.__mro__ }}\n", encoding="utf-8")
    result = run("export", "latest", "-o", "evil.md", "-t", "evil.md.j2")
    assert result.code == 1
    assert "evil.md.j2:2: not allowed in a template" in result.err
    assert not (work / "evil.md").exists()
    (work / "typo.md.j2").write_text("{% for s in steps %}\n{{ s.titel }}\n", encoding="utf-8")
    result = run("export", "latest", "-o", "typo.md", "-t", "typo.md.j2")
    assert result.code == 1 and "typo.md.j2:" in result.err and "syntax error" in result.err


def test_cli_export_unknown_session(run, stored):
    result = run("export", "ffffffff")
    assert result.code == 1 and "no session" in result.err
    assert "Traceback" not in result.out + result.err


def test_cli_show_format_md_is_the_brief_without_spoilers(run):
    result = run("show", "ctr-prediction", "--format", "md")
    assert result.code == 0, result.err
    framework = load_framework()
    case = load_case(bundled_cases_dir() / "ctr-prediction.yaml", framework)
    assert result.out.startswith("# Ad click-through-rate prediction\n")
    assert len([h for h in headings(result.out) if h[0] == "h3"]) == len(framework.steps)
    step = case.steps["requirements"]
    assert md_inline(step.prompts[0]) in result.out
    spoilers = [step.hints[0], step.rubric[0].why, case.clarifications[0].answer.split(".")[0]]
    for spoiler in spoilers:
        assert md_inline(spoiler)[:40] not in result.out


def test_cli_show_format_md_of_a_hostile_case(run, write_case, case_data, tmp_path):
    case_data["title"] = "Title # with <b>html</b> and | pipes"
    case_data["prompt"] = HOSTILE_TEXT
    case_data["steps"]["data"]["prompts"] = ["# a heading?", "```", "<script>x</script>"]
    hostile = write_case(case_data)
    benign = run("show", "ctr-prediction", "--format", "md")
    result = run("show", str(hostile), "--format", "md")
    assert result.code == 0, result.err
    assert [h[0] for h in headings(result.out)] == [h[0] for h in headings(benign.out)]
    assert md_block(HOSTILE_TEXT, hard_breaks=False) in result.out
    path = tmp_path / "brief.md"
    path.write_text(result.out, encoding="utf-8")
    lint = pymarkdown(path)
    assert lint.returncode == 0, lint.stdout


def test_the_example_template_in_the_docs_works(run, stored):
    """docs/templates.md is the template author's only reference: its example must run."""
    _, work = stored
    docs = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    example = docs.split("```jinja\n", 1)[1].split("```\n", 1)[0]
    (work / "example.md.j2").write_text(example, encoding="utf-8")
    result = run("export", "latest", "-o", "example.md", "-t", "example.md.j2")
    assert result.code == 0, result.err
    text = (work / "example.md").read_text(encoding="utf-8")
    assert "*Skipped.*" in text
    lint = pymarkdown(work / "example.md")
    assert lint.returncode == 0, lint.stdout


def test_written_files_get_the_usual_permissions(tmp_path):
    import os

    from mlsd._util.fileio import write_atomic

    umask = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "doc.md", "x")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


# -- reads like a design doc (issue 14) --------------------------------------------------------


def test_the_strong_ctr_answers_export_as_a_plain_design_doc(run, tmp_path):
    answers = REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml"
    target = tmp_path / "doc.md"
    result = run("practice", "--answers", str(answers), "--export", str(target))
    assert result.code == 0, result.err
    doc = target.read_text(encoding="utf-8")
    design = doc[doc.index("## Design") : doc.index("## Time per step")]
    # The candidate's words are the body: no "Goal:" paragraph, no clutter in the raw text.
    assert "Goal:" not in design
    assert "\\\n" not in design and "\\~" not in doc and "\\$" not in doc
    assert "~15 ad slots" in design
    # Never revised: no "1" that reads as one revision.
    table = doc[doc.index("## Time per step") :].split("\n")
    rows = [line for line in table if line.startswith("| 1. ") or line.startswith("| 7. ")]
    assert rows and all(line.split(" | ")[4] == "none" for line in rows)
    # The case's diagram only as the labelled reference, after the candidate's design.
    assert "## Reference pipeline" not in doc
    assert doc.index("## Appendix: reference pipeline") > doc.index("## Time per step")
    assert "reference design, not the candidate's" in doc
    lint = pymarkdown(target)
    assert lint.returncode == 0, lint.stdout


def test_revisions_count_only_saves_after_the_first(session):
    record, case, framework = session
    steps = design_context(record, case, framework)["steps"]
    answered = [s for s in steps if s["status"] == "answered"]
    assert answered and all(s["revisions"] == 1 and s["revised"] == 0 for s in answered)
