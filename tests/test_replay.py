"""Replay: an unchanged repository is answered with last run's output, and nothing else is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import POLICIES

from privacy_dsl import cache
from privacy_dsl.cli.main import build_parser, main
from privacy_dsl.lint import runner


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with both shipped policies; every status counts as settled."""
    shutil.copytree(POLICIES, tmp_path / "policies")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cache, "RACY_NS", 0)
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["lint", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def eligible(argv: list[str]) -> bool:
    """The real parser's namespace for ``argv`` allows a replay (``-h`` prints help instead)."""
    try:
        args = build_parser(argv).parse_args(argv)
    except SystemExit:
        return False
    return args.replay.options(args) is not None


def forbid_linting(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(request: runner.Request) -> runner.Outcome:
        raise AssertionError("linted although nothing changed")

    monkeypatch.setattr(runner, "run", refuse)


def test_an_unchanged_run_prints_the_same_without_linting(repo: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = lint(capsys, "policies", "--no-cache", "--statistics")
    assert fresh[0] == 1 and "CK002" in fresh[1]
    assert lint(capsys, "policies", "--statistics") == fresh  # records
    assert list((repo / ".privacy-dsl-cache").glob("replay-*.json"))
    with monkeypatch.context() as patch:
        forbid_linting(patch)
        assert lint(capsys, "policies", "--statistics") == fresh
        assert lint(capsys, "policies", "--statistics") == fresh


@pytest.mark.parametrize("change", ["edit", "add", "remove", "config", "config-in-pyproject"])
def test_any_change_is_linted_again(repo: Path, capsys: pytest.CaptureFixture[str], change: str) -> None:
    lint(capsys, "policies", "--format", "concise")
    before = lint(capsys, "policies", "--format", "concise")
    cookies = repo / "policies" / "cifero" / "cookies.privacy"
    if change == "edit":  # same length: only the status tells
        text = cookies.read_text(encoding="utf-8")
        cookies.write_text(text.replace("cookie Webtemp {", "cookie Webtmp_ {"), encoding="utf-8")
    elif change == "add":
        (repo / "policies" / "cifero" / "extra.privacy").write_text("category extra { }\n", encoding="utf-8")
    elif change == "remove":
        cookies.unlink()
    elif change == "config":
        (repo / "privacy-dsl.toml").write_text('ignore = ["CK002"]\n', encoding="utf-8")
    else:
        (repo / "pyproject.toml").write_text('[tool.privacy-dsl]\nignore = ["CK002"]\n', encoding="utf-8")
    after = lint(capsys, "policies", "--format", "concise")
    assert after[1] != before[1]
    assert after == lint(capsys, "policies", "--format", "concise", "--no-cache")


def test_each_command_line_has_its_own_entry(repo: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    runs = [("policies",), ("policies", "--format", "json"), ("policies/fjordkaffe",),
            ("policies", "--select", "CK"), ("policies", "--exit-zero")]
    expected = [lint(capsys, *argv, "--no-cache") for argv in runs]
    for argv in runs:
        lint(capsys, *argv)
    forbid_linting(monkeypatch)
    assert [lint(capsys, *argv) for argv in runs] == expected


@pytest.mark.parametrize("argv", [("--output", "report.txt"), ("-o", "report.txt"), ("--format", "github"),
                                  ("--no-cache",), ("--format=github",), ("--outp", "r.txt"), ("--no-c",),
                                  ("-qo", "r.txt"), ("--fo", "github"), ("--output=r.txt",), ("-h",)])
def test_runs_with_other_effects_are_never_replayed(argv: tuple[str, ...]) -> None:
    assert not eligible(["lint", "policies", *argv])
    assert eligible(["lint", "policies", "--format", "sarif"])


def test_github_actions_default_format_is_not_replayed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert not eligible(["lint", "policies"])
    assert eligible(["lint", "policies", "--format", "concise"])


def test_unusable_input_is_not_recorded(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "policies" / "fjordkaffe" / "broken.privacy").write_text("purpose {\n", encoding="utf-8")
    assert lint(capsys, "policies")[0] == 2
    assert lint(capsys, "policies")[0] == 2
    assert not list((repo / ".privacy-dsl-cache").glob("replay-*.json"))


def test_a_file_changed_while_it_was_linted_is_not_recorded(repo: Path, tmp_path: Path) -> None:
    policy = repo / "policies" / "fjordkaffe" / "cookies.privacy"
    snapshot = cache.Snapshot([str(policy)])
    folder = tmp_path / "cache"
    folder.mkdir()
    replay = cache.Replay(str(folder), "0" * 64)
    linted = {str(policy): "something else"}
    replay.record(snapshot, linted, [(1, "out")], 0)  # settled: status is trusted
    assert list(folder.iterdir())
    for entry in folder.iterdir():
        entry.unlink()
    snapshot.taken = policy.stat().st_ctime_ns  # as if it had just been written: checked by content
    replay.record(snapshot, linted, [(1, "out")], 0)
    assert not list(folder.iterdir())
    replay.record(snapshot, {str(policy): policy.read_text(encoding="utf-8")}, [(1, "out")], 0)
    assert len(list(folder.iterdir())) == 1


def test_a_recently_changed_folder_is_not_trusted(repo: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 10**18)  # every file is racy, every directory too
    lint(capsys, "policies")
    lint(capsys, "policies")
    assert not list((repo / ".privacy-dsl-cache").glob("replay-*.json"))


def test_a_recently_changed_file_is_checked_by_content(repo: Path, tmp_path: Path) -> None:
    """A file changed within the racy window may change again without its status changing: the
    entry keeps its hash, and replay compares it. (The status is forged here, as such a change
    would leave it.)"""
    policy = repo / "policies" / "fjordkaffe" / "cookies.privacy"
    text = policy.read_text(encoding="utf-8")
    folder = tmp_path / "cache"
    folder.mkdir()
    snapshot = cache.Snapshot([str(policy)])
    snapshot.taken = policy.stat().st_ctime_ns  # just written: racy
    cache.Replay(str(folder), "1" * 64).record(snapshot, {str(policy): text}, [(1, "out\n")], 0)
    (entry,) = folder.iterdir()
    secret = cache.secret()
    assert secret is not None
    data = cache.read(str(folder), entry.name, secret)
    assert isinstance(data, dict)
    assert list(data["hashes"]) == [str(policy)]
    policy.write_text(text.replace("cookie ", "cookie  ", 1), encoding="utf-8")
    data["watch"] = {str(policy): cache.signature(str(policy))}  # the status as if unchanged
    assert not cache._unchanged(data)
    policy.write_text(text, encoding="utf-8")
    data["watch"] = {str(policy): cache.signature(str(policy))}
    assert cache._unchanged(data)


@pytest.mark.integration
def test_replay_imports_neither_the_parser_nor_pydantic(tmp_path: Path) -> None:
    """The whole point (docs/performance.md): a real second process, after the racy window."""
    shutil.copytree(POLICIES, tmp_path / "policies")
    (tmp_path / ".privacy-dsl-cache").mkdir()  # else the first run creating it makes the folder racy
    time.sleep(cache.RACY_NS / 1e9 + 0.1)
    probe = ("import sys; from privacy_dsl.cli.main import main; rc = main(['lint', 'policies']); "
             "print('LOADED', sorted(m for m in ('lark', 'pydantic', 'privacy_dsl.lint.runner',"
             " 'privacy_dsl.diagnostics', 'privacy_dsl.language.parser')"
             " if m in sys.modules), file=sys.stderr); sys.exit(rc)")
    env = {**os.environ, "NO_COLOR": "1"}
    runs = [subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, env=env,
                           check=False) for _ in range(3)]
    assert [r.returncode for r in runs] == [1, 1, 1]
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert "'privacy_dsl.language.parser'" in runs[0].stderr
    assert runs[2].stderr.strip().splitlines()[-1] == "LOADED []"


@pytest.mark.parametrize("damage", ["not json", '{"key": 1}', "[]", "writes", "exit"])
def test_a_damaged_entry_is_ignored(repo: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    fresh = lint(capsys, "policies", "--no-cache")
    lint(capsys, "policies")
    lint(capsys, "policies")
    (entry,) = (repo / ".privacy-dsl-cache").glob("replay-*.json")
    if damage in ("writes", "exit"):  # damaged, but authenticated: as if this user's own file
        secret = cache.secret()
        assert secret is not None
        data = cache.read(str(entry.parent), entry.name, secret)
        assert isinstance(data, dict)
        data[damage] = [[3, 4]] if damage == "writes" else "1"
        assert cache.write(str(entry.parent), entry.name, secret, data)
    else:
        entry.write_text(damage, encoding="utf-8")
    assert lint(capsys, "policies") == fresh


def test_a_package_that_cannot_be_listed_is_linted_without_replay(repo: Path, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable() -> list[str]:
        raise NotADirectoryError("privacy_dsl.zip/privacy_dsl")

    monkeypatch.setattr(cache, "package_files", unreadable)  # the environment's listing
    fresh = lint(capsys, "policies", "--no-cache")
    assert lint(capsys, "policies") == fresh
    assert lint(capsys, "policies") == fresh
    assert not list((repo / ".privacy-dsl-cache").glob("replay-*.json"))


# -- which runs are replayed: an allowlist on the parser itself ---------------------------------------

#: A value for every option of ``lint``: a new option must be added here, and to one of the two sets.
SAMPLES: dict[str, list[str]] = {
    "paths": ["policies"], "format": ["--format", "json"], "config": ["--config", "privacy-dsl.toml"],
    "select": ["--select", "CK"], "ignore": ["--ignore", "CK002"], "fail_level": ["--fail-level", "error"],
    "exit_zero": ["--exit-zero"], "statistics": ["--statistics"], "quiet": ["-q"], "show_suppressed":
    ["--show-suppressed"], "color": ["--color", "never"], "jobs": ["-j", "2"],
    "cache_dir": ["--cache-dir", "cache"], "output": ["--output", "report.txt"], "no_cache": ["--no-cache"],
}


def _options(argv: list[str]) -> set[str]:
    """Every option (by ``dest``) the real parser knows for ``argv``'s command."""
    args = build_parser(argv).parse_args(argv)
    return set(vars(args)) - {cache.COMMAND_DEST, "run", "replay"}


def test_every_option_of_lint_is_classified() -> None:
    from privacy_dsl.cli.commands import lint as lint_command

    assert not lint_command.REPLAY_SAFE & lint_command.NOT_REPLAYED
    assert _options(["lint"]) == lint_command.REPLAY_SAFE | lint_command.NOT_REPLAYED == set(SAMPLES)


@pytest.mark.parametrize("dest", sorted(SAMPLES))
def test_each_option_given_decides_by_its_class(dest: str) -> None:
    from privacy_dsl.cli.commands import lint as lint_command

    assert eligible(["lint", *SAMPLES[dest]]) is (dest in lint_command.REPLAY_SAFE)


def test_only_lint_is_replayable() -> None:
    import argparse

    from privacy_dsl.cli.commands import COMMAND_INDEX, command_module

    marked = []
    for name, module, _ in COMMAND_INDEX:
        sub = argparse.ArgumentParser().add_subparsers()
        command_module(module).register(sub)
        if isinstance(sub.choices[name].get_default("replay"), cache.Replayable):
            marked.append(name)
    assert marked == ["lint"]


@pytest.fixture
def upload_option(monkeypatch: pytest.MonkeyPatch) -> None:
    """``lint`` as a later version might have it: two new options nobody classified."""
    from privacy_dsl.cli.commands import lint as lint_command

    real = lint_command.register

    def register(sub: object) -> None:
        real(sub)  # type: ignore[arg-type]
        parser = sub.choices["lint"]  # type: ignore[attr-defined]
        parser.add_argument("--upload", metavar="URL", help="send the report to URL")
        parser.add_argument("--notify", action="store_true", help="tell someone")

    monkeypatch.setattr(lint_command, "register", register)


@pytest.mark.usefixtures("upload_option")
@pytest.mark.parametrize("option", [["--upload", "https://example.invalid/"], ["--upl=x"], ["--notify"], ["--noti"]])
def test_an_option_nobody_marked_is_never_replayed(repo: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch, option: list[str]) -> None:
    assert eligible(["lint", "policies"])  # not given: it changes nothing
    assert not eligible(["lint", "policies", *option])
    calls = []
    real_run = runner.run
    monkeypatch.setattr(runner, "run", lambda request: calls.append(1) or real_run(request))
    fresh = lint(capsys, "policies", *option)
    assert [lint(capsys, "policies", *option) for _ in range(2)] == [fresh, fresh]
    assert calls == [1, 1, 1]  # linted every time
    assert not list((repo / ".privacy-dsl-cache").glob("replay-*.json"))


@pytest.mark.usefixtures("upload_option")
def test_an_option_marked_replay_safe_is_replayed(repo: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from privacy_dsl.cli.commands import lint as lint_command

    monkeypatch.setattr(lint_command, "REPLAY_SAFE", lint_command.REPLAY_SAFE | {"upload"})
    fresh = lint(capsys, "policies", "--upload", "x", "--no-cache")
    lint(capsys, "policies", "--upload", "x")
    calls = []
    real_run = runner.run
    monkeypatch.setattr(runner, "run", lambda request: calls.append(1) or real_run(request))
    assert lint(capsys, "policies", "--upload", "x") == fresh
    assert lint(capsys, "policies", "--upl", "x") == fresh  # the same namespace, however it is spelled
    assert calls == []
    assert lint(capsys, "policies", "--upload", "y") == fresh  # another value: another key, so linted
    assert calls == [1]


def test_a_spelling_of_the_same_options_is_the_same_run(repo: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = lint(capsys, "policies", "--format", "concise", "--no-cache")
    lint(capsys, "policies", "--format", "concise")
    forbid_linting(monkeypatch)
    for argv in (["--format=concise", "policies"], ["--fo", "concise", "policies"], ["policies", "--form=concise"]):
        assert lint(capsys, *argv) == fresh


def test_a_run_reads_the_clock_once(repo: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """One ``cache.Context`` (the date, the racy-file reference) per run, shared by the replay
    lookup, the results and the suppressions' expiry; and the runner is given it."""
    made: list[cache.Context] = []
    real_init = cache.Context.__init__

    def init(self: cache.Context, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(cache.Context, "__init__", init)
    given: list[object] = []
    real_run = runner.run
    monkeypatch.setattr(runner, "run", lambda request: given.append(request.context) or real_run(request))
    lint(capsys, "policies")
    assert len(made) == 1 and given == made
    lint(capsys, "policies")
    assert len(made) == 2 and given == made[:1]  # the second run is replayed: one read all the same
