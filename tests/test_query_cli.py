"""`privacy-dsl query`: verdicts with policy lines, exit codes, JSON shapes, choosing the policy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import POLICIES

from privacy_dsl.cli.main import main

FJORD = str(POLICIES / "fjordkaffe")

SMALL = """\
subject customer
category email { taxonomy user.contact.email }
category phone { taxonomy user.contact.phone_number }
purpose newsletter {
  use marketing.communications.email
  basis consent
  consent signup
  categories email
  subjects customer
}
purpose ads {
  use marketing.advertising.third_party.targeted
  basis legitimate_interests
  categories email
}
consent signup { method opt_in }
cookie sid { party first expiry session category strictly_necessary }
cookie "_ga*" { party third expiry 13 months category analytics }
"""


def query(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["query", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one policy under policies/ and a configuration selecting LAW003 only."""
    (tmp_path / "policies" / "acme").mkdir(parents=True)
    (tmp_path / "policies" / "acme" / "a.privacy").write_text(SMALL)
    (tmp_path / "pyproject.toml").write_text('[tool.privacy-dsl]\nselect = ["LAW003"]\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_can_allowed_exits_0_with_the_line_it_rests_on(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = query(capsys, "can", "newsletter", "email")
    assert code == 0
    assert out.startswith("allowed: purpose `newsletter` may use email\n")
    assert "policies/acme/a.privacy:8:3: purpose `newsletter` lists email" in out
    assert "given through `signup` (opt_in) [policies/acme/a.privacy:7:3]" in out


def test_can_not_allowed_exits_1_with_reason_and_fix(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = query(capsys, "can", "newsletter", "email", "phone")
    assert code == 1
    assert "policies/acme/a.privacy:8:3: purpose `newsletter` does not list phone" in out
    assert "to allow it: add phone to `categories`" in out


def test_can_rejected_by_the_linter_exits_1(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = query(capsys, "can", "ads", "email")
    assert code == 1
    assert "policies/acme/a.privacy:13:3: purpose `ads` is declared, but its legal basis is invalid: LAW003" in out


@pytest.mark.parametrize(("args", "message"), [
    (["can", "newslettr", "email"], "no purpose `newslettr` in the policy; did you mean `newsletter`?"),
    (["can", "newsletter", "emial"], "no category `emial` in the policy; did you mean `email`?"),
    (["can", "newsletter", "email", "--subject", "custmer"], "did you mean `customer`?"),
    (["purposes", "--category", "user.contact.emali"], "did you mean `user.contact.email`?"),
    (["categories", "--purpose", "newsleter"], "did you mean `newsletter`?"),
])
def test_unknown_names_exit_2_with_a_suggestion(small: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                                 message: str) -> None:
    code, out, err = query(capsys, *args)
    assert code == 2 and out == ""
    assert message in err


def test_unknown_names_in_json_mode_also_answer_in_json(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = query(capsys, "can", "newslettr", "email", "--format", "json")
    assert code == 2 and "did you mean" in err
    assert json.loads(out) == {"version": 1, "query": "can", "policy": "policies/acme", "error": {
        "kind": "purpose", "name": "newslettr", "suggestion": "newsletter",
        "message": "no purpose `newslettr` in the policy; did you mean `newsletter`?"}}


@pytest.mark.parametrize(("setup", "kind"), [
    ("none", "usage"),          # no policies/ here
    ("two", "usage"),           # several policies and none chosen
    ("broken", "policy"),       # does not parse
    ("config", "configuration"),  # an invalid configuration file
])
def test_every_error_in_json_mode_is_a_json_answer_on_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str], setup: str,
                                                              kind: str) -> None:
    monkeypatch.chdir(tmp_path)
    if setup in ("two", "broken", "config"):
        for name in ("a", "b") if setup == "two" else ("a",):
            (tmp_path / "policies" / name).mkdir(parents=True)
            (tmp_path / "policies" / name / "p.privacy").write_text(SMALL if setup != "broken" else "purpose {\n")
    if setup == "config":
        (tmp_path / "privacy-dsl.toml").write_text("select = 3\n")
    code, out, err = query(capsys, "purposes", "--category", "user.contact", "--format", "json")
    assert code == 2 and err
    doc = json.loads(out)
    assert doc["version"] == 1 and doc["query"] == "purposes" and doc["error"]["kind"] == kind
    assert doc["error"]["message"]
    if kind == "policy":
        assert [d["code"] for d in doc["error"]["diagnostics"]][:1] == ["E100"]  # `purpose {`: the id is missing
        assert doc["error"]["diagnostics"][0]["line"] >= 1


@pytest.mark.parametrize(("argv", "question", "says"), [
    (["can", "newsletter", "--format", "json"], "can", "required: CATEGORY"),
    (["purposes", "--format=json"], "purposes", "required: --category"),
    (["categories", "--form", "json"], "categories", "required: --purpose"),  # argparse's abbreviation
    (["cookies", "--party", "fourth", "--format", "json"], "cookies", "invalid choice: 'fourth'"),
    (["cookies", "--needs-consent", "--exempt", "--format", "json"], "cookies", "not allowed with"),
    (["transfers", "--format", "json", "--bogus"], "transfers", "unrecognized arguments: --bogus"),
    (["--format", "json"], None, "invalid choice: 'json'"),
])
def test_usage_errors_in_json_mode_are_json_answers_too(small: Path, capsys: pytest.CaptureFixture[str],
                                                        argv: list[str], question: str | None, says: str) -> None:
    """Issue 17 item 9: argparse's own errors used to leave standard output empty."""
    with pytest.raises(SystemExit) as exit_info:
        main(["query", *argv])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2 and says in err
    doc = json.loads(out)
    assert doc["query"] == question and doc["policy"] is None and doc["error"]["kind"] == "usage"
    assert says in doc["error"]["message"]


def test_usage_errors_in_text_mode_print_nothing_on_stdout(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["query", "can", "newsletter"])
    out, err = capsys.readouterr()
    assert out == "" and "required: CATEGORY" in err


def test_a_usage_error_of_the_real_command_line_is_json_on_stdout(small: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "privacy_dsl", "query", "purposes", "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["kind"] == "usage"


def test_can_json_shape(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = query(capsys, "can", "marketing", "user.contact.email", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["version"] == 1 and data["query"] == "can" and data["policy"] == "policies/acme"
    assert data["allowed"] is True and data["purpose"] == "newsletter" and data["covered"] == ["email"]
    assert [c["purpose"] for c in data["candidates"]] == ["newsletter", "ads"]
    assert data["reasons"][0]["source"] == "policies/acme/a.privacy:8:3"


def test_purposes_lists_allowed_and_rejected(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = query(capsys, "purposes", "--category", "user.contact")
    assert code == 0
    assert "Purposes that use `user.contact` in policies/acme: 1 allowed, 1 declared but not allowed." in out
    assert "newsletter  [policies/acme/a.privacy:4:1]\n  allowed: email; basis consent" in out
    assert "ads  [policies/acme/a.privacy:11:1]\n  declared for email, but not allowed:" in out
    code, out, _ = query(capsys, "purposes", "--category", "email", "--format", "json")
    data = json.loads(out)
    assert data["covers"] == ["email"] and [p["purpose"] for p in data["purposes"]] == ["newsletter", "ads"]
    assert [p["allowed"] for p in data["purposes"]] == [True, False]


def test_categories_cookies_recipients_transfers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = query(capsys, "categories", "--purpose", "newsletter", "--policy", FJORD, "--format", "json")
    assert code == 0 and [c["id"] for c in json.loads(out)["categories"]] == ["email", "name"]
    code, out, _ = query(capsys, "cookies", "--needs-consent", "--policy", FJORD, "--format", "json")
    data = json.loads(out)
    assert data["filters"] == {"needs_consent": True, "party": None}
    assert [c["name"] for c in data["cookies"]] == ["_pk_id.*", "_pk_ses.*"]
    code, out, _ = query(capsys, "cookies", "--exempt", "--policy", FJORD)
    assert out.startswith("session_id ") and "exempt" in out and "_pk_id" not in out
    code, out, _ = query(capsys, "recipients", "--country", "US", "--policy", FJORD, "--format", "json")
    data = json.loads(out)
    assert data["country"] == "US" and [r["id"] for r in data["recipients"]] == ["mailer"]
    assert data["recipients"][0]["transfers"] == ["mailer_us"]
    code, out, _ = query(capsys, "transfers", "--policy", FJORD)
    assert code == 0 and out.startswith("mailer_us: to mailer in US under dpf: ok")


def test_cookie_party_filter(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = query(capsys, "cookies", "--party", "third")
    assert code == 0 and out.startswith("_ga*") and "sid" not in out


def test_default_policy_when_policies_holds_several(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("one", "two"):
        (tmp_path / "policies" / name).mkdir(parents=True)
        (tmp_path / "policies" / name / "a.privacy").write_text(SMALL)
    monkeypatch.chdir(tmp_path)
    code, out, err = query(capsys, "can", "newsletter", "email")
    assert code == 2 and out == ""
    assert "policies/ holds 2 policies" in err and "policies/one" in err and "policies/two" in err
    (tmp_path / "pyproject.toml").write_text('[tool.privacy-dsl]\npolicy = "policies/two"\nselect = ["LAW003"]\n')
    code, out, _ = query(capsys, "can", "newsletter", "email")
    assert code == 0 and "policies/two/a.privacy:8:3" in out


def test_configured_policy_is_relative_to_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "privacy" / "acme").mkdir(parents=True)
    (tmp_path / "privacy" / "acme" / "a.privacy").write_text(SMALL)
    (tmp_path / "pyproject.toml").write_text('[tool.privacy-dsl]\npolicy = "privacy/acme"\nselect = ["LAW003"]\n')
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    code, out, _ = query(capsys, "can", "newsletter", "email", "--format", "json")
    assert code == 0 and json.loads(out)["policy"].endswith("privacy/acme")


def test_no_policy_anywhere_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = query(capsys, "transfers")
    assert code == 2 and "give --policy PATH" in err


def test_a_policy_that_does_not_parse_exits_2_with_the_diagnostic(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.privacy").write_text("purpose x {\n  basis maybe\n}\n")
    code, out, err = query(capsys, "can", "x", "email", "--policy", str(tmp_path))
    assert code == 2 and out == ""
    assert ":2:9: E100 error: unexpected `maybe`" in err


def test_query_without_a_question_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = query(capsys)
    assert code == 2 and "QUESTION" in err


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys; from privacy_dsl.cli.main import build_parser; p = build_parser(); "
            "print([m for m in ('lark', 'pydantic', 'privacy_dsl.query.engine', 'privacy_dsl.query.policytest') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
