"""The subcommands of ``privacy-dsl``, one module each, listed explicitly.

A command module defines ``register(sub)``, which adds its argparse subparser and sets
``run`` as the subparser's default, and ``run(args) -> int``, which does the work and returns the
exit code. Heavy imports belong inside ``run``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Config

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def load_config(args: argparse.Namespace) -> Config:
    """The configuration for this run: --config or the nearest file, then --select/--ignore."""
    from ..config import load_config as load
    from ..config import parse_config

    config = load(getattr(args, "config", None))
    update: dict[str, Any] = {}
    if getattr(args, "select", None):
        update["select"] = [s.strip() for s in args.select.split(",") if s.strip()]
    if getattr(args, "ignore", None):
        update["ignore"] = [*config.ignore, *(s.strip() for s in args.ignore.split(",") if s.strip())]
    if update:
        data = config.model_dump(by_alias=True, exclude={"source"})
        data.update(update)
        config = parse_config(data, "--select/--ignore")
    return config


def default_paths(paths: list[Path]) -> list[Path]:
    """What to lint when no path is given: policies/ if it exists, else the current directory."""
    if paths:
        return paths
    return [Path("policies")] if Path("policies").is_dir() else [Path(".")]


from . import (  # noqa: E402
    cookies,
    dump,
    explain,
    export,
    fmt,
    import_,
    lint,
    notice,
    query,
    rules,
    schema,
    taxonomy,
    test,
    verify_cookies,
)

COMMANDS = (lint, rules, explain, dump, schema, taxonomy, verify_cookies, cookies, query, test, fmt, notice, export,
            import_)
