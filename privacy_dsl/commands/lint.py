"""``privacy-dsl lint``: parse and check policies against the rule catalogue."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, default_paths, load_config

_EPILOG = """\
exit codes:
  0  no findings at or above the fail level
  1  findings
  2  unusable input (unreadable file, syntax error), bad configuration, or usage error

examples:
  privacy-dsl lint                           policies/ (or the current directory)
  privacy-dsl lint policies/acme             one policy (a directory of .privacy files)
  privacy-dsl lint policies/acme/cookies.privacy
                                             the whole policy that file belongs to
  privacy-dsl lint --select cookies,LAW --format concise
  privacy-dsl lint --fail-level error        warnings are shown but do not fail
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "lint", help="check policies against the rule catalogue",
        description="Parse and lint policies. A directory of .privacy files is one policy; given a "
        "folder of policies, each is linted. Given a file, its whole policy directory is linted, so "
        "rules that look across files see everything.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="policy directories, .privacy files, or folders of policies "
                   "(default: policies/ if it exists, else the current directory)")
    p.add_argument("--format", choices=("full", "concise"), default=None,
                   help="output format (default: full)")
    p.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: searched upward)")
    p.add_argument("--select", metavar="RULES", help="comma-separated codes, code prefixes, rule names or "
                   "categories to check (replaces the configured selection)")
    p.add_argument("--ignore", metavar="RULES", help="comma-separated rules to skip (added to the configured)")
    p.add_argument("--fail-level", choices=("error", "warning", "info"), default="info",
                   help="lowest severity that makes the exit code 1 (default: info, i.e. any finding)")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings (still 2 on bad input)")
    p.add_argument("--show-suppressed", action="store_true", help="also print suppressed findings")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour in the full format (auto: on a terminal, unless NO_COLOR is set)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import Severity
    from ..lint import lint_paths
    from ..reporters import Report, render

    config = load_config(args)
    result = lint_paths(default_paths(args.paths), config)
    stream = sys.stdout
    color = args.color == "always" or (args.color == "auto" and stream.isatty())
    report = Report(result.diagnostics, result.sources, result.files, color, args.show_suppressed)
    stream.write(render(args.format or "full", report))
    active = [d for d in result.diagnostics if d.suppressed is None]
    if any(d.fatal for d in active):
        return EXIT_ERROR
    fail = Severity.parse(args.fail_level)
    if not args.exit_zero and any(d.severity >= fail for d in active):
        return EXIT_FINDINGS
    return EXIT_OK
