"""Hostile input: each case of docs/robustness.md gets a clear diagnostic (or is accepted), never a
crash or a hang. Times are bounded by the file-size limit, not asserted (benchmarks measure speed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from privacy_dsl.cli.main import main
from privacy_dsl.language.parser import parse_text
from privacy_dsl.lint.config import Config
from privacy_dsl.lint.engine import lint_paths, lint_text


def _lint_dir(tmp_path: Path, name: str, data: bytes, config: Config | None = None) -> list[tuple[str, int, int]]:
    (tmp_path / name).write_bytes(data)
    result = lint_paths([tmp_path], config or Config(select=("E",)))
    return [(d.code, d.span.line, d.span.column) for d in result.diagnostics]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [("E004", 1, 1)]),
        (b"   \n\n", [("E004", 1, 1)]),
        (b"   \n\n# only comments: notes on the notice\n", []),  # read, and adds nothing
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", [("E003", 3, 1)]),
        (b"subject a\nsubject \xc3\x28\n", [("E002", 2, 9)]),
        (b"\xef\xbb\xbfsubject a\n", []),  # UTF-8 BOM accepted
        (b"subject a\r\nsubject b\r\n", []),
        (b"subject a\rsubject b\r", []),
        (b"purpose p {\n\tuse essential.service\n\tbasis consnet\n}\n", [("E100", 3, 8)]),  # a tab is one column
        (b"purpose p {\r\n  basis consnet\r\n}\r\n", [("E100", 2, 9)]),  # CRLF: columns unchanged
        (b'purpose p { description "never closed\n}\n', [("E101", 1, 25)]),
        (b"purpose p {\n  use essential.service\n", [("E102", 2, 24)]),
        (b"flibbertigibbet {}\n", [("E100", 1, 1)]),
        (b"{" * 10_000, [("E100", 1, 1)]),
        (b"purpose p {" * 10_000, [("E100", 1, 12)]),
    ],
    ids=["empty", "blank-lines", "comments-only", "binary", "invalid-utf8", "bom", "crlf", "cr", "tabs", "crlf-columns",
         "unterminated-string", "unclosed-block", "unknown-keyword", "10k-braces", "10k-nested-blocks"],
)
def test_bad_input_gets_a_positioned_diagnostic(tmp_path: Path, data: bytes, expected: list[tuple[str, int, int]]
                                                ) -> None:
    assert _lint_dir(tmp_path, "p.privacy", data) == expected


def test_too_large_is_refused_before_reading_and_the_limit_is_configurable(tmp_path: Path) -> None:
    big = tmp_path / "p.privacy"
    with big.open("wb") as fh:  # 50 MB, sparse: the size check must come before reading
        fh.truncate(50 * 1024 * 1024)
    assert _lint_dir(tmp_path, "p.privacy", b"\0", Config())[:1] == [("E003", 1, 1)]
    big.unlink()
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    result = lint_paths([tmp_path], Config())
    assert [d.code for d in result.diagnostics] == ["E005"]
    assert "over the limit of 1,048,576" in result.diagnostics[0].message
    big.write_text("subject s\n" * 120_000)  # 1.2 MB, a million-line file is refused the same way
    assert [d.code for d in lint_paths([tmp_path], Config()).diagnostics] == ["E005"]
    assert [d.code for d in lint_paths([tmp_path], Config(max_file_bytes=2_000_000, select=("E",))).diagnostics
            ] == ["E201"] * 119_999


def test_a_million_empty_lines_and_a_100kb_line(tmp_path: Path) -> None:
    assert _lint_dir(tmp_path, "p.privacy", b"\n" * 1_000_000) == [("E004", 1, 1)]
    line = " ".join(f"subject s{i}" for i in range(9_000)).encode()
    assert len(line) > 100_000
    assert _lint_dir(tmp_path, "p.privacy", line) == []


def test_a_name_of_10000_characters_is_shortened_in_messages() -> None:
    name = "n" * 10_000
    diags = lint_text(f"purpose p {{ categories {name} }}\n", config=Config(select=("E",)))
    (undefined,) = [d for d in diags if d.code == "E200"]
    assert len(undefined.message) < 200 and "..." in undefined.message
    assert undefined.span.end_column - undefined.span.column == 10_000


def test_thousands_of_files(tmp_path: Path) -> None:
    for i in range(2_000):
        (tmp_path / f"f{i:04d}.privacy").write_text(f"subject s{i}\n")
    result = lint_paths([tmp_path], Config(select=("E",)))
    assert result.diagnostics == [] and result.files == 2_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.privacy-dsl\n", "not valid TOML"),
        ('[tool.privacy-dsl]\nselect = "ALL"\n', "`select`"),
        ('[tool.privacy-dsl]\nmax-file-bytes = -1\n', "`max-file-bytes`"),
        ('[tool.privacy-dsl]\njurisdictions = ["se"]\n', "`jurisdictions.0`"),
        ('[tool.privacy-dsl.rules.CK003]\nmax-months = "thirteen"\n', "max-months"),
    ],
)
def test_broken_config_files_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str], text: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    (tmp_path / "p.privacy").write_text("subject s\n")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "p.privacy"]) == 2
    err = capsys.readouterr().err
    assert "pyproject.toml" in err and message in err and "Traceback" not in err


def test_garbage_never_raises() -> None:
    for text in ["\x00", "\ufeff", "}" * 50, '"' * 51, "#" * 1000, "\u2028\u2029", "purpose \U0001F600 {}",
                 "cookie \"\\\" {}", "retention 99999999999999999999999 years"]:
        result = parse_text(text, "g.privacy")
        assert result.document is not None or result.diagnostics


AUDIT = r'''
import json, os, sys
events = []
def hook(event, args):
    if event in ("socket.connect", "socket.bind", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
                 "os.spawn", "os.fork", "ctypes.dlopen", "urllib.Request"):
        events.append([event, repr(args)[:200]])
    elif event == "open" and isinstance(args[0], str) and (len(args) < 2 or args[1] in (None, "r", "rb")):
        events.append(["open", os.path.realpath(args[0])])
    elif event == "open" and isinstance(args[0], str):
        events.append(["write", os.path.realpath(args[0])])
sys.addaudithook(hook)
from privacy_dsl.cli.main import main
rc = main(json.loads(sys.argv[1]))
print(json.dumps(events), file=sys.stderr)
sys.exit(rc)
'''


def test_lint_reads_only_its_inputs_never_executes_or_connects(tmp_path: Path) -> None:
    """README, "What it never does": checked with a Python audit hook around a real run."""
    import privacy_dsl

    policy = tmp_path / "policies" / "acme"
    policy.mkdir(parents=True)
    for src in (ROOT / "policies" / "cifero").glob("*.privacy"):
        (policy / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "outside.privacy").write_text("subject nobody\n")
    temp = tmp_path / "tmp"  # the temporary directory of the run: nothing may be read or written there
    temp.mkdir()
    proc = subprocess.run([sys.executable, "-c", AUDIT, json.dumps(["lint", "--no-cache", str(policy)])],
                          cwd=tmp_path, capture_output=True, text=True, check=False,
                          env={**os.environ, "TMPDIR": str(temp)})
    assert proc.returncode == 1, proc.stderr[-2000:]
    events = json.loads(proc.stderr.strip().splitlines()[-1])
    kinds = {e[0] for e in events}
    assert not kinds - {"open"}, [e for e in events if e[0] != "open"]
    package = str(Path(privacy_dsl.__file__).resolve().parent)
    python = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(sys.executable).resolve().parent.parent)})
    from privacy_dsl.language.parser import grammar_path

    config_candidates = {str(folder / name) for folder in [tmp_path.resolve(), *tmp_path.resolve().parents]
                         for name in ("pyproject.toml", "privacy-dsl.toml")}
    opened = sorted({e[1] for e in events})
    strays = [p for p in opened
              if not p.startswith((str(policy.resolve()), package, *python)) and p not in config_candidates
              and p != str(grammar_path().resolve())]
    assert strays == [], strays
    assert [p for p in opened if p.startswith(str(temp.resolve()))] == [] and list(temp.iterdir()) == []


def _project(tmp_path: Path) -> Path:
    """A repository holding a copy of policies/fjordkaffe (with its .privacy-test file)."""
    import shutil

    project = tmp_path / "repo"
    shutil.copytree(ROOT / "policies" / "fjordkaffe", project / "policies" / "fjordkaffe")
    return project


#: Every command that parses a policy, as a user runs it in the repository.
PARSING_COMMANDS = [["lint"], ["fmt", "--check"], ["fmt"], ["test"], ["dump", "policies/fjordkaffe"],
                    ["notice", "policies/fjordkaffe", "--lang", "en"],
                    ["export", "policies/fjordkaffe", "--format", "fides"],
                    ["query", "can", "newsletter", "email", "--policy", "policies/fjordkaffe"],
                    ["diff", "policies/fjordkaffe", "policies/fjordkaffe", "--policy", "policies/fjordkaffe"]]


@pytest.mark.parametrize("command", [*PARSING_COMMANDS, ["lint", "--no-cache"]])
def test_no_file_in_the_temporary_directory_is_opened(tmp_path: Path, command: list[str]) -> None:
    """Lark's ``cache=True`` read and wrote $TMPDIR/.lark_cache_*.tmp; the parse tables ship with us."""
    project = _project(tmp_path)
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = subprocess.run([sys.executable, "-c", AUDIT, json.dumps(command)], cwd=project, capture_output=True,
                          text=True, check=False, env={**os.environ, "TMPDIR": str(temp)})
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    events = json.loads(proc.stderr.strip().splitlines()[-1])
    assert [e for e in events if str(e[1]).startswith(str(temp.resolve()))] == []
    assert list(temp.iterdir()) == []


