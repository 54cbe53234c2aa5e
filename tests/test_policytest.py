"""Policy tests (`*.privacy-test`, `privacy-dsl test`): parsing, checking, coverage, reports, exit codes."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import POLICIES, ROOT

from privacy_dsl.cli.main import main
from privacy_dsl.lint.config import Config, parse_config
from privacy_dsl.query.policytest import parse_test_text, run_tests

POLICY = """\
subject customer
category email { taxonomy user.contact.email }
category phone { taxonomy user.contact.phone_number }
purpose newsletter {
  use marketing.communications.email
  basis consent
  consent signup
  categories email
  subjects customer
  recipients mailer
}
purpose ads {
  use marketing.advertising.third_party.targeted
  basis legitimate_interests
  categories email
}
purpose orders { use essential.service basis contract categories email, phone }
consent signup { method opt_in }
recipient mailer { role processor }
recipient unused { role processor }
cookie sid { expiry session category strictly_necessary }
cookie "_ga*" { expiry 13 months category analytics }
"""

TESTS = """\
test "newsletter" {
  allow newsletter email for customer to mailer
  deny newsletter phone
  allow newsletter phone
  deny marketing.advertising email
}
test "findings" {
  finding LAW003 at purpose ads
  no finding LAW003 at purpose newsletter
  finding LAW003 at purpose newsletter
  finding LAW003
  no errors
}
test "cookies and names" {
  cookie sid needs no consent
  cookie "_ga*" needs no consent
  allow newslettr email
  finding CK002 at cookie sid
  finding LAW03 at purpose ads
  finding LAW003 at purpose nope
}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "policies" / "acme").mkdir(parents=True)
    (tmp_path / "policies" / "acme" / "a.privacy").write_text(POLICY)
    (tmp_path / "policies" / "acme" / "acme.privacy-test").write_text(TESTS)
    (tmp_path / "pyproject.toml").write_text('[tool.privacy-dsl]\nselect = ["LAW003"]\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


CONFIG = parse_config({"select": ["LAW003"]})


# ---------------------------------------------------------------- parsing


def test_parse_expectations_with_positions() -> None:
    parsed, problem = parse_test_text(TESTS, "t.privacy-test")
    assert problem is None and parsed is not None
    assert [c.name for c in parsed.cases] == ["newsletter", "findings", "cookies and names"]
    first = parsed.cases[0].expectations[0]
    assert (first.kind, first.purpose, first.categories, first.subject, first.recipient) == (
        "allow", "newsletter", ("email",), "customer", "mailer")
    assert (first.span.line, first.span.column) == (2, 3)
    assert first.text == "allow newsletter email for customer to mailer"
    kinds = [e.kind for c in parsed.cases for e in c.expectations]
    assert kinds == ["allow", "deny", "allow", "deny", "finding", "no_finding", "finding", "finding", "no_errors",
                     "cookie_no_consent", "cookie_no_consent", "allow", "finding", "finding", "finding"]
    finding = parsed.cases[1].expectations[0]
    assert (finding.code, finding.target) == ("LAW003", ("purpose", "ads"))
    assert parsed.cases[1].expectations[3].target is None
    assert parsed.cases[2].expectations[1].cookie == "_ga*"


def test_taxonomy_keys_and_singleton_targets_parse() -> None:
    parsed, problem = parse_test_text(
        'test "t" {\n  deny marketing user.contact.email, name\n  finding TRN001 at controller\n'
        '  cookie x needs consent\n}\n', "t.privacy-test")
    assert problem is None and parsed is not None
    deny, finding, cookie = parsed.cases[0].expectations
    assert deny.categories == ("user.contact.email", "name")
    assert finding.target == ("controller", "")
    assert cookie.kind == "cookie_consent"


@pytest.mark.parametrize(("text", "code", "line", "column", "words"), [
    ('test "x" {\n  alow newsletter email\n}\n', "E100", 2, 3, "did you mean `allow`?"),
    ('test "x" {\n  allow newsletter\n}\n', "E100", 3, 1, "a name or a taxonomy key"),
    ('test "x" {\n  cookie sid needs concent\n}\n', "E100", 2, 20, "`consent`"),
    ('test "x" {\n  no errors\n', "E102", 2, 12, "`test` block opened at line 1"),
    ('test x {\n}\n', "E100", 1, 6, "quoted string"),
])
def test_syntax_errors_are_friendly_diagnostics(text: str, code: str, line: int, column: int, words: str) -> None:
    parsed, problem = parse_test_text(text, "t.privacy-test")
    assert parsed is None and problem is not None
    assert (problem.code, problem.span.line, problem.span.column) == (code, line, column)
    assert words in f"{problem.message} {problem.hint}"


# ---------------------------------------------------------------- running


def test_outcomes_with_positions(project: Path) -> None:
    run = run_tests([Path("policies")], CONFIG)
    assert run.problems == []
    got = [(o.expectation.span.line, o.status) for o in run.outcomes]
    assert got == [
        (2, "pass"), (3, "pass"), (4, "fail"), (5, "pass"),
        (8, "pass"), (9, "pass"), (10, "fail"), (11, "pass"), (12, "fail"),
        (15, "pass"), (16, "fail"), (17, "error"), (18, "error"), (19, "error"), (20, "error"),
    ]
    by_line = {o.expectation.span.line: o for o in run.outcomes}
    assert "policies/acme/a.privacy:8:3" in by_line[4].details[0]
    assert any("to allow it: add phone" in d for d in by_line[4].details)
    assert by_line[10].message.startswith("expected LAW003 at purpose `newsletter`, but it is not raised")
    assert "did you mean `newsletter`?" in by_line[17].message
    assert "not enabled by the configuration" in by_line[18].message
    assert "did you mean `LAW003`?" in by_line[19].message
    assert "no purpose `nope`" in by_line[20].message
    assert by_line[12].message == "expected no error-level findings, but there are 1"
    assert by_line[12].details[0].startswith("policies/acme/a.privacy:14:3: LAW003")


def test_coverage_lists_what_no_test_exercises(project: Path) -> None:
    (cov,) = run_tests([Path("policies")], CONFIG).coverage
    missing = [(kind, name, span.line) for (kind, name), span in cov.missing]
    assert missing == [("purpose", "orders", 17), ("recipient", "unused", 20)]
    assert (cov.covered, len(cov.items)) == (5, 7)


def test_cli_reports_and_exit_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test"]) == 1
    out = capsys.readouterr().out
    assert "policies/acme/acme.privacy-test:2:3: pass: allow newsletter email for customer to mailer" in out
    assert "policies/acme/acme.privacy-test:4:3: FAIL: allow newsletter phone" in out
    assert "policies/acme/acme.privacy-test:17:3: ERROR: allow newslettr email" in out
    assert "  not exercised: purpose `orders` [policies/acme/a.privacy:17:1]" in out
    assert out.rstrip().endswith("7 passed, 4 failed, 4 errors in 1 test file; coverage 71.4%")
    assert main(["test", "--quiet"]) == 1
    assert ": pass: " not in capsys.readouterr().out


def test_cli_passes_and_min_coverage(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "policies" / "acme" / "acme.privacy-test").write_text(
        'test "ok" {\n  allow newsletter email to mailer\n  cookie "_ga*" needs consent\n}\n')
    assert main(["test", "policies/acme"]) == 0
    assert main(["test", "policies/acme", "--min-coverage", "30"]) == 0
    assert main(["test", "policies/acme", "--min-coverage", "50"]) == 1
    assert "coverage 42.9% is below --min-coverage 50%" in capsys.readouterr().out
    assert main(["test", "--min-coverage", "120"]) == 2


def test_junit_report(project: Path) -> None:
    assert main(["test", "--junit", "out/report.xml"]) == 1
    root = ET.parse(project / "out" / "report.xml").getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("15", "4", "4")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "policies/acme/acme.privacy-test"
    cases = suite.findall("testcase")
    assert cases[2].get("classname") == "newsletter" and cases[2].get("line") == "4"
    assert cases[2].find("failure") is not None and cases[0].find("failure") is None
    assert cases[11].find("error") is not None
    assert root.find("properties/property").get("value") == "71.4"  # type: ignore[union-attr]


def test_syntax_error_in_a_test_file_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "policies" / "acme" / "bad.privacy-test").write_text('test "x" {\n  alow newsletter email\n}\n')
    assert main(["test"]) == 2
    err = capsys.readouterr().err
    assert "policies/acme/bad.privacy-test:2:3: E100 error: unexpected `alow`" in err
    assert "did you mean `allow`?" in err


