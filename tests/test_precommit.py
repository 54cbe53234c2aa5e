"""The pre-commit hook: its manifest, whole-policy linting whatever files pre-commit passes and
however it partitions them, and a real ``pre-commit try-repo`` run (marked ``integration``)."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import POLICIES, ROOT

from privacy_dsl.cli.main import main

MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def hooks() -> dict[str, dict[str, Any]]:
    return {h["id"]: h for h in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}


def test_manifest_is_valid_for_pre_commit() -> None:
    from pre_commit.clientlib import load_manifest

    loaded = {h["id"]: h for h in load_manifest(str(MANIFEST))}
    assert "privacy-dsl" in loaded


def test_lint_hook() -> None:
    hook = hooks()["privacy-dsl"]
    assert hook["language"] == "python"
    assert hook["entry"] == "privacy-dsl lint"
    assert hook["require_serial"] is True  # see test_serial_pre_commit_passes_one_batch
    assert hook.get("pass_filenames", True) is True
    files = re.compile(hook["files"])
    assert files.search("policies/acme/cookies.privacy") and files.search("a.privacy")
    assert not files.search("cookies.privacy.bak") and not files.search("notes.md")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'privacy-dsl = "privacy_dsl.cli.main:entry"' in pyproject  # the entry's console script


def test_fmt_hook_matches_the_fmt_command() -> None:
    """The fmt hook exists exactly when the fmt command does, and runs in check mode."""
    from privacy_dsl.cli.commands import COMMAND_INDEX

    has_fmt = "fmt" in {name for name, _, _ in COMMAND_INDEX}
    hook = hooks().get("privacy-dsl-fmt")
    assert (hook is not None) == has_fmt
    if hook is not None:
        assert hook["entry"].startswith("privacy-dsl fmt") and hook["files"] == hooks()["privacy-dsl"]["files"]


def test_repo_config_runs_our_hook_and_ruff() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert {"privacy-dsl", "ruff"} <= set(ids)
    clean = re.compile(ids["privacy-dsl"]["files"])
    assert clean.search("policies/fjordkaffe/cookies.privacy") and not clean.search("policies/cifero/cookies.privacy")
    assert "--exit-zero" not in ids["privacy-dsl"]["entry"]
    # cifero's findings are deliberate: its hook fails only when the policy stops parsing (exit 2)
    cifero = ids["privacy-dsl-cifero"]
    assert re.search(cifero["files"], "policies/cifero/cookies.privacy") and "--exit-zero" in cifero["entry"]
    for hook in (ids["privacy-dsl"], cifero):
        # `python -m privacy_dsl` runs this working tree; pip-installing "." from a local hook would not
        assert hook["entry"].startswith("python -m privacy_dsl lint") and hook["require_serial"] is True
        assert "." not in hook.get("additional_dependencies", [])



def test_readme_snippets_are_valid(tmp_path: Path) -> None:
    """The pre-commit, GitHub Actions and GitLab snippets in the README parse, use our hook id and
    formats, and the pre-commit one passes pre-commit's own config validation."""
    from pre_commit.clientlib import load_config

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index('<!-- BEGIN "Use it in your policy repo"'):readme.index('<!-- END "Use it')]
    snippets = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", section, re.S)]
    assert len(snippets) == 3
    pre_commit_config, workflow, gitlab = snippets
    # the recommended pair: every policy on every commit (deletions too), and the layout check
    assert [h["id"] for h in pre_commit_config["repos"][0]["hooks"]] == ["privacy-dsl-all", "privacy-dsl-fmt"]
    assert set(re.findall(r"`(privacy-dsl(?:-[a-z]+)?)` (?:runs|lints)", section)) >= set(hooks()) - {"privacy-dsl-fmt"}
    (tmp_path / "cfg.yaml").write_text(yaml.safe_dump(pre_commit_config))
    load_config(str(tmp_path / "cfg.yaml"))
    runs = [step.get("run", "") for step in workflow["jobs"]["privacy-dsl"]["steps"]]
    assert any("--format sarif --output privacy-dsl.sarif" in r for r in runs)
    upload = next(s for s in workflow["jobs"]["privacy-dsl"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "privacy-dsl.sarif"
    job = gitlab["privacy-dsl"]
    assert any("--format junit --output privacy-dsl-junit.xml" in line for line in job["script"])
    assert job["artifacts"]["reports"]["junit"] == "privacy-dsl-junit.xml"

# --- whole policies, any partition ----------------------------------------------------------------

def _make_policies(base: Path) -> dict[str, list[Path]]:
    """Three policies; `acme` has a finding that only appears when all its files are read."""
    files = {
        "acme": {
            "a_purposes.privacy": "purpose news {\n  use marketing.communications.email\n  basis consent\n"
                                  "  categories epost\n}\n",  # E200: `epost` is declared nowhere
            "b_cookies.privacy": "cookie a {\n  party first\n}\n",  # CK002
            "c_cookies.privacy": "cookie b {\n  party first\n  expiry session\n}\n",
            "d_cookies.privacy": "cookie c {\n  party first\n  expiry session\n}\n",
        },
        "beta": {"cookies.privacy": "cookie x {\n  party first\n}\n", "more.privacy": "cookie y {\n  party first\n}\n"},
        "untouched": {"cookies.privacy": "cookie z {\n  party first\n}\n"},
    }
    out: dict[str, list[Path]] = {}
    for policy, texts in files.items():
        (base / policy).mkdir(parents=True)
        out[policy] = []
        for name, text in texts.items():
            (base / policy / name).write_text(text)
            out[policy].append(base / policy / name)
    return out


def _findings(capsys: pytest.CaptureFixture[str], files: list[Path]) -> tuple[int, list[tuple[str, str, int]]]:
    code = main(["lint", "--format", "json", "--select", "CK002", *map(str, files)])
    doc = json.loads(capsys.readouterr().out)
    return code, [(Path(d["path"]).parent.name + "/" + Path(d["path"]).name, d["code"], d["line"])
                  for d in doc["diagnostics"]]


def test_one_changed_file_lints_its_whole_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policies = _make_policies(tmp_path)
    code, found = _findings(capsys, [policies["acme"][3]])  # only d_cookies.privacy changed
    assert code == 1
    assert sorted(found) == [("acme/a_purposes.privacy", "E200", 4), ("acme/b_cookies.privacy", "CK002", 1)]


def test_every_partition_reports_every_finding_of_the_touched_policies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """However the changed files are split into batches (pre-commit shuffles and parallelises
    when a hook is not serial), the batches together report every finding of every touched
    policy, nothing from untouched policies, and fail if and only if linting once fails."""
    policies = _make_policies(tmp_path)
    touched = [*policies["acme"][2:], policies["beta"][0]]
    code_once, once = _findings(capsys, touched)
    assert code_once == 1 and {f[0].split("/")[0] for f in once} == {"acme", "beta"}
    rng = random.Random(1542676187)
    for _ in range(12):
        files = touched[:]
        rng.shuffle(files)
        cuts = sorted(rng.sample(range(1, len(files)), rng.randint(0, len(files) - 1)))
        batches = [files[i:j] for i, j in zip([0, *cuts], [*cuts, len(files)], strict=True)]
        codes, union = set(), set()
        for batch in batches:
            code, found = _findings(capsys, batch)
            codes.add(code)
            union.update(found)
        assert union == set(once)
        assert max(codes) == code_once


def test_serial_pre_commit_passes_one_batch() -> None:
    """With require_serial, pre-commit splits file names only past the OS command-line limit:
    a commit touching 1,000 policy files still reaches privacy-dsl as one process, so no
    policy is linted twice."""
    from pre_commit.xargs import partition

    names = [f"policies/company-{i // 10:03d}/section-{i % 10}.privacy" for i in range(1000)]
    batches = partition(("privacy-dsl", "lint"), names, 1, 2 ** 17)
    assert len(batches) == 1 and list(batches[0][2:]) == names


# --- a real pre-commit run ------------------------------------------------------------------------

BAD = 'cookie "Webtemp" {\n  party first\n  expiry persistent\n}\n'


def _git(repo: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


class _Repo:
    """A scratch git repository and a way to run ``pre-commit try-repo <project> HOOK`` in it."""

    def __init__(self, tmp_path: Path) -> None:
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        if head.returncode != 0:
            pytest.skip("the project is not a git checkout (pre-commit try-repo needs one)")
        self.head = head.stdout.strip()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "GITHUB_"))}
        self.env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never",
                        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
                        GIT_COMMITTER_EMAIL="t@example.invalid", GIT_CONFIG_NOSYSTEM="1",
                        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"))
        self.path = tmp_path / "repo"
        self.path.mkdir()
        _git(self.path, "init", "-q", env=self.env)

    def commit(self, message: str) -> None:
        _git(self.path, "add", ".", env=self.env)
        _git(self.path, "commit", "-q", "-m", message, env=self.env)

    def try_repo(self, hook: str) -> subprocess.CompletedProcess[str]:
        # --ref: the committed project. Without it, try-repo adds the modified tracked files of the
        # working tree but not new untracked ones, which in a tree under edit is a half state.
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook,
                               "--ref", self.head, "--all-files"],
                              cwd=self.path, env=self.env, capture_output=True, text=True, timeout=300)


