"""``privacy-dsl cookies suggest NAME...``: cookie declarations from the Open Cookie Database."""

from __future__ import annotations

import argparse
import sys

from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

_EPILOG = """\
exit codes:
  0  every name is in the database
  1  some names are not (they are listed on standard error)
  2  usage error

examples:
  privacy-dsl cookies suggest _ga _fbp          two blocks to paste into cookies.privacy
  privacy-dsl cookies suggest _ga_ABC123        a prefix row gives a `pattern` block ("_ga_*")

The data: the Open Cookie Database (github.com/jkwakman/Open-Cookie-Database), Apache-2.0; see
privacy_dsl/data/NOTICE-open-cookie-database.md. Check every block against what your site sets
(`privacy-dsl verify-cookies`) and add its `purpose` and `consent`.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("cookies", help="cookie declarations from the Open Cookie Database",
                       description="Known-cookie knowledge from the Open Cookie Database.",
                       epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    inner = p.add_subparsers(dest="cookies_command", metavar="ACTION", parser_class=type(p))
    s = inner.add_parser("suggest", help="print DSL cookie blocks for known cookie names",
                         description="Print a `cookie` block for each name, with provider, category, expiry "
                         "and description filled from the Open Cookie Database, and say which names it does "
                         "not know.", epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("names", nargs="+", metavar="NAME", help="cookie names as the browser shows them")
    s.add_argument("--no-comments", action="store_true", help="leave out the evidence comments")
    s.set_defaults(run=run_suggest)
    p.set_defaults(run=run_help(p))


def run_help(parser: argparse.ArgumentParser):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return EXIT_ERROR

    return run


def run_suggest(args: argparse.Namespace) -> int:
    from ...interop.verify import suggest_block
    from ...lint.cookiedb import database

    db = database()
    blocks: list[str] = []
    unknown: list[str] = []
    done: set[str] = set()
    for name in args.names:
        rows = db.lookup(name)
        if not rows:
            unknown.append(name)
            continue
        key = rows[0].id
        if key in done:
            continue
        done.add(key)
        blocks.append(suggest_block(name, known=rows, comments=not args.no_comments))
    if blocks:
        head = "" if args.no_comments else (
            "# From the Open Cookie Database (github.com/jkwakman/Open-Cookie-Database, Apache-2.0).\n"
            "# Check each block against what the site sets, and add `purpose` and `consent`.\n\n")
        sys.stdout.write(head + "\n\n".join(blocks) + "\n")
    if unknown:
        print(f"privacy-dsl: not in the Open Cookie Database: {', '.join(unknown)}", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK
