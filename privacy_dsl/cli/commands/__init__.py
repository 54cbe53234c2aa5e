"""The subcommands of ``privacy-dsl``, one module each, listed explicitly.

A command module defines ``register(sub)``, which adds its argparse subparser and sets
``run`` as the subparser's default, and ``run(args) -> int``, which does the work and returns the
exit code. Heavy imports belong inside ``run``.
"""

from __future__ import annotations

import importlib

# Imported only for type checking: --help and --version import neither typing nor pathlib.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable
    from pathlib import Path
    from types import ModuleType
    from typing import Any

    from ...diagnostics import Diagnostic
    from ...lint.config import Config
    from ...lint.loader import Loaded
    from ...outputs.reporters import Report

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def load_config(args: argparse.Namespace, warn: bool = True, paths: Iterable[Path] | None = None) -> Config:
    """The configuration for this run: --config or the file nearest to ``paths`` (the policies the
    command reads; the working directory when None), then --select/--ignore. With ``warn``, its
    warnings (a retired code read as its successor) go to standard error."""
    from ...configfile import search_start
    from ...lint.config import load_config as load
    from ...lint.config import parse_config

    config = load(getattr(args, "config", None), start=search_start(paths) if paths else None)
    update: dict[str, Any] = {}
    if getattr(args, "select", None):
        update["select"] = [s.strip() for s in args.select.split(",") if s.strip()]
    if getattr(args, "ignore", None):
        update["ignore"] = [*config.ignore, *(s.strip() for s in args.ignore.split(",") if s.strip())]
    notes = config.notes
    if update:
        data = config.model_dump(by_alias=True, exclude={"source"})
        data.update(update)
        config = parse_config(data, "--select/--ignore")
        notes += config.notes
    import sys

    for note in notes if warn else ():  # on stderr: the machine formats' stream stays clean
        print(f"privacy-dsl: warning: {note}", file=sys.stderr)
    return config


def choose_format(requested: str | None) -> str:
    """--format, else github inside GitHub Actions (annotations on the diff), else full."""
    import os

    if requested:
        return requested
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full"


def write_job_summary(report: Report) -> None:
    """Append the Markdown job summary (``reporters.github.summary``) to ``$GITHUB_STEP_SUMMARY``
    (``append_job_summary``)."""
    from ...outputs.reporters import github

    append_job_summary(lambda budget: github.summary(report, budget=budget))


def append_job_summary(summary: Callable[[int], str]) -> None:
    """Append ``summary(budget)`` to ``$GITHUB_STEP_SUMMARY``, where ``budget`` is what the step's file
    leaves of GitHub's 1 MiB (an earlier command of the step may have written to it; see
    ``reporters.github.SUMMARY_BYTES``); failing to write it is a warning, not an error."""
    import os
    import sys

    from ...outputs.reporters import github

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        written = os.stat(target).st_size
    except OSError:
        written = 0
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(summary(max(0, github.SUMMARY_BYTES - written)))
    except OSError as exc:
        print(f"privacy-dsl: cannot write the job summary to {target}: {exc.strerror or exc}", file=sys.stderr)


def wants_color(choice: str, stream: Any, to_file: bool = False) -> bool:
    """``--color always|never|auto``. ``auto``: colour on a terminal, unless the report goes to a
    file, ``NO_COLOR`` is set to anything (no-color.org), or ``TERM=dumb`` (a terminal that cannot
    show it: Emacs' shell, some CI logs); ``FORCE_COLOR`` set to anything turns it on (force-color.org)."""
    import os

    if choice != "auto":
        return choice == "always"
    if to_file or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(stream.isatty()) and os.environ.get("TERM") != "dumb"


def default_paths(paths: list[Path]) -> list[Path]:
    """What to lint when no path is given: policies/ if it exists, else the current directory."""
    from pathlib import Path

    return paths or [Path(name) for name in default_path_names([])]


def default_path_names(paths: list[str]) -> list[str]:
    """``default_paths`` as text (a replay does not import pathlib)."""
    import os

    return paths or (["policies"] if os.path.isdir("policies") else ["."])