@pytest.mark.integration
@pytest.mark.network
def test_pre_commit_try_repo_fails_on_a_bad_policy_and_passes_a_clean_one(tmp_path: Path) -> None:
    git = _Repo(tmp_path)
    repo = git.path
    shutil.copytree(POLICIES / "fjordkaffe", repo / "policies" / "fjordkaffe")
    (repo / "README.md").write_text("not a policy\n")
    git.commit("clean policy")

    def try_repo() -> subprocess.CompletedProcess[str]:
        return git.try_repo("privacy-dsl")

    started = time.monotonic()
    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"privacy-dsl lint\.+Passed", clean.stdout), clean.stdout

    (repo / "policies" / "fjordkaffe" / "zz_legacy.privacy").write_text(BAD)
    git.commit("a cookie without expiry")
    bad = try_repo()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert re.search(r"privacy-dsl lint\.+Failed", bad.stdout), bad.stdout
    assert ("policies/fjordkaffe/zz_legacy.privacy:3:3: CK002 error: cookie `Webtemp` is persistent but does not say "
            "for how long") in bad.stdout
    assert "expiry persistent" in bad.stdout and "^^^" in bad.stdout  # the full format with its excerpt
    print(f"pre-commit try-repo, twice: {time.monotonic() - started:.1f} s")


