"""``privacy-dsl import fides FILE``: a fides (fideslang) manifest as policy-language text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_ERROR, EXIT_OK, load_config

_EPILOG = """\
What became of each part of the manifest (organization, system, dataset, policy) is said on
standard error. fides `policy:` rules are tests of a policy: with --tests they become `deny`
expectations of a .privacy-test file where they map (`privacy-dsl test` runs them); a rule that
does not map is a comment there, with the reason.

exit codes:
  0  converted
  2  the file cannot be read (E081: not a regular file, over `max-manifest-bytes`, not UTF-8), is not valid
     YAML or not a fides manifest (E081); it holds nothing a policy can be made of (E082: only `policy:`
     rules, say; nothing is written); PyYAML is missing; or usage error

examples:
  privacy-dsl import fides fides/system.yml -o policies/acme/imported.privacy
  privacy-dsl import fides manifest.yml --lang en          texts as { en "..." }
  privacy-dsl import fides manifest.yml -o policies/acme/imported.privacy --tests policies/acme/fides.privacy-test

Reading YAML needs PyYAML: pip install 'privacy-dsl[fides]'.
The mapping: https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/interop.md
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import", help="convert a fides (fideslang) manifest into .privacy text",
        description="Read a fides manifest (fideslang YAML: organization, systems and their privacy declarations, "
        "custom data categories and subjects) and write the equivalent policy-language text, formatted. What "
        "fides does not say (rights, complaints authority, how consent is asked) is not invented: comments in "
        "the output say what to add, and `privacy-dsl lint` reports what is missing.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source", choices=("fides",), help="the format of FILE (only fides for now)")
    p.add_argument("file", type=Path, metavar="FILE", help="the manifest (`-` for standard input)")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="write the .privacy text to FILE (atomically) instead of standard output")
    p.add_argument("--lang", metavar="LANG", help="write texts as localised text in LANG: { LANG \"...\" }")
    p.add_argument("--tests", type=Path, metavar="FILE",
                   help="write the policy tests made from the manifest's fides `policy:` rules to FILE "
                        "(a .privacy-test file beside the policy)")
    p.add_argument("--config", type=Path, metavar="FILE", help="configuration file, for `max-manifest-bytes` "
                   "(default: searched upward)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ...bounded import ReadRefused, read_bounded, read_stream_bounded
    from ...diagnostics import bound_message, printable
    from ...interop.importer import ImportProblem, YamlMissing, import_fides, load_yaml
    from . import write_output

    if args.lang is not None and not _is_lang(args.lang):
        print(f"privacy-dsl import: `{args.lang}` is not a language tag such as `nb` or `en`", file=sys.stderr)
        return EXIT_ERROR
    shown = "<stdin>" if str(args.file) == "-" else str(args.file)
    limit = load_config(args).max_manifest_bytes
    hint = "raise `max-manifest-bytes` in [tool.privacy-dsl] if the manifest is genuine"
    try:
        if shown == "<stdin>":
            data = read_stream_bounded(sys.stdin.buffer, limit, limit_hint=hint)
        else:
            data = read_bounded(args.file, limit, limit_hint=hint)
        text = data.decode("utf-8-sig")
    except ReadRefused as exc:
        print(f"privacy-dsl import: E081 {printable(shown)}: {exc.reason}\n  = hint: {exc.hint}", file=sys.stderr)
        return EXIT_ERROR
    except UnicodeDecodeError as exc:
        print(f"privacy-dsl import: E081 {printable(shown)}: invalid UTF-8 at byte offset {exc.start}\n"
              "  = hint: save the manifest as UTF-8", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # standard input closed or unreadable
        print(f"privacy-dsl import: E081 {printable(shown)}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        manifest = load_yaml(text, shown)
        done = import_fides(manifest, lang=args.lang, source=Path(shown).name)
    except YamlMissing as exc:
        print(f"privacy-dsl import: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except ImportProblem as exc:
        print(f"privacy-dsl import: E081 {printable(bound_message(str(exc)))}", file=sys.stderr)
        return EXIT_ERROR
    for part in done.parts:  # what became of each part; parts and notes quote the manifest: data
        print(f"privacy-dsl import: {printable(bound_message(part))}", file=sys.stderr)
    for note in done.notes:
        print(f"privacy-dsl import: note: {printable(bound_message(note))}", file=sys.stderr)
    if done.empty is not None:
        print(f"privacy-dsl import: E082 {printable(shown)}: nothing to import: {done.empty}; nothing written\n"
              "  = hint: a manifest of fides `policy:` rules goes with the systems it judges: import them together",
              file=sys.stderr)
        return EXIT_ERROR
    inputs = [] if shown == "<stdin>" else [args.file]  # the manifest is never written over
    what = "the manifest being imported"
    if not write_output(done.policy, args.output, inputs, what):
        return EXIT_ERROR
    if done.tests is None:
        if args.tests is not None:
            print(f"privacy-dsl import: the manifest has no fides policy rules: {args.tests} not written",
                  file=sys.stderr)
        return EXIT_OK
    if args.tests is None:
        print("privacy-dsl import: note: the fides policy rules became policy tests: write them with --tests FILE",
              file=sys.stderr)
        return EXIT_OK
    if args.output is not None and args.tests.resolve() == args.output.resolve():
        print("privacy-dsl import: --tests and --output name the same file", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK if write_output(done.tests, args.tests, [*inputs, *([args.output] if args.output else [])],
                                   what) else EXIT_ERROR


def _is_lang(tag: str) -> bool:
    import re

    return re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", tag) is not None
