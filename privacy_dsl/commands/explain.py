"""``privacy-dsl explain CODE``: a rule's full documentation."""

from __future__ import annotations

import argparse
import sys

from . import EXIT_ERROR, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("explain", help="print a rule's documentation",
                       description="Print what a rule checks, why (with its legal sources), a failing and a "
                       "passing example, and its options.")
    p.add_argument("code", metavar="CODE", help="a rule code (LAW003), a rule name, or an input code (E100)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import BUILTIN, did_you_mean
    from ..docs import explain_rule
    from ..rules import BY_NAME, REGISTRY
    from ..verify import CODES as VERIFY_CODES  # verify-cookies findings (VC001-VC103)

    key = args.code
    rule = REGISTRY.get(key.upper()) or BY_NAME.get(key)
    if rule is not None:
        print(explain_rule(rule), end="")
        return EXIT_OK
    if key.upper() in BUILTIN:
        b = BUILTIN[key.upper()]
        print(f"# {b.code} {b.name}\n\n{b.summary}\n\n{b.doc}")
        return EXIT_OK
    verify_code = VERIFY_CODES.get(key.upper()) or next((c for c in VERIFY_CODES.values() if c.name == key), None)
    if verify_code is not None:
        print(verify_code.explain(), end="")
        return EXIT_OK
    from ..export import _problem as export_codes  # EXP001-EXP004
    from ..notice import _problem as notice_codes  # NTC001-NTC003

    for table in (export_codes, notice_codes):
        if key.upper() in table.codes:
            name, severity = table.codes[key.upper()]
            print(f"# {key.upper()} {name}\n\nReported by `privacy-dsl {table.category}` ({severity.label}).\n\n"
                  f"Documentation: {table.docs}#{key.lower()}-{name}")
            return EXIT_OK
    guess = did_you_mean(key, [*REGISTRY, *BY_NAME, *BUILTIN, *VERIFY_CODES, *export_codes.codes,
                               *notice_codes.codes])
    print(f"privacy-dsl: no rule {key!r}" + (f"; did you mean {guess}?" if guess else "; see `privacy-dsl rules`"),
          file=sys.stderr)
    return EXIT_ERROR