@pytest.mark.integration
@pytest.mark.network
def test_pre_commit_try_repo_fmt_hook_fails_only_on_unformatted_files(tmp_path: Path) -> None:
    if "privacy-dsl-fmt" not in hooks():
        pytest.skip("no privacy-dsl-fmt hook")
    from privacy_dsl.outputs.fmt import format_string

    git = _Repo(tmp_path)
    messy = 'cookie   "b"   {\n expiry   session\n    party first\n}\n'
    (git.path / "policy").mkdir()
    (git.path / "policy" / "a.privacy").write_text(format_string(messy), encoding="utf-8")
    (git.path / "policy" / "b.privacy").write_text(messy, encoding="utf-8")
    git.commit("one formatted file, one not")
    started = time.monotonic()
    result = git.try_repo("privacy-dsl-fmt")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"privacy-dsl fmt\.+Failed", result.stdout), result.stdout
    assert "policy/b.privacy" in result.stdout and "policy/a.privacy" not in result.stdout
    assert (git.path / "policy" / "b.privacy").read_text(encoding="utf-8") == messy  # check only: never rewritten
    print(f"pre-commit try-repo (fmt): {time.monotonic() - started:.1f} s")


def test_whole_tree_hook() -> None:
    hook = hooks()["privacy-dsl-all"]
    assert hook["entry"] == "privacy-dsl lint" and hook["language"] == "python"
    assert hook["always_run"] is True and hook["pass_filenames"] is False and hook["require_serial"] is True


@pytest.mark.integration
@pytest.mark.network
def test_a_commit_that_deletes_a_referenced_file_is_refused_by_the_whole_tree_hook(tmp_path: Path) -> None:
    """A real ``git commit`` through ``pre-commit install``: deleting data.privacy (whose categories
    the purposes use) passes the per-file hook, which has no file left to run on, and fails
    ``privacy-dsl-all``."""
    git = _Repo(tmp_path)
    repo = git.path
    shutil.copytree(POLICIES / "fjordkaffe", repo / "policies" / "fjordkaffe")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {git.head}\n  hooks:\n  - id: privacy-dsl\n  - id: privacy-dsl-all\n",
        encoding="utf-8")
    git.commit("a clean policy")
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=git.env,
                               capture_output=True, text=True, timeout=60)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    _git(repo, "rm", "-q", "policies/fjordkaffe/data.privacy", env=git.env)
    committed = subprocess.run(["git", "commit", "-m", "drop the data categories"], cwd=repo, env=git.env,
                               capture_output=True, text=True, timeout=600)
    out = committed.stdout + committed.stderr
    assert committed.returncode != 0, out
    assert re.search(r"privacy-dsl lint\.+\(no files to check\)Skipped", out), out
    assert re.search(r"privacy-dsl lint \(every policy\)\.+Failed", out), out
    assert "E200" in out  # the purposes' categories are now undefined
    head = subprocess.run(["git", "ls-tree", "--name-only", "HEAD", "policies/fjordkaffe/data.privacy"],
                          cwd=repo, env=git.env, capture_output=True, text=True, check=True)
    assert head.stdout.strip() == "policies/fjordkaffe/data.privacy"  # the commit did not happen