#: How the parsers were made before the tables shipped (issue 13): these options, ``cache=True``.
_OLD_LARK_CACHES = r'''
import sys
from lark import Lark
grammar = open(sys.argv[1], encoding="utf-8").read()
Lark(grammar, parser="lalr", lexer="contextual", keep_all_tokens=True, maybe_placeholders=False, cache=True)
Lark(grammar, start="test_file", parser="lalr", lexer="contextual", propagate_positions=True,
     maybe_placeholders=False, cache=True)
'''


@pytest.mark.parametrize("command", PARSING_COMMANDS)
def test_a_pickle_planted_in_the_temporary_directory_never_runs(tmp_path: Path, command: list[str]) -> None:
    """Lark's cache file name is computable from public facts; one planted by another user of the machine
    ran code as the next user to lint. A pickle there must never be loaded, by any command."""
    import pickle

    from privacy_dsl.language.parser import grammar_path

    project = _project(tmp_path)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    subprocess.run([sys.executable, "-c", _OLD_LARK_CACHES, str(grammar_path())], env=env, check=True)
    planted = sorted(temp.glob(".lark_cache_*.tmp"))
    assert len(planted) == 2, planted  # where Lark would look: the names are Lark's own
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return exec, (f"open({str(marker)!r}, 'w').write('code ran')",)

    for path in planted:  # the digest line Lark checks first, then the pickle it loads next
        digest = path.read_bytes().split(b"\n", 1)[0]
        path.write_bytes(digest + b"\n" + pickle.dumps(Payload()))
    before = {path: path.read_bytes() for path in planted}
    proc = subprocess.run([sys.executable, "-m", "privacy_dsl", *command], cwd=project, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert not marker.exists(), "a pickle from the temporary directory was loaded"
    assert {path: path.read_bytes() for path in sorted(temp.glob(".lark_cache_*.tmp"))} == before


def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "x.privacy")
    (tmp_path / "y.privacy").write_text("subject s\n")
    result = lint_paths([tmp_path], Config(select=("E",)))
    assert [(d.code, Path(d.span.path).name) for d in result.diagnostics] == [("E001", "x.privacy")]
    assert "not a regular file" in result.diagnostics[0].message
    assert main(["fmt", str(tmp_path)]) == 2  # returns: the pipe is never opened


def test_fmt_never_rewrites_a_file_outside_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside.privacy"
    outside.write_text("subject    a\n")
    policy = tmp_path / "p"
    policy.mkdir()
    (policy / "link.privacy").symlink_to(outside)
    assert main(["fmt", str(policy)]) == 2
    assert outside.read_text() == "subject    a\n"
    assert "outside" in capsys.readouterr().err


def test_the_cache_is_pruned_to_its_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import privacy_dsl.cache as cache
    import privacy_dsl.lint.runner as runner

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cache, "MAX_ENTRIES", 5)
    for i in range(6):
        (tmp_path / "p.privacy").write_text(f"subject s{i}\n")
        assert main(["lint", "p.privacy", "--select", "E"]) == 0
    entries = list((tmp_path / runner.CACHE_DIR_NAME).glob("*.json"))
    assert len(entries) == 5
