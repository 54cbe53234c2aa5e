"""The model is plain dataclasses; ``modeldata`` (pydantic) turns them into data and back unchanged."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import POLICIES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.lark import from_lark
from pydantic import ValidationError
from strategies import GRAMMAR, padded_tokens
from test_fuzz import _mutated

from privacy_dsl.language import model as m
from privacy_dsl.language import modeldata as md
from privacy_dsl.language.parser import parse_text
from privacy_dsl.language.resolve import resolve


def _nodes(value: Any) -> list[Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, (type, m.Span)):
        return [value, *(n for f in dataclasses.fields(value) for n in _nodes(getattr(value, f.name)))]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _nodes(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _nodes(v)]
    return []


def _assert_valid(root: Any) -> int:
    """Every node of ``root`` comes back equal from its data, its JSON-compatible data and its JSON."""
    nodes = _nodes(root)
    for node in nodes:
        cls = type(node)
        again = md.from_dict(cls, md.to_dict(node))
        assert repr(again) == repr(node), cls.__name__  # repr shows tuple/list and enum/str apart
        assert again == node
        assert md.from_dict(cls, md.to_jsonable(node)) == node
    assert md.from_json(type(root), md.to_json(root)) == root
    return len(nodes)


POLICY_DIRS = sorted({p.parent for p in [*POLICIES.rglob("*.privacy"), *(ROOT / "tests").rglob("*.privacy")]})


@pytest.mark.parametrize("folder", POLICY_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_nodes_round_trip(folder: Path) -> None:
    documents = []
    for path in sorted(folder.glob("*.privacy")):
        result = parse_text(path.read_text(encoding="utf-8", errors="replace"), str(path))
        if result.document is not None:
            _assert_valid(result.document)
            documents.append(result.document)
    policy, _ = resolve(str(folder), documents) if documents else (None, None)
    if policy is not None:
        _assert_valid(policy)


def test_validation_refuses_unknown_and_missing_fields() -> None:
    span = m.Span(path="p", line=1, column=1, end_line=1, end_column=2)
    data = md.to_dict(m.Ref(name="x", span=span))
    assert md.from_dict(m.Ref, data) == m.Ref(name="x", span=span)
    with pytest.raises(ValidationError, match="colour"):
        md.from_dict(m.Ref, {**data, "colour": "red"})
    with pytest.raises(ValidationError, match="name"):
        md.from_dict(m.Ref, {"span": data["span"]})
    with pytest.raises(TypeError):
        m.Ref(name="x", span=span, colour="red")  # type: ignore[call-arg]


def test_parsing_and_resolving_import_no_pydantic() -> None:
    code = ("import sys; from privacy_dsl.language.parser import parse_text; "
            "from privacy_dsl.language.resolve import resolve; "
            "d = parse_text('controller \"X\" {\\n}\\n', 'x.privacy').document; resolve('.', [d]); "
            "print(sorted(m for m in ('pydantic', 'privacy_dsl.language.modeldata') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]"], out.stderr


def test_defaults_are_typed_and_state_only_what_was_written() -> None:
    result = parse_text('defaults purpose {\n  profiling\n  retention 2 years\n}\n'
                        'defaults cookie {\n  party third\n}\n', "d.privacy")
    assert result.document is not None
    purpose, cookie = result.document.blocks
    assert isinstance(purpose, m.Defaults) and isinstance(purpose.values, m.PurposeDefaults)
    assert isinstance(cookie, m.Defaults) and isinstance(cookie.values, m.CookieDefaults)
    assert sorted(m.stated(purpose.values)) == ["profiling", "retention"]
    assert m.stated(cookie.values) == {"party": m.Party.THIRD}
    _assert_valid(result.document)


def _doc_examples() -> list[str]:
    import re

    fence = re.compile(r"```privacy\n(.*?)```", re.S)
    return [chunk for path in sorted([*(ROOT / "docs").rglob("*.md"), ROOT / "README.md"])
            for chunk in fence.findall(path.read_text(encoding="utf-8"))]


def test_built_nodes_of_every_documented_example() -> None:
    checked = 0
    for i, text in enumerate(_doc_examples()):
        result = parse_text(text, f"example{i}.privacy")
        if result.document is not None:
            checked += _assert_valid(result.document)
            policy, _ = resolve(".", [result.document])
            checked += _assert_valid(policy)
    assert checked > 1000


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_lark(GRAMMAR, explicit=padded_tokens()))
def test_built_nodes_of_generated_documents(source: str) -> None:
    result = parse_text(source, "gen.privacy")
    assert result.document is not None
    _assert_valid(result.document)
    _assert_valid(resolve(".", [result.document])[0])


@settings(max_examples=200, deadline=None)
@given(_mutated())
def test_built_nodes_of_mutated_policies(source: str) -> None:
    """Bad values (an unknown enum member, a misspelt country) are reported by the parser and kept
    out of the model; whatever is built is what validation would have built."""
    result = parse_text(source, "mutated.privacy")
    if result.document is not None:
        _assert_valid(result.document)
        _assert_valid(resolve(".", [result.document])[0])
