"""Writing a file: atomically over a regular file; directly to a character device or named pipe.

A regular file (or a path that does not exist yet) is written as a temporary file in the same
directory, fsync, then a rename over the target. A reader (an editor, a web server, a concurrent
``git add``) sees either the old file or the new one, never a half-written file, and a crash or a
full disk leaves the old file in place. The target's permission bits are kept; a symbolic link is
followed, so the file it points at is replaced and the link stays a link.

Anything else is never renamed over: as root, a rename over ``/dev/null`` replaces the device with
a regular file for every process on the machine. A character device (``/dev/null``, ``/dev/stdout``,
a terminal) and a named pipe are opened for writing as they are -- no creation, no truncation --
and written directly; a named pipe that no process is reading is refused at once rather than
waited on. A directory, a socket, a block device (a disk) are refused (``UnwritableTarget``).
Through a symbolic link, the same rules apply to what it points at.

Callers decide *whether* to write: ``privacy-dsl fmt`` never writes a file that did not parse, and
writes only files whose text changed. ``if_unchanged`` guards against a file that was edited
between reading and writing (an editor saving while a pre-commit hook runs): the write is refused
rather than losing that edit; such a write is only ever made over a regular file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


class ConcurrentModification(OSError):
    """The file changed on disk after it was read; it was not overwritten."""


class UnwritableTarget(OSError):
    """The target is not something a file can be written to, or not now (a directory, a socket, a
    block device, a named pipe nobody reads); nothing was written. ``strerror`` says what it is,
    ``hint`` what to do."""

    def __init__(self, path: Path | str, reason: str, hint: str) -> None:
        super().__init__(errno.EINVAL, reason, str(path))
        self.hint = hint


_HINT = "give the name of a regular file (a character device such as /dev/null, or a named pipe being read, also works)"


def write_error(what: str, exc: OSError) -> str:
    """The message for a write that failed: ``privacy-dsl: cannot write {what}: {why}``, then a hint
    when the target was refused."""
    message = f"privacy-dsl: cannot write {what}: {exc.strerror or exc}"
    hint = getattr(exc, "hint", None)
    return f"{message}\n  hint: {hint}" if hint else message


def overwrites_input(path: Path | str, inputs: Iterable[Path | str], what: str) -> UnwritableTarget | None:
    """The refusal to write ``path`` if it is one of ``inputs`` (the same file, by any name: a
    symbolic or hard link, ``./``, ``..``), else None. ``what`` says what the inputs are, e.g.
    "a policy file being linted"."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    for item in inputs:
        try:
            other = os.stat(item)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            shown = f" ({item})" if os.path.normpath(item) != os.path.normpath(path) else ""
            return UnwritableTarget(path, f"it is {what}{shown}; it would be overwritten",
                                    "give another file name for the output, outside the policy's files")
    return None


def _refuse(target: Path | str, mode: int) -> UnwritableTarget:
    if stat.S_ISDIR(mode):
        return UnwritableTarget(target, "it is a directory", "give a file name, for example inside that directory")
    if stat.S_ISSOCK(mode):
        return UnwritableTarget(target, "it is a socket", _HINT)
    if stat.S_ISBLK(mode):
        return UnwritableTarget(target, "it is a block device (a disk); privacy-dsl does not write to one", _HINT)
    return UnwritableTarget(target, "it is not a regular file", _HINT)


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return stat.S_IFMT(st.st_mode), st.st_dev, st.st_ino, st.st_rdev


def _write_in_place(target: Path | str, st: os.stat_result, data: bytes) -> None:
    """Write ``data`` to the character device or named pipe at ``target``, as it is: opened without
    creating or truncating anything, never renamed over. A pipe is opened without waiting, so one
    that no process reads is refused at once; then it is written normally (a reader that is slow
    makes the write wait, one that goes away ends it with "Broken pipe")."""
    fifo = stat.S_ISFIFO(st.st_mode)
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | (getattr(os, "O_NONBLOCK", 0) if fifo else 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if fifo and exc.errno == errno.ENXIO:
            raise UnwritableTarget(target, "it is a named pipe that no process is reading",
                                   "start the reader first (e.g. `cat PIPE &`), or give a regular file") from None
        raise
    try:
        opened = os.fstat(fd)
        if _identity(opened) != _identity(st):  # replaced between looking and opening: write nothing
            raise UnwritableTarget(target, "it changed while it was being opened", "run the command again")
        if fifo:
            os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path | str, data: bytes, *, if_unchanged: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its mode; or write a character device or
    a named pipe directly; or refuse anything else (``UnwritableTarget``). See the module docstring.

    With ``if_unchanged``, the write happens only if the file is still a regular file holding
    exactly those bytes; otherwise ``ConcurrentModification`` is raised and nothing is written.
    """
    try:  # what the path names, through symbolic links (and /proc/self/fd's: /dev/stdout is a pipe in CI)
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:  # nothing there yet (or a link to nothing: the file is made where it points)
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if if_unchanged is not None:
            raise ConcurrentModification(f"{path} is no longer a regular file; not overwritten")
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            _write_in_place(path, st, data)
            return
        raise _refuse(path, st.st_mode)
    target = Path(os.path.realpath(path))
    directory = target.parent
    mode = stat.S_IMODE(st.st_mode) if st is not None else _default_mode()
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if if_unchanged is not None:
            try:
                current = target.read_bytes()
            except FileNotFoundError:
                current = None
            if current != if_unchanged:
                raise ConcurrentModification(f"{path} changed on disk after it was read; not overwritten")
        try:  # once more, just before the rename: never over anything but a regular file
            now = os.lstat(target)
        except FileNotFoundError:
            pass
        else:
            if not stat.S_ISREG(now.st_mode):
                raise _refuse(path, now.st_mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_directory(directory)


def atomic_write_text(path: Path | str, text: str, *, encoding: str = "utf-8",
                      if_unchanged: bytes | None = None) -> None:
    """``atomic_write_bytes`` for text; newlines are written exactly as they are in ``text``."""
    atomic_write_bytes(path, text.encode(encoding), if_unchanged=if_unchanged)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
