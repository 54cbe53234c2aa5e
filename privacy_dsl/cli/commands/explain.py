"""``privacy-dsl explain CODE``: the full documentation of any code of the catalogue
(``privacy_dsl.lint.catalogue``)."""

from __future__ import annotations

import argparse
import sys

from . import EXIT_ERROR, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("explain", help="print a rule's documentation",
                       description="Print what a rule checks, why (with its legal sources), a failing and a "
                       "passing example, and its options.")
    p.add_argument("code", metavar="CODE",
                   help="a rule code (LAW003), a rule name, or another code (E100, VC001, EXP001, NTC001)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ...diagnostics import did_you_mean
    from ...lint.catalogue import catalogue, get, lookup

    key = args.code
    found = get(key)
    if found is not None:
        print(found.explain(), end="")
        successor = lookup(found.code) if found.status == "retired" else None
        if successor is not None:  # a retired code: its successor's documentation follows
            print("\n" + successor.explain(), end="")
        return EXIT_OK
    table = catalogue()
    guess = did_you_mean(key, [*table, *(c.name for c in table.values())])
    print(f"privacy-dsl: no code {key!r}" + (f"; did you mean {guess}?" if guess else "; see `privacy-dsl rules`"),
          file=sys.stderr)
    return EXIT_ERROR
