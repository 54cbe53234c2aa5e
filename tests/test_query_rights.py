"""A missing right never denies a lawful use, whether or not the policy has a `rights` block
(issue 17, item 8; docs/query.md: findings about the notice's rights describe the notice).

Without a `rights` block, TRN005 (the right to object) is reported at the purpose that needs the
right; with a block that lacks it, at the block. The same use must get the same answer from the
command line, the Python API and the pytest fixture in both shapes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import POLICIES

from privacy_dsl.api import load
from privacy_dsl.cli.main import main

pytest_plugins = ["pytester"]

RIGHTS_BLOCK = re.compile(r"\nrights \{.*?\n\}\n", re.S)


def shapes(where: Path) -> dict[str, Path]:
    """fjordkaffe twice: its rights block without `objection`, and no rights block at all. Its
    `fraud_prevention` purpose rests on legitimate interests, so both lack the right to object."""
    out = {}
    for shape in ("block-without-objection", "no-rights-block"):
        policy = where / shape
        shutil.copytree(POLICIES / "fjordkaffe", policy, ignore=shutil.ignore_patterns("*.privacy-test"))
        controller = policy / "controller.privacy"
        text = controller.read_text(encoding="utf-8")
        if shape == "no-rights-block":
            changed = RIGHTS_BLOCK.sub("\n", text)
        else:
            changed = text.replace("portability, objection, ", "portability, ")
        assert changed != text
        controller.write_text(changed, encoding="utf-8")
        out[shape] = policy
    return out


@pytest.fixture(scope="module")
def policies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return shapes(tmp_path_factory.mktemp("rights"))


def test_both_shapes_really_lack_the_right_and_one_reports_it_inside_the_purpose(policies: dict[str, Path]) -> None:
    """The premise: TRN005 is an error in both, inside `fraud_prevention` only without a block."""
    for shape, path in policies.items():
        handle = load(path)
        trn005 = [d for d in handle.errors if d.code == "TRN005"]
        assert len(trn005) == 1, shape
        inside = trn005[0] in handle.findings_in("purpose", "fraud_prevention")
        assert inside is (shape == "no-rights-block")


@pytest.mark.parametrize("shape", ["block-without-objection", "no-rights-block"])
def test_the_command_line_allows_the_lawful_use(policies: dict[str, Path], shape: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["query", "can", "fraud_prevention", "orders", "--format", "json", "--policy", str(policies[shape])])
    doc = json.loads(capsys.readouterr().out)
    assert (code, doc["allowed"]) == (0, True)
    assert not any("TRN" in reason["text"] for reason in doc["reasons"])


@pytest.mark.parametrize("shape", ["block-without-objection", "no-rights-block"])
def test_the_api_allows_the_lawful_use_and_still_lists_the_finding(policies: dict[str, Path], shape: str) -> None:
    handle = load(policies[shape])
    assert handle.permits("fraud_prevention", ["orders"]).allowed
    assert any(d.code == "TRN005" for d in handle.errors)  # still a finding of the linter


@pytest.mark.parametrize("shape", ["block-without-objection", "no-rights-block"])
def test_a_lawfulness_error_in_the_purpose_still_denies_in_both_shapes(tmp_path: Path, shape: str) -> None:
    """The control: only findings about rights are set aside. Without its balancing test the
    legitimate-interests purpose is rejected (LAW), with or without a rights block."""
    path = shapes(tmp_path)[shape]
    purposes = path / "purposes.privacy"
    text = purposes.read_text(encoding="utf-8")
    changed = re.sub(r"\n\s*balancing_test \"[^\"]*\"", "", text, count=1)
    assert changed != text
    purposes.write_text(changed, encoding="utf-8")
    decision = load(path).permits("fraud_prevention", ["orders"])
    assert not decision.allowed
    assert any(r.code is not None and r.code.startswith("LAW") for r in decision.reasons)


def test_the_pytest_fixture_allows_the_lawful_use_in_both_shapes(pytester: pytest.Pytester) -> None:
    for shape, path in shapes(pytester.path).items():
        pytester.makeini(f"[pytest]\nprivacy_policy = {path.name}\n")
        pytester.makepyfile(test_use="""
            def test_fraud_prevention(privacy_policy):
                privacy_policy.assert_permits("fraud_prevention", ["orders"])
        """)
        result = pytester.runpytest()
        assert result.ret == 0, (shape, result.stdout.str())
        result.assert_outcomes(passed=1)
