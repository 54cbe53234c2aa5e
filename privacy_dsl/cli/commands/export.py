"""``privacy-dsl export``: the resolved policy as JSON, as fideslang-compatible YAML (fides), or as the
configuration of a consent banner (Klaro!, CookieConsent: ``interop/banner.py``), or as the record of
processing activities of GDPR Art. 30 (ropa: CSV, XLSX, Markdown, HTML: ``interop/ropa.py``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, blocking, load_one_policy, write_output

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ...lint.loader import Loaded

_EPILOG = """\
exit codes:
  0  exported
  1  --format fides: something in the policy has no place in fides (a purpose without a `use` is left
     out; reported on standard error); nothing is written unless --allow-missing
     --format ropa: an item GDPR Art. 30 requires is not stated in the policy (reported on standard
     error; its cell would read "not stated"); nothing is written unless --allow-missing. Items asked
     for "where possible" (erasure periods, security measures) are warnings: written, exit 0
     --format klaro|cookieconsent: the policy declares no cookies (EXP034); nothing is written
  2  the policy cannot be used (syntax error, undeclared names, ...), or usage error (also:
     --ropa-format xlsx without openpyxl: pip install 'privacy-dsl[xlsx]'; --template other than
     article30 or ico)

examples:
  privacy-dsl export policies/acme --format json -o acme.json
  privacy-dsl export policies/acme --format fides --lang en -o fides/acme.yml
  fides evaluate fides/                  (the fides CLI reads the manifest as it is)
  privacy-dsl export policies/acme --format klaro -o site/klaro-config.js
  privacy-dsl export policies/acme --format cookieconsent --lang en,nb -o site/cookieconsent-config.js
  privacy-dsl export policies/acme --format ropa --ropa-format xlsx --lang nb -o protokoll.xlsx
  privacy-dsl export policies/acme --format ropa --ropa-format csv --record processor -o processor.csv
  privacy-dsl export policies/acme --format ropa --template ico --ropa-format xlsx -o ropa-ico.xlsx
  privacy-dsl export policies/acme --format ropa --ropa-format markdown --allow-missing   (gaps say "not stated")

consent banners (Klaro! 0.7.22, CookieConsent 3.1.0): strictly necessary cookies are always on, every
other category is off until the visitor opts in, and "reject all" stands beside "accept all". A policy
whose cookie consent the linter rejects (browser settings, continued browsing, opt-out, no reject
button) still gets a banner that asks properly; each difference is reported on standard error
(EXP030, EXP031) and the exit code is 0: correct the policy once the banner is live.
How to include the file in a page: https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/banner.md

--format ropa is the record of processing activities (GDPR Art. 30); --template ico gives the controller's
record the ICO template's columns (the same findings: one per missing Art. 30 item), see
https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/ropa.md

See https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/interop.md for the mapping onto fideslang resources.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export", help="export the policy as JSON, a fides manifest, a consent banner or the Art. 30 record",
        description="Export a policy: `json` is the resolved model (the shape `privacy-dsl schema` describes); "
        "`fides` is a fideslang-compatible YAML manifest (organization, systems with privacy declarations, "
        "data subjects) for Ethyca's fides and other tools that read fideslang; `klaro` and `cookieconsent` "
        "are the JavaScript configuration of a consent banner (Klaro!, orestbida/cookieconsent v3) with every "
        "declared cookie in its category, in every language the policy declares; `ropa` is the record of "
        "processing activities of GDPR Art. 30 (the controller's, one row per purpose, and the processor's, one "
        "row per `processing` block) as CSV, XLSX, Markdown or HTML, in English or Norwegian (bokmål).",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("path", nargs="?", type=Path, metavar="PATH",
                   help="a policy directory or one of its files (default: policies/ if it holds one policy)")
    p.add_argument("--format", choices=("json", "fides", "klaro", "cookieconsent", "ropa"), default="json",
                   help="export format (default: json)")
    p.add_argument("--lang", metavar="LANG",
                   help="fides: the language of names and descriptions (default: the policy's first language); "
                   "klaro, cookieconsent: the banner's languages, comma-separated, the first the default (default: "
                   "the policy's languages that have a message catalogue); ropa: the language of the record, en or "
                   "nb (default: the policy's first of them, else en)")
    p.add_argument("--ropa-format", choices=("csv", "xlsx", "markdown", "html"), default="csv",
                   help="ropa: the file format of the record of processing activities (default: csv; xlsx needs "
                   "pip install 'privacy-dsl[xlsx]')")
    p.add_argument("--template", metavar="NAME", default="article30",
                   help="ropa: the column set of the controller's record: article30 (default; the items of GDPR "
                   "Art. 30(1)(a)-(g) in the article's order) or ico (the 30 columns of the ICO's Documentation "
                   "template for controllers, gdpr-documentation-controller-template.xlsx, sheet Template, row 9; "
                   "UK GDPR, the contact block above the table); the processor's record keeps the Art. 30(2) columns")
    p.add_argument("--record", choices=("controller", "processor"), default="controller",
                   help="ropa, csv: which record the CSV holds (one table per file): the controller's (Art. 30(1), "
                   "default) or the processor's (Art. 30(2)); the other formats hold both")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help="write to FILE (atomically) instead of standard output")
    p.add_argument("--allow-missing", action="store_true",
                   help="fides: write the manifest even when something could not be exported (it is still reported); "
                   "ropa: write the record with the missing Art. 30 items reading \"not stated\"")
    p.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: searched upward)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ...interop.export import dump_yaml, to_fides, to_json

    banner = args.format in ("klaro", "cookieconsent")
    langs = _banner_langs(args) if banner else []
    if langs is None:
        return EXIT_ERROR
    if args.format == "ropa":  # a usage error, whatever the policy
        from ...interop.ropa import TEMPLATES

        if args.template not in TEMPLATES:
            print(f"privacy-dsl export: error: `--template {args.template}`: no such column set for the record of "
                  f"processing (available: {', '.join(TEMPLATES)})\n  = hint: use --template article30 (the "
                  "items of GDPR Art. 30) or --template ico (the ICO's documentation template for controllers)",
                  file=sys.stderr)
            return EXIT_ERROR
    loaded = load_one_policy(args, "export")
    if loaded is None:
        return EXIT_ERROR
    policy = loaded.policy
    inputs, what = loaded.sources, "a file of the policy"  # never written over
    if args.format == "json":
        return EXIT_OK if write_output(to_json(policy), args.output, inputs, what) else EXIT_ERROR
    if banner:
        return _banner(args, loaded, langs)
    if args.format == "ropa":
        return _ropa(args, loaded)
    lang = args.lang or (policy.info.languages[0].name if policy.info and policy.info.languages else None)
    data, problems = to_fides(policy, lang)
    lost = blocking(problems, loaded.sources, args.allow_missing)
    if lost:
        print(f"privacy-dsl export: {lost} part{'s' if lost != 1 else ''} of the policy cannot be "
              "expressed in fides; nothing written. Fix them, or use --allow-missing to export without them.",
              file=sys.stderr)
        return EXIT_FINDINGS
    from ...version import __version__

    header = (f"fides manifest generated by privacy-dsl {__version__} from {policy.root}\n"
              "Edit the .privacy files, not this file: it is regenerated.")
    return EXIT_OK if write_output(dump_yaml(data, header), args.output, inputs, what) else EXIT_ERROR


