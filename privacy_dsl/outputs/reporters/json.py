"""``--format json``: one JSON document, versioned, with stable field names.

The schema is ``SCHEMA`` below and is documented in docs/output-formats.md. Version 1 promises:
fields are never renamed or removed and their meaning never changes; new fields may be added
(consumers must ignore fields they do not know). Anything else bumps ``version``.

All diagnostics are listed, suppressed ones too (``suppressed: true`` with the reason), whatever
``--show-suppressed`` says: a program can filter, but cannot recover what was left out.
"""

from __future__ import annotations

import json
from typing import Any

from ...diagnostics import Diagnostic, Severity, json_text
from .common import Report, statistics

VERSION = 1

_POSITION = {"type": "integer", "minimum": 1}
_SEVERITY = {"enum": ["error", "warning", "info"]}
_TEXT_OR_NULL = {"type": ["string", "null"]}

#: JSON Schema (draft 2020-12) of the document ``render`` produces.
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "privacy-dsl lint report, version 1",
    "type": "object",
    "required": ["version", "tool", "summary", "statistics", "files", "diagnostics"],
    "properties": {
        "version": {"const": 1, "description": "Version of this format; bumped on any incompatible change."},
        "tool": {
            "type": "object",
            "required": ["name", "version"],
            "properties": {"name": {"const": "privacy-dsl"}, "version": {"type": "string"}},
        },
        "summary": {
            "type": "object",
            "required": ["files", "findings", "errors", "warnings", "info", "suppressed", "fatal"],
            "properties": {
                "files": {"type": "integer", "minimum": 0, "description": "Policy files read."},
                "findings": {"type": "integer", "minimum": 0, "description": "Unsuppressed diagnostics."},
                "errors": {"type": "integer", "minimum": 0},
                "warnings": {"type": "integer", "minimum": 0},
                "info": {"type": "integer", "minimum": 0},
                "suppressed": {"type": "integer", "minimum": 0},
                "fatal": {"type": "boolean",
                          "description": "Some input was unusable (exit code 2): a file could not be read or parsed."},
            },
        },
        "statistics": {
            "type": "array",
            "description": "Unsuppressed findings counted per rule, most frequent first.",
            "items": {
                "type": "object",
                "required": ["code", "name", "severity", "count"],
                "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "severity": _SEVERITY,
                               "count": {"type": "integer", "minimum": 1}},
            },
        },
        "files": {"type": "array", "items": {"type": "string"},
                  "description": "Every path the report is about, sorted."},
        "diagnostics": {
            "type": "array",
            "description": "Sorted by path, line, column, code.",
            "items": {
                "type": "object",
                "required": ["code", "name", "category", "severity", "message", "hint", "url", "path", "line",
                             "column", "end_line", "end_column", "fatal", "suppressed", "suppression_reason",
                             "args", "message_id", "related"],
                "properties": {
                    "code": {"type": "string", "description": "Rule code (CK002) or input code (E100)."},
                    "name": {"type": "string", "description": "Rule name in kebab-case."},
                    "category": {"type": "string"},
                    "severity": _SEVERITY,
                    "message": {"type": "string"},
                    "hint": _TEXT_OR_NULL,
                    "url": _TEXT_OR_NULL,
                    "path": {"type": "string", "description": "As given or relative to the working directory."},
                    "line": _POSITION,
                    "column": {**_POSITION, "description": "1-based, in Unicode code points."},
                    "end_line": _POSITION,
                    "end_column": {**_POSITION, "description": "Exclusive: the column after the last character."},
                    "fatal": {"type": "boolean", "description": "The input was unusable (exit code 2)."},
                    "suppressed": {"type": "boolean"},
                    "suppression_reason": _TEXT_OR_NULL,
                    "args": {"type": "object", "additionalProperties": {"type": "string"},
                             "description": "Machine-readable arguments of the message."},
                    "related": {
                        "type": "array",
                        "description": "The other objects this one finding is about (a value many purposes "
                                       "inherit, the same defect on many rows), each with where it is.",
                        "items": {
                            "type": "object",
                            "required": ["label", "path", "line", "column", "end_line", "end_column"],
                            "properties": {"label": {"type": "string"}, "path": {"type": "string"},
                                           "line": _POSITION, "column": _POSITION, "end_line": _POSITION,
                                           "end_column": _POSITION},
                        },
                    },
                    "message_id": {**_TEXT_OR_NULL,
                                   "description": "The code's message template that `message` was formatted from "
                                                  "with `args` (`privacy-dsl explain CODE` lists them); null for "
                                                  "free text."},
                },
            },
        },
    },
}


def diagnostic(d: Diagnostic) -> dict[str, Any]:
    span = d.span
    return {
        "code": d.code,
        "name": d.name,
        "category": d.category,
        "severity": d.severity.label,
        "message": d.message,
        "hint": d.hint,
        "url": d.url,
        "path": span.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "fatal": d.fatal,
        "suppressed": d.suppressed is not None,
        "suppression_reason": d.suppressed,
        "args": dict(d.args),
        "message_id": d.message_id,
        "related": [{"label": r.label, "path": r.span.path, "line": r.span.line, "column": r.span.column,
                     "end_line": r.span.end_line, "end_column": r.span.end_column} for r in d.related],
    }


def document(report: Report) -> dict[str, Any]:
    counts = report.counts()
    return {
        "version": VERSION,
        "tool": {"name": "privacy-dsl", "version": report.tool_version},
        "summary": {
            "files": report.files,
            "findings": len(report.active),
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "info": counts[Severity.INFO],
            "suppressed": report.suppressed,
            "fatal": any(d.fatal for d in report.diagnostics),
        },
        "statistics": [{"code": s.code, "name": s.name, "severity": s.severity.label, "count": s.count}
                       for s in statistics(report.diagnostics)],
        "files": report.paths,
        "diagnostics": [diagnostic(d) for d in report.diagnostics],
    }


def render(report: Report) -> str:
    return json_text(json.dumps(document(report), indent=2, ensure_ascii=False)) + "\n"
