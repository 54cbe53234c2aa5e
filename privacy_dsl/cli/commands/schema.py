"""``privacy-dsl schema``: the JSON Schema of the resolved policy model."""

from __future__ import annotations

import argparse

from . import EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("schema", help="print the JSON Schema of the resolved policy model",
                       description="Print the JSON Schema (draft 2020-12) of what `privacy-dsl dump` prints.")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json

    from ...language.model import Policy
    from ...language.modeldata import json_schema

    print(json.dumps(json_schema(Policy), indent=2))
    return EXIT_OK
