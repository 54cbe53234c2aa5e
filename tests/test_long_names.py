"""Names of any length are quoted at most 60 characters long (docs/robustness.md): in every
message, hint and related location of every rule's documented examples, with every declared name
and every string made 200 characters longer; in a group of findings; in a query's unknown name."""

from __future__ import annotations

import re

import pytest
from conftest import diagnose, example

from privacy_dsl.api import load_text
from privacy_dsl.diagnostics import Diagnostic
from privacy_dsl.lint.config import parse_config
from privacy_dsl.lint.engine import lint_text
from privacy_dsl.lint.loader import PolicyError
from privacy_dsl.lint.rules import REGISTRY
from privacy_dsl.query.engine import UnknownName

LONG = "_" + "x" * 200
TOO_LONG = re.compile("x{61,}|y{61,}")


def _lengthened(text: str) -> str:
    """``text`` with every declared name and every string 200 characters longer."""
    try:
        model = load_text(text).model
    except PolicyError:
        return text
    names: set[str] = set()
    for table in (model.purposes, model.categories, model.recipients, model.consents, model.subjects,
                  model.transfers, model.authorities):
        names |= set(table)
    names |= {c.name for c in model.cookies if c.name}
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w*])", name + LONG, text)
    return re.sub(r'"([^"\n]+)"', lambda q: f'"{q.group(1)} {"y" * 200}"', text)


def _too_long(diags: list[Diagnostic]) -> list[str]:
    return [f"{d.code} {what}: {text[:120]}" for d in diags
            for what, text in (("message", d.message), ("hint", d.hint or ""),
                               *(("related", r.label) for r in d.related))
            if TOO_LONG.search(text)]


@pytest.mark.parametrize("code", list(REGISTRY))
def test_every_rule_quotes_long_names_shortened(code: str) -> None:
    for section in ("Example", "Use instead"):
        text = _lengthened(example(code, section))
        assert not _too_long(diagnose(text, "ALL")), f"{code} {section}: {_too_long(diagnose(text, 'ALL'))}"


def test_a_group_of_findings_quotes_its_names_shortened() -> None:
    text = "".join(f"purpose p{i}{LONG} {{\n  use marketing.communications.email\n  basis legitimate_interests\n}}\n"
                   for i in range(4))
    diags = lint_text(text, "policy.privacy", parse_config({"select": ["LAW003", "RET001"]}))
    assert {d.code for d in diags} == {"LAW003", "RET001"} and all(d.related for d in diags)
    assert not _too_long(diags)
    assert all(len(d.message) <= 400 for d in diags)


def test_an_unknown_name_in_a_question_is_quoted_shortened() -> None:
    err = UnknownName("purpose", "q" * 500, ["p" * 500, "r" * 500])
    assert "q" * 61 not in str(err) and "p" * 61 not in str(err) and len(str(err)) <= 400
