"""``privacy-dsl verify-cookies POLICY --har FILE``: the declared cookies against observed traffic."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, choose_format, load_config, wants_color, write_job_summary
from .lint import FORMATS  # the reporters own this list; lint keeps a checked copy so --help stays light

_EPILOG = """\
codes:
  VC001 undeclared-cookie                error   observed, not declared (the hint holds a declaration)
  VC002 expiry-longer-than-declared      error   observed lifetime longer than the declared expiry
  VC003 persistent-declared-session      error   declared `expiry session`, set with an expiry
  VC004 third-party-declared-first-party error   declared `party first`, set or read by another site
  VC005 set-before-consent               error   needs consent, set or read before any consent choice
  VC006 declared-not-observed            info    declared, never seen in the capture
  VC007 set-after-reject                 error   needs consent, set after the user rejected (--after-reject)
  VC008 sent-after-reject                warning needs consent, still sent after the user rejected
  VC100-VC104: problems with the capture (`privacy-dsl explain VC101`)

exit codes:
  0  no findings at or above the fail level
  1  findings
  2  unusable input (unreadable capture or policy), or usage error

examples:
  privacy-dsl verify-cookies policies/acme --har www.acme.example.har
  privacy-dsl verify-cookies policies/acme --har output/inspection.json
  privacy-dsl verify-cookies policies/acme --cookies cookies.txt --first-party acme.example
  curl -sD- -o /dev/null https://acme.example/ > headers.txt
  privacy-dsl verify-cookies policies/acme --set-cookie headers.txt --first-party acme.example
  privacy-dsl verify-cookies policies/acme --har visit.har --consent-marker 'POST .*/consent'

judging a choice (a HAR or an inspection.json recorded without consenting):
  privacy-dsl verify-cookies policies/acme --before-consent first-visit.har
  privacy-dsl verify-cookies policies/acme --after-reject after-reject.har
  privacy-dsl verify-cookies policies/acme --after-reject visit.har --consent-marker 'choice=reject'
  --before-consent: every cookie in it is before any choice (VC005, as --pre-consent all).
  --after-reject: from the first request matching --consent-marker (what precedes it is before
  any choice: VC005), else the whole capture, is after the rejection: a cookie needing consent
  set there is VC007, one only sent there VC008. A Playwright script that records both:
  https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/examples/record_after_reject.py

How captures are read, and the pre-consent window:
https://github.com/privacy-dsl/privacy-dsl/blob/main/docs/verify-cookies.md
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "verify-cookies", help="check the declared cookies against what a browser recorded",
        description="Compare a policy's declared cookies with the cookies a browser observed: a HAR file "
        "(browser devtools, the EDPS website-evidence-collector), the collector's inspection.json, a "
        "Netscape cookies.txt, or raw Set-Cookie "
        "headers. Reports cookies observed but not declared, lifetimes and parties that differ from the "
        "declaration, cookies needing consent set before any consent choice or after the user rejected, and "
        "declared cookies never seen.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("policy", type=Path, metavar="POLICY", help="a policy directory or one of its files")
    p.add_argument("--har", type=Path, action="append", default=[], metavar="FILE",
                   help="a HAR file, or the EDPS website-evidence-collector's inspection.json (recognised by its "
                   "content) (repeatable)")
    p.add_argument("--before-consent", type=Path, action="append", default=[], metavar="FILE",
                   help="a HAR or inspection.json recorded before any consent choice: every cookie in it counts "
                   "as set before consent (VC005), whatever --pre-consent and --consent-marker say (repeatable)")
    p.add_argument("--after-reject", type=Path, action="append", default=[], metavar="FILE",
                   help="a HAR or inspection.json recorded after clicking reject: from the first request matching "
                   "--consent-marker, else all of it, is after the rejection; cookies needing consent set there "
                   "are VC007, sent there VC008 (repeatable)")
    p.add_argument("--cookies", type=Path, action="append", default=[], metavar="FILE",
                   help="a Netscape cookies.txt (curl, wget, browser extensions) (repeatable)")
    p.add_argument("--set-cookie", type=Path, action="append", default=[], metavar="FILE",
                   help="raw response headers or Set-Cookie lines, e.g. from `curl -sD-` (repeatable)")
    p.add_argument("--first-party", action="append", default=[], metavar="SITE",
                   help="a domain or origin of the site (repeatable); default: the HAR's first page, the policy's "
                   "url and the controller's website. An origin with a port (http://127.0.0.1:8001) also "
                   "requires the port")
    p.add_argument("--consent-marker", action="append", default=[], metavar="REGEX",
                   help="a request whose 'METHOD URL' or body matches records a consent choice: the pre-consent "
                   "window ends there (repeatable)")
    p.add_argument("--pre-consent", choices=("first-load", "first-page", "all", "none"), default=None,
                   help="which observations count as before consent: the HAR's first page up to its load event "
                   "(first-load, the default for HAR), the whole first page, everything (all: a capture made "
                   "without consenting, the default for an inspection.json), or nothing (none, the default for "
                   "cookies.txt and headers)")
    p.add_argument("--captured-at", metavar="TIME", help="when a cookies.txt or header file was captured (ISO 8601; "
                   "default: the file's modification time for cookies.txt, now for headers)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="output format (default: github when GITHUB_ACTIONS=true, else full)")
    p.add_argument("--write-suggestions", type=Path, metavar="FILE",
                   help="write the declarations suggested for undeclared cookies (VC001) to FILE, as `fmt` "
                   "writes them: a new .privacy file in the policy directory declares them on the next run "
                   "(a file of the policy is never written over; with nothing to suggest, nothing is written)")
    p.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: searched upward)")
    p.add_argument("--ignore", dest="ignore_codes", metavar="CODES",
                   help="comma-separated VC codes not to report (e.g. VC006)")
    p.add_argument("--fail-level", choices=("error", "warning", "info"), default="info",
                   help="lowest severity that makes the exit code 1 (default: info, i.e. any finding, as in "
                   "`lint`; `warning` lets VC006 alone pass)")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings (still 2 on bad input)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour in the full format (auto: on a terminal, unless NO_COLOR is set or TERM=dumb; "
                        "FORCE_COLOR turns it on)")
    p.set_defaults(run=run)


