"""``privacy-dsl taxonomy``: the fideslang keys that `taxonomy` and `use` statements accept."""

from __future__ import annotations

import argparse
import sys

from . import EXIT_ERROR, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("taxonomy", help="list fideslang taxonomy keys (data categories, uses, subjects)",
                       description="List the fideslang taxonomy keys shipped with privacy-dsl: data categories "
                       "(for `taxonomy` in a category block), data uses (for `use` in a purpose block) and data "
                       "subjects (for `taxonomy` in a subject block).")
    p.add_argument("kind", choices=("categories", "uses", "subjects"), help="which taxonomy")
    p.add_argument("prefix", nargs="?", default="", help="only keys under this prefix, e.g. user.contact")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ...language import taxonomy

    table = {"categories": taxonomy.data_categories, "uses": taxonomy.data_uses,
             "subjects": taxonomy.data_subjects}[args.kind]()
    keys = [k for k in table if not args.prefix or taxonomy.is_under(k, args.prefix)]
    if not keys:
        print(f"privacy-dsl: no {args.kind} keys under {args.prefix!r}", file=sys.stderr)
        return EXIT_ERROR
    for key in keys:
        print(f"{key:<50} {table[key].get('name', '')}")
    return EXIT_OK
