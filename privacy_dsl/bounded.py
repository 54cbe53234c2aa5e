"""Reading an input file without trusting it: only regular files, never more than a limit.

Every reader of a file the user names or a repository holds (configuration, HAR / cookie-jar /
header captures, fides manifests) goes through ``read_bounded``: a FIFO or a device is refused
before it is opened (opening a FIFO blocks until a writer comes; ``/dev/zero`` never ends), and at
most ``limit + 1`` bytes are read, so a file that grows while it is read is refused too. Policy
files have their own reader (``sources.read_source``) with the same checks.

The parsers behind these readers (json, tomllib, PyYAML) recurse on nesting; ``NESTING_ERRORS`` is
what they raise for input nested too deeply, for the readers to report as their own parse error.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

__all__ = ["NESTED_TOO_DEEPLY", "NESTING_ERRORS", "ReadRefused", "read_bounded", "read_stream_bounded"]

#: What the standard parsers raise for deeply nested input (json and tomllib: RecursionError;
#: a C extension may raise MemoryError on the way).
NESTING_ERRORS: tuple[type[BaseException], ...] = (RecursionError, MemoryError)
NESTED_TOO_DEEPLY = "nested too deeply (lists or tables inside each other thousands of levels deep)"

_CHUNK = 1024 * 1024


class ReadRefused(Exception):
    """The file was not read: ``reason`` says why, ``hint`` what to do."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


def read_bounded(path: Path, limit: int, *, limit_hint: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, or ``ReadRefused``.

    ``limit_hint`` says how to raise the limit (a configuration key or an option).
    """
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise ReadRefused("not a regular file (a pipe, socket, directory or device)",
                              "give an ordinary file; a pipe or device is never read, so that nothing blocks")
        if st.st_size > limit:
            raise _too_large(st.st_size, limit, limit_hint)
        # O_NONBLOCK: if the file was swapped for a FIFO since the stat, opening it does not block
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except ReadRefused:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ReadRefused(f"cannot read the file: {reason}", "check that it exists and that you may read it") from None
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ReadRefused("not a regular file (a pipe, socket, directory or device)",
                              "give an ordinary file; a pipe or device is never read, so that nothing blocks")
        try:
            return read_stream_bounded(stream, limit, limit_hint=limit_hint)
        except OSError as exc:
            raise ReadRefused(f"cannot read the file: {exc.strerror or exc}",
                              "check that it exists and that you may read it") from None


def read_stream_bounded(stream: BinaryIO, limit: int, *, limit_hint: str) -> bytes:
    """At most ``limit`` bytes of ``stream`` (standard input, an open file), or ``ReadRefused``."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    raise _too_large(None, limit, limit_hint)


def _too_large(size: int | None, limit: int, limit_hint: str) -> ReadRefused:
    if size is None:
        return ReadRefused(f"the input is over the limit of {limit:,} bytes", limit_hint)
    return ReadRefused(f"the file is {size:,} bytes, over the limit of {limit:,} bytes", limit_hint)
