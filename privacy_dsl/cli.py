"""The ``privacy-dsl`` command line.

argparse only. Each command lives in its own module under ``privacy_dsl.commands`` (listed
explicitly in ``commands.COMMAND_INDEX``) and does its heavy imports (lark, pydantic, the model)
inside ``run``. ``main`` imports only the module of the command it runs (the others are listed
with their one-line help), so ``--help`` and ``--version`` import no command module at all.

Exit codes: 0 no findings at or above the fail level; 1 findings; 2 unusable input (unreadable
file, syntax error), bad configuration or usage error.
"""

from __future__ import annotations

import os
import sys

from .commands import COMMAND_INDEX, EXIT_ERROR, EXIT_OK, command_module
from .version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import NoReturn

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


_NO_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"


def _command_word(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option (the top-level options
    take no value). None when there is none, as for ``--help`` and ``--version``."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser. With ``argv``, only the command it names is registered in full (the
    others are listed with their one-line help, enough for ``--help`` and for a usage error);
    without, every command is."""
    import argparse

    from .usage import UsageParser

    only = _command_word(argv) if argv is not None else None
    parser = UsageParser(
        prog="privacy-dsl",
        description="Policy-as-code for privacy: parse, lint and query privacy policies written in "
        "the privacy-dsl language (.privacy files).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"privacy-dsl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=UsageParser)
    for name, module, help_line in COMMAND_INDEX:
        if argv is None or name == only:
            command_module(module).register(sub)
        else:  # listed in --help and accepted as a choice, but no parser is built (~0.6 ms each);
            # the placeholder is never parsed with: a command named in argv is registered in full
            sub.choices[name] = parser
            sub._choices_actions.append(sub._ChoicesPseudoAction(name, (), help_line))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if list(argv) == ["--version"]:  # the hook's and CI's probe: answered before argparse is built
        print(f"privacy-dsl {__version__}")
        return EXIT_OK
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    # pydantic looks for plugins in the entry points of every installed distribution when it
    # builds its first validator: ~15 ms of a hook's cold start, for nothing privacy-dsl uses.
    # A PYDANTIC_DISABLE_PLUGINS set by the user (e.g. to "", to keep them all) is respected.
    plugins_were = os.environ.get(_NO_PLUGINS)
    if plugins_were is None:
        os.environ[_NO_PLUGINS] = "__all__"
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
            print(f"privacy-dsl: E080 configuration error:\n{exc}", file=sys.stderr)
            return EXIT_ERROR
        if os.environ.get("PRIVACY_DSL_DEBUG"):
            raise
        print(f"privacy-dsl: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in privacy-dsl, not in your policy. Run again with PRIVACY_DSL_DEBUG=1 "
              "for the traceback, and report it.", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if plugins_were is None:
            os.environ.pop(_NO_PLUGINS, None)


def entry() -> NoReturn:
    """The ``privacy-dsl`` console script: ``main``, then exit without tearing the interpreter down.

    Freeing every module and object at exit (pydantic's and lark's included) took 20-35 ms of each
    run here, for nothing: by then every file privacy-dsl wrote is closed and its worker processes
    are gone; the standard streams are flushed here. mypy does the same. ``main`` itself returns
    normally, for tests and for programs that call it.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, a closed stream
            continue
    os._exit(code)


if __name__ == "__main__":
    entry()
