"""The default format on a terminal: the message, the source line with a caret, and a hint."""

from __future__ import annotations

from ..diagnostics import Diagnostic, Severity
from . import Report

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def _split(text: str) -> list[str]:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _excerpt(diag: Diagnostic, lines: list[str] | None, color: bool) -> list[str]:
    if lines is None:
        return []
    span = diag.span
    if not 1 <= span.line <= len(lines):
        return []
    source = lines[span.line - 1].replace("\t", " ")
    gutter = str(span.line)
    pad = " " * len(gutter)
    start = max(span.column, 1)
    end = span.end_column if span.end_line == span.line and span.end_column > start else len(source) + 1
    width = max(1, min(end, len(source) + 1) - start)
    caret = " " * (start - 1) + _paint("^" * width, _COLORS[diag.severity], color)
    bar = _paint("|", "34", color)
    return [f" {pad} {bar}", f" {_paint(gutter, '34', color)} {bar} {source}", f" {pad} {bar} {caret}"]


def render(report: Report) -> str:
    out: list[str] = []
    color = report.color  # the command decides: --color, a terminal, NO_COLOR
    split: dict[str, list[str]] = {}
    for diag in report.shown:
        head = f"{diag.span.path}:{diag.span.line}:{diag.span.column}: "
        label = _paint(f"{diag.code} {diag.severity.label}", _COLORS[diag.severity] + ";1", color)
        out.append(f"{_paint(head, '1', color)}{label}: {diag.message}")
        path = diag.span.path
        if path not in split and path in report.sources:
            split[path] = _split(report.sources[path])  # once per file: linear in the report
        out.extend(_excerpt(diag, split.get(path), color))
        if diag.hint:
            out.append(f"  = hint: {diag.hint}")
        if diag.suppressed:
            out.append(f"  = suppressed: {diag.suppressed}")
        out.append("")
    if not report.quiet:
        out.append(report.summary())
    elif out:
        out.pop()  # the blank line after the last finding
    return "\n".join(out) + ("\n" if out else "")