def _usage(message: str) -> int:
    print(f"privacy-dsl verify-cookies: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def run(args: argparse.Namespace) -> int:
    from ...diagnostics import Diagnostic, Severity
    from ...interop.observed import Choice, read_cookies_txt, read_har, read_set_cookie
    from ...interop.verify import VerifyOptions, verify
    from ...language.sources import discover, display_path
    from ...lint.catalogue import codes
    from ...lint.engine import lint_policy
    from ...outputs.reporters import Report, code_info, render

    if not (args.har or args.cookies or args.set_cookie or args.before_consent or args.after_reject):
        return _usage("give at least one capture: --har FILE, --before-consent FILE, --after-reject FILE, "
                      "--cookies FILE or --set-cookie FILE")
    markers = []
    for text in args.consent_marker:
        try:
            markers.append(re.compile(text))
        except re.error as exc:
            return _usage(f"--consent-marker {text!r} is not a regular expression: {exc}")
    captured_at = None
    if args.captured_at:
        try:
            captured_at = dt.datetime.fromisoformat(args.captured_at.replace("Z", "+00:00"))
        except ValueError:
            return _usage(f"--captured-at {args.captured_at!r} is not an ISO 8601 time (2026-11-25T10:00:00Z)")
        if captured_at.tzinfo is None:
            captured_at = captured_at.replace(tzinfo=dt.UTC)
        try:
            captured_at = captured_at.astimezone(dt.UTC)
        except OverflowError:
            return _usage(f"--captured-at {args.captured_at!r} is outside the years 1-9999 in UTC")
    ignore = {c.strip().upper() for c in (args.ignore_codes or "").split(",") if c.strip()}
    known = {c.code for c in codes("verify")}
    unknown = sorted(c for c in ignore if c not in known)
    if unknown:
        return _usage(f"--ignore names no verify-cookies code: {', '.join(unknown)} (see `--help`)")

    config = load_config(args, paths=[args.policy])
    found = discover([args.policy])
    diagnostics: list[Diagnostic] = list(found.problems)
    sources: dict[str, str] = {}
    files = 0
    if len(found.policies) > 1:
        return _usage(f"`{args.policy}` holds {len(found.policies)} policies; give one policy directory")
    policy = None
    if args.write_suggestions is not None and found.policies:
        refused = _overwrites_policy(args.write_suggestions, found.policies[0].files)
        if refused is not None:
            return _usage(refused)
    if found.policies:
        result = lint_policy(found.policies[0], config, rules=[])
        sources.update(result.sources)
        files += len(result.sources)
        diagnostics.extend(d for d in result.diagnostics if d.fatal)
        policy = result.policy

    captures = []
    limit = config.max_capture_bytes
    for path in args.har:
        # None: each kind's default (first-load for a HAR, all for an inspection.json)
        captures.append(read_har(path, display_path(path), pre_consent=args.pre_consent,
                                 consent_markers=markers, max_bytes=limit))
    chosen: tuple[tuple[Choice, list[Path]], ...] = (("none", args.before_consent), ("rejected", args.after_reject))
    for choice, paths in chosen:
        for path in paths:
            captures.append(read_har(path, display_path(path), consent_markers=markers, max_bytes=limit,
                                     choice=choice))
    for path in args.cookies:
        captures.append(read_cookies_txt(path, display_path(path), captured_at=captured_at,
                                         pre_consent=args.pre_consent or "none", max_bytes=limit))
    for path in args.set_cookie:
        captures.append(read_set_cookie(path, display_path(path), captured_at=captured_at,
                                        pre_consent=args.pre_consent or "none", max_bytes=limit))
    for capture in captures:
        files += 1
        if capture.text is not None:
            sources[capture.path] = capture.text
    if policy is None or any(c.fatal for c in captures):
        diagnostics.extend(d for c in captures for d in c.problems)
    else:
        diagnostics.extend(verify(policy, captures, VerifyOptions(first_party=tuple(args.first_party),
                                                                  ignore=frozenset(ignore))))
    diagnostics.sort(key=Diagnostic.sort_key)

    stream = sys.stdout
    color = wants_color(args.color, stream)
    infos = tuple(code_info(c) for c in codes("verify") if c.code not in ignore)
    fail = Severity.parse(args.fail_level)
    report = Report(diagnostics, sources, files, color, rules=infos, fail_level=fail)
    fmt_name = choose_format(args.format)
    stream.write(render(fmt_name, report))
    if fmt_name == "github":
        write_job_summary(report)
    vc001 = (dict(d.args) for d in diagnostics if d.code == "VC001")
    suggestions = [a["suggestion"] for a in vc001 if "suggestion" in a]
    if suggestions and fmt_name == "full":
        stream.write(_suggestions_section(suggestions))
    if args.write_suggestions is not None and suggestions:
        failed = _write_suggestions(args.write_suggestions, suggestions)
        if failed is not None:
            return _usage(failed)
    elif args.write_suggestions is not None and not any(d.fatal for d in diagnostics):
        # an empty file in the policy directory would be a file without declarations (E004)
        print(f"privacy-dsl verify-cookies: no undeclared cookie to suggest; {str(args.write_suggestions)!r} "
              "is not written", file=sys.stderr)
    if any(d.fatal for d in diagnostics):
        return EXIT_ERROR
    if not args.exit_zero and any(d.severity >= fail for d in diagnostics):
        return EXIT_FINDINGS
    return EXIT_OK


def _suggestions_section(suggestions: list[str]) -> str:
    """The suggested declarations after a full report, in ``fmt`` layout, ready to paste."""
    from ...diagnostics import printable_document

    head = (f"\n{len(suggestions)} suggested declaration(s), as `privacy-dsl fmt` writes them (check the "
            "category, add `purpose` and `consent`):\n\n")
    return head + printable_document("\n\n".join(suggestions)) + "\n"


def _overwrites_policy(path: Path, files: list[Path]) -> str | None:
    """Why ``--write-suggestions`` must not write ``path``: it is a file of the policy being verified
    (suggestions are only for cookies no file declares, so writing them over the file that declares
    the others, from an earlier run, would lose those declarations)."""
    from ...atomic import overwrites_input

    refused = overwrites_input(path, files, "a file of the policy being verified")
    if refused is None:
        return None
    return (f"--write-suggestions {str(path)!r}: {refused.strerror}, with the declarations it holds "
            "(the suggestions are only for cookies no file declares yet); give a new file name, and move "
            "what you keep of it into the policy")


def _write_suggestions(path: Path, suggestions: list[str]) -> str | None:
    """Write the suggestions to ``path`` (atomically); the reason when it cannot be written."""
    from ...atomic import atomic_write_text

    text = "".join(f"{block}\n" if i == 0 else f"\n{block}\n" for i, block in enumerate(suggestions))
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        hint = getattr(exc, "hint", None)
        return f"--write-suggestions {str(path)!r}: {exc.strerror or exc}" + (f" ({hint})" if hint else "")
    return None
