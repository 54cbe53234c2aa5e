"""Every rule is documented from one source, and its documented examples behave as documented."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, codes

from privacy_dsl.lint.docs import generated_pages
from privacy_dsl.lint.rules import REGISTRY
from privacy_dsl.lint.rules.base import CATEGORIES, Rule

SECTIONS = ["What it does", "Why it matters", "Example", "Use instead", "Options", "References"]
FENCE = re.compile(r"```privacy\n(.*?)```", re.S)


def _section(rule: Rule, title: str) -> str:
    match = re.search(rf"^## {title}\n(.*?)(?=^## |\Z)", rule.doc, re.S | re.M)
    assert match, f"{rule.code}: no '## {title}' section"
    return match.group(1)


@pytest.mark.parametrize("rule", REGISTRY.values(), ids=lambda r: r.code)
def test_rule_metadata_and_sections(rule: Rule) -> None:
    assert re.fullmatch(r"[A-Z]{2,3}\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.category in CATEGORIES
    assert rule.references, f"{rule.code} cites no source"
    headings = re.findall(r"^## (.+)$", rule.doc, re.M)
    assert headings == SECTIONS, f"{rule.code}: sections {headings}"


@pytest.mark.parametrize("rule", REGISTRY.values(), ids=lambda r: r.code)
def test_example_fires_and_use_instead_does_not(rule: Rule) -> None:
    (bad,) = FENCE.findall(_section(rule, "Example"))
    (good,) = FENCE.findall(_section(rule, "Use instead"))
    select = [rule.code, "SUP"] if rule.category != "suppressions" else ["ALL"]
    assert rule.code in [c for c, _, _ in codes(bad, select)], f"{rule.code}: its Example does not fire"
    assert rule.code not in [c for c, _, _ in codes(good, select)], f"{rule.code}: its Use instead fires"


def test_generated_rule_docs_are_up_to_date() -> None:
    out = ROOT / "docs" / "rules"
    for name, text in generated_pages().items():
        path = out / name
        assert path.exists() and path.read_text(encoding="utf-8") == text, (
            f"docs/rules/{name} is stale: run `python -m privacy_dsl.lint.docs`")
    stale = {p.name for p in out.glob("*.md")} - set(generated_pages())
    assert not stale, f"docs/rules has pages for no category: {stale}"
