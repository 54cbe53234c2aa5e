"""``Frozen.build`` (no validation, for the parser and resolver) gives what validation would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import POLICIES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.lark import from_lark
from pydantic import BaseModel
from strategies import GRAMMAR, padded_tokens
from test_fuzz import _mutated

from privacy_dsl import model as m
from privacy_dsl.parser import parse_text
from privacy_dsl.resolve import resolve


def _nodes(value: Any) -> list[BaseModel]:
    if isinstance(value, BaseModel):
        return [value, *(n for v in value.__dict__.values() for n in _nodes(v))]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _nodes(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _nodes(v)]
    return []


def _assert_valid(root: BaseModel) -> int:
    nodes = _nodes(root)
    for node in nodes:
        fields = {k: v for k, v in node.__dict__.items() if k in node.__pydantic_fields_set__}
        again = type(node).model_validate(fields)
        assert repr(again) == repr(node), type(node).__name__  # repr shows tuple/list and enum/str apart
        assert again.__pydantic_fields_set__ == node.__pydantic_fields_set__
        assert again == node
    return len(nodes)


POLICY_DIRS = sorted({p.parent for p in [*POLICIES.rglob("*.privacy"), *(ROOT / "tests").rglob("*.privacy")]})


@pytest.mark.parametrize("folder", POLICY_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_built_nodes_are_what_validation_would_make(folder: Path) -> None:
    documents = []
    for path in sorted(folder.glob("*.privacy")):
        result = parse_text(path.read_text(encoding="utf-8", errors="replace"), str(path))
        if result.document is not None:
            _assert_valid(result.document)
            documents.append(result.document)
    policy, _ = resolve(str(folder), documents) if documents else (None, None)
    if policy is not None:
        _assert_valid(policy)


def test_build_still_refuses_unknown_and_missing_fields() -> None:
    span = m.Span(path="p", line=1, column=1, end_line=1, end_column=2)
    assert m.Ref.build(name="x", span=span) == m.Ref(name="x", span=span)
    with pytest.raises(TypeError, match="unknown field"):
        m.Ref.build(name="x", span=span, colour="red")
    with pytest.raises(TypeError, match="missing field `name`"):
        m.Ref.build(span=span)


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
