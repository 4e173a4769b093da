"""Fuzzing the loaders: any text or bytes gives a valid object or a located MlsdError.

Profiles (tests/conftest.py): `ci` is quick and derandomised, the default; run
`HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py` locally for a deeper search.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsd.cases import yamlio
from mlsd.cases.catalog import load_answers, load_case, load_framework, validate
from mlsd.cases.models import Framework
from mlsd.errors import MlsdError
from tests.conftest import deep_case

SUITE = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

yaml_ish = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)


def _load(loader, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        loader(path)
    except MlsdError as exc:
        assert exc.message.strip()
        assert str(path) in exc.message


@SUITE
@given(st.binary(max_size=2000))
def test_case_loader_on_arbitrary_bytes(tmp_path_factory, data):
    _load(load_case, tmp_path_factory.mktemp("f") / "fuzz.yaml", data)


@SUITE
@given(st.text(max_size=2000))
def test_case_loader_on_arbitrary_text(tmp_path_factory, text):
    _load(
        load_case, tmp_path_factory.mktemp("f") / "fuzz.yaml", text.encode("utf-8", "surrogatepass")
    )


@SUITE
@given(yaml_ish)
def test_case_loader_on_arbitrary_yaml_structures(tmp_path_factory, value):
    _load(load_case, tmp_path_factory.mktemp("f") / "fuzz.yaml", yaml.safe_dump(value).encode())


@SUITE
@given(st.data())
def test_case_loader_on_a_mutated_valid_case(tmp_path_factory, data):
    """Replace one value somewhere in a valid case with something arbitrary."""
    case = deep_case("fuzz")
    node: object = case
    path: list[object] = []
    while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
        key = data.draw(
            st.sampled_from(list(node) if isinstance(node, dict) else list(range(len(node))))
        )
        path.append(key)
        node = node[key]  # type: ignore[index]
    if path:
        parent: object = case
        for key in path[:-1]:
            parent = parent[key]  # type: ignore[index]
        parent[path[-1]] = data.draw(yaml_ish)  # type: ignore[index]
    _load(load_case, tmp_path_factory.mktemp("f") / "fuzz.yaml", yaml.safe_dump(case).encode())


@SUITE
@given(
    st.binary(max_size=2000)
    | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
def test_answers_loader(tmp_path_factory, data):
    _load(load_answers, tmp_path_factory.mktemp("f") / "answers.yaml", data)


@SUITE
@given(yaml_ish)
def test_framework_loader(tmp_path_factory, value):
    path = tmp_path_factory.mktemp("f") / "framework.yaml"
    path.write_text(yaml.safe_dump(value))
    try:
        validate(Framework, yamlio.load(path))
    except MlsdError as exc:
        assert exc.message.strip()


@SUITE
@given(st.text(max_size=5000))
def test_doc_scorer_never_crashes(text):
    from mlsd.rubric.docsplit import split_doc

    load_framework()
    split_doc(text, load_framework())


def _refused_fast(tmp_path: Path, text: str, expect: str | None) -> None:
    """Refused with a message naming the file (and ``expect``, when mlsd's own check is the
    one that refuses). No wall-clock assertion: a slow machine must not fail a test; a
    parser gone quadratic shows up as a hung run instead."""
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    try:
        load_case(path)
    except MlsdError as exc:
        assert exc.message.startswith(str(path))
        if expect is not None:
            assert expect in exc.message
    else:
        raise AssertionError("accepted")


def test_alias_bomb_refused_fast(tmp_path):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{','.join(f'*a{i - 1}' for _ in range(10))}]" for i in range(1, 12)]
    _refused_fast(tmp_path, "\n".join(lines), "anchors and aliases")


def test_deep_nesting_refused_fast(tmp_path):
    # PyYAML 6.0.4 refuses deep nesting itself, before mlsd's own depth check; older
    # versions leave it to mlsd. Either way it is refused, naming the file.
    _refused_fast(tmp_path, "[" * 50_000 + "]" * 50_000, None)


def test_huge_scalar_refused_fast(tmp_path):
    _refused_fast(tmp_path, "title: " + "x" * (2 * 1024 * 1024), "limit is")


regex_ish = st.text(alphabet=list("ab.\\wsd()[]{}|*+?^$-,0123456789:=!<>"), max_size=40)


@SUITE
@given(st.one_of(regex_ish, st.text(max_size=60)))
def test_regex_safety_check_never_crashes(pattern):
    # It reads strangers' `re:` phrases: any text gives a reason or None, never an error.
    from mlsd.cases.regex_safety import backtracking_risk

    reason = backtracking_risk(pattern)
    assert reason is None or reason.strip()


@SUITE
@given(st.lists(st.sampled_from(["a", "b", "<<", "a"]), min_size=1, max_size=6))
def test_duplicate_and_merge_keys_are_always_located(tmp_path_factory, keys):
    path = tmp_path_factory.mktemp("keys") / "k.yaml"
    path.write_text("".join(f"{k}: {{x: {i}}}\n" for i, k in enumerate(keys)), encoding="utf-8")
    try:
        data = yamlio.load(path).data
    except MlsdError as exc:
        assert exc.message.startswith(f"{path}:")
        assert "appears twice" in exc.message or "merge keys" in exc.message
    else:
        assert len(data) == len(keys)
