"""``privacy-dsl rules``: list the rule catalogue."""

from __future__ import annotations

import argparse
import sys

from . import EXIT_ERROR, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("rules", help="list the rules (code, name, category, severity)",
                       description="List the rules. `privacy-dsl explain CODE` prints one in full.")
    p.add_argument("--category", help="only this category (lawfulness, consent, cookies, ...)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ...codes import RULE_CATEGORIES
    from ...lint.catalogue import codes

    rows = [c for c in codes("rule") if not args.category or c.category == args.category]
    if not rows:
        print(f"privacy-dsl: no rules in category {args.category!r}; categories: {', '.join(RULE_CATEGORIES)}",
              file=sys.stderr)
        return EXIT_ERROR
    width = max(len(r.name) for r in rows)
    for r in rows:
        print(f"{r.code:<7} {r.name:<{width}}  {r.category:<15} {r.severity.label:<8} {r.summary}")
    return EXIT_OK
