"""Finding policy files, reading them safely, and grouping them into policies.

A *policy* is a directory holding ``.privacy`` files; names resolve across all its files.
Given a single file, the whole policy directory it belongs to is linted (so cross-file rules see
everything, also when pre-commit passes only the changed files).

**One rule for every way a file is reached.** The policy directory of a file is the directory
that holds it *as it was reached* (the folder of the path given on the command line, or the
folder a directory search found it in), never the folder a symbolic link resolves to. A
``.privacy`` file that is a symbolic link is read only when it leads to a ``.privacy`` file inside
that policy directory (or below it, but not in a hidden folder such as ``.git``): a link that
leads anywhere else is refused with ``E007`` and not opened. The rule is applied by
``read_source`` itself, just before a file is opened, so every command (lint, fmt, test, export,
notice, query, verify-cookies) obeys it whether it was given a directory or a file, as
pre-commit gives. The boundary is the policy directory rather than the path given, so that
``lint policies`` and ``lint policies/acme/a.privacy`` read exactly the same files.

Nothing that is not a regular file is ever opened: FIFOs, devices and sockets are refused
(``E001``, naming what they are) after a ``stat``, and the file opened is checked to be the one
that was checked. Directory searches are iterative and stop ``MAX_DEPTH`` levels below the path
given, with a diagnostic; symbolic links to directories are not followed.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path

from ..diagnostics import Diagnostic, builtin
from ..records import dataclass
from ..span import Span

SUFFIX = ".privacy"
#: Real notices are a few kilobytes; at about 30k lines per second a 1 MiB file lints in seconds.
DEFAULT_MAX_FILE_BYTES = 1024 * 1024
#: A directory search goes at most this many levels below the path given (real policy trees are a
#: few levels deep); deeper folders are not searched and ``E001`` says so. This also bounds the
#: length of the paths built, far below the usual 4,096-byte limit for names of usual length.
MAX_DEPTH = 100

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(slots=True)
class SourceFile:
    path: str  # as displayed: relative to the working directory where possible
    text: str | None  # None when the file could not be read as text
    diagnostics: list[Diagnostic] = field(default_factory=list)


def display_path(path: Path | str) -> str:
    """Relative to the working directory when the file is below it, else absolute."""
    absolute = Path(path).absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def _file_span(path: str) -> Span:
    return Span(path=path, line=1, column=1, end_line=1, end_column=1)


def _position_of(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for messages: ``a named pipe (FIFO)``, ..."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def not_regular(shown: str, mode: int) -> Diagnostic:
    return builtin("E001", f"cannot read the file: not a regular file: {file_kind(mode)}", _file_span(shown),
                   hint="policy files are ordinary text files; devices, pipes and sockets are never opened")


def _link_loop(shown: str) -> Diagnostic:
    return builtin("E001", "cannot read the file: a symbolic-link loop", _file_span(shown),
                   hint="the link leads back to itself; point it at a file, or delete it")


def _os_error(shown: str, exc: OSError, what: str = "file") -> Diagnostic:
    if exc.errno == errno.ELOOP:
        return _link_loop(shown)
    if exc.errno == errno.ENOENT:
        return builtin("E001", "no such file", _file_span(shown))
    reason = exc.strerror or str(exc)
    return builtin("E001", f"cannot read the {what}: {reason}", _file_span(shown),
                   hint="check that it exists and that you may read it")


def policy_directory(path: Path | str) -> str:
    """The policy directory of a file: the absolute folder of the path as given (links not resolved)."""
    return os.path.dirname(os.path.abspath(path))


def link_problem(path: Path | str) -> Diagnostic | None:
    """``E007`` (or ``E001`` for a loop or a missing target) when ``path`` is a symbolic link that may
    not be read: one that does not lead to a ``.privacy`` (or ``.privacy-test``) file, like itself,
    inside its policy directory (``policy_directory``), outside hidden folders. None otherwise, and
    for anything that is not a link."""
    if not os.path.islink(path):
        return None
    shown = display_path(path)
    folder = policy_directory(path)
    base = os.path.realpath(folder)
    target = os.path.realpath(path)
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _link_loop(shown)
        missing = True
    else:
        missing = False
    inside = os.path.commonpath([base, target]) == base and target != base
    if inside:
        parts = os.path.relpath(target, base).split(os.sep)
        inside = not any(p.startswith(".") for p in parts[:-1]) and _suffix(parts[-1]) == _suffix(str(path))
    if not inside:
        return builtin(
            "E007", f"`{shown}` is a symbolic link to `{target}`, which is not a `{_suffix(str(path)) or SUFFIX}` "
            f"file inside its policy directory `{display_path(folder)}`: not read", _file_span(shown),
            hint="a policy file may link only to a policy file in its own directory or below it; copy the file in")
    if missing:
        return builtin("E001", f"cannot read the file: it is a symbolic link to `{display_path(target)}`, "
                               "which does not exist", _file_span(shown),
                       hint="point the link at an existing file, or delete it")
    return None


def _suffix(name: str) -> str:
    for suffix in (".privacy-test", SUFFIX):
        if name.endswith(suffix):
            return suffix
    return ""


def _utf16_or_32(data: bytes) -> tuple[str, str] | None:
    """``("UTF-16", "little-endian, with a byte-order mark")`` and the like, when ``data`` is UTF-16
    or UTF-32 text: it starts with a byte-order mark, or it has the pattern of NUL bytes that mostly
    ASCII text has in those encodings (every other byte, or three of every four) and decodes to
    printable text. Only data that would otherwise be refused (NUL bytes, invalid UTF-8) matches."""
    for bom, codec, order in ((b"\xff\xfe\x00\x00", "UTF-32", "little"), (b"\x00\x00\xfe\xff", "UTF-32", "big"),
                              (b"\xff\xfe", "UTF-16", "little"), (b"\xfe\xff", "UTF-16", "big")):
        if data.startswith(bom):
            return codec, f"{order}-endian, with a byte-order mark"
    sample = data[:4096]
    guess: tuple[str, str] | None = None
    quads, pairs = len(sample) // 4, len(sample) // 2
    if quads:
        lanes = [sample[k: 4 * quads: 4].count(0) for k in range(4)]
        if lanes[1] == lanes[2] == lanes[3] == quads > lanes[0]:
            guess = "UTF-32", "little"
        elif lanes[0] == lanes[1] == lanes[2] == quads > lanes[3]:
            guess = "UTF-32", "big"
    if guess is None and pairs >= 2:
        even, odd = sample[0: 2 * pairs: 2].count(0), sample[1: 2 * pairs: 2].count(0)
        # Mostly ASCII: the high byte of every other byte pair is NUL (a few characters, such as
        # U+0100, have a NUL in the low byte instead).
        if odd * 2 >= pairs and even * 8 <= odd:
            guess = "UTF-16", "little"
        elif even * 2 >= pairs and odd * 8 <= even:
            guess = "UTF-16", "big"
    if guess is None:
        return None
    codec, order = guess
    width = 4 if codec == "UTF-32" else 2
    try:
        text = sample[: len(sample) // width * width].decode(f"{codec}-{order[0]}e")
    except UnicodeDecodeError:
        return None
    if not all(ch.isprintable() or ch in "\t\n\r" for ch in text):
        return None
    return codec, f"{order}-endian"


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> SourceFile:
    """Read one policy file; every failure becomes a diagnostic, never an exception.

    Refused before anything is opened: a link that ``link_problem`` refuses (``E007``, or ``E001``
    for a loop), anything that is not a regular file (``E001``), a file over ``max_bytes``
    (``E005``). The file opened must be the one that was checked (same device and inode), and at
    most ``max_bytes`` are read even if it grows meanwhile.
    """
    shown = display_path(path)
    refused = link_problem(path)
    if refused is not None:
        return SourceFile(shown, None, [refused])
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end: never opened
            return SourceFile(shown, None, [not_regular(shown, st.st_mode)])
        if st.st_size > max_bytes:
            return SourceFile(shown, None, [_too_large(shown, st.st_size, max_bytes)])
        fd = os.open(path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as handle:
            opened = os.fstat(handle.fileno())
            if not stat.S_ISREG(opened.st_mode):
                return SourceFile(shown, None, [not_regular(shown, opened.st_mode)])
            if (opened.st_dev, opened.st_ino) != (st.st_dev, st.st_ino) or link_problem(path) is not None:
                return SourceFile(shown, None, [builtin(
                    "E001", "cannot read the file: it was replaced while it was being read", _file_span(shown),
                    hint="run again once nothing is changing the files")])
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return SourceFile(shown, None, [_os_error(shown, exc)])
    if len(data) > max_bytes:
        return SourceFile(shown, None, [_too_large(shown, len(data), max_bytes, grew=True)])
    return decode_source(shown, data)


def _too_large(shown: str, size: int, max_bytes: int, grew: bool = False) -> Diagnostic:
    message = (f"the file grew to more than {max_bytes:,} bytes while it was being read" if grew
               else f"the file is {size:,} bytes, over the limit of {max_bytes:,}")
    return builtin("E005", message, _file_span(shown),
                   hint="raise `max-file-bytes` in [tool.privacy-dsl] if the file is genuine")


def decode_source(shown: str, data: bytes) -> SourceFile:
    """The text of a policy file's bytes, or the diagnostic saying why they are not UTF-8 text."""
    nul = data.find(b"\x00")
    wide = _utf16_or_32(data) if nul >= 0 or data.startswith((b"\xff\xfe", b"\xfe\xff")) else None
    if wide is not None:
        encoding, detail = wide
        return SourceFile(shown, None, [builtin(
            "E002", f"the file is {encoding} ({detail}): save it as UTF-8", _file_span(shown),
            hint=f"policy files are UTF-8 text; re-save this one as UTF-8 (not {encoding}). Windows "
                 "PowerShell's `>` writes UTF-16: use `Out-File -Encoding utf8` or `Set-Content -Encoding utf8`")])
    if nul >= 0:
        line, col = _position_of(data, nul)
        span = Span(path=shown, line=line, column=col, end_line=line, end_column=col + 1)
        return SourceFile(shown, None, [builtin("E003", f"the file holds a NUL byte at byte offset {nul}: "
                                                        "it is not a text file", span,
                                                hint="policy files are UTF-8 text; is this the right file?")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position_of(data, exc.start)
        span = Span(path=shown, line=line, column=col, end_line=line, end_column=col + 1)
        return SourceFile(shown, None, [builtin(
            "E002", f"invalid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02x})", span,
            hint="save the file as UTF-8")])
    return SourceFile(shown, text)


@dataclass(slots=True)
class PolicySources:
    """The files of one policy directory."""

    root: Path
    files: list[Path]


@dataclass(slots=True)
class Discovery:
    policies: list[PolicySources]
    problems: list[Diagnostic]
    #: The paths given and every directory searched (absolute): what the result depends on.
    searched: list[str] = field(default_factory=list)
    #: Paths given or found that are not plain regular files (symbolic links, pipes, devices): only
    #: ``read_source`` may open them (a run that has any is not recorded for replay, which hashes files).
    irregular: list[str] = field(default_factory=list)


def _listing(folder: str, suffixes: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The sorted names in ``folder`` of the entries ending in ``suffixes`` that are not folders, and of
    its folders that a search enters (not hidden, not links); ``OSError`` if it cannot be listed."""
    names: list[str] = []
    folders: list[str] = []
    with os.scandir(folder) as listing:
        for entry in listing:
            try:
                is_dir = entry.is_dir()
                is_link = is_dir and entry.is_symlink()
            except OSError:
                is_dir = is_link = False
            if is_dir:
                if not entry.name.startswith(".") and not is_link:
                    folders.append(entry.name)
            elif entry.name.endswith(suffixes):
                names.append(entry.name)
    return sorted(names), sorted(folders)


def walk(top: Path | str, suffixes: tuple[str, ...], problems: list[Diagnostic]) -> Iterator[tuple[str, list[str]]]:
    """``(folder, names)`` for ``top`` and every folder below it, depth first in name order, where
    ``names`` are the sorted names of the entries that are not folders and end in one of ``suffixes``.

    Hidden folders and symbolic links to folders are skipped (no loops, nothing outside). The search
    is iterative and goes at most ``MAX_DEPTH`` levels below ``top``; a folder that cannot be listed
    (also a path too long for the system) and the depth limit are reported in ``problems`` (E001).
    """
    stack = [(os.path.abspath(top), 0)]
    too_deep = False
    while stack:
        folder, depth = stack.pop()
        try:
            names, folders = _listing(folder, suffixes)
        except OSError as exc:
            problems.append(_os_error(display_path(folder), exc, "directory"))
            continue
        yield folder, names
        if folders and depth >= MAX_DEPTH:
            if not too_deep:
                too_deep = True
                shown = display_path(top)
                problems.append(builtin(
                    "E001", f"folders more than {MAX_DEPTH} levels below `{shown}` are not searched",
                    _file_span(shown), hint="give the policy directories themselves (a policy is one folder)"))
            continue
        stack.extend((os.path.join(folder, name), depth + 1) for name in reversed(folders))


def policy_dir_files(folder: Path | str, suffix: str = SUFFIX) -> list[str]:
    """The sorted names of the entries of ``folder`` that end in ``suffix`` and are not folders
    (pipes, devices and links included: ``read_source`` refuses those it may not read); none if it
    cannot be listed."""
    try:
        return _listing(os.fspath(folder), (suffix,))[0]
    except OSError:
        return []


def classify(given: Path, suffix: str = SUFFIX) -> str | Diagnostic:
    """What a path given on the command line is: ``"dir"``, ``"file"`` (a name ending in ``suffix``
    that exists in some form: ``read_source`` says what is wrong with it, if anything), or the
    diagnostic saying why it cannot be used."""
    shown = display_path(given)
    try:
        st = os.stat(given)
    except OSError as exc:
        if given.name.endswith(suffix) and os.path.lexists(given):
            return "file"  # a link to nowhere, or a loop: reported with the rest of its policy
        if exc.errno == errno.ENOENT:
            if given.name.endswith(suffix):
                return builtin("E001", "no such file", _file_span(shown))
            return builtin("E001", "no such file or directory", _file_span(shown),
                           hint=f"give a policy directory, a {suffix} file, or a folder of policies")
        return _os_error(shown, exc)
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if given.name.endswith(suffix):
        return "file"
    if not stat.S_ISREG(st.st_mode):
        return not_regular(shown, st.st_mode)
    return builtin("E006", f"`{shown}` is not a `{suffix}` file", _file_span(shown),
                   hint=f"policy files end in `{suffix}`")


def discover(paths: list[Path], *, whole_policy: bool = True) -> Discovery:
    """Group the ``.privacy`` files under ``paths`` by policy directory, in a stable order.

    A directory is searched (``walk``); a file stands for its policy directory
    (``policy_directory``: the folder of the path as given), all of whose ``.privacy`` files are
    linted, or only itself with ``whole_policy=False`` (``fmt``). Whether a file may be read is
    decided when it is read (``read_source``), the same way however it was reached.
    """
    by_dir: dict[str, tuple[str, set[str]]] = {}  # real path of the folder -> (folder as reached, names)
    problems: list[Diagnostic] = []
    searched: list[str] = []
    irregular: list[str] = []

    def add(folder: str, names: list[str]) -> None:
        by_dir.setdefault(os.path.realpath(folder), (folder, set()))[1].update(names)

    for given in paths:
        shown = display_path(given)
        searched.append(os.path.abspath(given))
        kind = classify(given)
        if isinstance(kind, Diagnostic):
            problems.append(kind)
            if os.path.lexists(given) and not os.path.isdir(given):
                irregular.append(os.path.abspath(given))
            continue
        if kind == "file":
            folder = policy_directory(given)
            searched.append(folder)
            names = policy_dir_files(folder) if whole_policy else []
            add(folder, [*names, given.name])
            continue
        found = False
        walked: list[Diagnostic] = []
        for folder, names in walk(given, (SUFFIX,), walked):
            searched.append(folder)
            if names:
                found = True
                add(folder, names)
        problems.extend(walked)
        if not found and not walked:
            problems.append(builtin("E006", f"no `{SUFFIX}` files under `{shown}`", _file_span(shown),
                                    hint="point at a policy directory such as `policies/acme`"))
    policies = []
    for folder, chosen in sorted(by_dir.values(), key=lambda entry: entry[0]):
        files = [Path(folder) / name for name in sorted(chosen)]
        policies.append(PolicySources(Path(folder), files))
        irregular.extend(str(f) for f in files if not _plain_file(f))
    return Discovery(policies, problems, searched, irregular)


def _plain_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
