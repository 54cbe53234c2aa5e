"""The lint caches trust nothing that arrives with a repository (issue 13 items 3, 4 and 9).

A pull request can add any file to a policy repository, a ``.privacy-dsl-cache/`` of its own
included, and a symbolic link in its place. Whatever it holds, a failing lint still fails: entries
are authenticated with the user's secret (``privacy_dsl/cache.py``), only the project root's cache
is read, a linked cache directory is never used, and a damaged entry is a miss, never a crash.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import POLICIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy_dsl import cache
from privacy_dsl.cli.main import build_parser, main
from privacy_dsl.diagnostics import Diagnostic, Severity
from privacy_dsl.lint import runner

ARGV = ["lint", "policies", "--format", "concise"]
ATTACKER_KEY = b"k" * 32


# -- helpers ----------------------------------------------------------------------------------------


def make_repo(where: Path) -> Path:
    """A project (it has a .git folder) with one failing policy: lint exits 1."""
    where.mkdir(parents=True, exist_ok=True)
    (where / ".git").mkdir()
    shutil.copytree(POLICIES / "cifero", where / "policies" / "cifero")
    return where


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", cache.CACHE_DIR_ENV, "PRIVACY_DSL_DEBUG")}
    env.update({"NO_COLOR": "1", cache.KEY_DIR_ENV: str(tmp_path / "key" / "privacy-dsl")}, **extra)
    return env


def cli(cwd: Path, env: dict[str, str], *argv: str, timeout: float = 120) -> tuple[int, str, str]:
    """The real command line, in a process of its own."""
    proc = subprocess.run([sys.executable, "-m", "privacy_dsl", *(argv or ARGV)], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv or ARGV))
    out, err = capsys.readouterr()
    return code, out, err


def replay_entry(cwd: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> cache.Replay:
    """The replay entry a run of ``argv`` in ``cwd`` looks for: its key is predictable by anyone."""
    with monkeypatch.context() as patch:
        patch.chdir(cwd)
        patch.setenv("NO_COLOR", "1")
        patch.setattr(sys, "stdout", open(os.devnull, "w"))  # noqa: SIM115 - a child's stdout is no terminal
        try:
            args = build_parser(argv).parse_args(argv)
            entry = cache.Replay.open(args, cache.Context(), cache.cache_dir(args.paths or ["."], args.cache_dir))
        finally:
            sys.stdout.close()
    assert entry is not None
    return entry


def replay_name_and_key(cwd: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> tuple[str, str]:
    """The entry name and key a run of ``argv`` in ``cwd`` looks for: predictable by anyone."""
    entry = replay_entry(cwd, monkeypatch, argv)
    return entry.name, entry.key


def policy_keys(cwd: Path, monkeypatch: pytest.MonkeyPatch, fmt: int) -> list[str]:
    """The content keys a run of ``lint policies`` in ``cwd`` looks up (whole run and each policy),
    as an attacker would compute them: the version, the package and the policy text are public."""
    seen: list[str] = []
    with monkeypatch.context() as patch:
        patch.chdir(cwd)
        patch.setattr(cache, "FORMAT", fmt)
        patch.setattr(cache.Results, "get", lambda self, key: seen.append(key))
        patch.setattr(cache.Results, "put", lambda self, key, diagnostics: None)
        patch.setattr(runner, "_lint_misses", lambda misses, *rest: [[] for _ in misses])
        runner.run(runner.Request(paths=[Path("policies")]))
    assert len(seen) == 2  # the whole run, then the one policy
    return seen


def all_clear_replay(key: str, watch: dict[str, Any]) -> dict[str, Any]:
    return {"format": cache.FORMAT, "key": key, "watch": watch, "hashes": {},
            "writes": [[1, "All clear: 9 files checked, no findings.\n"]], "exit": 0}


def policy_watch(repo: Path) -> dict[str, Any]:
    """A watch list that is really unchanged: the status of the policy's files."""
    return {str(p): cache.signature(str(p)) for p in sorted((repo / "policies" / "cifero").iterdir())}


def user_secret() -> bytes:
    key = cache.secret(create=True)
    assert key is not None
    return key


def plant(folder: Path, name: str, data: object, how: str) -> None:
    """Put an entry in ``folder``: plain JSON (the old format), sealed with someone else's key, or
    sealed with this user's own key (what the tool itself writes)."""
    folder.mkdir(parents=True, exist_ok=True)
    if how == "plain":
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    else:
        assert cache.write(str(folder), name, ATTACKER_KEY if how == "attacker" else user_secret(), data)


def seal_raw(folder: Path, name: str, body: bytes) -> None:
    """Bytes that are not what ``json.dumps`` makes, authenticated with the user's key."""
    (folder / name).write_bytes(cache._mac(user_secret(), name, body) + b"\n" + body)


