"""``privacy-dsl notice``: the privacy notice and cookie table, generated from the policy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...locale import available
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, blocking, load_one_policy, write_output

_EPILOG = """\
exit codes:
  0  the notice was written
  1  text is missing in the chosen language (reported on standard error); nothing is written
     unless --allow-missing
  2  the policy cannot be used (syntax error, undeclared names, ...), or usage error

examples:
  privacy-dsl notice policies/acme --lang nb                     Markdown on standard output
  privacy-dsl notice policies/acme --lang en --format html -o site/privacy.html
  privacy-dsl notice policies/acme --lang en --allow-missing     write it even with gaps

languages: {languages}: one message catalogue each (privacy_dsl/locale/<lang>/LC_MESSAGES/notice.po).
The fixed wording comes from the catalogue; the policy's own text (names aside) from its localised
texts, `{{ nb "..." en "..." }}`.

What the notice contains and how missing translations are reported:
https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/notice.md
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "notice", help="generate the privacy notice and cookie table (Markdown or HTML)",
        description="Generate the human-readable privacy notice (GDPR Art. 13/14 structure) and the cookie "
        "table from a policy, in one of the languages that have a message catalogue, as Markdown or as a "
        "standalone accessible HTML page. Fixed wording comes from the catalogue; the policy's own text "
        "comes from its localised texts, and a missing translation is reported, never silently filled.",
        epilog=_EPILOG.format(languages=", ".join(available())), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", nargs="?", type=Path, metavar="PATH",
                   help="a policy directory or one of its files (default: policies/ if it holds one policy)")
    p.add_argument("--lang", required=True, choices=available(), metavar="LANG",
                   help=f"language of the notice: {', '.join(available())} (a language without a catalogue is a "
                   "usage error, exit 2)")
    p.add_argument("--format", choices=("md", "html"), default="md", help="output format (default: md)")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="write to FILE (atomically) instead of standard output")
    p.add_argument("--allow-missing", action="store_true",
                   help="write the notice even when the policy's text is missing in the chosen language: the gaps "
                   "are still reported on standard error, the exit code is 0, and text taken from another "
                   "language is marked with its language (lang=\"nb\" in HTML, *(nb)* in Markdown)")
    p.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: searched upward)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ...diagnostics import printable_document
    from ...outputs.notice import build, render

    loaded = load_one_policy(args, "write a notice of")
    if loaded is None:
        return EXIT_ERROR
    notice, problems = build(loaded.policy, args.lang)
    missing = blocking(problems, loaded.sources, args.allow_missing)
    if missing:
        print(f"privacy-dsl notice: {missing} text{'s are' if missing != 1 else ' is'} missing in "
              f"`{args.lang}`; nothing written. Add the translations, or use --allow-missing to write the "
              "notice with the gaps marked.", file=sys.stderr)
        return EXIT_FINDINGS
    # The notice is published and often printed: policy text never carries a control character there.
    text = printable_document(render(notice, args.format))
    written = write_output(text, args.output, loaded.sources, "a file of the policy")
    return EXIT_OK if written else EXIT_ERROR
