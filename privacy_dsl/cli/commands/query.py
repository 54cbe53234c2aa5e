"""``privacy-dsl query``: ask a policy which uses of personal data it allows.

Questions: ``purposes``, ``categories``, ``can``, ``cookies``, ``recipients``, ``transfers``. Each
reads the policy given by ``--policy``, else the configured ``policy``, else the only policy under
``policies/``; each has ``--format json`` (shapes in docs/query.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, load_config

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ...lint.config import Config
    from ...query.engine import Decision, PolicyHandle

_EPILOG = """\
exit codes:
  0  answered (for `can`: allowed)
  1  `can` only: not allowed
  2  unknown names (with suggestions), no usable policy, bad configuration or usage error

examples:
  privacy-dsl query can newsletter email name          may the newsletter use e-mail and name?
  privacy-dsl query can marketing user.contact.phone   any marketing purpose allowed phone numbers?
  privacy-dsl query purposes --category user.device.ip_address
  privacy-dsl query categories --purpose newsletter
  privacy-dsl query cookies --needs-consent --party third
  privacy-dsl query recipients --country US --format json
  privacy-dsl query transfers --policy policies/acme

Names: a purpose id or a fideslang data-use key (`marketing` covers every purpose whose use is under
it); a category id or a fideslang data-category key (`user.contact` covers e-mail, phone, ...).
The policy: --policy PATH, else `policy` in [tool.privacy-dsl], else the only policy under policies/.
"""


_QUESTIONS = ("can", "purposes", "categories", "cookies", "recipients", "transfers")


class QueryUsageError(Exception):
    """No usable policy to query: the message says what to do."""


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--policy", type=Path, metavar="PATH",
                        help="the policy directory (default: `policy` in the configuration, else the only "
                        "policy under policies/)")
    common.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    common.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: searched upward)")
    return common


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "query", help="ask a policy which uses of personal data it allows",
        description="Ask a policy questions: which purposes may use a category, which categories a purpose "
        "may use, whether a use is allowed (with the reason and the policy line), which cookies need consent, "
        "which recipients and transfers there are. Never says yes to something the linter rejects.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    questions = p.add_subparsers(dest="question", metavar="QUESTION", parser_class=type(p))
    common = _common()

    q = questions.add_parser("can", parents=[common], help="may PURPOSE use CATEGORY...? (exit 0 yes, 1 no)",
                             description="A verdict with its reasons and the policy lines they rest on; the "
                             "conditions an allowed use is subject to. Exit 0 allowed, 1 not allowed, 2 unknown "
                             "names.")
    q.add_argument("purpose", metavar="PURPOSE", help="a purpose id or a data-use key (e.g. marketing)")
    q.add_argument("categories", nargs="+", metavar="CATEGORY",
                   help="category ids or data-category keys (e.g. email, user.contact)")
    q.add_argument("--subject", metavar="SUBJECT", help="for this data subject (a subject id)")
    q.add_argument("--recipient", metavar="RECIPIENT", help="disclosed to this recipient (a recipient id)")
    q.set_defaults(run=run, answer=_can)

    q = questions.add_parser("purposes", parents=[common], help="which purposes may use a category?",
                             description="Every purpose that lists the category (or a category under the "
                             "taxonomy key), with its legal basis, conditions, retention and recipients.")
    q.add_argument("--category", required=True, metavar="CATEGORY", help="a category id or a data-category key")
    q.add_argument("--subject", metavar="SUBJECT", help="only purposes that apply to this subject")
    q.set_defaults(run=run, answer=_purposes)

    q = questions.add_parser("categories", parents=[common], help="which categories may a purpose use?",
                             description="The categories a purpose lists (for a data-use key: every purpose "
                             "under it), and whether the purpose is allowed.")
    q.add_argument("--purpose", required=True, metavar="PURPOSE", help="a purpose id or a data-use key")
    q.set_defaults(run=run, answer=_categories)

    q = questions.add_parser("cookies", parents=[common], help="which cookies are there, which need consent?",
                             description="The declared cookies and similar storage, with whether each needs "
                             "consent (ePrivacy Art. 5(3): all but strictly necessary ones).")
    which = q.add_mutually_exclusive_group()
    which.add_argument("--needs-consent", dest="needs_consent", action="store_const", const=True,
                       help="only cookies that need consent")
    which.add_argument("--exempt", dest="needs_consent", action="store_const", const=False,
                       help="only cookies exempt from consent (strictly necessary)")
    q.add_argument("--party", choices=("first", "third", "unstated"), help="only first- or third-party cookies")
    q.set_defaults(run=run, answer=_cookies)

    q = questions.add_parser("recipients", parents=[common], help="who receives personal data?",
                             description="The declared recipients, with the purposes that disclose data to "
                             "them and their transfers.")
    q.add_argument("--country", metavar="CC", help="only recipients in, or transferred to, this country (ISO code)")
    q.set_defaults(run=run, answer=_recipients)

    q = questions.add_parser("transfers", parents=[common], help="which transfers leave the EEA, under what?",
                             description="The declared transfers with their mechanism (GDPR Chapter V) and the "
                             "purposes that use them.")
    q.set_defaults(run=run, answer=_transfers)

    p.set_defaults(run=run, answer=None, _query_parser=p)


def policy_path(given: Path | None, config: Config) -> Path:
    """--policy, else the configured `policy` (relative to its configuration file), else policies/."""
    from ...language.sources import discover, display_path

    if given is not None:
        return given
    if config.policy:
        source = Path(config.source) if config.source else None
        base = source.parent if source is not None and source.is_file() else Path.cwd()
        return base / config.policy
    default = Path("policies")
    hint = "give --policy PATH, or set `policy = \"policies/<name>\"` in [tool.privacy-dsl]"
    if not default.is_dir():
        raise QueryUsageError(f"no policy to query: there is no policies/ directory here; {hint}")
    found = discover([default])
    if len(found.policies) == 1:
        return found.policies[0].root
    if not found.policies:
        raise QueryUsageError(f"no policy to query: policies/ holds no .privacy files; {hint}")
    names = "\n".join(f"  {display_path(p.root)}" for p in found.policies)
    raise QueryUsageError(f"policies/ holds {len(found.policies)} policies; choose one ({hint}):\n{names}")


def load_handle(given: Path | None, config: Config) -> PolicyHandle:
    from ...api import load

    return load(policy_path(given, config), config=config)


def run(args: argparse.Namespace) -> int:
    """Answer one question. With ``--format json`` every outcome is a JSON document on standard
    output, errors included (``"error": {"kind": ..., "message": ...}``; docs/query.md), so a
    script reading it never gets 0 bytes; the message goes to standard error as well."""
    from ...api import PolicyError
    from ...configfile import ConfigError
    from ...query.engine import UnknownName

    if args.answer is None:
        args._query_parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        config = load_config(args, paths=[args.policy] if args.policy is not None else None)
        handle = load_handle(args.policy, config)
    except ConfigError as exc:
        print(f"privacy-dsl: E080 configuration error:\n{exc}", file=sys.stderr)
        return _json_error(args, None, {"kind": "configuration", "code": "E080", "message": str(exc)})
    except QueryUsageError as exc:
        print(f"privacy-dsl: {exc}", file=sys.stderr)
        return _json_error(args, None, {"kind": "usage", "message": str(exc)})
    except PolicyError as exc:
        _report_unusable(exc)
        diagnostics = [{"code": d.code, "severity": d.severity.label, "message": d.message, "path": d.span.path,
                        "line": d.span.line, "column": d.span.column} for d in exc.diagnostics[:100]]
        return _json_error(args, str(args.policy) if args.policy else None,
                           {"kind": "policy", "message": exc.message, "diagnostics": diagnostics})
    try:
        code: int = args.answer(handle, args)
    except UnknownName as exc:
        print(f"privacy-dsl: {exc}", file=sys.stderr)
        error = {"kind": exc.kind, "name": exc.name, "suggestion": exc.suggestion, "message": str(exc)}
        return _json_error(args, handle.root, error)
    return code


def usage_error(argv: Sequence[str], message: str) -> None:
    """A usage error of ``privacy-dsl query ...`` (``main`` calls this): with ``--format json`` on
    the command line, the error is a JSON document on standard output too, like every other."""
    rest = list(argv[list(argv).index("query") + 1:]) if "query" in argv else []
    probe = _Probe(add_help=False)
    probe.add_argument("--format")
    try:
        known = probe.parse_known_args(rest)[0]
    except (argparse.ArgumentError, ValueError):  # `--format` without its value
        return
    if known.format == "json":
        question = next((word for word in rest if not word.startswith("-")), None)
        asked = argparse.Namespace(format="json", question=question if question in _QUESTIONS else None)
        _json_error(asked, None, {"kind": "usage", "message": message})


class _Probe(argparse.ArgumentParser):
    """Reads one option out of a command line without ever printing or exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ValueError(message)


