"""Atomic file writes: a temporary file in the same directory, fsync, then rename over the target.

A reader (an editor, a web server, a concurrent ``git add``) sees either the old file or the new
one, never a half-written file, and a crash or a full disk leaves the old file in place. The
target's permission bits are kept; a symbolic link is followed, so the file it points at is
replaced and the link stays a link.

Callers decide *whether* to write: ``privacy-dsl fmt`` never writes a file that did not parse, and
writes only files whose text changed. ``if_unchanged`` guards against a file that was edited
between reading and writing (an editor saving while a pre-commit hook runs): the write is refused
rather than losing that edit.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


class ConcurrentModification(OSError):
    """The file changed on disk after it was read; it was not overwritten."""


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path | str, data: bytes, *, if_unchanged: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its mode.

    With ``if_unchanged``, the write happens only if the file still holds exactly those bytes;
    otherwise ``ConcurrentModification`` is raised and nothing is written.
    """
    target = Path(os.path.realpath(path))
    directory = target.parent
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = _default_mode()
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