def snapshot_tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A failing project as the working directory; every status counts as settled."""
    project = make_repo(tmp_path / "repo")
    monkeypatch.chdir(project)
    monkeypatch.setattr(cache, "RACY_NS", 0)
    return project


# -- entries that arrive with the repository --------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("how", ["plain", "attacker"])
def test_a_committed_replay_entry_cannot_make_a_failing_lint_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  how: str) -> None:
    project = make_repo(tmp_path / "repo")
    env = cli_env(tmp_path)
    fresh = cli(project, env, *ARGV, "--no-cache")
    assert fresh[0] == 1 and "CK002" in fresh[1]
    folder = project / cache.CACHE_DIR_NAME
    name, key = replay_name_and_key(project, monkeypatch, ARGV)
    plant(folder, name, all_clear_replay(key, {}), how)  # the entry: right key, empty watch list
    name, key = replay_name_and_key(project, monkeypatch, [*ARGV, "--statistics"])
    plant(folder, name, all_clear_replay(key, policy_watch(project)), how)  # a watch list that is unchanged
    assert cli(project, env) == fresh
    assert cli(project, env, *ARGV, "--statistics")[0] == 1


@pytest.mark.integration
@pytest.mark.parametrize("how", ["plain", "attacker"])
def test_a_committed_result_cannot_make_a_failing_lint_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            how: str) -> None:
    project = make_repo(tmp_path / "repo")
    env = cli_env(tmp_path)
    fresh = cli(project, env, *ARGV, "--no-cache")
    folder = project / cache.CACHE_DIR_NAME
    keys = {fmt: policy_keys(project, monkeypatch, fmt) for fmt in (1, cache.FORMAT)}  # the previous version's too
    for fmt, content_keys in keys.items():
        for key in content_keys:
            plant(folder, f"{key}.json", {"format": fmt, "diagnostics": []}, how)
    assert cli(project, env) == fresh


def test_the_forgeries_are_well_aimed(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The control for the two tests above: the same entries, written with this user's own key,
    are believed, so it is the authentication, and nothing else, that stops them there."""
    folder = repo / cache.CACHE_DIR_NAME
    for key in policy_keys(repo, monkeypatch, cache.FORMAT):
        plant(folder, f"{key}.json", {"format": cache.FORMAT, "diagnostics": []}, "own")
    fresh = lint(capsys, *ARGV, "--quiet", "--no-cache")
    assert fresh[0] == 1 and "CK002" in fresh[1]
    assert lint(capsys, *ARGV, "--quiet") == (0, "", "")  # no replay entry for this one: the results answer
    monkeypatch.setenv("NO_COLOR", "1")
    name, key = replay_name_and_key(repo, monkeypatch, ARGV)
    plant(folder, name, all_clear_replay(key, policy_watch(repo)), "own")
    assert lint(capsys)[:2] == (0, "All clear: 9 files checked, no findings.\n")


def test_an_own_entry_with_an_empty_watch_list_is_stale(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    fresh = lint(capsys, *ARGV, "--no-cache")
    monkeypatch.setenv("NO_COLOR", "1")
    name, key = replay_name_and_key(repo, monkeypatch, ARGV)
    for watch in ({}, None, []):
        entry = all_clear_replay(key, {})
        if watch is None:
            del entry["watch"]
        else:
            entry["watch"] = watch
        plant(repo / cache.CACHE_DIR_NAME, name, entry, "own")
        assert lint(capsys)[0] == fresh[0] == 1


@pytest.mark.integration
def test_a_fresh_clone_with_a_committed_cache_simply_lints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's attack end to end: ``git add -f .privacy-dsl-cache``, then lint a fresh clone."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    origin = tmp_path / "origin"
    origin.mkdir()
    git = ["git", "-c", "user.name=attacker", "-c", "user.email=a@example.invalid", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=origin, check=True)
    shutil.copytree(POLICIES / "cifero", origin / "policies" / "cifero")
    clone = tmp_path / "clone"
    clone.mkdir()  # the CI path is public; the attacker aims at it
    shutil.copytree(origin / "policies", clone / "policies")
    (clone / ".git").mkdir()
    name, key = replay_name_and_key(clone, monkeypatch, ARGV)
    keys = policy_keys(clone, monkeypatch, cache.FORMAT)
    shutil.rmtree(clone)
    forged = origin / cache.CACHE_DIR_NAME
    plant(forged, name, all_clear_replay(key, {}), "plain")
    for content_key in keys:
        plant(forged, f"{content_key}.json", {"format": cache.FORMAT, "diagnostics": []}, "attacker")
    subprocess.run([*git, "add", "-f", "."], cwd=origin, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "all clear"], cwd=origin, check=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], cwd=tmp_path, check=True)
    assert (clone / cache.CACHE_DIR_NAME / name).is_file()
    env = cli_env(tmp_path)
    fresh = cli(clone, env, *ARGV, "--no-cache")
    assert fresh[0] == 1
    assert cli(clone, env) == fresh
    assert cli(clone, env) == fresh


@pytest.mark.parametrize(("where", "believed"), [("parent", False), ("grandparent", False), ("project", True)])
def test_only_the_project_roots_cache_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], where: str, believed: bool) -> None:
    """An entry in a parent folder is never read, even one this user's key verifies (the control,
    in the project itself, is believed)."""
    project = make_repo(tmp_path / "outer" / "middle" / "repo")
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_COLOR", "1")
    fresh = lint(capsys, *ARGV, "--no-cache")
    folder = {"parent": project.parent, "grandparent": project.parent.parent, "project": project}[where]
    name, key = replay_name_and_key(project, monkeypatch, ARGV)
    keys = policy_keys(project, monkeypatch, cache.FORMAT)
    plant(folder / cache.CACHE_DIR_NAME, name, all_clear_replay(key, policy_watch(project)), "own")
    for content_key in keys:
        plant(folder / cache.CACHE_DIR_NAME, f"{content_key}.json", {"format": cache.FORMAT, "diagnostics": []},
              "own")
    assert (lint(capsys)[0] == 0) is believed
    if not believed:
        assert lint(capsys) == fresh