def _json_error(args: argparse.Namespace, policy: str | None, error: dict[str, Any]) -> int:
    """With ``--format json``, the error as the answer document on standard output; exit code 2."""
    if getattr(args, "format", None) == "json":
        _emit(args, {"query": getattr(args, "question", None), "policy": policy, "error": error}, "")
    return EXIT_ERROR


def _report_unusable(exc: Any) -> None:
    from ...outputs.reporters import Report, render

    if exc.diagnostics:
        report = Report(list(exc.diagnostics), exc.sources, len(exc.sources))
        sys.stderr.write(render("full", report))
    print(f"privacy-dsl: {str(exc).splitlines()[0]}", file=sys.stderr)


def _text(lines: list[str]) -> str:
    """Lines for people: the policy's names and texts in them are data, so control characters
    are escaped and no line can start with ``::`` (``printable_line``)."""
    from ...diagnostics import printable_line

    return "\n".join(printable_line(line) for line in lines)


def _emit(args: argparse.Namespace, doc: dict[str, Any], text: str) -> None:
    if args.format == "json":
        from ...diagnostics import json_text

        print(json_text(json.dumps({"version": 1, **doc}, indent=2, ensure_ascii=False)))
    else:
        print(text, end="" if text.endswith("\n") else "\n")


# ---------------------------------------------------------------- the questions


