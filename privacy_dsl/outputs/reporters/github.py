"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

``::error file=P,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`` per finding
(``warning`` and ``notice`` for the other severities; a suppressed finding shown with
``--show-suppressed`` is a ``notice``). GitHub reads ``col``/``endColumn`` only when the finding
is on one line, so ``endColumn`` is left out otherwise; like everywhere in privacy-dsl, it is
exclusive. Escaping follows GitHub's toolkit (``escapeData`` / ``escapeProperty``): ``%``, CR and
LF in messages; additionally ``:`` and ``,`` in properties. Before that, other control characters
of the data are escaped (``diagnostics.printable``): an annotation shows ``\x1b``, never a raw ESC.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step, and 50 per job
(``LIMITS_SOURCE``), and drops the rest silently, so the commands come most serious first, and
among equals the finding about the most objects first (then by place); when some will not show, a
``::notice::`` says how many (itself one of the ten notices), and the job summary lists every
finding.

``summary(report)`` is the Markdown job summary that ``lint`` and ``verify-cookies`` append to
``$GITHUB_STEP_SUMMARY``: the counts, the findings by rule, and every finding, within GitHub's
1 MiB per step (``SUMMARY_SOURCE``).
"""

from __future__ import annotations

import os
from collections import Counter

from ...diagnostics import Diagnostic, Severity, bound_message, printable
from ...lint.facts import affected
from .common import Report, facts

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
    return f"::{_kind(d)} " + ",".join(f"{k}={escape_property(v)}" for k, v in props) + f"::{escape_data(message)}"


#: Annotations GitHub shows per severity (error, warning, notice) in one step; the rest are dropped.
#: Besides, a job shows at most 50 in all its steps. Documented in ``LIMITS_SOURCE``.
ANNOTATIONS_PER_SEVERITY = 10
ANNOTATIONS_PER_JOB = 50
LIMITS_SOURCE = "https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations"


def annotation_order(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Most serious first, then the finding about the most objects, then by place: what GitHub
    shows when it shows only the first ten of a kind."""
    return sorted(diagnostics, key=lambda d: (d.suppressed is not None, -d.severity, -affected(d), *d.sort_key()))


def _kind(d: Diagnostic) -> str:
    return "notice" if d.suppressed is not None else _COMMANDS[d.severity]


def render(report: Report) -> str:
    shown = annotation_order(report.shown)
    lines = [command(d) for d in shown]
    hidden = hidden_annotations(Counter(_kind(d) for d in shown))
    if hidden:
        # A notice itself: before the findings' notices, or it would be the first one GitHub drops.
        first_notice = next((n for n, d in enumerate(shown) if _kind(d) == "notice"), len(shown))
        lines.insert(first_notice, f"::notice title=privacy-dsl::{hidden} findings are not shown as annotations: "
                                   f"GitHub shows {ANNOTATIONS_PER_SEVERITY} error, {ANNOTATIONS_PER_SEVERITY} "
                                   f"warning and {ANNOTATIONS_PER_SEVERITY} notice annotations per step, "
                                   f"{ANNOTATIONS_PER_JOB} per job ({LIMITS_SOURCE}); the job summary and the "
                                   "log list every finding")
    if not report.quiet:
        lines.append(report.summary())
    return "\n".join(lines) + ("\n" if lines else "")


def hidden_annotations(per_kind: Counter[str]) -> int:
    """How many of the annotations (``per_kind``: error, warning, notice) one step cannot show.
    When some cannot, the notice saying so takes one of the ten notices' places."""
    if all(n <= ANNOTATIONS_PER_SEVERITY for n in per_kind.values()):
        return 0
    others = sum(max(0, n - ANNOTATIONS_PER_SEVERITY) for kind, n in per_kind.items() if kind != "notice")
    return others + max(0, per_kind["notice"] - (ANNOTATIONS_PER_SEVERITY - 1))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary(report: Report, budget: int | None = None) -> str:
    """The job summary: counts per severity and per rule, as Markdown tables, then every finding
    while the whole stays within ``budget`` bytes of UTF-8 (default ``SUMMARY_BYTES``)."""
    budget = SUMMARY_BYTES if budget is None else budget
    counts = report.counts()
    out = ["### privacy-dsl", "", _cell(report.summary()), ""]
    out += ["| severity | findings |", "| --- | ---: |"]
    out += [f"| {severity.label} | {n} |" for severity, n in counts.items()]
    if report.suppressed:
        out.append(f"| suppressed | {report.suppressed} |")
    found = facts(report.diagnostics)
    if found:
        out += ["", "| rule | name | severity | findings | objects |", "| --- | --- | --- | ---: | ---: |"]
        out += [f"| {f.code} | {_cell(f.name)} | {f.severity.label} | {f.findings} | {f.objects} |" for f in found]
    listed = annotation_order(report.active)
    if listed:
        out += ["", "<details><summary>Every finding</summary>", "",
                "| severity | code | where | message |", "| --- | --- | --- | --- |"]
        size = sum(line_bytes(line) for line in out)
        for n, d in enumerate(listed):
            where = f"{d.span.path}:{d.span.line}:{d.span.column}"
            row = (f"| {d.severity.label} | {d.code} | `{_cell(printable(where))}` | "
                   f"{_cell(printable(d.message))} |")
            if size + line_bytes(row) > budget:
                out.append(f"| | | | {len(listed) - n} more findings: see the log |")
                break
            out.append(row)
            size += line_bytes(row)
        out += ["", "</details>"]
    return "\n".join(out) + "\n\n"


def line_bytes(line: str) -> int:
    """The UTF-8 size of a line of the summary, with its line break: what GitHub's limit counts."""
    return len(line.encode("utf-8", "surrogatepass")) + 1


#: GitHub refuses the whole summary of a step over 1 MiB, with an error annotation
#: (``SUMMARY_SOURCE``); the findings table stops well before, leaving room for other tools' parts.
SUMMARY_BYTES = 900_000
SUMMARY_SOURCE = ("https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands"
                  "#step-isolation-and-limits")
