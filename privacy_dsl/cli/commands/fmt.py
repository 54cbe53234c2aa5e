"""``privacy-dsl fmt``: rewrite .privacy files in the canonical layout (docs/formatting.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, default_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ...diagnostics import Diagnostic

_EPILOG = """\
exit codes:
  0  every file is formatted (or was reformatted now)
  1  --check or --diff: some file would be reformatted
  2  a file could not be read or does not parse (it is left untouched), or usage error

examples:
  privacy-dsl fmt                         format policies/ (or the current directory) in place
  privacy-dsl fmt --check                 CI and pre-commit: fail when a file is not formatted
  privacy-dsl fmt --diff policies/acme    show what would change, change nothing
  privacy-dsl fmt - < in.privacy          read standard input, write standard output

The layout has no options; its rules (statement order, comments, blank lines, quoting, line
width 120) are in https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/formatting.md.
Line endings and a byte-order mark are kept.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "fmt", help="format .privacy files in the canonical layout",
        description="Rewrite .privacy files in the canonical layout: statement order, indentation, "
        "spacing, quoting and line breaks; every comment is kept where it belongs. Files are written "
        "atomically and only when they change; a file that does not parse is never written.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help=".privacy files or directories (searched recursively), or `-` for standard input "
                   "(default: policies/ if it exists, else the current directory)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; list the files that would change and exit 1 if there are any")
    p.add_argument("--diff", action="store_true",
                   help="write nothing; print a unified diff of what would change and exit 1 if anything would")
    p.add_argument("--quiet", "-q", action="store_true", help="print only errors (and the diff)")
    p.set_defaults(run=run)


def collect(paths: list[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """The .privacy files under ``paths`` (a file given stands for itself alone) and the problems.

    Found the way ``lint`` finds them (``sources.discover``), and read the same way: a link that
    leads out of its policy directory is refused (E007) by ``read_source``, so it is never read,
    and never written through.
    """
    from ...language.sources import discover

    found = discover(paths, whole_policy=False)
    files: list[Path] = []
    seen: set[str] = set()
    for policy in found.policies:
        for path in policy.files:
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files, found.problems


def unified_diff(before: str, after: str, path: str) -> str:
    import difflib

    from ...diagnostics import printable_document

    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    if a and not a[-1].endswith(("\n", "\r")):
        a[-1] += "\n\\ No newline at end of file\n"
    # Printed to a terminal or a CI log: the policy's text never carries a control character there.
    return printable_document("".join(difflib.unified_diff(a, b, f"a/{path}", f"b/{path}")))


def run(args: argparse.Namespace) -> int:
    from ...atomic import ConcurrentModification, atomic_write_text
    from ...language.sources import display_path, link_problem, read_source
    from ...outputs.fmt import FormatterBug, format_text
    from ...outputs.reporters import Report, render

    dry = args.check or args.diff
    info = sys.stderr if args.diff else sys.stdout

    def say(message: str) -> None:
        if not args.quiet:
            print(message, file=info)

    if args.paths == ["-"]:
        return _run_stdin(args)
    if "-" in args.paths:
        print("privacy-dsl fmt: `-` (standard input) cannot be combined with other paths", file=sys.stderr)
        return EXIT_ERROR
    files, problems = collect(default_paths([Path(p) for p in args.paths]))
    errors: list[Diagnostic] = list(problems)
    sources: dict[str, str] = {}
    changed = unchanged = failed = 0
    for path in files:
        source = read_source(path)
        if source.text is None:
            errors.extend(source.diagnostics)
            failed += 1
            continue
        shown = display_path(path)
        try:
            result = format_text(source.text, shown)
        except FormatterBug as exc:
            print(f"privacy-dsl: internal error: {exc}\nThe file is left unchanged. This is a bug in "
                  "privacy-dsl, not in your policy; please report it with the file.", file=sys.stderr)
            failed += 1
            continue
        if result.output is None:
            errors.extend(result.diagnostics)
            sources[shown] = source.text
            failed += 1
            continue
        if not result.changed:
            unchanged += 1
            continue
        changed += 1
        if args.diff:
            sys.stdout.write(unified_diff(source.text, result.output, shown))
        if args.check:
            say(f"Would reformat: {shown}")
        if dry:
            continue
        refused = link_problem(path)  # checked again: the link may have been changed since it was read
        if refused is not None:
            errors.append(refused)
            failed += 1
            changed -= 1
            continue
        try:
            atomic_write_text(path, result.output, if_unchanged=source.text.encode("utf-8"))
        except ConcurrentModification:
            print(f"privacy-dsl fmt: {shown} changed while it was being formatted; left as it is", file=sys.stderr)
            failed += 1
            changed -= 1
            continue
        except OSError as exc:
            hint = getattr(exc, "hint", None)
            print(f"privacy-dsl fmt: cannot write {shown}: {exc.strerror or exc}"
                  + (f"\n  hint: {hint}" if hint else ""), file=sys.stderr)
            failed += 1
            changed -= 1
            continue
        say(f"Reformatted: {shown}")
    if errors:
        sys.stderr.write(render("full", Report(errors, sources, len(files), quiet=True)))
    say(_summary(changed, unchanged, failed, dry))
    if failed or problems:
        return EXIT_ERROR
    return EXIT_FINDINGS if dry and changed else EXIT_OK


def _plural(n: int) -> str:
    return f"{n} file{'' if n == 1 else 's'}"


def _summary(changed: int, unchanged: int, failed: int, dry: bool) -> str:
    parts = []
    if changed:
        parts.append(f"{_plural(changed)} {'would be reformatted' if dry else 'reformatted'}")
    if unchanged:
        parts.append(f"{_plural(unchanged)} {'already formatted' if dry else 'left unchanged'}")
    if failed:
        parts.append(f"{_plural(failed)} could not be formatted")
    return ", ".join(parts) + "." if parts else "No files to format."


def _run_stdin(args: argparse.Namespace) -> int:
    from ...outputs.fmt import format_text
    from ...outputs.reporters import Report, render

    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    try:
        text = data.decode("utf-8")  # bytes, not a text stream: keep CRLF line endings as they are
    except UnicodeDecodeError as exc:
        print(f"privacy-dsl fmt: <stdin>: invalid UTF-8 at byte offset {exc.start}", file=sys.stderr)
        return EXIT_ERROR
    result = format_text(text, "<stdin>")
    if result.output is None:
        sys.stderr.write(render("full", Report(list(result.diagnostics), {"<stdin>": text}, 1, quiet=True)))
        return EXIT_ERROR
    if args.diff:
        sys.stdout.write(unified_diff(text, result.output, "<stdin>"))
    elif not args.check:
        if hasattr(sys.stdout, "buffer"):
            sys.stdout.flush()
            sys.stdout.buffer.write(result.output.encode("utf-8"))
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(result.output)
    return EXIT_FINDINGS if (args.check or args.diff) and result.changed else EXIT_OK