def _can(handle: PolicyHandle, args: argparse.Namespace) -> int:
    decision = handle.permits(args.purpose, args.categories, args.subject, args.recipient)
    _emit(args, {"query": "can", "policy": handle.root, **decision.to_dict()}, decision.explain())
    return EXIT_OK if decision.allowed else EXIT_FINDINGS


def _purpose_block(d: Decision) -> list[str]:
    title = f"{d.purpose}" + (f" — {d.name}" if d.name else "") + (f"  [{d.span}]" if d.span else "")
    lines = [title]
    data = ", ".join(d.covered)
    basis = ", ".join(d.basis) or "none stated"
    if d.allowed:
        lines.append(f"  allowed: {data}; basis {basis}")
        lines.extend(f"    - {c.text}" for c in d.conditions)
    else:
        lines.append(f"  declared for {data}, but not allowed:")
        for r in d.reasons:
            lines.append(f"    {r.span}: {r.text}" if r.span else f"    {r.text}")
            if r.fix:
                lines.append(f"      to allow it: {r.fix}")
    return lines


def _purposes(handle: PolicyHandle, args: argparse.Namespace) -> int:
    covers = handle.resolve_category(args.category)
    decisions = handle.purposes_for(args.category, args.subject)
    who = f" for {args.subject}" if args.subject else ""
    lines = []
    if args.category not in covers:
        lines.append(f"`{args.category}` covers: {', '.join(covers) or 'no declared category'}")
    if not decisions:
        lines.append(f"No purpose{who} uses `{args.category}` in {handle.root}.")
    else:
        allowed = sum(d.allowed for d in decisions)
        lines.append(f"Purposes{who} that use `{args.category}` in {handle.root}: {allowed} allowed, "
                     f"{len(decisions) - allowed} declared but not allowed.")
        for d in decisions:
            lines.append("")
            lines.extend(_purpose_block(d))
    doc = {"query": "purposes", "policy": handle.root, "category": args.category, "subject": args.subject,
           "covers": list(covers), "purposes": [d.to_dict() for d in decisions]}
    _emit(args, doc, _text(lines))
    return EXIT_OK


