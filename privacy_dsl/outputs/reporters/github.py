"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

``::error file=P,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`` per finding
(``warning`` and ``notice`` for the other severities; a suppressed finding shown with
``--show-suppressed`` is a ``notice``). GitHub reads ``col``/``endColumn`` only when the finding
is on one line, so ``endColumn`` is left out otherwise; like everywhere in privacy-dsl, it is
exclusive. Escaping follows GitHub's toolkit (``escapeData`` / ``escapeProperty``): ``%``, CR and
LF in messages; additionally ``:`` and ``,`` in properties. Before that, other control characters
of the data are escaped (``diagnostics.printable``): an annotation shows ``\x1b``, never a raw ESC.

``summary(report)`` is the Markdown job summary the ``lint`` command appends to
``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import os

from ...diagnostics import Diagnostic, Severity, bound_message, printable
from .common import Report, statistics

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(d: Diagnostic) -> str:
    span = d.span
    props = [("file", printable(span.path.replace(os.sep, "/"), keep_lines=True)), ("line", str(span.line)),
             ("col", str(span.column)), ("endLine", str(span.end_line))]
    if span.end_line == span.line:
        props.append(("endColumn", str(span.end_column)))
    props.append(("title", f"{d.code} {d.name}"))
    message = printable(d.message, keep_lines=True)
    if d.hint:
        message += f"\nhint: {printable(d.hint, keep_lines=True)}"
    if d.suppressed is not None:
        message += f"\nsuppressed: {printable(bound_message(d.suppressed), keep_lines=True)}"
    kind = "notice" if d.suppressed is not None else _COMMANDS[d.severity]
    return f"::{kind} " + ",".join(f"{k}={escape_property(v)}" for k, v in props) + f"::{escape_data(message)}"


def render(report: Report) -> str:
    lines = [command(d) for d in report.shown]
    if not report.quiet:
        lines.append(report.summary())
    return "\n".join(lines) + ("\n" if lines else "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary(report: Report) -> str:
    """The job summary: counts per severity and per rule, as Markdown tables."""
    counts = report.counts()
    out = ["### privacy-dsl", "", _cell(report.summary()), ""]
    out += ["| severity | findings |", "| --- | ---: |"]
    out += [f"| {severity.label} | {n} |" for severity, n in counts.items()]
    if report.suppressed:
        out.append(f"| suppressed | {report.suppressed} |")
    stats = statistics(report.diagnostics)
    if stats:
        out += ["", "| rule | name | severity | findings |", "| --- | --- | --- | ---: |"]
        out += [f"| {s.code} | {_cell(s.name)} | {s.severity.label} | {s.count} |" for s in stats]
    return "\n".join(out) + "\n\n"
