"""``path:line:col: CODE [severity] message``, one per line, for grep and editors."""

from __future__ import annotations

from . import Report


def render(report: Report) -> str:
    lines = [
        f"{d.span.path}:{d.span.line}:{d.span.column}: {d.code} [{d.severity.label}] {d.message}"
        for d in report.shown
    ]
    return "\n".join(lines) + ("\n" if lines else "")
