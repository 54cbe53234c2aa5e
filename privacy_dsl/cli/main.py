"""The ``privacy-dsl`` command line.

argparse only. Each command lives in its own module under ``privacy_dsl.cli.commands`` (listed
explicitly in ``commands.COMMAND_INDEX``) and does its heavy imports (lark, pydantic, the model)
inside ``run``. ``main`` imports only the module of the command it runs (the others are listed
with their one-line help), so ``--help`` and ``--version`` import no command module at all.

Exit codes: 0 no findings at or above the fail level; 1 findings; 2 unusable input (unreadable
file, syntax error), bad configuration or usage error.
"""

from __future__ import annotations

import os
import sys

from ..version import __version__
from .commands import COMMAND_INDEX, EXIT_ERROR, EXIT_OK, command_module, terminal_columns
from .helptext import HELP
from .helptext import WIDTH as HELP_WIDTH

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any, NoReturn

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
Shell completion: `privacy-dsl completion bash|zsh|fish` (install lines: `privacy-dsl completion --help`).
Language reference: https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/language.md
Rules: `privacy-dsl rules`, `privacy-dsl explain CODE`, https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/rules/
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
    return _build(argv)[0]


def top_level_help() -> str:
    """What argparse writes for ``privacy-dsl --help`` at the width of the terminal (``$COLUMNS``):
    ``helptext.HELP`` at its width."""
    return build_parser(["--help"]).format_help()


def command_parser(name: str) -> argparse.ArgumentParser:
    """The argument parser of command ``name`` (``lint``, ...), registered in full: what
    ``privacy-dsl NAME ...`` is parsed with. ``KeyError`` for an unknown command."""
    parser: argparse.ArgumentParser = _build([name])[1].choices[name]
    return parser


def parser_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """Every action of ``parser``: options, positional arguments, subcommands.

    argparse has no public way to list a parser's actions; this reads ``parser._actions``, here
    only (a test checks ``option_actions`` finds every option the command's ``--help`` shows)."""
    actions: list[argparse.Action] = parser._actions
    return actions


def option_actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Every option string of ``parser`` (``--format``, ``-q``, ...) and the action it triggers."""
    return {option: action for action in parser_actions(parser) for option in action.option_strings}


def _build(argv: Sequence[str] | None) -> tuple[argparse.ArgumentParser, Any]:
    """The parser and its subparsers action (see ``build_parser``)."""
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
        else:
            _list_only(sub, name, help_line, parser)
    return parser, sub


def _list_only(sub: Any, name: str, help_line: str, placeholder: argparse.ArgumentParser) -> None:
    """List command ``name`` in ``--help`` and accept it as a choice, without building its parser
    (~0.15 ms each, for nothing: a command named in argv is registered in full, so the placeholder
    is never parsed with). That takes argparse's private ``_choices_actions`` and
    ``_ChoicesPseudoAction`` -- what ``add_parser`` does with them -- so when they are not there,
    ``add_parser`` is used: the same help and the same usage errors (a test compares the two)."""
    choices_actions = getattr(sub, "_choices_actions", None)
    pseudo_action = getattr(sub, "_ChoicesPseudoAction", None)
    if isinstance(choices_actions, list) and pseudo_action is not None:
        sub.choices[name] = placeholder
        choices_actions.append(pseudo_action(name, (), help_line))
    else:
        _list_with_add_parser(sub, name, help_line, placeholder)


def _list_with_add_parser(sub: Any, name: str, help_line: str, placeholder: argparse.ArgumentParser) -> None:
    """``_list_only`` through argparse's public ``add_parser`` (a parser that is never used)."""
    sub.add_parser(name, help=help_line, add_help=False)


def _usage_error(argv: Sequence[str], message: str) -> None:
    """Tell the command a usage error happened, if it wants to know (``usage_error(argv, message)``
    in its module: ``query --format json`` answers it with a JSON document too)."""
    word = _command_word(argv)
    module = next((module for name, module, _ in COMMAND_INDEX if name == word), None)
    hook = getattr(command_module(module), "usage_error", None) if module is not None else None
    if hook is not None:
        hook(argv, message)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if list(argv) == ["--version"]:  # the hook's and CI's probe: answered before argparse is built
        print(f"privacy-dsl {__version__}")
        return EXIT_OK
    if list(argv) in (["--help"], ["-h"]) and terminal_columns() == HELP_WIDTH:
        sys.stdout.write(HELP)  # what argparse writes (a test checks), without argparse
        raise SystemExit(EXIT_OK)  # as argparse's --help does
    parser = build_parser(argv)
    from .usage import UsageExit  # loaded by build_parser

    try:
        args = parser.parse_args(argv)
    except UsageExit as exc:
        _usage_error(argv, exc.message)
        raise
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
        from ..lint.config import ConfigError

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
    try:
        code = main()
    except SystemExit as exc:  # argparse's --help and usage errors: the same exit, without the teardown
        code = _exit_code(exc.code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, a closed stream
            continue
    os._exit(code)


def _exit_code(code: object) -> int:
    """The process's exit status for ``SystemExit(code)``, as Python gives it (a text is printed)."""
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    entry()
