"""The argument parser class of every ``privacy-dsl`` command."""

from __future__ import annotations

import argparse
import sys

from .commands import EXIT_ERROR, terminal_columns


class UsageExit(SystemExit):
    """A usage error: the usage and ``message`` are on standard error; the exit code is 2."""

    def __init__(self, message: str) -> None:
        super().__init__(EXIT_ERROR)
        self.message = message


class UsageParser(argparse.ArgumentParser):
    """argparse, but usage errors exit with 2 (``UsageExit``) and say where to find help."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        # The width is given, so that argparse does not import shutil (bz2, lzma, ...) for it:
        # a few ms of every `--help`. Same rule as shutil.get_terminal_size.
        return self.formatter_class(prog=self.prog, width=terminal_columns() - 2)  # type: ignore[call-arg]

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n(run `{self.prog} --help` for help)\n")
        raise UsageExit(message)
