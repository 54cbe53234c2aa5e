"""The ``privacy-dsl`` command line.

argparse only. Each command lives in its own module under ``privacy_dsl.commands`` (listed
explicitly in ``commands.COMMANDS``) and does its heavy imports (lark, pydantic, the model) inside
``run``, so ``--help`` and ``--version`` stay fast enough for a pre-commit hook.

Exit codes: 0 no findings at or above the fail level; 1 findings; 2 unusable input (unreadable
file, syntax error), bad configuration or usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import __version__
from .commands import COMMANDS, EXIT_ERROR, EXIT_OK

_EPILOG = """\
exit codes:
  0  no findings at or above the fail level
  1  findings
  2  unusable input (unreadable file, syntax error), bad configuration, or usage error

examples:
  privacy-dsl lint policies/                 lint every policy under policies/
  privacy-dsl lint policies/acme --format concise
  privacy-dsl explain LAW003                 why a rule exists and how to fix its findings
  privacy-dsl dump policies/acme             the resolved model as JSON

Configuration: [tool.privacy-dsl] in pyproject.toml, or privacy-dsl.toml, searched upward.
Language reference: docs/language.md. Rules: docs/rules/ or `privacy-dsl rules`.
"""


class UsageParser(argparse.ArgumentParser):
    """argparse, but usage errors exit with 2 and say where to find help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n(run `{self.prog} --help` for help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = UsageParser(
        prog="privacy-dsl",
        description="Policy-as-code for privacy: parse, lint and query privacy policies written in "
        "the privacy-dsl language (.privacy files).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"privacy-dsl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=UsageParser)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        result: int = args.run(args)
        return result
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # never show a traceback to a user; say how to get one
        from .config import ConfigError

        if isinstance(exc, ConfigError):
            print(f"privacy-dsl: configuration error:\n{exc}", file=sys.stderr)
            return EXIT_ERROR
        if os.environ.get("PRIVACY_DSL_DEBUG"):
            raise
        print(f"privacy-dsl: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in privacy-dsl, not in your policy. Run again with PRIVACY_DSL_DEBUG=1 "
              "for the traceback, and report it.", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
