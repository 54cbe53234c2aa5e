"""The shipped policies: the clean one stays clean; the seed's findings are pinned as a snapshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import POLICIES, ROOT, TODAY

from privacy_dsl.lint.config import Config
from privacy_dsl.lint.engine import lint_paths
from privacy_dsl.outputs.reporters import Report, render

SNAPSHOT = ROOT / "tests" / "snapshots" / "policies.txt"


def _lint(path: Path) -> list[str]:
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        result = lint_paths([path.relative_to(ROOT)], Config(), today=TODAY)
    finally:
        os.chdir(cwd)
    return render("concise", Report(result.diagnostics)).splitlines()


@pytest.mark.parametrize("policy", sorted(p.name for p in POLICIES.iterdir() if p.is_dir()))
def test_every_shipped_policy_parses_and_resolves(policy: str) -> None:
    lines = _lint(POLICIES / policy)
    input_errors = [line for line in lines if line.split(": ")[1].startswith("E")]
    assert input_errors == []


def test_clean_example_policy_is_clean() -> None:
    assert _lint(POLICIES / "fjordkaffe") == []


def test_shipped_policies_snapshot() -> None:
    """`privacy-dsl lint policies/` output. Regenerate with UPDATE_SNAPSHOTS=1 and review the diff."""
    actual = "\n".join(_lint(POLICIES)) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(actual, encoding="utf-8")
    assert actual == SNAPSHOT.read_text(encoding="utf-8")