def test_plain_old_entries_in_a_parent_folder_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    project = make_repo(tmp_path / "outer" / "repo")
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_COLOR", "1")
    fresh = lint(capsys, *ARGV, "--no-cache")
    name, key = replay_name_and_key(project, monkeypatch, ARGV)
    plant(tmp_path / "outer" / cache.CACHE_DIR_NAME, name, all_clear_replay(key, {}), "plain")
    assert lint(capsys) == fresh


# -- where the cache is -----------------------------------------------------------------------------


@pytest.mark.parametrize("marker", [".git", "pyproject.toml", "privacy-dsl.toml", None])
def test_the_cache_is_at_the_project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str], marker: str | None) -> None:
    project = tmp_path / "p"
    shutil.copytree(POLICIES / "cifero", project / "policies" / "cifero")
    if marker == ".git":
        (project / ".git").mkdir()
    elif marker:
        (project / marker).write_text("", encoding="utf-8")
    monkeypatch.chdir(project / "policies")
    assert lint(capsys, "lint", "cifero")[0] == 1
    root = project if marker else project / "policies"  # no marker: the working directory
    assert cache.project_root(["cifero"]) == str(root)
    assert sorted(p.name for p in (root / cache.CACHE_DIR_NAME).glob("*.json"))
    assert not (project / "policies" / "cifero" / cache.CACHE_DIR_NAME).exists()
    if marker:
        assert not (project / "policies" / cache.CACHE_DIR_NAME).exists()


def entries(folder: Path) -> tuple[list[str], list[str]]:
    """The replay entries and the results entries in a cache folder."""
    names = sorted(p.name for p in folder.glob("*.json"))
    return [n for n in names if n.startswith("replay-")], [n for n in names if not n.startswith("replay-")]


@pytest.mark.integration
@pytest.mark.parametrize("given", ["folder", "policy", "file"])
def test_linting_another_tree_caches_in_its_project_root_and_nothing_where_the_run_starts(
        tmp_path: Path, given: str) -> None:
    """Issue 17 item 7: from /elsewhere, `lint /other/tree/...` used to write a cache into /elsewhere."""
    tree = make_repo(tmp_path / "other" / "tree")
    target = {"folder": tree / "policies", "policy": tree / "policies" / "cifero",
              "file": tree / "policies" / "cifero" / "cookies.privacy"}[given]
    assert target.exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = cli_env(tmp_path)
    argv = ["lint", str(target), "--format", "concise"]
    fresh = cli(elsewhere, env, *argv, "--no-cache")
    assert fresh[0] == 1 and "CK002" in fresh[1]
    assert cli(elsewhere, env, *argv) == fresh
    assert cli(elsewhere, env, *argv) == fresh  # (a replay needs files older than RACY_NS: not yet)
    assert list(elsewhere.iterdir()) == []
    assert entries(tree / cache.CACHE_DIR_NAME)[1]
    assert not (tree / "policies" / cache.CACHE_DIR_NAME).exists()


@pytest.mark.parametrize(("how", "believed"), [("attacker", False), ("plain", False), ("own", True)])
def test_entries_in_the_linted_trees_cache_are_believed_only_if_the_user_wrote_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], how: str,
        believed: bool) -> None:
    """Linting a tree from elsewhere reads that tree's cache: a forged entry there is still a miss
    (the control, sealed with this user's key, shows the entry is where the run looks)."""
    tree = make_repo(tmp_path / "other" / "tree")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("NO_COLOR", "1")
    argv = ["lint", str(tree / "policies"), "--format", "concise"]
    fresh = lint(capsys, *argv, "--no-cache")
    name, key = replay_name_and_key(elsewhere, monkeypatch, argv)
    plant(tree / cache.CACHE_DIR_NAME, name, all_clear_replay(key, policy_watch(tree)), how)
    assert (lint(capsys, *argv)[0] == 0) is believed
    if not believed:
        assert lint(capsys, *argv) == fresh


def test_a_tree_that_is_no_project_keeps_its_cache_in_its_own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "unpacked"
    shutil.copytree(POLICIES / "cifero", tree / "cifero")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert cache.project_root([str(tree)]) == str(tree)
    assert lint(capsys, "lint", str(tree))[0] == 1
    assert list(elsewhere.iterdir()) == []
    assert entries(tree / cache.CACHE_DIR_NAME)[1]


