"""``privacy-dsl diff`` on a real git repository in tmp_path: a series of commits of one policy,
compared between revisions, with the working tree and as directories; every change kind firing and
not firing, renames, the errors (exit 2, a DIF code and a hint, no traceback), --fail-on, each
format, and the repository treated as untrusted input (no hook or fsmonitor runs, links are not read)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from privacy_dsl.cli.main import main
from privacy_dsl.diff.compare import KINDS
from privacy_dsl.diff.render import DiffReport, github_annotations, job_summary, markdown

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed (.ci/run installs it)")

BASE = """\
policy "Shop notice" {
  languages en
  claims no_special_categories, no_transfers_outside_eea
}

controller "Shop AS" {
  country NO
  email "privacy@shop.example"
}

rights {
  offered access, erasure, objection, withdraw_consent
}

subject customer {
  taxonomy customer
  name "Customer"
}

subject visitor {
  taxonomy visitor
  name "Visitor"
}

subject pupil {
  taxonomy customer
  name "Pupil"
  children
}

category email {
  taxonomy user.contact.email
  name "E-mail address"
}

category phone {
  taxonomy user.contact.phone_number
  name "Phone number"
}

category health {
  taxonomy user.health_and_medical
  name "Health data"
  special health
}

recipient mailer {
  name "Mailer AS"
  role processor
  countries NO
  contract "DPA 2025"
}

recipient printer {
  name "Printer AS"
  role processor
  countries NO
}

consent banner {
  method opt_in
  reject_button
  granular
  withdraw_via footer_button
}

purpose newsletter {
  name "Newsletter"
  use marketing.communications.email
  basis consent
  consent banner
  categories email
  subjects customer
  recipients mailer
  retention 1 year
}

cookie session_id {
  provider "Shop AS"
  party first
  expiry session
  category strictly_necessary
  purpose newsletter
}

