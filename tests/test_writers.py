"""Every writer renames only over a regular file: a character device or a named pipe is written as it
is, a directory, a socket or a block device is refused, and no input is ever written over (issue 13).

Device nodes are made for real in ``tmp_path`` (we run as root in CI); /dev/null itself is never
written by these tests, only checked to be untouched.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import POLICIES

from privacy_dsl.atomic import ConcurrentModification, UnwritableTarget, atomic_write_bytes, atomic_write_text

#: Each writer of the command line, as (option, argv writing to OUT, what it writes starts with).
WRITERS: dict[str, tuple[Callable[[str], list[str]], bytes]] = {
    "lint --output": (lambda out: ["lint", "--no-cache", "policies/fjordkaffe", "--format", "json", "--output", out],
                      b"{"),
    "notice --output": (lambda out: ["notice", "policies/fjordkaffe", "--lang", "nb", "--output", out], b"#"),
    "export --output": (lambda out: ["export", "policies/fjordkaffe", "--output", out], b"{"),
    "import --output": (lambda out: ["import", "fides", "manifest.yml", "--output", out], b"#"),
    "test --junit": (lambda out: ["test", "policies/fjordkaffe", "--junit", out], b"<?xml"),
}
OPTION = {name: name.split()[1] for name in WRITERS}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with policies/fjordkaffe (and its test file) and a fides manifest of it."""
    from privacy_dsl.interop.export import dump_yaml, to_fides
    from privacy_dsl.lint.loader import load_one

    root = tmp_path / "repo"
    shutil.copytree(POLICIES / "fjordkaffe", root / "policies" / "fjordkaffe")
    data, _ = to_fides(load_one(root / "policies" / "fjordkaffe", run_rules=False).policy, "en")
    (root / "manifest.yml").write_text(dump_yaml(data, "fixture"), encoding="utf-8")
    return root


def run(project: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "privacy_dsl", *argv], cwd=project, capture_output=True,
                          text=True, timeout=120, check=False)


