"""How files are reached: one rule for links, pipes, devices, loops, deep trees and wide encodings.

Every command that reads policy files (lint, fmt, test, export, ...) reads them through
``sources.read_source``, which refuses a link that leads out of its policy directory (E007) and
anything that is not a regular file (E001), before opening it. These tests make the hostile
files for real (links, ``os.mkfifo``, ``os.mknod`` as root) and run the real command line in a
subprocess with a timeout — a hang fails the test — as well as the Python functions.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from privacy_dsl.cli.main import main
from privacy_dsl.language.sources import MAX_DEPTH, discover, read_source
from privacy_dsl.lint.config import Config
from privacy_dsl.lint.engine import lint_paths
from privacy_dsl.query.policytest import run_tests

GOOD = "subject customer\n"
SECRET = "machine example.com login alice password hunter2-s3cret\n"


def cli(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line; a hang is a ``TimeoutExpired`` (the child is killed)."""
    return subprocess.run([sys.executable, "-m", "privacy_dsl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, input=stdin, env={**os.environ, "PRIVACY_DSL_DEBUG": ""})


def found(diagnostics: list, codes: str = "E") -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(d.code, Path(d.span.path).name) for d in diagnostics if d.code.startswith(codes)]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with one policy ``p`` and a secret file outside it; the working directory."""
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".netrc").write_text(SECRET)
    policy = tmp_path / "repo" / "p"
    policy.mkdir(parents=True)
    (policy / "a.privacy").write_text(GOOD)
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


def _no_secret(result: subprocess.CompletedProcess[str]) -> None:
    assert "hunter2" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stdout + result.stderr


# ---------------------------------------------------------------- links out of the policy (item 5)


@pytest.mark.parametrize("given", ["p/a.privacy", "p/notes.privacy", "p"], ids=["sibling", "the-link", "directory"])
def test_a_sibling_link_to_a_secret_is_refused_and_not_printed(repo: Path, given: str) -> None:
    """pre-commit gives files, not directories: the link is refused however the policy is reached."""
    (repo / "p" / "notes.privacy").symlink_to(repo.parent / "home" / ".netrc")
    result = cli(repo, "lint", given)
    _no_secret(result)
    assert result.returncode == 2
    assert "p/notes.privacy:1:1: E007 error: `p/notes.privacy` is a symbolic link to" in result.stdout
    assert lint_paths([Path(given)], Config(select=("E",))).diagnostics[0].code == "E007"


@pytest.mark.parametrize("fmt", ["full", "concise", "json", "sarif", "github", "junit"])
def test_no_format_prints_a_secret_read_through_a_link(repo: Path, fmt: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "p" / "notes.privacy").symlink_to(repo.parent / "home" / ".netrc")
    assert main(["lint", "--no-cache", "--format", fmt, "p/a.privacy"]) == 2
    out, err = capsys.readouterr()
    assert "hunter2" not in out + err and "E007" in out


def test_the_precommit_hook_does_not_print_a_linked_secret(repo: Path) -> None:
    """The hook's own entry (`privacy-dsl lint <changed files>`), with the replay cache on, twice."""
    (repo / "p" / "b.privacy").write_text("subject visitor\n")
    (repo / "p" / "notes.privacy").symlink_to(repo.parent / "home" / ".netrc")
    for _ in range(2):
        result = cli(repo, "lint", "p/a.privacy", "p/b.privacy", "p/notes.privacy")
        _no_secret(result)
        assert result.returncode == 2 and result.stdout.count("E007") == 1
    cache = repo / ".privacy-dsl-cache"
    assert not cache.exists() or all("hunter2" not in f.read_text() for f in cache.iterdir() if f.is_file())


def test_a_link_given_directly_is_linted_in_its_own_folder_not_its_targets(repo: Path) -> None:
    other = repo / "other"
    other.mkdir()
    (other / "x.privacy").write_text("subject x\n")
    (other / "secret.privacy").write_text("flibbertigibbet\n")  # would be E100 if it were read
    (repo / "p" / "link.privacy").symlink_to(other / "x.privacy")
    result = lint_paths([Path("p/link.privacy")], Config(select=("E",)))
    assert [p.root for p in result.policies] == ["p"]
    assert found(result.diagnostics) == [("E007", "link.privacy")]
    assert sorted(result.sources) == ["p/a.privacy"]  # neither other/x nor other/secret was read


def test_links_inside_the_policy_are_followed_the_same_way_from_a_file_or_a_directory(repo: Path) -> None:
    lib = repo / "p" / "lib"
    lib.mkdir()
    (lib / "shared.privacy").write_text("subject visitor\n")
    (repo / "p" / "shared.privacy").symlink_to("lib/shared.privacy")
    (repo / "p" / "rel.privacy").symlink_to("../p/lib/shared.privacy")  # out and back in: still inside
    (repo / "p" / "git.privacy").symlink_to(".git/config.privacy")  # a hidden folder: not searched, not read
    (repo / "p" / ".git").mkdir()
    (repo / "p" / ".git" / "config.privacy").write_text(SECRET)
    (repo / "p" / "txt.privacy").symlink_to("lib/notes.txt")  # not a policy file
    (lib / "notes.txt").write_text(SECRET)
    by_file = lint_paths([Path("p/a.privacy")], Config(select=("E",)))
    by_dir = lint_paths([Path("p")], Config(select=("E",)))
    expected = [("E007", "git.privacy"), ("E007", "txt.privacy")]
    assert found(by_file.diagnostics) == expected
    assert found(by_dir.diagnostics) == expected  # p/lib is linted too, as its own policy, cleanly
    assert sorted(by_file.sources) == ["p/a.privacy", "p/rel.privacy", "p/shared.privacy"]
    assert "hunter2" not in "".join(by_dir.sources.values())


def test_read_source_refuses_links_out_of_the_policy_directory(repo: Path) -> None:
    (repo / "p" / "notes.privacy").symlink_to(repo.parent / "home" / ".netrc")
    (repo / "p" / "up.privacy").symlink_to("../q.privacy")
    (repo / "q.privacy").write_text(GOOD)
    for name in ("notes.privacy", "up.privacy"):
        source = read_source(repo / "p" / name)
        assert source.text is None and [d.code for d in source.diagnostics] == ["E007"]
    assert read_source(repo / "q.privacy").text == GOOD


def test_fmt_refuses_to_write_through_a_link_out_of_the_tree(repo: Path) -> None:
    outside = repo.parent / "home" / "x.privacy"
    outside.write_text("subject    x\n")
    (repo / "p" / "x.privacy").symlink_to(outside)
    for args in (["fmt", "p/x.privacy"], ["fmt", "p"], ["fmt", "--check", "p/x.privacy"]):
        result = cli(repo, *args)
        assert result.returncode == 2, args
        assert "p/x.privacy:1:1: E007" in result.stderr
        assert outside.read_text() == "subject    x\n"
    assert (repo / "p" / "x.privacy").is_symlink()


def test_fmt_checks_the_link_again_before_writing(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A link repointed out of the tree between reading and writing is not written through."""
    import privacy_dsl.outputs.fmt as fmt_module

    (repo / "p" / "lib").mkdir()
    inside = repo / "p" / "lib" / "x.privacy"
    inside.write_text("subject    x\n")
    outside = repo.parent / "home" / "x.privacy"
    outside.write_text("subject    x\n")  # the same bytes: only the link check can stop the write
    link = repo / "p" / "x.privacy"
    link.symlink_to("lib/x.privacy")
    real = fmt_module.format_text

    def repoint(text: str, path: str = "<string>", *, check: bool = True) -> fmt_module.FormatResult:
        link.unlink()
        link.symlink_to(outside)
        return real(text, path, check=check)

    monkeypatch.setattr(fmt_module, "format_text", repoint)
    assert main(["fmt", "p/x.privacy"]) == 2
    assert "E007" in capsys.readouterr().err
    assert outside.read_text() == inside.read_text() == "subject    x\n"


def test_policy_tests_read_their_own_folder_and_refuse_links_out(repo: Path) -> None:
    other = repo / "other"
    other.mkdir()
    (other / "t.privacy-test").write_text('test "t" {\n  no errors\n}\n')
    (other / "secret.privacy").write_text(SECRET)
    (repo / "p" / "t.privacy-test").symlink_to(other / "t.privacy-test")
    result = run_tests([Path("p/t.privacy-test")], Config())
    assert found(result.problems) == [("E007", "t.privacy-test")]
    assert "hunter2" not in "".join(result.sources.values())
    assert "other/secret.privacy" not in result.sources
    run = cli(repo, "test", "p/t.privacy-test")
    _no_secret(run)
    assert run.returncode == 2 and "E007" in run.stderr


@pytest.mark.parametrize("command", [["export", "--format", "json"], ["notice", "--lang", "en"], ["dump"]])
def test_other_commands_that_read_a_policy_refuse_the_link_too(repo: Path, command: list[str]) -> None:
    (repo / "p" / "notes.privacy").symlink_to(repo.parent / "home" / ".netrc")
    result = cli(repo, *command, "p")
    _no_secret(result)
    assert result.returncode == 2 and "E007" in result.stdout + result.stderr


# ---------------------------------------------------------------- symbolic-link loops and dangling links


@pytest.mark.parametrize("given", ["p/self.privacy", "p/a.privacy", "p"])
def test_a_symlink_loop_is_a_loop_not_outside_the_path(repo: Path, given: str) -> None:
    (repo / "p" / "self.privacy").symlink_to("self.privacy")
    (repo / "p" / "x.privacy").symlink_to("y.privacy")
    (repo / "p" / "y.privacy").symlink_to("x.privacy")
    result = lint_paths([Path(given)], Config(select=("E",)))
    assert found(result.diagnostics) == [("E001", "self.privacy"), ("E001", "x.privacy"), ("E001", "y.privacy")]
    assert all(d.message == "cannot read the file: a symbolic-link loop" for d in result.diagnostics)
    run = cli(repo, "lint", given)
    assert run.returncode == 2 and run.stdout.count("a symbolic-link loop") == 3 and "E007" not in run.stdout


def test_a_loop_given_without_the_suffix_and_a_dangling_link(repo: Path) -> None:
    (repo / "loop").symlink_to("loop")
    (repo / "p" / "gone.privacy").symlink_to("missing.privacy")
    result = lint_paths([Path("loop"), Path("p")], Config(select=("E",)))
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("E001", "cannot read the file: a symbolic-link loop"),
        ("E001", "cannot read the file: it is a symbolic link to `p/missing.privacy`, which does not exist")]


# ---------------------------------------------------------------- pipes and devices


@pytest.fixture
def fifo(repo: Path) -> Path:
    path = repo / "p" / "pipe.privacy"
    try:
        os.mkfifo(path)
    except (OSError, AttributeError) as exc:  # pragma: no cover - every POSIX system has FIFOs
        pytest.skip(f"cannot make a FIFO here: {exc}")
    return path


@pytest.mark.parametrize("command", [["lint"], ["lint", "--no-cache"], ["lint", "--format", "concise"],
                                     ["fmt"], ["fmt", "--check"], ["test"]])
def test_a_fifo_given_as_a_file_is_refused_never_waited_on(repo: Path, fifo: Path, command: list[str]) -> None:
    """Just made (so the replay cache would consider hashing it): still never opened."""
    given = "p/pipe.privacy-test" if command == ["test"] else "p/pipe.privacy"
    if command == ["test"]:
        os.rename(fifo, repo / given)
    result = cli(repo, *command, given)  # a hang is a TimeoutExpired
    assert result.returncode == 2
    assert f"{given}:1:1: E001" in result.stdout + result.stderr
    assert "not a regular file: a named pipe (FIFO)" in result.stdout + result.stderr


def test_a_fifo_in_the_policy_directory_is_reported_with_the_policy(repo: Path, fifo: Path) -> None:
    for given in (Path("p/a.privacy"), Path("p"), fifo):
        result = lint_paths([given], Config(select=("E",)))
        assert found(result.diagnostics) == [("E001", "pipe.privacy")]
        assert result.diagnostics[0].message == "cannot read the file: not a regular file: a named pipe (FIFO)"
    assert discover([Path("p/a.privacy")]).irregular == [str(fifo)]


def _mknod_zero(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # the kernel's zero device
    except (OSError, AttributeError) as exc:
        pytest.skip(f"cannot make a character device (needs root): {exc}")


@pytest.mark.parametrize("command", [["lint"], ["fmt"], ["fmt", "--check"], ["test"]])
def test_a_character_device_is_refused_never_read(repo: Path, command: list[str]) -> None:
    suffix = ".privacy-test" if command == ["test"] else ".privacy"
    _mknod_zero(repo / "p" / f"zero{suffix}")
    _mknod_zero(repo / "zero")
    result = cli(repo, *command, f"p/zero{suffix}", "zero")
    out = result.stdout + result.stderr
    assert result.returncode == 2
    assert f"p/zero{suffix}:1:1: E001" in out and "zero:1:1: E001" in out
    assert out.count("not a regular file: a character device") == 2


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_lint_dev_zero_says_what_it_is(tmp_path: Path, device: str) -> None:
    if not os.path.exists(device):  # pragma: no cover
        pytest.skip(f"no {device} here")
    result = cli(tmp_path, "lint", device)
    assert result.returncode == 2
    assert f"{device}:1:1: E001 error: cannot read the file: not a regular file: a character device" in result.stdout
    assert "no such file" not in result.stdout


# ---------------------------------------------------------------- deep trees


def _make_deep(top: Path, depth: int, name: str = "d") -> None:
    """``depth`` nested folders below ``top`` with a policy at the bottom (through folder handles,
    so that no path is ever longer than a name)."""
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("a.privacy", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, GOOD.encode())
        os.close(out)
    finally:
        os.close(fd)


def _remove_deep(top: Path, name: str = "d") -> None:
    """Remove what ``_make_deep`` made, without recursion (``shutil.rmtree`` would hit the limit)."""
    fds = [os.open(top, os.O_RDONLY)]
    while True:
        try:
            fds.append(os.open(name, os.O_RDONLY, dir_fd=fds[-1]))
        except FileNotFoundError:
            break
    while len(fds) > 1:
        fd = fds.pop()
        for entry in os.listdir(fd):
            os.unlink(entry, dir_fd=fd)
        os.close(fd)
        os.rmdir(name, dir_fd=fds[-1])
    os.close(fds[0])


@pytest.fixture
def deep(tmp_path: Path) -> Iterator[Path]:
    top = tmp_path / "deep"
    top.mkdir()
    _make_deep(top, 1_100)
    yield top
    _remove_deep(top)


@pytest.mark.parametrize("command", [["lint"], ["lint", "--no-cache"], ["fmt"], ["fmt", "--check"], ["test"]])
def test_folders_1100_deep_are_searched_to_a_bounded_depth(deep: Path, command: list[str]) -> None:
    result = cli(deep, *command, ".")
    out = result.stdout + result.stderr
    assert result.returncode == 2
    assert f".:1:1: E001 error: folders more than {MAX_DEPTH} levels below `.` are not searched" in out
    assert "Traceback" not in out and "internal error" not in out and "RecursionError" not in out


def test_a_deep_tree_through_the_python_functions(deep: Path) -> None:
    found_ = discover([deep])
    assert [d.code for d in found_.problems] == ["E001"] and found_.policies == []
    assert len(found_.searched) == MAX_DEPTH + 2  # the path given and each folder down to the limit
    assert run_tests([deep], Config()).problems[0].code == "E001"


def test_a_path_too_long_for_the_system(tmp_path: Path) -> None:
    """25 folders of 200 characters: 5,000 bytes, past PATH_MAX, well within the depth limit."""
    top = tmp_path / "long"
    top.mkdir()
    name = "n" * 200
    _make_deep(top, 25, name)
    try:
        result = cli(top, "lint", ".")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "E001 error: cannot read the directory: File name too long" in result.stdout
        assert [d.code for d in discover([top]).problems] == ["E001"]
        assert cli(top, "fmt", ".").returncode == 2
    finally:
        _remove_deep(top, name)


# ---------------------------------------------------------------- UTF-16 and UTF-32


TEXT = "purpose newsletter {\n  use marketing.communications.email\n}\n"


@pytest.mark.parametrize(("encoding", "bom", "said"), [
    ("utf-16-le", b"\xff\xfe", "UTF-16 (little-endian, with a byte-order mark)"),
    ("utf-16-be", b"\xfe\xff", "UTF-16 (big-endian, with a byte-order mark)"),
    ("utf-16-le", b"", "UTF-16 (little-endian)"),
    ("utf-16-be", b"", "UTF-16 (big-endian)"),
    ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32 (little-endian, with a byte-order mark)"),
    ("utf-32-be", b"\x00\x00\xfe\xff", "UTF-32 (big-endian, with a byte-order mark)"),
    ("utf-32-le", b"", "UTF-32 (little-endian)"),
])
def test_a_utf16_file_is_called_utf16_not_binary(tmp_path: Path, encoding: str, bom: bytes, said: str) -> None:
    (tmp_path / "p.privacy").write_bytes(bom + TEXT.encode(encoding))
    result = lint_paths([tmp_path], Config(select=("E",)))
    assert [(d.code, d.message) for d in result.diagnostics] == [("E002", f"the file is {said}: save it as UTF-8")]
    run = cli(tmp_path, "lint", "p.privacy")
    assert run.returncode == 2 and "E002 error: the file is UTF-" in run.stdout and "NUL" not in run.stdout


def test_utf16_with_text_beyond_latin1_and_files_that_are_not_utf16(tmp_path: Path) -> None:
    (tmp_path / "p.privacy").write_bytes(b"\xff\xfe" + 'subject s { name "Ālesund Āpotek" }\n'.encode("utf-16-le"))
    assert "UTF-16" in lint_paths([tmp_path], Config(select=("E",))).diagnostics[0].message
    for data, code in ((b"\0" * 64, "E003"), (b"subject s\0\n", "E003"), (b"\x00\x01\x02\x03" * 8, "E003")):
        (tmp_path / "p.privacy").write_bytes(data)
        assert [d.code for d in lint_paths([tmp_path], Config(select=("E",))).diagnostics] == [code]