cookie prefs {
  provider "Shop AS"
  party first
  expiry 1 month
  category functional
  purpose newsletter
}
"""

TRANSFER = """
transfer mailer_out {{
  recipient mailer
  country {country}
  mechanism {mechanism}
}}
"""

NEW_PURPOSE = """
purpose support {
  name "Support"
  use essential.service
  basis contract
  categories phone, health
  subjects pupil
  retention 6 months
}
"""


def edit(*pairs: tuple[str, str], text: str = BASE) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def transfer(country: str = "US", mechanism: str = "sccs") -> str:
    return BASE + TRANSFER.format(country=country, mechanism=mechanism)


class Repo:
    """A git repository in tmp_path holding one policy in ``policy/``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
               "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.org"}
        return subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=self.root, env=env, check=True,
                              capture_output=True, text=True).stdout.strip()

    def write(self, text: str, name: str = "policy/shop.privacy") -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, text: str | None = None, message: str = "change") -> str:
        if text is not None:
            self.write(text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    for variable in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
                     "CI_DEFAULT_BRANCH"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    made = Repo(tmp_path / "repo")
    monkeypatch.chdir(made.root)
    return made


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def diff_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, *argv, "--policy", "policy", "--format", "json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def kinds(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for change in data["changes"]:
        found.setdefault(change["kind"], []).append(change)
    return found


def between(repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str) -> dict[str, Any]:
    old = repo.commit(before, "before")
    new = repo.commit(after, "after")
    return diff_json(capsys, old, new)


# (kind, base text, head text, severity of the change, whether the reverse change is the same kind)
CASES: list[tuple[str, str, str, str, bool]] = [
    ("new-transfer", BASE, transfer("US", "sccs"), "high", False),
    ("new-transfer", BASE, transfer("JP", "adequacy"), "medium", False),
    ("transfer-change", transfer("US", "sccs"), transfer("US", "none"), "high", True),
    ("transfer-removed", transfer(), BASE, "low", False),
    ("new-special-category", BASE, edit(("categories email", "categories email, health")), "high", False),
    ("new-special-category", BASE, edit(('name "Phone number"', 'name "Phone number"\n  special health'),
                                        ("categories email", "categories email, phone")), "high", False),
    ("new-category", BASE, edit(("categories email", "categories email, phone")), "medium", False),
    ("category-removed", edit(("categories email", "categories email, phone")), BASE, "low", False),
    ("new-children-subject", BASE, edit(("subjects customer", "subjects customer, pupil")), "high", False),
    ("new-subject", BASE, edit(("subjects customer", "subjects customer, visitor")), "medium", False),
    ("subject-removed", edit(("subjects customer", "subjects customer, visitor")), BASE, "low", False),
    ("basis-change", BASE, edit(("basis consent", "basis legitimate_interests")), "high", True),
    ("basis-change", edit(("basis consent", "basis contract")), edit(("basis consent", "basis legal_obligation")),
     "medium", True),
    ("weaker-consent", BASE, edit(("method opt_in", "method opt_out")), "high", False),
    ("weaker-consent", BASE, edit(("method opt_in", "method browser_settings")), "high", False),
    ("weaker-consent", BASE, edit(("  granular\n", "  granular no\n")), "medium", False),
    ("reject-button-removed", BASE, edit(("  reject_button\n", "")), "low" if False else "high", False),
    ("right-removed", BASE, edit(("objection, ", "")), "medium", False),
    ("claim-withdrawn", BASE, edit((", no_transfers_outside_eea", "")), "medium", False),
    ("claim-added", BASE, edit(("no_transfers_outside_eea", "no_transfers_outside_eea, not_for_children")),
     "low", False),
    ("role-change", BASE, edit(("role processor", "role controller")), "high", True),
    ("role-change", edit(("role processor", "role controller")), edit(("role processor", "role joint_controller")),
     "medium", True),
    ("new-recipient", BASE, BASE + '\nrecipient cloud {\n  name "Cloud Inc."\n  role processor\n  countries US\n}\n',
     "high", False),
    ("new-recipient", BASE, BASE + '\nrecipient courier {\n  name "Courier AB"\n  role controller\n  countries SE\n}\n',
     "medium", False),
    ("recipient-removed", BASE, edit(('recipient printer {\n  name "Printer AS"\n  role processor\n  countries NO\n}\n',
                                      "")), "low", False),
    ("recipient-new-country", BASE, edit(("countries NO\n  contract", "countries NO, IN\n  contract")), "high", False),
    ("new-sharing", BASE, edit(("recipients mailer", "recipients mailer, printer")), "medium", False),
    ("purpose-added", BASE, BASE + NEW_PURPOSE, "medium", False),
    ("purpose-removed", BASE + NEW_PURPOSE, BASE, "low", False),
    ("retention-lengthened", BASE, edit(("retention 1 year", "retention 2 years")), "medium", False),
    ("retention-lengthened", BASE, edit(("retention 1 year", "retention indefinite")), "high", False),
    ("retention-shortened", BASE, edit(("retention 1 year", "retention 6 months")), "low", False),
    ("retention-change", BASE, edit(("retention 1 year", "retention until consent_withdrawn")), "low", True),
    ("cookie-added", BASE, BASE + "\ncookie _ga {\n  provider \"Google\"\n  party third\n  expiry 2 years\n"
                                  "  category analytics\n  purpose newsletter\n}\n", "high", False),
    ("cookie-added", BASE, BASE + "\ncookie lang {\n  provider \"Shop AS\"\n  party first\n  expiry 1 year\n"
                                  "  category functional\n  purpose newsletter\n}\n", "medium", False),
    ("cookie-removed", BASE, edit(("cookie prefs {", "cookie prefs_gone {"), ("expiry 1 month", "expiry 2 months")),
     "low", True),
    ("cookie-expiry-lengthened", BASE, edit(("expiry 1 month", "expiry 13 months")), "medium", False),
    ("cookie-expiry-lengthened", BASE, edit(("expiry session", "expiry 1 year")), "medium", False),
    ("cookie-third-party", BASE, edit(("party first\n  expiry 1 month", "party third\n  expiry 1 month")), "high",
     False),
    ("cookie-not-necessary", BASE, edit(("category strictly_necessary", "category analytics")), "medium", False),
    ("profiling-added", BASE, edit(("  retention 1 year\n", "  retention 1 year\n  profiling\n")), "medium", False),
    ("automated-decisions-added", BASE, edit(("  retention 1 year\n", "  retention 1 year\n  automated_decisions\n")),
     "high", False),
    ("renamed", BASE, edit(("purpose newsletter {", "purpose news {"), ("  purpose newsletter\n", "  purpose news\n"),
                           ("  purpose newsletter\n", "  purpose news\n")), "low", True),
    ("renamed", BASE, edit(("category email {", "category mail_address {"),
                           ("categories email", "categories mail_address")), "low", True),
    ("renamed", BASE, edit(("cookie prefs {", "cookie preferences {")), "low", True),
    ("fixed-finding", BASE, edit(("  withdraw_via footer_button\n", "  withdraw_via footer_button\n"
                                                                    "  record_retention 1 year\n")), "low", False),
    ("new-finding", edit(("  withdraw_via footer_button\n",
                          "  withdraw_via footer_button\n  record_retention 1 year\n")), BASE, "medium", False),
]


def test_every_kind_has_a_case() -> None:
    assert {k.name for k in KINDS} == {case[0] for case in CASES}


@pytest.mark.parametrize(("kind", "before", "after", "severity", "symmetric"), CASES,
                         ids=[f"{c[0]}-{c[3]}-{n}" for n, c in enumerate(CASES)])
def test_change_kind_fires_and_not_backwards(repo: Repo, capsys: pytest.CaptureFixture[str], kind: str, before: str,
                                             after: str, severity: str, symmetric: bool) -> None:
    data = between(repo, capsys, before, after)
    found = kinds(data)
    assert kind in found, data["changes"]
    assert severity in {c["severity"] for c in found[kind]}, found[kind]
    backwards = kinds(diff_json(capsys, "HEAD", "HEAD~1"))
    if not symmetric:
        assert kind not in backwards, backwards[kind]
    unchanged = diff_json(capsys, "HEAD", "HEAD")
    assert unchanged["changes"] == [] and unchanged["summary"]["changes"] == 0


def test_a_rename_is_not_a_removal_and_an_addition(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    renamed = edit(("purpose newsletter {", "purpose news {"), ("  purpose newsletter\n", "  purpose news\n"),
                   ("  purpose newsletter\n", "  purpose news\n"), ("category email {", "category mail {"),
                   ("categories email", "categories mail"), ("recipient mailer {", "recipient post {"),
                   ("recipients mailer", "recipients post"))
    data = between(repo, capsys, BASE, renamed)
    assert {c["kind"] for c in data["changes"]} == {"renamed"}
    assert sorted((c["details"]["declaration"], c["details"]["old"], c["details"]["new"]) for c in data["changes"]) == [
        ("category", "email", "mail"), ("purpose", "newsletter", "news"), ("recipient", "mailer", "post")]
    # The same content under a new id, but changed as well: a removal and an addition.
    changed = edit(("purpose newsletter {", "purpose news {"), ("  purpose newsletter\n", "  purpose news\n"),
                   ("  purpose newsletter\n", "  purpose news\n"), ("retention 1 year", "retention 2 years"))
    repo.commit(changed)
    found = kinds(diff_json(capsys, "HEAD~2", "HEAD"))
    assert "renamed" not in found and "purpose-added" in found and "purpose-removed" in found


def test_special_categories_and_children_of_a_new_purpose_are_called_out(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = kinds(between(repo, capsys, BASE, BASE + NEW_PURPOSE))
    assert [c["details"]["category"] for c in found["new-special-category"]] == ["health"]
    assert [c["details"]["subject"] for c in found["new-children-subject"]] == ["pupil"]
    assert found["purpose-added"][0]["message"] == "new purpose `support` on contract, using `phone`, `health`"


def test_transfer_change_names_country_and_mechanism(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    (change,) = kinds(between(repo, capsys, BASE, transfer("US", "none")))["new-transfer"]
    assert change["message"] == "new transfer `mailer_out` to `mailer` in US under none"
    assert change["details"] == {"transfer": "mailer_out", "country": "US", "mechanism": "none", "recipient": "mailer"}
    assert change["head"]["path"] == "policy/shop.privacy" and change["base"] is None


def test_findings_each_side_has(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    data = between(repo, capsys, BASE, edit(("  withdraw_via footer_button\n",
                                             "  withdraw_via footer_button\n  record_retention 1 year\n"),
                                            ("countries NO\n  contract", "countries US\n  contract")))
    assert data["summary"]["fixes"] == ["CON005"]
    # a recipient now in the US: no transfer declared for it (TRF003), and the notice's claim broken (TRN013)
    assert data["summary"]["introduces"] == ["TRF003", "TRN013"], data["summary"]
    assert "recipient-new-country" in kinds(data)
    _, out, _ = run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--format", "text")
    assert "fixes CON005" in out.splitlines()[0] and "introduces " in out.splitlines()[0]


def test_default_base_is_the_merge_base_and_head_the_working_tree(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fork = repo.commit(BASE, "main")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(edit(("retention 1 year", "retention 2 years")), "feature")
    repo.git("checkout", "-q", "main")
    repo.commit(edit(("basis consent", "basis contract")), "main moves on: not part of the feature")
    repo.git("checkout", "-q", "feature")
    repo.write(edit(("retention 1 year", "retention 2 years"), ("categories email", "categories email, phone")))
    data = diff_json(capsys)
    assert data["base"] == {"label": f"the merge base with main ({fork[:12]})", "commit": fork, "path": "policy"}
    assert data["head"] == {"label": "the working tree", "commit": None, "path": "policy"}
    # not main's basis-change; `phone` is used now, which fixes HYG002 (declared but not used)
    assert set(kinds(data)) == {"retention-lengthened", "new-category", "fixed-finding"}
    # GitHub's pull-request variable names the target branch.
    os.environ["GITHUB_BASE_REF"] = "feature"
    try:
        assert set(kinds(diff_json(capsys))) == {"new-category", "fixed-finding"}
    finally:
        del os.environ["GITHUB_BASE_REF"]


def test_two_directories_and_a_directory_against_a_revision(
        repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "shop.privacy").write_text(BASE, encoding="utf-8")
    (new / "shop.privacy").write_text(transfer("US", "sccs"), encoding="utf-8")
    data = diff_json(capsys, str(old), str(new))
    assert set(kinds(data)) >= {"new-transfer"} and data["base"]["commit"] is None
    repo.commit(BASE)
    assert "new-transfer" in kinds(diff_json(capsys, "HEAD", str(new)))
    both = tmp_path / "both"
    for name in ("a", "b"):
        (both / name).mkdir(parents=True)
        (both / name / "shop.privacy").write_text(BASE, encoding="utf-8")
    assert "DIF006" in _error(capsys, str(both), str(new))
    (tmp_path / "nothing").mkdir()
    assert "DIF005 no policy at" in _error(capsys, str(tmp_path / "nothing"), str(new))


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert "hint:" in err
    return err


def test_errors_are_codes_with_hints(repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = repo.commit(None, "nothing yet")
    repo.commit(BASE)
    assert "DIF003 unknown revision `nope`" in _error(capsys, "nope", "--policy", "policy")
    assert "DIF003" in _error(capsys, "--policy", "policy", "--", "--upload-pack=evil")
    assert "DIF005 no policy under `policy` at" in _error(capsys, empty, "HEAD", "--policy", "policy")
    assert "DIF009 unknown change kind `new-transfr`" in _error(capsys, "--fail-on", "new-transfr")
    assert "did you mean `new-transfer`?" in _error(capsys, "--fail-on", "new-transfr")
    repo.write(BASE, "policy/other/x.privacy")
    repo.commit()
    assert "DIF006" in _error(capsys, "HEAD~1", "HEAD", "--policy", "policy")
    repo.git("rm", "-q", "-r", "policy/other")
    repo.commit(BASE.replace("purpose newsletter {", "purpose newsletter {{"))
    err = _error(capsys, "HEAD~2", "HEAD", "--policy", "policy")
    assert "DIF007 the policy of HEAD" in err and "policy/shop.privacy:" in err  # the syntax error, with its place
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.chdir(outside)
    try:
        assert "DIF001 not a git repository" in _error(capsys, "HEAD", "--policy", str(repo.root / "policy"))
    finally:
        os.chdir(repo.root)


def test_the_repository_is_untrusted(repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    secret = tmp_path / "secret.privacy"
    secret.write_text(BASE, encoding="utf-8")
    marker = tmp_path / "ran"
    script = tmp_path / "hook.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    script.chmod(0o755)
    repo.commit(BASE)
    (repo.root / "policy" / "leak.privacy").symlink_to(secret)
    repo.commit()
    hooks = repo.root / ".git" / "hooks"
    for hook in ("post-checkout", "pre-commit", "post-merge", "reference-transaction", "post-index-change"):
        (hooks / hook).write_text(script.read_text(), encoding="utf-8")
        (hooks / hook).chmod(0o755)
    repo.git("config", "core.fsmonitor", str(script))
    repo.git("config", "core.pager", str(script))
    def state() -> list[tuple[str, int, int]]:
        return sorted((str(p), p.lstat().st_mtime_ns, p.lstat().st_size) for p in tmp_path.rglob("*"))

    before = state()
    code, out, err = run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--format", "json")
    assert code == 0, err
    assert "DIF008 `policy/leak.privacy`" in err and "symbolic link" in err
    assert json.loads(out)["changes"] == []  # the link's target was not read
    assert not marker.exists()
    assert state() == before  # nothing written, in the repository (.git included) or beside it


def test_fail_on_gates_with_lints_exit_codes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit(BASE)
    repo.commit(transfer("US", "sccs"))
    assert run(capsys, "HEAD~1", "HEAD", "--policy", "policy")[0] == 0
    assert run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--fail-on", "basis-change,weaker-consent")[0] == 0
    code, out, _ = run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--fail-on",
                       "new-transfer,new-special-category,basis-change,weaker-consent")
    assert code == 1
    assert any(line.startswith("! high   new-transfer") for line in out.splitlines()), out
    assert run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--fail-on", "high")[0] == 1
    assert run(capsys, "HEAD", "HEAD", "--policy", "policy", "--fail-on", "any")[0] == 0
    assert run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--fail-on", "any")[0] == 1


def test_formats(repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit(BASE)
    repo.commit(transfer("US", "sccs"))
    _, text, _ = run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--format", "text")
    assert text.splitlines()[0].startswith("privacy diff HEAD~1 (")
    assert "high   new-transfer" in text and "[policy/shop.privacy:" in text
    _, md, _ = run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--format", "md")
    assert md.startswith("<!-- privacy-dsl diff -->\n### Privacy diff: HEAD~1 (")
    assert "|  | high | new transfer `mailer_out` to `mailer` in US under sccs | `new-transfer` |" in md
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, annotations, _ = run(capsys, "HEAD~1", "HEAD", "--policy", "policy")  # github inside GitHub Actions
    assert annotations.startswith("::warning file=policy/shop.privacy,line=")
    assert "title=privacy diff%3A new-transfer (high)::new transfer `mailer_out`" in annotations
    assert summary.read_text(encoding="utf-8").startswith("### Privacy diff: HEAD~1 (")
    out = tmp_path / "diff.json"
    assert run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--format", "json", "-o", str(out))[0] == 0
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["high"] >= 1


def test_summary_and_comment_stay_within_their_budget(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    many = BASE + "".join(f"\ncookie c{n} {{\n  provider \"Shop AS\"\n  party first\n  expiry 1 year\n"
                          f"  category functional\n  purpose newsletter\n}}\n" for n in range(300))
    data = between(repo, capsys, BASE, many)
    assert data["summary"]["changes"] >= 300
    from privacy_dsl.diff.compare import Change, Impact

    changes = [Change(c["kind"], Impact[c["severity"].upper()], c["subject"], c["message"]) for c in data["changes"]]
    report = DiffReport("a", None, "p", "b", None, "p", changes)
    small = job_summary(report, 4000)
    assert len(small.encode("utf-8")) <= 4000 and "more changes: see the job log" in small
    comment = markdown(report, budget=3000)
    assert len(comment) <= 3000 and "more changes" in comment
    assert "more changes" not in markdown(report, budget=10**6)


def test_json_shape_is_pinned(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    old = repo.commit(BASE)
    new = repo.commit(edit(("retention 1 year", "retention 2 years")))
    code, out, _ = run(capsys, old, new, "--policy", "policy", "--format", "json", "--fail-on", "retention-lengthened")
    assert code == 1
    assert json.loads(out) == {
        "version": 1,
        "base": {"label": f"{old} ({old[:12]})", "commit": old, "path": "policy"},
        "head": {"label": f"{new} ({new[:12]})", "commit": new, "path": "policy"},
        "summary": {"changes": 1, "high": 0, "medium": 1, "low": 0, "introduces": [], "fixes": [], "gated": 1},
        "fail_on": ["retention-lengthened"],
        "changes": [{
            "kind": "retention-lengthened", "severity": "medium", "subject": "purpose `newsletter`",
            "message": "purpose `newsletter` keeps data longer: 2 years (was 1 year)",
            "details": {"purpose": "newsletter", "category": "", "old": "1 year", "new": "2 years"},
            "base": {"path": "policy/shop.privacy", "line": 75, "column": 3, "end_line": 75, "end_column": 19},
            "head": {"path": "policy/shop.privacy", "line": 75, "column": 3, "end_line": 75, "end_column": 20},
            "gated": True}],
    }


def test_docs_list_every_kind_and_code() -> None:
    from conftest import ROOT

    page = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    for kind in KINDS:  # the table is the catalogue's, row for row
        assert f"| `{kind.name}` | {kind.severity.label} | {kind.doc} |" in page, kind.name
    for n in range(1, 10):
        assert f"DIF00{n}" in page
    assert "GITHUB_STEP_SUMMARY" in page and "gitlab-ci" in page.lower()


def test_github_annotations_say_when_some_will_not_show() -> None:
    from privacy_dsl.diff.compare import Change, Impact
    from privacy_dsl.span import Span

    span = Span(path="p/a.privacy", line=3, column=1, end_line=3, end_column=5)
    changes = [Change("new-transfer", Impact.HIGH, f"transfer `t{n}`", f"new transfer `t{n}`", head=span)
               for n in range(12)]
    text = github_annotations(DiffReport("a", None, "p", "b", None, "p", changes))
    lines = text.splitlines()
    assert sum(line.startswith("::warning file=p/a.privacy,line=3,endLine=3,") for line in lines) == 12
    assert "::notice title=privacy-dsl diff::2 changes are not shown as annotations" in text


_AUDIT = r"""
import json, os, sys
events = []
def hook(event, args):
    if event == "subprocess.Popen":
        events.append(["run", [os.fsdecode(a) for a in args[1]]])
    elif event in ("socket.connect", "socket.bind", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                   "urllib.Request"):
        events.append([event, repr(args)[:200]])
    elif event == "open" and isinstance(args[0], str) and len(args) > 1 and args[1] not in (None, "r", "rb"):
        events.append(["write", os.path.realpath(args[0])])
sys.addaudithook(hook)
from privacy_dsl.cli.main import main
rc = main(json.loads(sys.argv[1]))
print(json.dumps(events), file=sys.stderr)
sys.exit(rc)
"""


def test_a_revision_is_read_with_git_plumbing_only(repo: Repo, tmp_path: Path) -> None:
    """An audit hook around a real run: the only programs run are git's read-only plumbing, with the
    hooks and fsmonitor off; nothing is written, nothing connects, the temporary directory is untouched."""
    import sys

    repo.commit(BASE)
    repo.commit(transfer())
    temp = tmp_path / "tmp"
    temp.mkdir()
    argv = ["diff", "--policy", "policy", "--format", "json"]
    proc = subprocess.run([sys.executable, "-c", _AUDIT, json.dumps(argv)], cwd=repo.root, capture_output=True,
                          text=True, check=False,
                          env={**os.environ, "TMPDIR": str(temp)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    events = json.loads(proc.stderr.strip().splitlines()[-1])
    assert [e for e in events if e[0] != "run"] == []
    prefix = ["git", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "protocol.allow=never",
              "--no-pager"]
    assert all(e[1][:len(prefix)] == prefix for e in events), events
    assert {e[1][len(prefix)] for e in events} <= {"rev-parse", "symbolic-ref", "config", "merge-base", "ls-tree",
                                                    "cat-file"}
    assert list(temp.iterdir()) == []


def test_policy_text_cannot_make_markdown_in_the_comment(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit(BASE)
    repo.commit(BASE + '\nrecipient cloud {\n  name "@acme/legal <img src=x> ![t](https://t.example/p.gif) | x"\n'
                       '  role processor\n  countries US\n}\n')
    _, md, _ = run(capsys, "HEAD~1", "HEAD", "--policy", "policy", "--format", "md")
    (row,) = [line for line in md.splitlines() if "new recipient" in line]
    assert "&#64;acme/legal &lt;img src=x&gt; !\\[t\\](https://t.example/p.gif) \\| x" in row
    assert "@" not in row and "<img" not in row


def test_the_documented_workflows_are_valid_yaml_and_run_diff() -> None:
    yaml = pytest.importorskip("yaml")
    import re

    from conftest import ROOT

    page = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    github, gitlab = (yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", page, re.S))
    steps = github["jobs"]["privacy-diff"]["steps"]
    assert github["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert steps[0]["with"] == {"fetch-depth": 0}
    assert any("privacy-dsl diff" in step.get("run", "") and "--format md" in step["run"] for step in steps)
    assert gitlab["privacy-diff"]["variables"] == {"GIT_DEPTH": 0}
    assert any(line.startswith("privacy-dsl diff \"$CI_MERGE_REQUEST_DIFF_BASE_SHA\" HEAD")
               for line in gitlab["privacy-diff"]["script"])