def test_no_test_files_and_no_policy_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert main(["test", "empty"]) == 2
    assert "no `.privacy-test` files under `empty`" in capsys.readouterr().err
    (tmp_path / "lonely.privacy-test").write_text('test "x" { no errors }\n')
    assert main(["test", "lonely.privacy-test"]) == 2
    assert "no `.privacy` files next to `lonely.privacy-test`" in capsys.readouterr().err


def test_shipped_policies_pass_their_own_tests() -> None:
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        run = run_tests([POLICIES.relative_to(ROOT)], Config())
    finally:
        os.chdir(cwd)
    failures = [f"{o.expectation.span}: {o.status}: {o.expectation.text}: {o.message}"
                for o in run.outcomes if o.status != "pass"]
    assert run.problems == [] and failures == []
    assert sorted(c.policy for c in run.coverage) == ["policies/cifero", "policies/fjordkaffe"]
    assert all(c.percent == 100.0 for c in run.coverage)


def test_a_policy_without_tests_counts_with_nothing_exercised(project: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    (project / "policies" / "other").mkdir()
    (project / "policies" / "other" / "a.privacy").write_text(POLICY)
    run = run_tests([Path("policies")], CONFIG)
    assert [(c.policy, c.tests, c.covered, len(c.items)) for c in run.coverage] == [
        ("policies/acme", 1, 5, 7), ("policies/other", 0, 0, 7)]
    assert main(["test", "-q"]) == 1
    assert ("coverage of policies/other: 0.0% (0/7 purposes, cookies and recipients exercised; the policy has no "
            "test file)") in capsys.readouterr().out