def test_a_run_over_two_projects_caches_in_the_project_that_holds_both_or_nowhere(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Two projects side by side share no root: nothing is cached (not in their parent, which is
    no project, nor in either of them). In a monorepo (a marker above both) the monorepo's root."""
    outer = tmp_path / "outer"
    one, two = make_repo(outer / "one"), make_repo(outer / "two")
    monkeypatch.chdir(tmp_path)
    paths = [str(one / "policies"), str(two / "policies")]
    assert cache.project_root(paths) is None
    fresh = lint(capsys, "lint", *paths, "--no-cache")
    assert fresh[0] == 1
    assert lint(capsys, "lint", *paths) == fresh
    assert not [p for p in tmp_path.rglob(cache.CACHE_DIR_NAME)]
    (outer / ".git").mkdir()  # now both are parts of one repository
    assert cache.project_root(paths) == str(outer)
    assert lint(capsys, "lint", *paths) == fresh
    assert entries(outer / cache.CACHE_DIR_NAME)[1]
    assert [p.parent for p in tmp_path.rglob(cache.CACHE_DIR_NAME)] == [outer]


def test_the_configuration_file_does_not_move_the_cache(repo: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "privacy-dsl.toml").write_text('ignore = ["HYG002"]\n', encoding="utf-8")
    assert lint(capsys, *ARGV, "--config", str(shared / "privacy-dsl.toml"))[0] == 1
    assert entries(repo / cache.CACHE_DIR_NAME)[1]
    assert sorted(p.name for p in shared.iterdir()) == ["privacy-dsl.toml"]


@pytest.mark.parametrize("how", ["flag", "environment", "both"])
def test_the_cache_directory_can_be_named(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str], how: str) -> None:
    """--cache-dir DIR, else $PRIVACY_DSL_CACHE_DIR; the flag wins over the environment."""
    flagged, named = tmp_path / "flagged" / "cache", tmp_path / "named" / "cache"
    extra = ["--cache-dir", str(flagged)] if how in ("flag", "both") else []
    if how in ("environment", "both"):
        monkeypatch.setenv(cache.CACHE_DIR_ENV, str(named))
    fresh = lint(capsys, *ARGV, "--no-cache")
    assert lint(capsys, *ARGV, *extra) == fresh
    with monkeypatch.context() as patch:
        forbid = "linted although nothing changed"
        patch.setattr(runner, "run", lambda request: (_ for _ in ()).throw(AssertionError(forbid)))
        assert lint(capsys, *ARGV, *extra) == fresh  # replayed from there
    used = flagged if extra else named
    replays, results = entries(used)
    assert replays and results
    assert not (named if used == flagged else flagged).exists()
    assert not (repo / cache.CACHE_DIR_NAME).exists()


