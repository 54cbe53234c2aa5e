"""``privacy-dsl lint``: parse and check policies against the rule catalogue."""

from __future__ import annotations

import argparse
import os
import sys

from . import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    choose_format,
    default_path_names,
    default_paths,
    load_config,
    wants_color,
    write_job_summary,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import TextIO

    from ...cache import Replay
    from ...outputs.reporters import RuleInfo

#: The same as ``reporters.FORMATS`` (a test checks); not imported, to keep ``--help`` fast.
FORMATS = ("full", "concise", "json", "sarif", "github", "junit")

_EPILOG = """\
formats (https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/output-formats.md):
  full       message, source line with a caret, hint; colour on a terminal (NO_COLOR or TERM=dumb turn it off)
  concise    path:line:col: CODE [severity] message, one per line
  json       a versioned document with stable field names (schema: see the formats page above)
  sarif      SARIF 2.1.0, for GitHub code scanning (github/codeql-action/upload-sarif)
  github     GitHub Actions annotations, plus a job summary in $GITHUB_STEP_SUMMARY
  junit      JUnit XML, for GitLab (artifacts:reports:junit) and Jenkins
  The default is github when GITHUB_ACTIONS=true, else full.

exit codes:
  0  no findings at or above the fail level (or --exit-zero)
  1  findings at or above the fail level
  2  unusable input (unreadable file, syntax error), bad configuration, usage error, or the
     --output file could not be written; --exit-zero does not change this

examples:
  privacy-dsl lint                           policies/ (or the current directory)
  privacy-dsl lint policies/acme             one policy (a directory of .privacy files)
  privacy-dsl lint policies/acme/cookies.privacy
                                             the whole policy that file belongs to
  privacy-dsl lint --select cookies,LAW --format concise
  privacy-dsl lint --fail-level error        warnings are shown but do not fail
  privacy-dsl lint --format sarif --output privacy-dsl.sarif
  privacy-dsl lint --statistics --format json --output report.json
                                             the report in a file, the count per rule on the terminal
"""


#: The options a run may give and still be answered from the replay cache (``cache.Replayable``):
#: they change only what the run prints and its exit code, and each is part of the replay key. A
#: run that gives any other option is linted: an option added to ``register`` is never replayed
#: until it is listed here (a test checks that every option is in one of the two sets).
REPLAY_SAFE = frozenset({"paths", "format", "config", "select", "ignore", "fail_level", "exit_zero", "statistics",
                         "quiet", "show_suppressed", "color", "jobs", "cache_dir"})
#: The options with another effect: writing a file, not using the cache.
NOT_REPLAYED = frozenset({"output", "no_cache"})


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "lint", help="check policies against the rule catalogue",
        description="Parse and lint policies. A directory of .privacy files is one policy; given a "
        "folder of policies, each is linted. Given a file, its whole policy directory is linted, so "
        "rules that look across files see everything.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Paths stay text until the replay lookup is done (``run``): importing pathlib costs a replay ~3 ms.
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="policy directories, .privacy files, or folders of policies "
                   "(default: policies/ if it exists, else the current directory)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="output format (default: github inside GitHub Actions, else full)")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="write the report to FILE (atomically: readers never see half a file) instead of "
                   "standard output (`-`); a one-line summary is still printed unless --quiet")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: searched upward)")
    p.add_argument("--select", metavar="RULES", help="comma-separated codes, code prefixes, rule names or "
                   "categories to check (replaces the configured selection)")
    p.add_argument("--ignore", metavar="RULES", help="comma-separated rules to skip (added to the configured)")
    p.add_argument("--fail-level", choices=("error", "warning", "info"), default="info",
                   help="lowest severity that makes the exit code 1 (default: info, i.e. any finding)")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings (still 2 on bad input)")
    p.add_argument("--statistics", action="store_true",
                   help="also print the number of findings per rule (to standard error when standard output "
                   "carries json, sarif or junit)")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="print only the findings: no summary line, nothing when all is clear")
    p.add_argument("--show-suppressed", action="store_true", help="also print suppressed findings")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour in the full format (auto: on a terminal, unless NO_COLOR is set or TERM=dumb; "
                        "FORCE_COLOR turns it on)")
    p.add_argument("--no-cache", action="store_true",
                   help="do not read or write the cache (results of unchanged policies are kept in "
                   ".privacy-dsl-cache/ at the root of the project linted; it is safe to delete at any time)")
    p.add_argument("--cache-dir", metavar="DIR",
                   help="keep the cache in DIR (default: $PRIVACY_DSL_CACHE_DIR, else .privacy-dsl-cache/ in the "
                   "nearest folder up from the linted paths that holds .git, privacy-dsl.toml or pyproject.toml)")
    p.add_argument("--jobs", "-j", type=int, metavar="N",
                   help="worker processes (default: one, or up to the number of cores for large repositories)")
    from ...cache import Replayable

    p.set_defaults(run=run, replay=Replayable(p, REPLAY_SAFE, allow=_replay_allowed))


def _replay_allowed(args: argparse.Namespace) -> bool:
    """The github format appends a job summary to $GITHUB_STEP_SUMMARY: not replayed."""
    return choose_format(args.format) != "github"


