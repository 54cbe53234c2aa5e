"""Finding policy files, reading them safely, and grouping them into policies.

A *policy* is a directory holding ``.privacy`` files; names resolve across all its files.
Given a single file, the whole policy directory it belongs to is linted (so cross-file rules see
everything, also when pre-commit passes only the changed files).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, builtin
from .span import Span

SUFFIX = ".privacy"
#: Real notices are a few kilobytes; at about 30k lines per second a 1 MiB file lints in seconds.
DEFAULT_MAX_FILE_BYTES = 1024 * 1024


@dataclass(slots=True)
class SourceFile:
    path: str  # as displayed: relative to the working directory where possible
    text: str | None  # None when the file could not be read as text
    diagnostics: list[Diagnostic] = field(default_factory=list)


def display_path(path: Path) -> str:
    """Relative to the working directory when the file is below it, else absolute."""
    absolute = path.absolute()
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


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> SourceFile:
    """Read one policy file; every failure becomes a diagnostic, never an exception."""
    shown = display_path(path)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            return SourceFile(shown, None, [builtin(
                "E001", "cannot read the file: not a regular file (a pipe, socket or device)", _file_span(shown),
                hint="policy files are ordinary text files")])
        size = st.st_size
        if size > max_bytes:
            return SourceFile(shown, None, [builtin(
                "E005", f"the file is {size:,} bytes, over the limit of {max_bytes:,}", _file_span(shown),
                hint="raise `max-file-bytes` in [tool.privacy-dsl] if the file is genuine")])
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return SourceFile(shown, None, [builtin("E001", f"cannot read the file: {reason}", _file_span(shown),
                                                hint="check that it exists and that you may read it")])
    nul = data.find(b"\x00")
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


def discover(paths: list[Path]) -> Discovery:
    """Group the ``.privacy`` files under ``paths`` by policy directory, in a stable order."""
    by_dir: dict[Path, set[Path]] = {}
    problems: list[Diagnostic] = []
    searched: list[str] = []
    for given in paths:
        shown = display_path(given)
        searched.append(os.path.abspath(given))
        if given.is_file() or (given.suffix == SUFFIX and not given.is_dir()):
            if given.suffix != SUFFIX:
                problems.append(builtin("E006", f"`{shown}` is not a `{SUFFIX}` file", _file_span(shown),
                                        hint=f"policy files end in `{SUFFIX}`"))
                continue
            if not given.exists():
                problems.append(builtin("E001", "no such file", _file_span(shown)))
                continue
            root = given.resolve().parent
            searched.append(str(root))
            by_dir.setdefault(root, set()).update(_policy_files(root))
            continue
        if not given.is_dir():
            problems.append(builtin("E001", "no such file or directory", _file_span(shown),
                                    hint="give a policy directory, a .privacy file, or a folder of policies"))
            continue
        found = False
        base = os.path.realpath(given)
        # Symbolic links to directories are not followed (no loops, nothing outside the path);
        # a linked file is read only when it points inside the path given.
        for dirpath, dirnames, filenames in os.walk(given):
            searched.append(os.path.abspath(dirpath))
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            names = sorted(f for f in filenames if f.endswith(SUFFIX))
            if not names:
                continue
            root = Path(os.path.abspath(dirpath))
            for name in names:
                path = root / name
                target = link_outside(path, base)
                if target is not None:
                    problems.append(builtin(
                        "E007", f"`{display_path(path)}` links to `{target}`, outside `{shown}`: not read",
                        _file_span(display_path(path)),
                        hint="privacy-dsl reads only files under the paths it is given; copy the file in"))
                    continue
                found = True
                by_dir.setdefault(root, set()).add(path)
        if not found:
            problems.append(builtin("E006", f"no `{SUFFIX}` files under `{shown}`", _file_span(shown),
                                    hint="point at a policy directory such as `policies/acme`"))
    policies = [PolicySources(root, sorted(files, key=lambda p: p.name)) for root, files in sorted(by_dir.items())]
    return Discovery(policies, problems, searched)


def link_outside(path: Path, base: str) -> str | None:
    """Where ``path`` points, when it is a symbolic link to something outside ``base`` (or to no file)."""
    if not os.path.islink(path):
        return None
    target = os.path.realpath(path)
    if os.path.commonpath([base, target]) != base or not os.path.isfile(target):
        return target
    return None


def _policy_files(root: Path) -> set[Path]:
    try:
        return {p for p in root.iterdir() if p.suffix == SUFFIX and p.is_file()}
    except OSError:
        return set()
