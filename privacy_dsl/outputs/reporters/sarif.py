"""``--format sarif``: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

- ``tool.driver.rules`` lists the rules that ran (with the severity the configuration gives
  them) and the input codes E001-E206, each with short and full description, help text and
  Markdown, help URI, category tag and default level.
- Each rule lists its message templates in ``messageStrings``, in SARIF's positional form
  (``{0}``); a result formatted from one has ``message.id`` and ``message.arguments`` beside
  ``message.text``, and the named arguments in ``properties.args``.
- Each result has ``ruleId``/``ruleIndex``, ``level``, the message (and hint), a location relative
  to ``%SRCROOT%`` (the directory privacy-dsl ran in) with start and end line and column
  (``columnKind`` is ``unicodeCodePoints``; SARIF end columns are exclusive, as ours are), and
  ``partialFingerprints["privacyDsl/v1"]`` so that a finding keeps its identity when lines move,
  for consumers that compare that key. GitHub code scanning tracks alerts by
  ``primaryLocationLineHash``, which the upload-sarif action computes from the checkout; we leave
  it to the action (docs/output-formats.md, sarif).
- Suppressed findings are included with ``suppressions: [{kind: inSource, justification}]``, so
  code scanning shows them as dismissed rather than forgetting them.
"""

from __future__ import annotations

import hashlib
import json
import os
import string
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ...diagnostics import Diagnostic, Severity, json_text
from ...span import Span
from .common import Report, RuleInfo, builtin_infos, lookup_info

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/privacy-dsl/privacy-dsl"
FINGERPRINT = "privacyDsl/v1"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_location(path: str) -> dict[str, str]:
    """A relative path becomes a URI reference against %SRCROOT%; an absolute one a file: URI."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    # Percent-encode the file name's bytes: a name that is not UTF-8 (surrogate-escaped) included.
    return {"uri": quote(os.fsencode(path.replace(os.sep, "/")), safe="/"), "uriBaseId": "%SRCROOT%"}


def _descriptor(info: RuleInfo) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.description},
        "helpUri": info.url,
        "help": {"text": _plain(info.doc), "markdown": info.doc},
        "defaultConfiguration": {"level": _LEVELS[info.severity]},
        "properties": {"tags": [info.category]},
    }
    if info.messages:
        descriptor["messageStrings"] = {mid: {"text": positional(t)[0]} for mid, t in info.messages.items()}
    return descriptor


def positional(template: str) -> tuple[str, list[tuple[str, str | None]]]:
    """A template with named fields (``purpose `{purpose}` ...``) in SARIF's form, positional
    placeholders and doubled literal braces (``purpose `{0}` ...``, SARIF 3.11.5), and the fields
    in placeholder order, each with its conversion (``r`` for ``{retention!r}``)."""
    out: list[str] = []
    fields: list[tuple[str, str | None]] = []
    for literal, name, _spec, conversion in string.Formatter().parse(template):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            if (name, conversion) not in fields:
                fields.append((name, conversion))
            out.append(f"{{{fields.index((name, conversion))}}}")
    return "".join(out), fields


def _message(d: Diagnostic, messages: dict[str, str]) -> dict[str, Any]:
    """The result's message: the text (and hint); with the template's id and its positional
    arguments when the diagnostic was formatted from one of its code's templates."""
    message: dict[str, Any] = {"text": d.message + (f"\nHint: {d.hint}" if d.hint else "")}
    template = messages.get(d.message_id or "")
    if template is not None and not d.related:  # one finding for several adds to its template's text
        args = dict(d.args)
        fields = positional(template)[1]
        if all(name in args for name, _ in fields):
            message["id"] = d.message_id
            if fields:
                message["arguments"] = [("{0!r}" if conversion == "r" else "{0}").format(args[name])
                                        for name, conversion in fields]
    return message


def _plain(markdown: str) -> str:
    """Rule docs as plain text: no heading marks, no code fences (the code stays, indented)."""
    out = []
    fenced = False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            out.append(f"    {line}".rstrip())
        else:
            out.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(out)


def _region(d: Diagnostic) -> dict[str, int]:
    return _span_region(d.span)


def _span_region(span: Span) -> dict[str, int]:
    line, column = max(span.line, 1), max(span.column, 1)
    end_line = max(span.end_line, line)
    end_column = max(span.end_column, 1) if end_line > line else max(span.end_column, column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


class _Fingerprints:
    """A hash of rule, file and the text of the flagged line (whitespace collapsed), plus an
    occurrence number among equal hashes: stable when unrelated lines are added or removed.

    A rule's hash of a line is computed once: a minified HAR is one 2 MB line with thousands of
    findings on it, and hashing that line again for each of them took half a minute."""

    def __init__(self, sources: dict[str, str]) -> None:
        self._sources = sources
        self._lines: dict[str, list[str]] = {}
        self._seen: Counter[str] = Counter()
        self._digests: dict[tuple[str, str, int], str] = {}

    def _line(self, path: str, number: int) -> str:
        if path not in self._lines:
            text = self._sources.get(path, "").removeprefix("\ufeff")
            self._lines[path] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        lines = self._lines[path]
        return " ".join(lines[number - 1].split()) if 1 <= number <= len(lines) else ""

    def __call__(self, d: Diagnostic) -> str:
        where = (d.code, d.span.path, d.span.line)
        digest = self._digests.get(where)
        if digest is None:
            line = self._line(d.span.path, d.span.line)
            key = "\0".join((d.code, d.span.path.replace(os.sep, "/"), line or d.message))
            digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
            if line:  # without a line, the message is hashed: it differs from finding to finding
                self._digests[where] = digest
        self._seen[digest] += 1
        return f"{digest}:{self._seen[digest]}"


def document(report: Report) -> dict[str, Any]:
    infos = list(report.rules)
    known = {i.code for i in infos}
    infos.extend(b for b in builtin_infos() if b.code not in known)
    index = {info.code: n for n, info in enumerate(infos)}
    for d in report.diagnostics:  # a code the caller did not list: describe it anyway
        if d.code not in index:
            info = lookup_info(d.code) or RuleInfo(d.code, d.name, d.category, d.severity, d.message, d.message,
                                                   d.message, d.url or "")
            index[d.code] = len(infos)
            infos.append(info)
    fingerprint = _Fingerprints(report.sources)
    templates = {info.code: dict(info.messages) for info in infos}
    results = []
    for d in report.diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _LEVELS[d.severity],
            "message": _message(d, templates[d.code]),
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(d.span.path),
                                                "region": _region(d)}}],
            "partialFingerprints": {FINGERPRINT: fingerprint(d)},
        }
        if d.related:  # the other objects of one finding for several (lint.facts.grouped)
            result["relatedLocations"] = [
                {"id": n, "message": {"text": r.label},
                 "physicalLocation": {"artifactLocation": artifact_location(r.span.path),
                                      "region": _span_region(r.span)}}
                for n, r in enumerate(d.related, 1)]
        if d.args:
            result["properties"] = {"args": dict(d.args)}
        if d.suppressed is not None:
            result["suppressions"] = [{"kind": "inSource", "justification": d.suppressed}]
        results.append(result)
    driver: dict[str, Any] = {
        "name": "privacy-dsl",
        "version": report.tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [_descriptor(info) for info in infos],
    }
    if all(part.isdigit() for part in report.tool_version.split(".")):
        driver["semanticVersion"] = report.tool_version
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {
                "text": "The directory privacy-dsl ran in; run it from the repository root."}}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(report: Report) -> str:
    return json_text(json.dumps(document(report), indent=2, ensure_ascii=False)) + "\n"
