"""Reading files: every failure is a diagnostic with a position, and other files still get linted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from privacy_dsl.cli.main import main
from privacy_dsl.lint.config import Config
from privacy_dsl.lint.engine import lint_paths

GOOD = "subject customer\n"


def _codes(tmp_path: Path) -> list[tuple[str, str, int, int]]:
    result = lint_paths([tmp_path], Config(select=("E",)))
    return [(d.code, Path(d.span.path).name, d.span.line, d.span.column) for d in result.diagnostics]


def test_invalid_utf8_gives_line_column_and_byte_offset(tmp_path: Path) -> None:
    (tmp_path / "a.privacy").write_bytes(b"subject s\nsubject \xff\n")
    (tmp_path / "b.privacy").write_text("purpose p { basis consnet }\n")
    result = lint_paths([tmp_path], Config())
    found = [(d.code, Path(d.span.path).name, d.span.line, d.span.column) for d in result.diagnostics]
    assert found == [("E002", "a.privacy", 2, 9), ("E100", "b.privacy", 1, 19)]
    assert "byte offset 18" in result.diagnostics[0].message


def test_nul_bytes_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "a.privacy").write_bytes(b"subject s\x00\n")
    (tmp_path / "b.privacy").write_text("\n\n")
    (tmp_path / "c.privacy").write_text("# only a comment: an author's notes are not an empty file\n")
    assert _codes(tmp_path) == [("E003", "a.privacy", 1, 10), ("E004", "b.privacy", 1, 1)]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "a.privacy"
    bad.write_text(GOOD)
    (tmp_path / "b.privacy").write_text("subject t\n")
    if os.geteuid() == 0:  # root reads any file: make the read fail the way it does for a user
        real = os.open

        def fake_open(path: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
            if os.fspath(path).endswith("a.privacy"):
                raise PermissionError(13, "Permission denied")
            return real(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", fake_open)
    else:
        bad.chmod(0)
    assert _codes(tmp_path) == [("E001", "a.privacy", 1, 1)]


def test_unreadable_directory_entry(tmp_path: Path) -> None:
    (tmp_path / "a.privacy").mkdir()  # a directory with the suffix: skipped, not a crash
    (tmp_path / "b.privacy").write_text(GOOD)
    assert _codes(tmp_path) == []


def test_too_large(tmp_path: Path) -> None:
    (tmp_path / "a.privacy").write_text(GOOD * 10)
    result = lint_paths([tmp_path], Config(max_file_bytes=20))
    assert [d.code for d in result.diagnostics] == ["E005"]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.privacy").write_text(GOOD)
    (tmp_path / "p" / "loop").symlink_to(tmp_path)
    assert _codes(tmp_path) == []


def test_a_file_lints_its_whole_policy(tmp_path: Path) -> None:
    (tmp_path / "a.privacy").write_text("purpose p { categories email }\n")
    (tmp_path / "b.privacy").write_text("category email { taxonomy user.contact.email }\n")
    result = lint_paths([tmp_path / "a.privacy"], Config(select=("E",)))
    assert result.diagnostics == [] and result.files == 2


def test_cli_exit_codes_for_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(tmp_path / "missing")]) == 2
    assert "no such file or directory" in capsys.readouterr().out
    (tmp_path / "a.privacy").write_bytes(b"\xff\xff")
    assert main(["lint", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "a.privacy:1:1: E002 error: invalid UTF-8 at byte offset 0" in out
    assert "Traceback" not in out


def test_links_outside_the_path_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.privacy").write_text(GOOD)
    policy = tmp_path / "p"
    policy.mkdir()
    (policy / "a.privacy").write_text(GOOD)
    (policy / "b.privacy").symlink_to(outside / "secret.privacy")
    (policy / "lib").mkdir()
    (policy / "lib" / "c.privacy").write_text("subject t\n")
    (policy / "inside.privacy").symlink_to(policy / "lib" / "c.privacy")
    (policy / "dir").symlink_to(outside)
    result = lint_paths([policy], Config(select=("E",)))
    assert [(d.code, Path(d.span.path).name) for d in result.diagnostics] == [("E007", "b.privacy")]
    assert result.files == 3  # a and inside in p; c in p/lib