def _banner_langs(args: argparse.Namespace) -> list[str] | None:
    """The banner's ``--lang`` list; None after saying which language has no catalogue (a usage error)."""
    from ...locale import available

    langs = [x.strip() for x in (args.lang or "").split(",") if x.strip()]
    unknown = [x for x in langs if x not in available()]
    if unknown:
        print(f"privacy-dsl export: error: --lang {unknown[0]}: no message catalogue for the banner's wording "
              f"(available: {', '.join(available())}; add one with scripts/regen_catalogues.py --new "
              f"{unknown[0]})", file=sys.stderr)
        return None
    return langs


def _banner(args: argparse.Namespace, loaded: Loaded, langs: list[str]) -> int:
    """``--format klaro|cookieconsent``: the banner's script (``interop/banner.py``)."""
    from ...interop.banner import export_banner

    text, problems = export_banner(loaded.policy, args.format, langs)
    if blocking(problems, loaded.sources, False):
        print("privacy-dsl export: the policy declares no cookies; no banner written.", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK if write_output(text, args.output, loaded.sources, "a file of the policy") else EXIT_ERROR


def _ropa(args: argparse.Namespace, loaded: Loaded) -> int:
    """``--format ropa``: the record of processing activities (``privacy_dsl.interop.ropa``)."""
    from ...interop import ropa

    policy = loaded.policy
    declared = [r.name for r in policy.info.languages] if policy.info else []
    lang = args.lang or next((lang for lang in declared if lang in ropa.LANGUAGES), "en")
    if lang not in ropa.LANGUAGES:
        print(f"privacy-dsl export: `--lang {lang}`: the record of processing is written in "
              f"{' or '.join(ropa.LANGUAGES)}\n  = hint: use --lang en or --lang nb", file=sys.stderr)
        return EXIT_ERROR
    if args.record == "processor" and not policy.processing:
        print("privacy-dsl export: `--record processor`: the policy declares no `processing` block, so there is no "
              "processor's record\n  = hint: see `processing` in docs/language.md", file=sys.stderr)
        return EXIT_ERROR
    record, problems = ropa.build(policy, lang, args.template)
    lost = blocking(problems, loaded.sources, args.allow_missing)
    if lost:
        print(f"privacy-dsl export: {lost} item{'s' if lost != 1 else ''} of the record of processing (GDPR Art. 30) "
              "not stated in the policy; nothing written. State them, or use --allow-missing to write the record "
              "with \"not stated\" in their cells.", file=sys.stderr)
        return EXIT_FINDINGS
    inputs, what = loaded.sources, "a file of the policy"
    if args.ropa_format == "csv" and args.record == "controller" and policy.processing:
        print("privacy-dsl export: note: the CSV holds the controller's record; the policy also has a processor's "
              "record (`processing` blocks): write it with --record processor", file=sys.stderr)
    if args.ropa_format != "xlsx":
        text = {"csv": lambda: ropa.to_csv(record, args.record), "markdown": lambda: ropa.to_markdown(record),
                "html": lambda: ropa.to_html(record)}[args.ropa_format]()
        return EXIT_OK if write_output(text, args.output, inputs, what) else EXIT_ERROR
    try:
        data = ropa.to_xlsx(record)
    except ropa.MissingOpenpyxl:
        print("privacy-dsl export: `--ropa-format xlsx` needs openpyxl, which is not installed\n"
              "  = hint: pip install 'privacy-dsl[xlsx]' (or write csv, markdown or html)", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK if write_output(data, args.output, inputs, what) else EXIT_ERROR
