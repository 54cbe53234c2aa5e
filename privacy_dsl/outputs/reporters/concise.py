"""``path:line:col: CODE [severity] message``, one per line, for grep and editors."""

from __future__ import annotations

from ...diagnostics import bound_message, printable
from .common import Report, display_path


def render(report: Report) -> str:
    lines = []
    for d in report.shown:
        line = f"{display_path(d.span.path)}:{d.span.line}:{d.span.column}: {d.code} [{d.severity.label}] " \
            f"{printable(d.message)}"
        if d.suppressed is not None:
            line += f" (suppressed: {printable(bound_message(d.suppressed))})"
        lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")
