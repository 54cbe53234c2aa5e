"""Finding and reading the configuration file, without pydantic (the cache path needs it cheap)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .records import dataclass

#: The code every configuration error is reported with (``privacy-dsl explain E080``).
CONFIG_ERROR_CODE = "E080"
#: A configuration file is a few hundred bytes; this bounds the read of a hostile one.
MAX_CONFIG_BYTES = 1024 * 1024
#: tomllib takes time quadratic in the parts of a dotted key (8,000 parts: 0.8 s; 50,000: half a
#: minute): a line with more dots than this, outside strings, is refused before it is parsed.
MAX_DOTS_IN_A_LINE = 1000
#: Tables and arrays inside each other; the settings nest 3 deep (`rules.CK003.max-years`).
MAX_CONFIG_DEPTH = 50
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


class ConfigError(Exception):
    """A configuration file that cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Found:
    path: Path
    table: dict[str, Any]


def folders_of(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The folder of each path: a folder itself, a file's parent (absolute)."""
    return [os.path.abspath(p) if os.path.isdir(p) else os.path.dirname(os.path.abspath(p)) for p in paths]


def search_start(paths: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Where the upward search for a configuration starts: the folder that holds every linted path
    (a run over another tree reads that tree's configuration, as the Python API does), else the
    working directory."""
    folders = folders_of(paths)
    try:
        return Path(os.path.commonpath(folders)) if folders else Path.cwd()
    except ValueError:  # Windows: paths on different drives
        return Path.cwd()


def find_config(start: Path) -> Found | None:
    """The nearest privacy-dsl.toml, or pyproject.toml with a [tool.privacy-dsl] table."""
    for folder in [start, *start.parents]:
        own = folder / "privacy-dsl.toml"
        if own.is_file():
            return Found(own, _checked(own, read_toml(own)))
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _tool_table(project, read_toml(project))
            if table is not None:
                return Found(project, table)
    return None


def _tool_table(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """``[tool.privacy-dsl]`` of a pyproject.toml; None when absent, ``ConfigError`` when not a table."""
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` is {_kind(tool)}, not a table: write [tool.privacy-dsl]")
    table = tool.get("privacy-dsl")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: `tool.privacy-dsl` is {_kind(table)}, not a table: write [tool.privacy-dsl] "
                          "with the settings under it")
    return None if table is None else _checked(path, table)


def _kind(value: Any) -> str:
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array"}
    return kinds.get(type(value), "a date or time")


def read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file to read

    from .bounded import NESTED_TOO_DEEPLY, NESTING_ERRORS, ReadRefused, read_bounded

    try:
        data = read_bounded(path, MAX_CONFIG_BYTES, limit_hint="a configuration file is a few hundred bytes; "
                            "is this the right file?")
        text = data.decode("utf-8")
        _check_dots(path, text)
        table = tomllib.loads(text)
    except ReadRefused as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.reason}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: invalid UTF-8 at byte offset {exc.start}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except ValueError:  # int() of a number of more than 4,300 digits
        raise ConfigError(f"{path}: not valid TOML: a number has more than 4,300 digits") from None
    except NESTING_ERRORS:
        raise ConfigError(f"{path}: not valid TOML: {NESTED_TOO_DEEPLY}") from None
    return table


def _check_dots(path: Path, text: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.count(".") > MAX_DOTS_IN_A_LINE and _STRING.sub("", line).count(".") > MAX_DOTS_IN_A_LINE:
            raise ConfigError(f"{path}:{number}: a key of more than {MAX_DOTS_IN_A_LINE:,} dotted parts "
                              "(not read: such a key takes tomllib minutes)")


def _checked(path: Path, table: dict[str, Any]) -> dict[str, Any]:
    """``table`` (the privacy-dsl settings), if it is not nested absurdly deep."""
    stack: list[tuple[Any, int]] = [(table, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_CONFIG_DEPTH:
                raise ConfigError(f"{path}: the settings nest tables or arrays more than {MAX_CONFIG_DEPTH} "
                                  "levels deep")
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return table


def explicit_table(path: Path) -> dict[str, Any]:
    """The privacy-dsl table of a file named with --config (a pyproject.toml or our own file)."""
    data = read_toml(path)
    if path.name == "pyproject.toml":
        return _tool_table(path, data) or {}
    return _checked(path, data)
