"""``privacy-dsl dump PATH``: the resolved model of a policy as JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_ERROR, EXIT_OK, load_config


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("dump", help="print the resolved model of a policy as JSON",
                       description="Parse and resolve a policy (defaults applied, references checked) and print "
                       "the model as JSON; `privacy-dsl schema` describes its shape. Exits 2 if the policy does "
                       "not parse.")
    p.add_argument("path", type=Path, metavar="PATH", help="a policy directory or one of its files")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ...language.modeldata import to_json
    from ...lint.engine import lint_paths
    from ...outputs.reporters import Report, render

    result = lint_paths([args.path], load_config(args, paths=[args.path]))
    fatal = [d for d in result.diagnostics if d.fatal]
    policies = [r.policy for r in result.policies if r.policy is not None]
    if fatal or not policies:
        sys.stderr.write(render("full", Report(fatal or result.diagnostics, result.sources, result.files)))
        return EXIT_ERROR
    for policy in policies:
        print(to_json(policy, indent=2))
    return EXIT_OK