def _null_copy(path: Path) -> Path:
    """A character device like /dev/null (1, 3) at ``path``; skips the test where mknod is not allowed."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError as exc:
        pytest.skip(f"cannot make a device node here (mknod needs root or CAP_MKNOD): {exc}")
    return path


def _is_null(path: Path) -> bool:
    st = os.lstat(path)
    return stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)


@pytest.fixture(autouse=True)
def dev_null_untouched() -> Iterator[None]:
    before = os.lstat("/dev/null")
    yield
    after = os.lstat("/dev/null")
    assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode, before.st_rdev)


class Reader:
    """A thread reading a named pipe until told to stop; opened before the writer starts."""

    def __init__(self, fifo: Path) -> None:
        self.fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader from now on
        self.data = bytearray()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        import select

        while True:
            stopping = self.stop.is_set()
            select.select([self.fd], [], [], 0.05)
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                chunk = b""
            self.data += chunk
            if not chunk:
                if stopping:
                    return
                self.stop.wait(0.01)  # no writer yet, or it has gone: EOF until one comes

    def close(self) -> bytes:
        self.stop.set()
        self.thread.join(30)
        os.close(self.fd)
        return bytes(self.data)


# ---------------------------------------------------------------- each writer, through the command line


@pytest.mark.parametrize("writer", WRITERS)
def test_a_character_device_is_written_not_replaced(writer: str, project: Path, tmp_path: Path) -> None:
    device = _null_copy(tmp_path / "null")
    argv, _ = WRITERS[writer]
    proc = run(project, argv(str(device)))
    assert proc.returncode == 0, proc.stderr
    assert _is_null(device)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_symbolic_link_to_a_device_stays_a_link_to_the_device(writer: str, project: Path, tmp_path: Path) -> None:
    device = _null_copy(tmp_path / "null")
    link = tmp_path / "report"
    link.symlink_to(device)
    argv, _ = WRITERS[writer]
    proc = run(project, argv(str(link)))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == str(device) and _is_null(device)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_named_pipe_being_read_gets_the_output(writer: str, project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    try:
        argv, start = WRITERS[writer]
        proc = run(project, argv(str(fifo)))
    finally:
        got = reader.close()
    assert proc.returncode == 0, proc.stderr
    assert got.startswith(start), got[:200]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_named_pipe_nobody_reads_is_refused_at_once(writer: str, project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    argv, _ = WRITERS[writer]
    proc = run(project, argv(str(fifo)))  # bounded: the pipe is opened without waiting for a reader
    assert proc.returncode == 2
    assert f"privacy-dsl: cannot write {OPTION[writer]} {fifo}: it is a named pipe that no process is reading" in (
        proc.stderr)
    assert "hint: start the reader first" in proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("writer", WRITERS)
def test_a_directory_is_refused(writer: str, project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "kept.txt").write_text("kept\n")
    argv, _ = WRITERS[writer]
    proc = run(project, argv(str(folder)))
    assert proc.returncode == 2
    assert f"privacy-dsl: cannot write {OPTION[writer]} {folder}: it is a directory" in proc.stderr
    assert "hint: give a file name" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["kept.txt"]


@pytest.mark.parametrize("kind", ["socket", "block device"])
def test_a_socket_or_a_block_device_is_refused(kind: str, project: Path, tmp_path: Path) -> None:
    target = tmp_path / "target"
    if kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
    else:
        try:  # major 240: reserved for local use, so no driver answers even if written to
            os.mknod(target, 0o600 | stat.S_IFBLK, os.makedev(240, 0))
        except PermissionError as exc:
            pytest.skip(f"cannot make a device node here: {exc}")
    try:
        for writer in ("lint --output", "test --junit"):
            argv, _ = WRITERS[writer]
            proc = run(project, argv(str(target)))
            assert proc.returncode == 2
            assert f"privacy-dsl: cannot write {OPTION[writer]} {target}: it is a {kind}" in proc.stderr
            check = stat.S_ISSOCK if kind == "socket" else stat.S_ISBLK
            assert check(os.lstat(target).st_mode)
    finally:
        if kind == "socket":
            server.close()


def test_dev_stdout_is_written_when_standard_output_is_a_pipe(project: Path) -> None:
    """/dev/stdout in CI is a link to an anonymous pipe: it is written, not 'created' in /proc."""
    proc = run(project, ["lint", "--no-cache", "policies/fjordkaffe", "--format", "json", "--output", "/dev/stdout"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("{")


# ---------------------------------------------------------------- never over an input


@pytest.mark.parametrize("how", ["the path", "./ and ..", "a symbolic link", "a hard link"])
def test_lint_never_writes_its_report_over_a_policy_file(how: str, project: Path, tmp_path: Path) -> None:
    policy = project / "policies" / "fjordkaffe" / "data.privacy"
    before = policy.read_bytes()
    out = {"the path": "policies/fjordkaffe/data.privacy",
           "./ and ..": "./policies/fjordkaffe/../fjordkaffe/data.privacy"}.get(how)
    if how == "a symbolic link":
        (tmp_path / "report.txt").symlink_to(policy)
        out = str(tmp_path / "report.txt")
    elif how == "a hard link":
        os.link(policy, tmp_path / "report.txt")
        out = str(tmp_path / "report.txt")
    assert out is not None
    proc = run(project, ["lint", "--no-cache", "policies/fjordkaffe", "--output", out])
    assert proc.returncode == 2
    assert f"privacy-dsl: cannot write --output {Path(out)}: it is a policy file being linted" in proc.stderr
    assert "hint: give another file name" in proc.stderr
    assert policy.read_bytes() == before and proc.stdout == ""  # refused before linting: no report


def test_lint_of_one_file_never_writes_over_another_file_of_its_policy(project: Path) -> None:
    """Given a file, lint lints its whole policy: each file of it is an input."""
    proc = run(project, ["lint", "--no-cache", "policies/fjordkaffe/cookies.privacy",
                         "--output", "policies/fjordkaffe/data.privacy"])
    assert proc.returncode == 2 and "a policy file being linted" in proc.stderr


@pytest.mark.parametrize("name", ["pyproject.toml", "privacy-dsl.toml", "given.toml"])
def test_lint_never_writes_its_report_over_its_configuration(name: str, project: Path) -> None:
    config = project / name
    config.write_text("[tool.privacy-dsl]\n" if name == "pyproject.toml" else "", encoding="utf-8")
    before = config.read_bytes()
    extra = ["--config", name] if name == "given.toml" else []
    proc = run(project, ["lint", "--no-cache", "policies/fjordkaffe", *extra, "--output", name])
    assert proc.returncode == 2, proc.stderr
    assert f"cannot write --output {name}: it is a configuration file of this run" in proc.stderr
    assert config.read_bytes() == before


@pytest.mark.parametrize(("writer", "target", "what"), [
    ("notice --output", "policies/fjordkaffe/data.privacy", "a file of the policy"),
    ("export --output", "policies/fjordkaffe/controller.privacy", "a file of the policy"),
    ("import --output", "manifest.yml", "the manifest being imported"),
    ("test --junit", "policies/fjordkaffe/fjordkaffe.privacy-test", "a test or policy file of the run"),
    ("test --junit", "policies/fjordkaffe/data.privacy", "a test or policy file of the run"),
])
def test_no_writer_writes_over_its_input(writer: str, target: str, what: str, project: Path) -> None:
    before = (project / target).read_bytes()
    argv, _ = WRITERS[writer]
    proc = run(project, argv(target))
    assert proc.returncode == 2
    assert f"privacy-dsl: cannot write {OPTION[writer]} {target}: it is {what}" in proc.stderr
    assert (project / target).read_bytes() == before


def test_a_report_next_to_the_policy_is_still_written(project: Path) -> None:
    """Only the inputs themselves are protected; a new file (or an old report) is written as before."""
    proc = run(project, ["lint", "--no-cache", "policies/fjordkaffe", "--output", "policies/report.txt"])
    assert proc.returncode == 0, proc.stderr
    assert (project / "policies" / "report.txt").read_text().startswith("All clear")


# ---------------------------------------------------------------- atomic.py itself


def test_atomic_write_to_a_device_and_a_pipe(tmp_path: Path) -> None:
    device = _null_copy(tmp_path / "null")
    atomic_write_text(device, "report\n")
    assert _is_null(device)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = Reader(fifo)
    try:
        atomic_write_bytes(fifo, b"x" * 300_000)  # more than a pipe holds: the write waits for the reader
    finally:
        got = reader.close()
    assert got == b"x" * 300_000 and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "pipe"]  # no temporary file left


def test_atomic_write_refusals_say_what_and_what_to_do(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UnwritableTarget, match="named pipe that no process is reading") as refused:
        atomic_write_text(fifo, "x")
    assert refused.value.hint and refused.value.strerror
    with pytest.raises(UnwritableTarget, match="directory"):
        atomic_write_text(tmp_path, "x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_fmt_style_write_never_reads_or_replaces_a_pipe(tmp_path: Path) -> None:
    """``if_unchanged`` (fmt) on a path that became a pipe after it was read: refused, without waiting."""
    fifo = tmp_path / "a.privacy"
    os.mkfifo(fifo)
    with pytest.raises(ConcurrentModification):
        atomic_write_text(fifo, "subject s\n", if_unchanged=b"subject  s\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symbolic_link_to_a_file_still_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "made.txt")
    atomic_write_text(link, "new\n")
    atomic_write_text(dangling, "made\n")
    assert link.is_symlink() and target.read_text() == "new\n" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert dangling.is_symlink() and (tmp_path / "made.txt").read_text() == "made\n"


def test_a_node_swapped_in_after_the_look_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between stat and open the path is replaced by another node: nothing is written to it."""
    device = _null_copy(tmp_path / "null")
    other = tmp_path / "other"
    os.mkfifo(other)
    keep = Reader(other)
    real_open = os.open

    def swapped(path: object, flags: int, *args: object) -> int:
        if str(path) == str(device):
            path = other  # what a racing process put there
        return real_open(path, flags, *args)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(os, "open", swapped)
    try:
        with pytest.raises(UnwritableTarget, match="changed while it was being opened"):
            atomic_write_text(device, "x")
    finally:
        monkeypatch.undo()
        assert keep.close() == b""