def _categories(handle: PolicyHandle, args: argparse.Namespace) -> int:
    ids, _ = handle.resolve_purpose(args.purpose)
    statuses = [handle.permits(pid) for pid in ids]
    cats = handle.categories_for(args.purpose)
    lines = []
    if not ids:
        lines.append(f"No purpose with data use `{args.purpose}` in {handle.root}.")
    for s in statuses:
        state = "allowed" if s.allowed else "declared, but not allowed"
        lines.append(f"purpose `{s.purpose}`" + (f" — {s.name}" if s.name else "") + f": {state}  [{s.span}]")
        if not s.allowed:
            lines.extend(f"    {r.span}: {r.text}" if r.span else f"    {r.text}" for r in s.reasons)
    if cats:
        lines.append("")
        width = max(len(c.id) for c in cats)
        twidth = max(len(c.taxonomy or "-") for c in cats)
        nwidth = max(len(c.name or "") for c in cats)
        for c in cats:
            mark = "" if c.allowed else "  (not allowed)"
            special = f"  special: {c.special}" if c.special else ""
            lines.append(f"  {c.id:<{width}}  {c.taxonomy or '-':<{twidth}}  {c.name or '':<{nwidth}}{special}{mark}"
                         f"  [{c.span}]")
    doc = {"query": "categories", "policy": handle.root, "purpose": args.purpose,
           "purposes": [{"purpose": s.purpose, "allowed": s.allowed, "reasons": [r.to_dict() for r in s.reasons],
                         "source": str(s.span) if s.span else None} for s in statuses],
           "categories": [c.to_dict() for c in cats]}
    _emit(args, doc, _text(lines))
    return EXIT_OK


def _cookies(handle: PolicyHandle, args: argparse.Namespace) -> int:
    cookies = handle.cookies(args.needs_consent, args.party)
    lines = []
    if not cookies:
        lines.append(f"No cookies match in {handle.root}.")
    else:
        shown = {id(c): c.name if c.name is not None else f"(unnamed {c.storage})" for c in cookies}
        width = max(len(name) for name in shown.values())
        for c in cookies:
            consent = "needs consent" if c.needs_consent else "exempt"
            gate = f" (asked through {', '.join(f'`{r}`' for r in c.consents)})" if c.consents else ""
            findings = f"  findings: {', '.join(c.findings)}" if c.findings else ""
            lines.append(f"{shown[id(c)]:<{width}}  {c.party or 'party?':<7} {c.category or 'category?':<18} "
                         f"{c.expiry or 'expiry?':<11} {consent}{gate}{findings}  [{c.span}]")
    doc = {"query": "cookies", "policy": handle.root,
           "filters": {"needs_consent": args.needs_consent, "party": args.party},
           "cookies": [c.to_dict() for c in cookies]}
    _emit(args, doc, _text(lines))
    return EXIT_OK


def _recipients(handle: PolicyHandle, args: argparse.Namespace) -> int:
    recipients = handle.recipients(args.country)
    lines = []
    if not recipients:
        where = f" in {args.country.upper()}" if args.country else ""
        lines.append(f"No recipients{where} in {handle.root}.")
    for r in recipients:
        head = f"{r.id}" + (f" — {r.name}" if r.name else "") + f"  [{r.span}]"
        lines.append(head)
        lines.append(f"  role: {r.role or 'not stated'}; countries: {', '.join(r.countries) or 'not stated'}")
        lines.append(f"  purposes: {', '.join(r.purposes) or 'none'}; transfers: {', '.join(r.transfers) or 'none'}")
        if r.findings:
            lines.append(f"  findings: {', '.join(r.findings)}")
    doc = {"query": "recipients", "policy": handle.root, "country": args.country.upper() if args.country else None,
           "recipients": [r.to_dict() for r in recipients]}
    _emit(args, doc, _text(lines))
    return EXIT_OK


def _transfers(handle: PolicyHandle, args: argparse.Namespace) -> int:
    transfers = handle.transfers()
    lines = []
    if not transfers:
        lines.append(f"No transfers declared in {handle.root}.")
    for t in transfers:
        state = "ok" if t.allowed else "not allowed"
        detail = f" ({t.detail})" if t.detail else ""
        lines.append(f"{t.id}: to {t.recipient or 'recipient?'} in {t.country or 'country?'} under "
                     f"{t.mechanism or 'no stated mechanism'}{detail}: {state}  [{t.span}]")
        lines.append(f"  purposes: {', '.join(t.purposes) or 'none'}" +
                     (f"; findings: {', '.join(t.findings)}" if t.findings else ""))
    doc = {"query": "transfers", "policy": handle.root, "transfers": [t.to_dict() for t in transfers]}
    _emit(args, doc, _text(lines))
    return EXIT_OK
