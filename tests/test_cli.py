"""The command line as a user meets it: output, exit codes, help."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import POLICIES

from privacy_dsl.cli.main import main

BAD = "cookie Webtemp {\n  party first\n  expiry persistent\n}\n"


def test_full_format_shows_source_caret_and_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "c.privacy").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    assert main(["lint", ".", "--select", "CK002", "--color", "never"]) == 1
    out = capsys.readouterr().out
    message = "cookie `Webtemp` is persistent but does not say for how long"
    assert f"c.privacy:3:3: CK002 error: {message}" in out.splitlines()
    assert " 3 |   expiry persistent\n   |   ^^^^^^^^^^^^^^^^^\n" in out
    assert "= hint: state the duration" in out
    assert "Found 1 finding in 1 file: 1 error, 0 warnings, 0 info." in out


def test_concise_format_and_exit_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "c.privacy").write_text(BAD)
    assert main(["lint", str(tmp_path), "--select", "CK002", "--format", "concise"]) == 1
    line = capsys.readouterr().out.strip()
    assert line.endswith(":3:3: CK002 [error] cookie `Webtemp` is persistent but does not say for how long")
    assert main(["lint", str(tmp_path), "--select", "CK002", "--exit-zero"]) == 0
    assert main(["lint", str(tmp_path), "--select", "SUP"]) == 0


def test_clean_policy_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(POLICIES / "fjordkaffe")]) == 0
    assert "All clear" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["lint", "--format", "nope"])
    assert exc.value.code == 2
    assert main(["explain", "LAW03"]) == 2
    assert "did you mean LAW003?" in capsys.readouterr().err
    assert main(["lint", "--select", "NOPE123"]) == 2
    assert "selects no rule" in capsys.readouterr().err


def test_bad_config_exits_2_with_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.privacy-dsl]\nselekt = ["ALL"]\n')
    (tmp_path / "a.privacy").write_text("subject s\n")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "a.privacy"]) == 2
    err = capsys.readouterr().err
    assert "unknown key `selekt`; did you mean `select`?" in err and "pyproject.toml" in err


def test_rule_config_severity_and_options(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "privacy-dsl.toml").write_text('[rules.CK002]\nseverity = "off"\n')
    (tmp_path / "c.privacy").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "c.privacy", "--select", "CK002"]) == 0
    (tmp_path / "privacy-dsl.toml").write_text('[rules.cookie-without-expiry]\nseverity = "info"\n')
    assert main(["lint", "c.privacy", "--select", "CK002", "--fail-level", "warning"]) == 0
    (tmp_path / "privacy-dsl.toml").write_text('[rules.CK002]\nmax = 1\n')
    assert main(["lint", "c.privacy"]) == 2
    assert "takes no options" in capsys.readouterr().err


def test_dump_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dump", str(POLICIES / "fjordkaffe")]) == 0
    dumped = json.loads(capsys.readouterr().out)
    assert dumped["controllers"][0]["name"] == "Fjordkaffe AS"
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "Purpose" in schema["$defs"]


def test_help_and_version_import_nothing_heavy() -> None:
    code = ("import sys; from privacy_dsl.cli.main import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit: pass\n"
            "heavy = [m for m in ('lark', 'pydantic', 'privacy_dsl.language.model') if m in sys.modules]\n"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]")


@pytest.mark.parametrize(("flag", "unwanted"), [
    ("--version", ("argparse", "typing", "pathlib", "shutil", "lark", "pydantic")),
    ("--help", ("typing", "pathlib", "shutil", "lark", "pydantic")),
])
def test_help_and_version_stay_light(flag: str, unwanted: tuple[str, ...]) -> None:
    """What a hook's `--version` probe and `--help` cost is mostly imports (docs/performance.md)."""
    code = (f"import sys; from privacy_dsl.cli.main import main\ntry:\n    main([{flag!r}])\nexcept SystemExit: pass\n"
            f"print('LOADED', sorted(m for m in {unwanted!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}).stdout
    assert out.strip().splitlines()[-1] == "LOADED []"


@pytest.mark.parametrize("config", [
    "",
    'select = ["ALL"]\nignore = ["HYG002"]\njurisdictions = ["eu", "no"]\nmax-file-bytes = 2_000_000\n'
    'group-findings = false\n[rules.CK003]\nseverity = "warning"\nmax-months = 12\n'
    '[rules.storage-not-declared]\nuses = ["analytics"]\n',
])
def test_lint_imports_no_pydantic(tmp_path: Path, config: str) -> None:
    """A hook's lint validates a plainly valid configuration, rule options included, without pydantic
    (building its models was most of a cold start); only a table it rejects imports pydantic."""
    shutil.copytree(POLICIES / "fjordkaffe", tmp_path / "p")
    (tmp_path / "privacy-dsl.toml").write_text(config, encoding="utf-8")
    code = ("import sys; from privacy_dsl.cli.main import main\n"
            f"rc = main(['lint', '--no-cache', {str(tmp_path / 'p')!r}])\n"
            "print('LOADED', rc == 2, [m for m in ('pydantic', 'pydantic_core') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "LOADED False []"


def _listed(parser: object) -> list[tuple[str, str]]:
    """The commands and help lines a parser's ``--help`` shows, in order."""
    import re

    text = parser.format_help()  # type: ignore[attr-defined]
    commands = text[text.index("COMMAND\n"):text.index("\noptions:")]
    return [(name, " ".join(help_.split())) for name, help_ in
            re.findall(r"^ {4}(\S+)\s+((?:.+)(?:\n {6,}.+)*)$", commands, re.M)]


def test_command_index_matches_the_command_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The help lines ``--help`` shows without importing the commands are those they register."""
    from privacy_dsl.cli.commands import COMMAND_INDEX
    from privacy_dsl.cli.main import build_parser

    monkeypatch.setenv("COLUMNS", "100")
    full = _listed(build_parser())
    assert full == [(name, help_line) for name, _, help_line in COMMAND_INDEX]
    assert _listed(build_parser(["--help"])) == full
    assert _listed(build_parser(["lint", "x"])) == full
    assert build_parser(["--help"]).format_help() == build_parser().format_help()


def test_listing_commands_works_without_argparse_internals(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """``cli._list_only`` takes argparse's private ``_ChoicesPseudoAction``; without it, the public
    ``add_parser`` gives the same help and the same usage errors."""
    from privacy_dsl.cli import main as cli
    from privacy_dsl.cli.main import build_parser

    def outcomes() -> list[object]:
        out: list[object] = [build_parser(["--help"]).format_help()]
        for argv in (["nonsense"], ["lint", "--nonsense"]):
            with pytest.raises(SystemExit) as exit_:
                build_parser(argv).parse_args(argv)
            out.append((exit_.value.code, capsys.readouterr().err))
        return out

    monkeypatch.setenv("COLUMNS", "100")
    with_internals = outcomes()
    monkeypatch.setattr(cli, "_list_only", cli._list_with_add_parser)
    assert outcomes() == with_internals


def test_option_actions_finds_every_option_the_help_shows() -> None:
    """The helper other modules use to read a command's options (argparse has no public one)."""
    import argparse
    import re

    from privacy_dsl.cli.commands import COMMAND_INDEX
    from privacy_dsl.cli.main import command_parser, option_actions

    def shown(parser: argparse.ArgumentParser) -> set[str]:  # the options listed in its --help
        lines = [line for line in parser.format_help().splitlines() if re.match(r" {2}-", line)]
        return {o for line in lines for o in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", line.split("  ")[1])}

    for name, _, _ in COMMAND_INDEX:
        parser = command_parser(name)
        found = option_actions(parser)
        assert shown(parser) <= set(found), name
        assert found["--help"].dest == "help"
    lint = command_parser("lint")
    assert set(option_actions(lint)) == shown(lint)
    assert isinstance(option_actions(lint)["--format"], argparse.Action)


def test_internal_errors_are_reported_without_traceback(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import privacy_dsl.lint.runner

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(privacy_dsl.lint.runner, "run", boom)
    assert main(["lint", str(POLICIES)]) == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaboom" in err and "Traceback" not in err


@pytest.mark.parametrize("code", ["E100", "LAW003", "cookie-without-expiry", "VC001", "NTC001", "EXP001"])
def test_explain_knows_every_kind_of_code(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", code]) == 0
    assert capsys.readouterr().out.startswith("# ")


@pytest.mark.parametrize(("argv", "code"), [
    (["lint", str(POLICIES / "cifero"), "--format", "json", "--no-cache"], 1),
    (["lint", str(POLICIES / "fjordkaffe"), "--format", "json", "--no-cache"], 0),
    (["lint", "--format", "nonsense"], 2),
])
def test_the_console_entry_keeps_exit_code_and_all_output(argv: list[str], code: int) -> None:
    """`entry` leaves with os._exit (no interpreter teardown): the exit code and every byte of
    output must still get out."""
    done = subprocess.run([sys.executable, "-m", "privacy_dsl", *argv], capture_output=True, text=True, check=False)
    assert done.returncode == code, done.stderr
    if code != 2:
        report = json.loads(done.stdout)
        assert (len(report["diagnostics"]) > 30) == (code == 1)


def test_help_links_to_published_docs_that_exist(capsys: pytest.CaptureFixture[str]) -> None:
    """The wheel does not ship docs/: help points at the published pages, and each page exists."""
    import re

    from privacy_dsl.cli.main import COMMAND_INDEX, main

    pages: set[str] = set()
    for command in ["", *(name for name, _, _ in COMMAND_INDEX)]:
        with pytest.raises(SystemExit):
            main([*([command] if command else []), "--help"])
        text = capsys.readouterr().out
        assert not re.search(r"(?<![/\w])docs/", text), f"{command or 'privacy-dsl'} --help names a local docs/ path"
        pages.update(re.findall(r"https://github\.com/privacy-dsl/privacy-dsl/blob/main/(docs/[\w./-]*\w/?)", text))
    assert {"docs/language.md", "docs/output-formats.md", "docs/rules/"} <= pages
    root = Path(__file__).resolve().parent.parent
    assert [p for p in pages if not (root / p).exists()] == []


def test_stored_top_level_help_is_what_argparse_writes(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`privacy-dsl --help` at 80 columns is printed from privacy_dsl/cli/helptext.py, without
    argparse; at another width argparse formats it. Either way it is argparse's text."""
    from privacy_dsl.cli import helptext
    from privacy_dsl.cli.main import top_level_help

    for columns in (80, 120, 60):
        monkeypatch.setenv("COLUMNS", str(columns))
        for flag in ("--help", "-h"):
            with pytest.raises(SystemExit) as exit_:
                main([flag])
            assert exit_.value.code == 0
            assert capsys.readouterr().out == top_level_help(), (columns, flag)
    monkeypatch.setenv("COLUMNS", "80")
    assert top_level_help() == helptext.HELP, "run `python scripts/regen_help.py`"


def test_help_exits_through_the_console_script_with_status_0() -> None:
    done = subprocess.run([sys.executable, "-m", "privacy_dsl", "--help"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"}, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: privacy-dsl")
    wrong = subprocess.run([sys.executable, "-m", "privacy_dsl", "lint", "--no-such-option"], capture_output=True,
                           text=True, check=False)
    assert wrong.returncode == 2 and "--no-such-option" in wrong.stderr
