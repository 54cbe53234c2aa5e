"""Finding and reading the configuration file, without pydantic (the cache path needs it cheap)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A configuration file that cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Found:
    path: Path
    table: dict[str, Any]


def find_config(start: Path) -> Found | None:
    """The nearest privacy-dsl.toml, or pyproject.toml with a [tool.privacy-dsl] table."""
    for folder in [start, *start.parents]:
        own = folder / "privacy-dsl.toml"
        if own.is_file():
            return Found(own, read_toml(own))
        project = folder / "pyproject.toml"
        if project.is_file():
            data = read_toml(project)
            table = data.get("tool", {}).get("privacy-dsl")
            if table is not None:
                return Found(project, table)
    return None


def read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file to read

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def explicit_table(path: Path) -> dict[str, Any]:
    """The privacy-dsl table of a file named with --config (a pyproject.toml or our own file)."""
    data = read_toml(path)
    if path.name == "pyproject.toml":
        table: dict[str, Any] = data.get("tool", {}).get("privacy-dsl", {})
        return table
    return data