def test_a_cache_dir_the_user_links_is_followed(repo: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A link given with --cache-dir is the user's own choice, like the environment variable's (a
    link that arrives with the repository, at .privacy-dsl-cache, is not: the test below)."""
    real = tmp_path / "real-cache"
    real.mkdir()
    link = tmp_path / "cache-link"
    link.symlink_to(real, target_is_directory=True)
    fresh = lint(capsys, *ARGV, "--no-cache")
    assert lint(capsys, *ARGV, "--cache-dir", str(link)) == fresh
    assert entries(real)[1]
    assert link.is_symlink()


@pytest.mark.parametrize("how", ["plain", "attacker"])
def test_forged_entries_in_a_named_cache_dir_are_not_believed(repo: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str], how: str) -> None:
    """A --cache-dir someone else filled (a shared CI cache restored from a fork's run) is
    authenticated like the project's own."""
    folder = tmp_path / "ci-cache"
    argv = [*ARGV, "--cache-dir", str(folder)]
    fresh = lint(capsys, *argv, "--no-cache")
    monkeypatch.setenv("NO_COLOR", "1")
    name, key = replay_name_and_key(repo, monkeypatch, argv)
    plant(folder, name, all_clear_replay(key, policy_watch(repo)), how)
    for content_key in policy_keys(repo, monkeypatch, cache.FORMAT):
        plant(folder, f"{content_key}.json", {"format": cache.FORMAT, "diagnostics": []}, how)
    assert lint(capsys, *argv) == fresh


# -- a cache directory that is a link, and what may be deleted ---------------------------------------


def test_a_linked_cache_directory_is_neither_read_written_nor_pruned(repo: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    fresh = lint(capsys, *ARGV, "--no-cache")
    victim = tmp_path / "victim"  # the user's own files, where a committed link points
    victim.mkdir()
    old = time.time() - 86400
    for i in range(50):
        (victim / f"notes-{i}.json").write_text(json.dumps({"i": i}), encoding="utf-8")
    (victim / "replay-0000abcd.json").write_text("{}", encoding="utf-8")  # names as the tool's own
    (victim / f"{'0' * 64}.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("NO_COLOR", "1")
    name, key = replay_name_and_key(repo, monkeypatch, ARGV)  # entries the user's key verifies, too
    keys = policy_keys(repo, monkeypatch, cache.FORMAT)
    plant(victim, name, all_clear_replay(key, policy_watch(repo)), "own")
    for content_key in keys:
        plant(victim, f"{content_key}.json", {"format": cache.FORMAT, "diagnostics": []}, "own")
    for path in victim.iterdir():
        os.utime(path, (old, old))  # the oldest files a pruner could find
    before = snapshot_tree(victim)
    (repo / cache.CACHE_DIR_NAME).symlink_to(victim, target_is_directory=True)
    monkeypatch.setattr(cache, "MAX_ENTRIES", 5)  # so that a run prunes
    for _ in range(3):
        assert lint(capsys) == fresh
    assert snapshot_tree(victim) == before
    assert (repo / cache.CACHE_DIR_NAME).is_symlink()


@pytest.mark.parametrize("named", [False, True])
@pytest.mark.parametrize("kind", ["file", "fifo", "someone-elses"])
def test_a_cache_path_that_is_not_our_directory_is_not_used(repo: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str], kind: str,
                                                            named: bool) -> None:
    """At the project root, or named with --cache-dir: neither is used unless it is our directory."""
    place = tmp_path / "named-cache" if named else repo / cache.CACHE_DIR_NAME
    argv = [*ARGV, "--cache-dir", str(place)] if named else ARGV
    fresh = lint(capsys, *argv, "--no-cache")
    if kind == "file":
        place.write_text("not a folder\n", encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(place)
    else:
        place.mkdir()
        try:
            os.chown(place, 12345, 12345)
        except PermissionError:
            pytest.skip("needs root to give a folder to another user")
    for _ in range(2):
        assert lint(capsys, *argv) == fresh
    if kind == "someone-elses":
        assert list(place.iterdir()) == []
    assert not cache.usable(str(place), create=True)
    assert not (repo / cache.CACHE_DIR_NAME).exists() or not named


def test_pruning_deletes_only_regular_files_with_the_tools_names(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    assert cache.ensure(str(folder))
    outside = tmp_path / "precious.json"
    outside.write_text("keep me\n", encoding="utf-8")
    own = [f"{c * 64}.json" for c in "1234"] + ["replay-0123abcd.json"]
    for name in own:
        assert cache.write(str(folder), name, b"s" * 32, {"n": name})
    (folder / f"{'a' * 64}.json").symlink_to(outside)
    os.mkfifo(folder / f"{'b' * 64}.json")
    (folder / f"{'c' * 64}.json").mkdir()
    keep = ["notes.json", f"{'A' * 64}.json", "replay-0123abcdef.json", "replay-0123abcg.json", ".entry-x.tmp",
            "entry-0123456789abcdef.tmp", ".gitignore"]
    for name in keep:
        (folder / name).write_text("user's\n", encoding="utf-8")
    stale, fresh_temp = ".entry-0123456789abcdef.tmp", ".entry-fedcba9876543210.tmp"
    (folder / stale).write_text("left by a crash", encoding="utf-8")
    (folder / fresh_temp).write_text("being written", encoding="utf-8")
    long_ago = time.time() - 2 * cache.STALE_TEMP_NS / 1e9
    for path in folder.iterdir():
        os.utime(path, (long_ago, long_ago), follow_symlinks=False)
    now = time.time()
    os.utime(folder / fresh_temp, (now, now))
    cache.prune(str(folder), keep=0)
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([*keep, fresh_temp, f"{'a' * 64}.json", f"{'b' * 64}.json", f"{'c' * 64}.json"])
    assert outside.read_text(encoding="utf-8") == "keep me\n"


def test_pruning_keeps_the_newest(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    assert cache.ensure(str(folder))
    names = [f"{i:064x}.json" for i in range(6)]
    for i, name in enumerate(names):
        assert cache.write(str(folder), name, b"s" * 32, i)
        os.utime(folder / name, ns=(i * 10**9, i * 10**9))
    cache.prune(str(folder), keep=2)
    assert sorted(p.name for p in folder.glob("*.json")) == names[4:]


def test_an_entry_that_is_a_link_is_not_followed(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    fresh = lint(capsys, *ARGV, "--no-cache")
    lint(capsys)
    lint(capsys)
    folder = repo / cache.CACHE_DIR_NAME
    moved = tmp_path / "moved"
    moved.mkdir()
    for entry in folder.glob("*.json"):  # valid entries, each now reached through a link
        entry.rename(moved / entry.name)
        entry.symlink_to(moved / entry.name)
    assert len(list(moved.iterdir())) == 3
    before = snapshot_tree(moved)
    calls = []
    real_run = runner.run
    monkeypatch.setattr(runner, "run", lambda request: calls.append(1) or real_run(request))
    assert lint(capsys) == fresh
    assert calls == [1]  # linted, not replayed
    assert snapshot_tree(moved) == before  # and the links were replaced, not written through


# -- the user's secret -----------------------------------------------------------------------------


def test_the_secret_is_made_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.KEY_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    key = cache.secret(create=True)
    folder = tmp_path / "xdg" / "privacy-dsl"
    assert key is not None and len(key) == 32
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / cache.KEY_NAME).stat().st_mode) == 0o600
    assert (folder / cache.KEY_NAME).read_bytes() == key
    assert cache.secret() == cache.secret(create=True) == key
    assert sorted(p.name for p in folder.iterdir()) == [cache.KEY_NAME]  # no temporary file left
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec: only an absolute path counts
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.key_dir() == str(tmp_path / "home" / ".cache" / "privacy-dsl")
    assert cache.secret(create=True) not in (None, key)


def _bad_key_dir(folder: Path, case: str) -> None:
    """Make the key directory ``folder`` unusable in the way ``case`` says."""
    secret_file = folder / cache.KEY_NAME
    if case == "unmakeable":
        folder.parent.parent.mkdir(parents=True, exist_ok=True)
        folder.parent.write_text("a file where a folder should be\n", encoding="utf-8")
        return
    if case == "dir-is-a-file":
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.write_text("", encoding="utf-8")
        return
    if case == "dir-is-a-link":
        real = folder.parent / "real"
        real.mkdir(mode=0o700, parents=True)
        (real / cache.KEY_NAME).write_bytes(b"s" * 32)
        (real / cache.KEY_NAME).chmod(0o600)
        folder.symlink_to(real, target_is_directory=True)
        return
    folder.mkdir(mode=0o700, parents=True)
    secret_file.write_bytes(b"s" * 32)
    secret_file.chmod(0o600)
    if case == "dir-group-readable":
        folder.chmod(0o750)
    elif case == "dir-world-writable":
        folder.chmod(0o703)
    elif case == "file-group-readable":
        secret_file.chmod(0o640)
    elif case == "file-world-readable":
        secret_file.chmod(0o604)
    elif case == "file-is-a-link":
        secret_file.rename(folder / "real-key")
        secret_file.symlink_to(folder / "real-key")
    elif case in ("file-empty", "file-short", "file-long"):
        secret_file.write_bytes({"file-empty": b"", "file-short": b"s" * 31, "file-long": b"s" * 33}[case])
    elif case == "file-is-a-folder":
        secret_file.unlink()
        secret_file.mkdir(mode=0o700)
    elif case == "file-is-a-fifo":
        secret_file.unlink()
        os.mkfifo(secret_file, 0o600)
    elif case in ("dir-someone-elses", "file-someone-elses"):
        try:
            os.chown(folder if case == "dir-someone-elses" else secret_file, 12345, 12345)
        except PermissionError:
            pytest.skip("needs root to give a file to another user")
    else:
        raise AssertionError(case)


BAD_KEY_DIRS = ["unmakeable", "dir-is-a-file", "dir-is-a-link", "dir-group-readable", "dir-world-writable",
                "dir-someone-elses", "file-group-readable", "file-world-readable", "file-is-a-link", "file-empty",
                "file-short", "file-long", "file-is-a-folder", "file-is-a-fifo", "file-someone-elses"]


@pytest.mark.parametrize("case", BAD_KEY_DIRS)
def test_an_unsafe_secret_disables_caching(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str], case: str) -> None:
    folder = tmp_path / "keys" / "privacy-dsl"
    _bad_key_dir(folder, case)
    monkeypatch.setenv(cache.KEY_DIR_ENV, str(folder))
    before = {p: (p.lstat().st_mode, p.is_file() and p.read_bytes()) for p in folder.parent.rglob("*")
              if not stat.S_ISFIFO(p.lstat().st_mode)}
    assert cache.secret(create=True) is None
    fresh = lint(capsys, *ARGV, "--no-cache")
    for _ in range(3):
        assert lint(capsys) == fresh
    assert not (repo / cache.CACHE_DIR_NAME).exists()  # nothing cached at all
    after = {p: (p.lstat().st_mode, p.is_file() and p.read_bytes()) for p in folder.parent.rglob("*")
             if not stat.S_ISFIFO(p.lstat().st_mode)}
    assert after == before  # and nothing of the user's "repaired"


@pytest.mark.integration
def test_an_unwritable_home_lints_without_a_cache(tmp_path: Path) -> None:
    project = make_repo(tmp_path / "repo")
    home = tmp_path / "home"
    home.write_text("not a folder: nothing can be made under it\n", encoding="utf-8")
    env = cli_env(tmp_path, HOME=str(home))
    for name in (cache.KEY_DIR_ENV, "XDG_CACHE_HOME"):
        env.pop(name, None)
    fresh = cli(project, env, *ARGV, "--no-cache")
    assert fresh[0] == 1
    assert cli(project, env) == fresh
    assert cli(project, env) == fresh
    assert not (project / cache.CACHE_DIR_NAME).exists()


@pytest.mark.integration
def test_a_fifo_under_an_entrys_name_is_not_waited_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_repo(tmp_path / "repo")
    env = cli_env(tmp_path)
    fresh = cli(project, env, *ARGV, "--no-cache")
    name, _ = replay_name_and_key(project, monkeypatch, ARGV)
    keys = policy_keys(project, monkeypatch, cache.FORMAT)
    folder = project / cache.CACHE_DIR_NAME
    folder.mkdir()
    os.mkfifo(folder / name)
    for content_key in keys:
        os.mkfifo(folder / f"{content_key}.json")
    assert cli(project, env, timeout=60) == fresh
    assert cli(project, env, timeout=60) == fresh


# -- damaged entries ---------------------------------------------------------------------------------

DIAGNOSTIC = {"code": "CK002", "name": "n", "category": "cookies", "severity": "error", "message": "m",
              "span": {"path": "policies/cifero/cookies.privacy", "line": 1, "column": 1, "end_line": 1,
                       "end_column": 2},
              "hint": None, "url": None, "fatal": False, "suppressed": None, "args": [],
              "message_id": None}


def _diag(**change: Any) -> dict[str, Any]:
    out = json.loads(json.dumps(DIAGNOSTIC))
    for field, value in change.items():
        if field in out["span"]:
            out["span"][field] = value
        else:
            out[field] = value
    return {"format": cache.FORMAT, "diagnostics": [out]}


#: Authenticated (as if this user's own file went bad, or an older version wrote it), but wrong.
SEALED_RESULTS: dict[str, object] = {
    "list": [], "empty-object": {}, "number": 5, "null": None, "string": "diagnostics",
    "wrong-format": {"format": 1, "diagnostics": []}, "format-as-text": {"format": "2", "diagnostics": []},
    "diagnostics-number": {"format": cache.FORMAT, "diagnostics": 5},
    "diagnostics-object": {"format": cache.FORMAT, "diagnostics": {}},
    "diagnostic-list": {"format": cache.FORMAT, "diagnostics": [[]]},
    "diagnostic-number": {"format": cache.FORMAT, "diagnostics": [5]},
    "diagnostic-empty": {"format": cache.FORMAT, "diagnostics": [{}]},
    "span-list": _diag(span=[]), "span-missing-field": _diag(span={"path": "p", "line": 1}),
    "huge-line": _diag(line=10**100), "negative-column": _diag(column=-1), "line-true": _diag(line=True),
    "line-float": _diag(end_line=1.5), "path-number": _diag(path=5), "severity-unknown": _diag(severity="fatal"),
    "severity-number": _diag(severity=3), "code-number": _diag(code=5), "message-null": _diag(message=None),
    "hint-number": _diag(hint=5), "fatal-text": _diag(fatal="yes"), "args-number": _diag(args=5),
    "args-short": _diag(args=[["a"]]), "args-numbers": _diag(args=[[1, 2]]), "extra-field": _diag(extra=1),
}
#: Not even authenticated: planted, truncated, or not what the tool writes.
RAW: dict[str, bytes] = {
    "empty": b"", "not-json": b"not json", "plain-json-list": b"[]", "mac-only": b"0" * 64,
    "mac-and-newline": b"0" * 64 + b"\n", "wrong-mac": b"0" * 64 + b'\n{"format": 2, "diagnostics": []}',
    "binary": bytes(range(256)), "bom": b"\xef\xbb\xbf[]",
}
#: Authenticated bytes that are no entry ``json.dumps`` makes.
SEALED_BYTES: dict[str, bytes] = {
    "huge-integer": b'{"format": 2, "diagnostics": [], "n": ' + b"9" * 5000 + b"}",
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000, "not-utf-8": b'{"format": 2, "diagnostics": ["\xff"]}',
    "nan": b'{"format": NaN, "diagnostics": []}', "truncated": b'{"format": 2, "diagnostics": [',
}


def _damage(folder: Path, names: list[str], case: str) -> None:
    for name in names:
        if case in SEALED_RESULTS:
            assert cache.write(str(folder), name, user_secret(), SEALED_RESULTS[case])
        elif case in SEALED_BYTES:
            seal_raw(folder, name, SEALED_BYTES[case])
        elif case == "truncated-entry":
            data = (folder / name).read_bytes()
            (folder / name).write_bytes(data[: len(data) // 2])
        else:
            (folder / name).write_bytes(RAW[case])


@pytest.mark.parametrize("case", [*SEALED_RESULTS, *SEALED_BYTES, *RAW, "truncated-entry"])
def test_a_damaged_result_is_a_miss(repo: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    fresh = lint(capsys, *ARGV, "--no-cache")
    assert lint(capsys) == fresh
    folder = repo / cache.CACHE_DIR_NAME
    for entry in folder.glob("replay-*.json"):
        entry.unlink()
    results = sorted(p.name for p in folder.glob("*.json"))
    assert len(results) == 2  # the whole run's and the policy's
    _damage(folder, results, case)
    assert lint(capsys) == fresh
    for entry in folder.glob("replay-*.json"):
        entry.unlink()
    assert lint(capsys) == fresh  # and the entries were written afresh
    assert lint(capsys) == fresh


def _replace(field: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(entry: dict[str, Any]) -> None:
        entry[field] = value
    return change


def _first_watch(value: object) -> Callable[[dict[str, Any]], None]:
    def change(entry: dict[str, Any]) -> None:
        first = next(iter(entry["watch"]))
        entry["watch"][first] = value
    return change


SEALED_REPLAYS: dict[str, Callable[[dict[str, Any]], None]] = {
    "other-key": _replace("key", "[]"), "key-missing": lambda e: e.pop("key"), "format-1": _replace("format", 1),
    "watch-empty": _replace("watch", {}), "watch-list": _replace("watch", []),
    "watch-missing": lambda e: e.pop("watch"),
    "signature-text": _first_watch("x"), "signature-short": _first_watch([1, 2]),
    "signature-floats": _first_watch([0.5] * 6), "signature-huge": _first_watch([10**30] * 6),
    "hashes-list": _replace("hashes", []), "hashes-number": _replace("hashes", {"/x": 5}),
    "hashes-unwatched": _replace("hashes", {"/etc/hostname": "0" * 64}),
    "writes-number": _replace("writes", 5), "writes-stream-3": _replace("writes", [[3, "x"]]),
    "writes-text-number": _replace("writes", [[1, 5]]), "writes-triple": _replace("writes", [[1, "x", 2]]),
    "writes-stream-true": _replace("writes", [[True, "x"]]),
    "exit-text": _replace("exit", "0"), "exit-true": _replace("exit", True), "exit-2": _replace("exit", 2),
    "exit-huge": _replace("exit", 10**100), "exit-null": _replace("exit", None),
    "exit-missing": lambda e: e.pop("exit"),
}


@pytest.mark.parametrize("case", [*SEALED_REPLAYS, *SEALED_BYTES, *RAW, "truncated-entry", "list"])
def test_a_damaged_replay_entry_is_a_miss(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str], case: str) -> None:
    fresh = lint(capsys, *ARGV, "--no-cache")
    lint(capsys)
    lint(capsys)
    folder = repo / cache.CACHE_DIR_NAME
    (entry,) = folder.glob("replay-*.json")
    if case in SEALED_REPLAYS:
        data = cache.read(str(folder), entry.name, user_secret())
        assert isinstance(data, dict) and data["exit"] == 1
        data["exit"] = 0  # an attacker's wish, if the damage let the entry through
        SEALED_REPLAYS[case](data)
        assert cache.write(str(folder), entry.name, user_secret(), data)
    else:
        _damage(folder, [entry.name], case)
    calls = []
    real_run = runner.run
    monkeypatch.setattr(runner, "run", lambda request: calls.append(1) or real_run(request))
    assert lint(capsys) == fresh
    assert calls == [1]  # linted (from the results), not replayed


# -- sizes -------------------------------------------------------------------------------------------


def test_an_oversized_entry_is_not_read(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A planted 1 GiB file (sparse: it costs no disk) under every entry name is refused unread."""
    fresh = lint(capsys, *ARGV, "--no-cache")
    lint(capsys)
    lint(capsys)
    folder = repo / cache.CACHE_DIR_NAME
    names = sorted(p.name for p in folder.glob("*.json"))
    assert len(names) == 3
    for name in names:
        with open(folder / name, "r+b") as handle:
            handle.truncate(2**30)
    assert lint(capsys) == fresh


def test_entries_are_bounded_both_ways(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    fresh = lint(capsys, *ARGV, "--no-cache")
    lint(capsys)
    lint(capsys)
    folder = repo / cache.CACHE_DIR_NAME
    largest = max(p.stat().st_size for p in folder.glob("*.json"))
    key = user_secret()
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", largest - 1)
    assert all(cache.read(str(folder), p.name, key) is None for p in folder.glob("*.json")
               if p.stat().st_size == largest)
    shutil.rmtree(folder)
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", len(fresh[1]))  # the output alone fills an entry
    for _ in range(3):
        assert lint(capsys) == fresh
    assert not list(folder.glob("replay-*.json"))  # too large to record: the run is linted again
    assert all(p.stat().st_size <= len(fresh[1]) for p in folder.glob("*.json"))


# -- the readers, fuzzed -------------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("PRIVACY_DSL_FUZZ_EXAMPLES", "200"))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_a_result_round_trips_exactly(repo: Path) -> None:
    """What ``_dump`` writes, ``_load`` takes back unchanged, for every diagnostic of the shipped
    policies; and ``_load`` knows every field (a new one must be checked there too)."""
    assert {f.name for f in dataclasses.fields(Diagnostic)} == runner._FIELDS
    diagnostics = runner.run(runner.Request(paths=[POLICIES], use_cache=False)).diagnostics
    assert diagnostics
    for diagnostic in diagnostics:
        assert runner._load(json.loads(json.dumps(runner._dump(diagnostic)))) == diagnostic


@FUZZ
@given(entry=st.one_of(JSON, st.fixed_dictionaries({"format": st.just(cache.FORMAT), "diagnostics": st.lists(
    st.one_of(JSON, st.tuples(st.sampled_from([*DIAGNOSTIC, *DIAGNOSTIC["span"]]), JSON).map(
        lambda change: _diag(**{change[0]: change[1]})["diagnostics"][0])), max_size=3)})))
def test_any_authenticated_result_is_well_typed_or_a_miss(tmp_path: Path, entry: object) -> None:
    folder = tmp_path / "cache"
    key = b"f" * 32
    folder.mkdir(exist_ok=True)
    assert cache.write(str(folder), f"{'e' * 64}.json", key, entry)
    got = runner.cached(cache.Results(folder, key), "e" * 64)
    if got is not None:
        for d in got:
            assert all(isinstance(getattr(d, f), str) for f in ("code", "name", "category", "message"))
            assert isinstance(d.severity, Severity) and type(d.fatal) is bool and isinstance(d.span.path, str)
            assert all(type(n) is int and 0 <= n <= 2**31 for n in (d.span.line, d.span.column, d.span.end_line,
                                                                       d.span.end_column))
            assert all(isinstance(x, str) for pair in d.args for x in pair)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["format", "watch", "hashes", "writes", "exit", "extra"]), JSON),
       valid_format=st.booleans())
def test_any_authenticated_replay_entry_replays_well_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   fields: dict[str, Any], valid_format: bool) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "cache"))
    argv = ["lint", "fuzz"]
    replay = replay_entry(tmp_path, monkeypatch, argv)
    name, key = replay.name, replay.key
    entry = {**fields, "key": key, **({"format": cache.FORMAT} if valid_format else {})}
    assert cache.ensure(str(tmp_path / "cache"))
    assert cache.write(str(tmp_path / "cache"), name, user_secret(), entry)
    out, err = io.StringIO(), io.StringIO()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", out)
        patch.setattr(sys, "stderr", err)
        patch.setenv("NO_COLOR", "1")
        code = replay.answer()
    if code is None:
        assert out.getvalue() == err.getvalue() == ""
    else:  # a watch list that happens to hold (say, of paths that do not exist): a well-formed entry
        assert type(code) is int and code in (0, 1) and entry["watch"]
        streams = {1: "", 2: ""}
        for stream, text in entry["writes"]:
            streams[stream] += text
        assert (out.getvalue(), err.getvalue()) == (streams[1], streams[2])
