"""Typed messages: every rule's templates and every finding's arguments fit each other.

A finding is (code, span, args) and its text is its template filled at the edge
(``Rule.message``), so a template that names a field no finding fills is a ``KeyError`` at run
time, and an argument no template shows is data the reader never sees. The static half checks the
templates against the catalogue; the dynamic half runs every rule on its documented examples,
the fuzz corpus and the shipped policies and checks each finding against its template.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from conftest import POLICIES, ROOT, TODAY

from privacy_dsl.diagnostics import Diagnostic
from privacy_dsl.lint.catalogue import from_rule
from privacy_dsl.lint.config import parse_config
from privacy_dsl.lint.engine import lint_paths, lint_text
from privacy_dsl.lint.rules import REGISTRY
from privacy_dsl.lint.rules.base import Rule

FENCE = re.compile(r"```privacy\n(.*?)```", re.S)
#: Every rule: the SUP rules' diagnostics are made from their templates too (rules/suppressions.py).
LINT_RULES = list(REGISTRY.values())


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("rule", LINT_RULES, ids=lambda r: r.code)
def test_templates_are_well_formed_and_in_the_catalogue(rule: Rule) -> None:
    assert rule.messages, f"{rule.code} declares no message"
    for message_id, template in rule.messages.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", message_id), f"{rule.code}: message id {message_id!r}"
        names = fields(template)
        assert all(n.isidentifier() for n in names), f"{rule.code}/{message_id}: fields {names}"
        assert template == template.strip() and "\n" not in template
    code = from_rule(rule)
    assert code.messages == rule.messages
    assert code.fields() == set().union(*(fields(t) for t in rule.messages.values()))


def _examples() -> list[tuple[str, str]]:
    """Every ``privacy`` example of the rule docs and the language docs, with where it is from."""
    out = [(f"{rule.code} doc", text) for rule in REGISTRY.values() for text in FENCE.findall(rule.doc)]
    for page in sorted((ROOT / "docs").rglob("*.md")):
        out += [(str(page.relative_to(ROOT)), text) for text in FENCE.findall(page.read_text(encoding="utf-8"))]
    out += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8", errors="replace"))
            for p in sorted((ROOT / "tests" / "corpus").glob("*.privacy"))]
    return out


def _diagnostics() -> list[tuple[str, Diagnostic]]:
    config = parse_config({"select": ["ALL"]})
    out = [(where, d) for where, text in _examples() for d in lint_text(text, "policy.privacy", config, TODAY)]
    out += [(d.span.path, d) for d in lint_paths([Path(POLICIES)], config, TODAY).diagnostics]
    # Each rule's own examples with that rule alone: a finding another one implies (TRN016 beside
    # LAW001) is not reported with every rule on, and its fields are checked all the same.
    out += [(f"{rule.code} doc alone", d) for rule in REGISTRY.values() for text in FENCE.findall(rule.doc)
            for d in lint_text(text, "policy.privacy", parse_config({"select": [rule.code]}), TODAY)]
    return [(where, d) for where, d in out if d.code in REGISTRY]


DIAGNOSTICS = _diagnostics()


def test_every_finding_fills_exactly_the_fields_of_its_template() -> None:
    wrong = []
    for where, d in DIAGNOSTICS:
        rule = REGISTRY[d.code]
        if d.message_id not in rule.messages:
            wrong.append(f"{where}: {d.code} has no message {d.message_id!r}")
            continue
        args = dict(d.args)
        expected = fields(rule.messages[d.message_id])
        if set(args) != expected or len(args) != len(d.args):
            wrong.append(f"{where}: {d.code}/{d.message_id} fills {sorted(args)}, its template {sorted(expected)}")
        if not all(isinstance(v, str) for v in args.values()):
            wrong.append(f"{where}: {d.code}/{d.message_id} has an argument that is not a string: {args}")
    assert not wrong, "\n".join(wrong)


def test_the_examples_reach_every_rule() -> None:
    """The dynamic check above covers every rule: each fires somewhere in what it lints."""
    assert {r.code for r in LINT_RULES} <= {d.code for _, d in DIAGNOSTICS}
