"""``privacy-dsl test``: run the ``*.privacy-test`` files that sit next to policies."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, default_paths, load_config

_EPILOG = """\
exit codes:
  0  every expectation holds (and coverage is at least --min-coverage)
  1  an expectation failed or could not be checked, or coverage is below --min-coverage
  2  a test file or policy does not parse, no test files were found, bad configuration or usage

examples:
  privacy-dsl test                                 every *.privacy-test under policies/
  privacy-dsl test policies/acme --min-coverage 80
  privacy-dsl test --junit reports/policy-tests.xml --quiet

A test file holds `test "name" { ... }` blocks of expectations, e.g.
  allow newsletter email, name for customer to mailer
  deny newsletter phone
  cookie "_pk_id.*" needs consent
  finding LAW003 at purpose marketing
  no errors
See https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/policy-tests.md
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "test", help="run policy tests (*.privacy-test files next to policies)",
        description="Run the expectations in *.privacy-test files against the policy in the same directory: "
        "uses allowed or denied, cookies that need consent, findings raised or not at a declaration, no "
        "errors. Reports each result with its position and the coverage of purposes, cookies and recipients.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="test files or directories holding them (default: policies/ if it exists, else .)")
    p.add_argument("--junit", type=Path, metavar="FILE", help="also write a JUnit XML report to FILE")
    p.add_argument("--min-coverage", type=float, metavar="N", default=None,
                   help="fail when less than N %% of the purposes, cookies and recipients are exercised")
    p.add_argument("-q", "--quiet", action="store_true", help="print only failures, coverage and the summary")
    p.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: searched upward)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ...query.policytest import problems_text, render_junit, render_text, run_tests

    if args.min_coverage is not None and not 0 <= args.min_coverage <= 100:
        print("privacy-dsl: --min-coverage takes a percentage between 0 and 100", file=sys.stderr)
        return EXIT_ERROR
    paths = default_paths(args.paths)
    config = load_config(args, paths=paths)
    result = run_tests(paths, config)
    sys.stderr.write(problems_text(result))
    sys.stdout.write(render_text(result, verbose=not args.quiet))
    if args.junit is not None:
        from ...atomic import atomic_write_text, overwrites_input, write_error

        refused = overwrites_input(args.junit, [*result.files, *result.sources], "a test or policy file of the run")
        if refused is not None:
            print(write_error(f"--junit {args.junit}", refused), file=sys.stderr)
            return EXIT_ERROR
        try:
            if not args.junit.exists():
                args.junit.parent.mkdir(parents=True, exist_ok=True)  # as `lint --output` does
            atomic_write_text(args.junit, render_junit(result))
        except OSError as exc:
            print(write_error(f"--junit {args.junit}", exc), file=sys.stderr)
            return EXIT_ERROR
    if result.problems:
        return EXIT_ERROR
    failed = result.count("fail") + result.count("error")
    if args.min_coverage is not None and result.percent + 1e-9 < args.min_coverage:
        print(f"coverage {result.percent:.1f}% is below --min-coverage {args.min_coverage:g}%")
        return EXIT_FINDINGS
    return EXIT_FINDINGS if failed else EXIT_OK
