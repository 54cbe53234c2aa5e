"""The default format on a terminal: the message, the source line with a caret, and a hint."""

from __future__ import annotations

import os

from ..diagnostics import Diagnostic, Severity
from . import Report

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def _excerpt(diag: Diagnostic, text: str | None, color: bool) -> list[str]:
    if text is None:
        return []
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    span = diag.span
    if not 1 <= span.line <= len(lines):
        return []
    source = lines[span.line - 1].replace("\t", " ")
    gutter = str(span.line)
    pad = " " * len(gutter)
    start = max(span.column, 1)
    end = span.end_column if span.end_line == span.line and span.end_column > start else len(source) + 1
    width = max(1, min(end, len(source) + 1) - start)
    caret = " " * (start - 1) + "^" * width
    bar = _paint("|", "34", color)
    return [f" {pad} {bar}", f" {_paint(gutter, '34', color)} {bar} {source}",
            f" {pad} {bar} {_paint(caret, _COLORS[diag.severity], color)}"]


def render(report: Report) -> str:
    out: list[str] = []
    color = report.color and "NO_COLOR" not in os.environ
    for diag in report.shown:
        head = f"{diag.span.path}:{diag.span.line}:{diag.span.column}: "
        label = _paint(f"{diag.code} {diag.severity.label}", _COLORS[diag.severity] + ";1", color)
        out.append(f"{_paint(head, '1', color)}{label}: {diag.message}")
        out.extend(_excerpt(diag, report.sources.get(diag.span.path), color))
        if diag.hint:
            out.append(f"  = hint: {diag.hint}")
        if diag.suppressed:
            out.append(f"  = suppressed: {diag.suppressed}")
        out.append("")
    shown = report.shown
    errors = sum(d.severity is Severity.ERROR for d in shown)
    warnings = sum(d.severity is Severity.WARNING for d in shown)
    infos = sum(d.severity is Severity.INFO for d in shown)
    suppressed = sum(d.suppressed is not None for d in report.diagnostics)
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    if not shown:
        summary = f"All clear: {files} checked, no findings."
    else:
        summary = (f"Found {len(shown)} finding{'s' if len(shown) != 1 else ''} in {files}: "
                   f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}, "
                   f"{infos} info.")
    if suppressed and not report.show_suppressed:
        summary += f" ({suppressed} suppressed)"
    out.append(summary)
    return "\n".join(out) + "\n"
