"""``path:line:col: CODE [severity] message``, one per line, for grep and editors."""

from __future__ import annotations

from . import Report


def render(report: Report) -> str:
    lines = []
    for d in report.shown:
        line = f"{d.span.path}:{d.span.line}:{d.span.column}: {d.code} [{d.severity.label}] {d.message}"
        if d.suppressed is not None:
            line += f" (suppressed: {d.suppressed})"
        lines.append(line.replace("\r", " ").replace("\n", " "))
    return "\n".join(lines) + ("\n" if lines else "")