def load_one_policy(args: argparse.Namespace, action: str) -> Loaded | None:
    """The one policy at PATH (default: policies/), parsed and resolved (no rules run) and free of
    resolution errors; None after saying why it cannot be used. ``action``: "export", "write a notice of"."""
    import sys

    from ...lint.loader import PolicyError, load_one

    try:
        return load_one(args.path if args.path else default_paths([])[0], config_path=args.config,
                        run_rules=False, refuse_unresolved=True, action=action)
    except PolicyError as exc:
        if exc.diagnostics:
            report(list(exc.diagnostics), exc.sources)
        print(f"privacy-dsl: {exc.message}", file=sys.stderr)
        return None


def report(diagnostics: list[Diagnostic], sources: dict[str, str]) -> None:
    """Diagnostics to standard error in the `full` format."""
    import sys

    from ...outputs.reporters import Report, render

    sys.stderr.write(render("full", Report(diagnostics, sources, len(sources), quiet=True)))


def write_output(text: str | bytes, path: Path | None, inputs: Iterable[str | Path] = (), what: str = "") -> bool:
    """``text`` to ``path`` (atomically, see ``atomic.py``) or to standard output; False (after
    saying why) on failure, or if ``path`` is one of ``inputs`` (``what`` they are: "a file of the
    policy"), which are never overwritten. Bytes (a workbook) are never written to a terminal."""
    import os
    import sys

    if path is None or str(path) == "-":
        if isinstance(text, str):
            sys.stdout.write(text)
            return True
        if sys.stdout.isatty():
            print("privacy-dsl: a binary file is not written to a terminal\n  = hint: give --output FILE "
                  "(or redirect standard output)", file=sys.stderr)
            return False
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
        return True
    from ...atomic import atomic_write_bytes, atomic_write_text, overwrites_input, write_error

    refused = overwrites_input(path, inputs, what)
    if refused is not None:
        print(write_error(f"--output {path}", refused), file=sys.stderr)
        return False
    try:
        if not os.path.exists(path):
            path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            atomic_write_text(path, text)
        else:
            atomic_write_bytes(path, text)
    except OSError as exc:
        print(write_error(f"--output {path}", exc), file=sys.stderr)
        return False
    return True


def blocking(problems: list[Diagnostic], sources: dict[str, str], allow_missing: bool) -> int:
    """Report ``problems`` on standard error; how many of them are errors that stop the output from being
    written (none with --allow-missing)."""
    from ...diagnostics import Severity

    if problems:
        report(problems, sources)
    return 0 if allow_missing else sum(d.severity >= Severity.ERROR for d in problems)


#: Every command, in the order ``privacy-dsl --help`` lists them: (name, module, one-line help).
#: The help line is repeated here so that ``--help``, ``--version`` and each command import only the
#: command module they run (``cli.build_parser``); a test checks it against what each module registers.
COMMAND_INDEX: tuple[tuple[str, str, str], ...] = (
    ("lint", "lint", "check policies against the rule catalogue"),
    ("rules", "rules", "list the rules (code, name, category, severity)"),
    ("explain", "explain", "print a rule's documentation"),
    ("dump", "dump", "print the resolved model of a policy as JSON"),
    ("schema", "schema", "print the JSON Schema of the resolved policy model"),
    ("taxonomy", "taxonomy", "list fideslang taxonomy keys (data categories, uses, subjects)"),
    ("verify-cookies", "verify_cookies", "check the declared cookies against what a browser recorded"),
    ("cookies", "cookies", "cookie declarations from the Open Cookie Database"),
    ("query", "query", "ask a policy which uses of personal data it allows"),
    ("test", "test", "run policy tests (*.privacy-test files next to policies)"),
    ("fmt", "fmt", "format .privacy files in the canonical layout"),
    ("notice", "notice", "generate the privacy notice and cookie table (Markdown or HTML)"),
    ("export", "export", "export the policy as JSON, a fides manifest, a consent banner or the Art. 30 record"),
    ("diff", "diff", "what a change to a policy means for privacy (between revisions or directories)"),
    ("import", "import_", "convert a fides (fideslang) manifest into .privacy text"),
    ("completion", "completion", "print a shell completion script (bash, zsh, fish)"),
)


def command_module(module: str) -> ModuleType:
    """The module of one command, by its name in ``COMMAND_INDEX``."""
    return importlib.import_module(f"{__name__}.{module}")


def __getattr__(name: str) -> Any:
    if name == "COMMANDS":  # every command module, in --help order (imports all of them)
        return tuple(command_module(module) for _, module, _ in COMMAND_INDEX)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def terminal_columns() -> int:
    """$COLUMNS, else the width of the terminal on standard output, else 80."""
    import os
    import sys

    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80
