"""``mlsd ai check``, the judge at the end of practice and on a doc, and start-up discipline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.openai_stub import Reply, json_reply, verdicts

REPO = Path(__file__).resolve().parent.parent
STRONG = REPO / "tests" / "fixtures" / "answers" / "ctr-prediction-strong.yaml"


def test_ai_check_names_the_model_the_host_and_what_leaves(run, stub):
    stub.default = json_reply({"ok": True})
    result = run("ai", "check", "--model", "stub")
    assert result.code == 0, result.err
    assert "Model: stub" in result.out
    assert f"Host: {stub.url}" in result.out
    assert "What it receives" in result.out
    # the stub listens on 127.0.0.1: the text stays on this machine, and says so
    assert "on this machine: nothing leaves it" in result.out
    assert "Answers: yes" in result.out


def test_a_hosted_model_names_its_provider_and_a_local_one_says_it_stays_here():
    from mlsd.ai.model import Destination

    hosted = Destination("gpt-4o-mini", "hosted by OpenAI (llm's built-in models)", True)
    assert not hosted.local and "sent to the model" in hosted.sentence()
    for host in ("http://localhost:8080/v1", "http://127.0.0.1:11434/v1", "http://[::1]:9/v1"):
        assert Destination("m", host, False).local, host
    assert not Destination("m", "https://api.example.com/v1", False).local


def test_llms_own_openai_models_are_named_as_openai():
    import llm

    from mlsd.ai.model import destination_of

    assert "OpenAI" in destination_of(llm.get_model("gpt-4o-mini")).host


def test_ai_check_reads_mlsd_model(run, stub, monkeypatch):
    stub.default = json_reply({"ok": True})
    monkeypatch.setenv("MLSD_MODEL", "stub")
    assert run("ai", "check").code == 0


def test_ai_check_without_a_model_is_a_message(run, monkeypatch):
    monkeypatch.delenv("MLSD_MODEL", raising=False)
    result = run("ai", "check")
    assert result.code == 1
    assert "no model set: mlsd works offline" in result.err


def test_ai_check_with_the_server_down(run, stub):
    stub.stop()
    result = run("ai", "check", "--model", "stub")
    assert result.code == 1 and "Traceback" not in result.err
    assert "Answers: no: cannot reach stub" in result.out
    assert "mlsd: stub is not usable" in result.err


def test_ai_check_with_a_malformed_reply(run, stub):
    stub.default = Reply(content="sure! here you go")
    result = run("ai", "check", "--model", "stub")
    assert result.code == 1
    assert "reply was not the JSON asked for" in result.err


def test_a_model_set_judges_at_the_end_of_practice(run, stub, monkeypatch):
    stub.default = verdicts(lambda key: ("missed", ""))
    monkeypatch.setenv("MLSD_MODEL", "stub")
    result = run("practice", "ctr-prediction", "--answers", str(STRONG))
    assert result.code == 0, result.err
    assert "Key points covered" in result.out  # the summary, then the judge beside it
    assert "AI judge: stub" in result.out
    assert "to the model stub on this machine" in result.err
    assert len(stub.requests) == 7


def test_practice_without_a_model_makes_no_request(run, stub, monkeypatch):
    monkeypatch.delenv("MLSD_MODEL", raising=False)
    assert run("practice", "ctr-prediction", "--answers", str(STRONG)).code == 0
    assert stub.requests == []


def test_a_design_doc_is_judged_too(run, stub, tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# CTR\n\n## Requirements\n\nThe predicted CTR must be calibrated because it is "
        "multiplied by the bid.\n",
        encoding="utf-8",
    )

    def decide(key: str) -> tuple[str, str]:
        if key == "case:calibrated-pctr":
            return "covered", "must be calibrated because it is multiplied by the bid"
        return "missed", ""

    stub.default = verdicts(decide)
    result = run("score", "--case", "ctr-prediction", str(doc), "--judge", "--model", "stub")
    assert result.code == 0, result.err
    assert "AI judge: stub" in result.out


def test_the_cli_never_imports_llm_without_a_model():
    """`mlsd --help`, `list` and the CLI module itself must not pay for llm."""
    code = (
        "import sys\nfrom mlsd.cli import main\n"
        "assert 'llm' not in sys.modules, 'import'\n"
        "main(['list'])\nassert 'llm' not in sys.modules, 'list'\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'llm' not in sys.modules, 'help'\n"
        "assert 'mlsd.ai.judge' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr


def test_ai_appears_in_help(run):
    result = run("--help")
    assert " ai " in result.out


def test_a_judge_that_judged_nothing_claims_no_coverage_or_agreement(run, monkeypatch):
    """An unknown model judges no step: no "with the judge's verdicts" figure, no "0
    disagreements" that reads as a judge agreeing with everything."""
    monkeypatch.delenv("MLSD_MODEL", raising=False)
    assert run("practice", "ctr-prediction", "--answers", str(STRONG)).code == 0
    result = run("score", "latest", "--judge", "--model", "no-such-model", "--no-pager")
    assert result.code == 0, result.err
    assert "AI judge: no-such-model did not judge this session" in " ".join(result.out.split())
    assert "with the judge's verdicts" not in result.out
    assert "disagreement" not in result.out


def test_a_verdict_discarded_for_want_of_a_quote_is_not_called_invented(run, stub):
    """A partial with an empty quote is thrown away, but it quoted nothing: saying it
    quoted "words you did not write: “”" is wrong and confusing."""
    stub.default = verdicts(lambda key: ("partial", ""))
    assert run("practice", "ctr-prediction", "--answers", str(STRONG)).code == 0
    result = run("score", "latest", "--judge", "--model", "stub", "--no-pager")
    assert result.code == 0, result.err
    flat = " ".join(result.out.replace("│", " ").split())
    assert "without quoting you" in flat
    assert "“”" not in flat


def test_ai_help_names_the_extra_to_install(run, monkeypatch):
    """The extra "mlsd[ai]" was read as rich markup and shown as "mlsd"; the docstring of
    `ai check` broke a sentence in two."""
    monkeypatch.setenv("COLUMNS", "200")
    assert "pip install 'mlsd[ai]'" in run("--help").out
    result = run("ai", "--help")
    assert "pip install 'mlsd[ai]'" in result.out
    assert "whether it answers, and what it is sent." in result.out


def test_a_request_holds_the_waiting_sign_while_it_is_out(stub):
    """A slow model left the screen still for minutes (two tries of MLSD_AI_TIMEOUT);
    a spinner is up for as long as a request is out, and gone once it is answered."""
    from contextlib import contextmanager

    from mlsd.ai.model import Connection, Settings
    from mlsd.ai.replies import CheckReply, schema_of
    from tests.openai_stub import json_reply

    events: list[str] = []

    @contextmanager
    def waiting():
        events.append("up")
        yield
        events.append("down")

    stub.default = lambda request: json_reply({"ok": True})
    conn = Connection("stub", settings=Settings(timeout=10, retry_delay=0), waiting=waiting)
    assert conn.ask("system", "Are you there?", CheckReply, schema_of(CheckReply)).ok
    assert events == ["up", "down"]