def write_atomically(path: Path, text: str) -> None:
    """Write the report via a temporary file in the same directory and a rename (``atomic.py``),
    so a reader, or a crash, never sees a partial report; missing parent directories are created,
    a symbolic link is followed and an existing file keeps its permissions. A character device or
    a named pipe is written as it is, never replaced; a directory, socket or block device is refused."""
    from pathlib import Path

    from ...atomic import atomic_write_text

    if not os.path.exists(path):
        Path(os.path.realpath(path)).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


def _output_clash(output: Path, paths: list[Path], config: Path | None) -> str | None:
    """Why ``--output`` must not be written, if it is one of the policy files to be linted or a
    configuration file the run reads (``--config``, or one the upward search could find)."""
    from ...atomic import overwrites_input, write_error
    from ...cache import config_watch
    from ...configfile import search_start
    from ...language.sources import discover

    files = [f for policy in discover(paths).policies for f in policy.files]
    refused = overwrites_input(output, files, "a policy file being linted")
    if refused is None:
        configs: list[Path | str] = [*([config] if config is not None else []), *config_watch(str(search_start(paths)))]
        refused = overwrites_input(output, configs, "a configuration file of this run")
    return write_error(f"--output {output}", refused) if refused is not None else None


def _write(stream: TextIO, text: str) -> None:
    if text:
        stream.write(text)
        stream.flush()


def _replayed(replay: Replay) -> int | None:
    """The exit code of a replayed run, or None to run it. Replay only saves time: if it fails
    for any reason but the reader going away, the run goes ahead as usual."""
    try:
        return replay.answer()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:
        return None


def run(args: argparse.Namespace) -> int:
    from ... import cache

    context = cache.Context()  # the run's one clock read: the date and the racy-file reference
    replay = None
    directory = None
    if not args.no_cache:  # an unchanged repository: last run's output, before the parser is imported
        try:
            directory = cache.cache_dir(default_path_names(args.paths), args.cache_dir)
            replay = cache.Replay.open(args, context, directory)
        except Exception:  # replay only saves time (the working directory is gone, ...): lint
            replay = None
        code = _replayed(replay) if replay is not None else None
        if code is not None:
            return code
    from pathlib import Path

    from ...diagnostics import Severity
    from ...lint.runner import Request
    from ...lint.runner import run as run_lint
    from ...outputs.reporters import MACHINE_FORMATS, Report, builtin_infos, render, render_statistics, rule_info

    args.paths = [Path(path) for path in args.paths]
    args.output = Path(args.output) if args.output not in (None, "-") else None
    args.config = Path(args.config) if args.config is not None else None
    fmt = choose_format(args.format)
    paths = default_paths(args.paths)
    clash = _output_clash(args.output, paths, args.config) if args.output is not None else None
    if clash is not None:  # before linting: the report would replace the policy it is about
        print(clash, file=sys.stderr)
        return EXIT_ERROR
    result = run_lint(Request(
        paths=paths, config_file=args.config,
        select=tuple(s.strip() for s in args.select.split(",") if s.strip()) if args.select else None,
        ignore=tuple(s.strip() for s in args.ignore.split(",") if s.strip()) if args.ignore else (),
        use_cache=not args.no_cache, jobs=args.jobs, context=context, watch=replay is not None, cache_dir=directory))
    stream = sys.stdout
    color = wants_color(args.color, stream, to_file=args.output is not None)
    fail = Severity.parse(args.fail_level)
    rules: tuple[RuleInfo, ...] = ()
    if fmt in ("sarif", "junit"):  # they describe every rule that ran; the others need no docs
        from ...lint.engine import active_rules

        config = load_config(args, warn=False, paths=paths)  # the run's warnings are printed below
        infos = tuple(rule_info(a.rule, a.severity) for a in sorted(active_rules(config), key=lambda a: a.rule.code))
        rules = infos + (builtin_infos() if fmt == "sarif" else ())
    skipped = frozenset(result.skipped)
    report = Report(result.diagnostics, result.sources, result.files, color, args.show_suppressed,
                    rules=rules, skipped=skipped, fail_level=fail, quiet=args.quiet)
    text = render(fmt, report)
    writes: list[tuple[int, str]] = []  # (1 standard output | 2 standard error, text), kept for replay
    for note in result.notes:  # a retired code read as its successor
        writes.append((2, f"privacy-dsl: warning: {note}\n"))
        print(f"privacy-dsl: warning: {note}", file=sys.stderr)
    if args.output is not None:
        try:
            write_atomically(args.output, text)
        except OSError as exc:
            from ...atomic import write_error

            print(write_error(f"--output {args.output}", exc), file=sys.stderr)
            return EXIT_ERROR
        if not args.quiet:
            print(f"{report.summary()} Report ({fmt}) written to {args.output}.")
    else:
        writes.append((1, text))
        _write(stream, text)
    if fmt == "github":
        write_job_summary(report)
    if args.statistics:
        table = render_statistics(report)
        to_stderr = args.output is None and fmt in MACHINE_FORMATS
        writes.append((2 if to_stderr else 1, table))
        _write(sys.stderr if to_stderr else stream, table)
    active = report.active
    if any(d.fatal for d in active):
        return EXIT_ERROR
    code = EXIT_FINDINGS if not args.exit_zero and any(d.severity >= fail for d in active) else EXIT_OK
    if replay is not None and result.snapshot is not None:
        texts = {os.path.abspath(path): text for path, text in result.sources.items()}
        replay.record(result.snapshot, texts, writes, code)
    return code
