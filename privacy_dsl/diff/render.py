"""The diff for people and machines: text, Markdown (a pull-request comment), the GitHub job
summary (Markdown within what ``$GITHUB_STEP_SUMMARY`` leaves of GitHub's 1 MiB, like lint's) and
JSON (``JSON_VERSION``; the shape is documented in docs/diff.md and pinned by a test).

Policy text reaches every format (ids, names, finding messages): the text formats escape control
characters (``diagnostics.printable``), the Markdown ones escape table cells, JSON keeps it exact.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..codes import DOCS_ROOT
from ..diagnostics import printable
from ..outputs.reporters.github import (
    ANNOTATIONS_PER_SEVERITY,
    LIMITS_SOURCE,
    escape_data,
    escape_property,
    hidden_annotations,
    line_bytes,
)
from ..records import dataclass
from ..span import Span
from .compare import Change, Impact

#: Bumped when the JSON shape changes incompatibly.
JSON_VERSION = 1
#: GitHub refuses a comment over 65,536 characters; the table stops before, with a line saying how many more.
COMMENT_CHARS = 60_000
#: Marks the comment, so that a workflow can find and update its own earlier comment.
COMMENT_MARKER = "<!-- privacy-dsl diff -->"


@dataclass(frozen=True, slots=True)
class DiffReport:
    """What is rendered: the two sides (label, commit, policy path), the changes, and which are gated."""

    base_label: str
    base_commit: str | None
    base_path: str
    head_label: str
    head_commit: str | None
    head_path: str
    changes: Sequence[Change]
    gated: frozenset[int] = frozenset()  # indices into changes that --fail-on selects
    fail_on: tuple[str, ...] = ()

    def counts(self) -> dict[Impact, int]:
        found = Counter(c.severity for c in self.changes)
        return {impact: found[impact] for impact in sorted(Impact, reverse=True)}

    def codes(self, kind: str) -> list[str]:
        return list(dict.fromkeys(c.subject for c in self.changes if c.kind == kind))

    def headline(self) -> str:
        """``3 changes (1 high, 2 medium); introduces TRF005; fixes CK002``."""
        n = len(self.changes)
        if not n:
            return "no changes in privacy terms"
        parts = ", ".join(f"{count} {impact.label}" for impact, count in self.counts().items() if count)
        text = f"{n} change{'s' if n != 1 else ''} ({parts})"
        introduces, fixes = self.codes("new-finding"), self.codes("fixed-finding")
        if introduces:
            text += "; introduces " + ", ".join(introduces)
        if fixes:
            text += "; fixes " + ", ".join(fixes)
        if self.fail_on:
            text += f"; {len(self.gated)} gated by --fail-on"
        return text


def _where(span: Span | None) -> str:
    return f"{span.path}:{span.line}:{span.column}" if span is not None else ""


def _place(change: Change) -> str:
    """Where to look: the head's place, else (a removal) the base's."""
    if change.head is not None:
        return _where(change.head)
    return f"was {_where(change.base)}" if change.base is not None else ""


def text(report: DiffReport) -> str:
    lines = [printable(f"privacy diff {report.base_label} -> {report.head_label}: {report.headline()}")]
    width = max((len(c.kind) for c in report.changes), default=0)
    for n, c in enumerate(report.changes):
        mark = "!" if n in report.gated else " "
        place = _place(c)
        lines.append(printable(f"{mark} {c.severity.label:<6} {c.kind:<{width}}  {c.message}"
                               + (f"  [{place}]" if place else "")))
    return "\n".join(lines) + "\n"


#: Markdown a policy's text must not make in a comment: a table cell's end, HTML, a link or an image
#: (a tracking pixel), a mention that notifies someone (``@org/team``).
_MARKDOWN = str.maketrans({"|": "\\|", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]", "@": "&#64;",
                           "\\": "\\\\"})


def _cell(value: str) -> str:
    return printable(value).translate(_MARKDOWN)


def markdown(report: DiffReport, budget: int = COMMENT_CHARS, measure: Any = len, marker: bool = True) -> str:
    """Markdown for a pull-request comment (``budget`` characters) or the job summary (bytes,
    ``measure=line_bytes``): a headline, the counts, then one row per change while it fits."""
    out = [COMMENT_MARKER] if marker else []
    out += [f"### Privacy diff: {_cell(report.base_label)} → {_cell(report.head_label)}", "",
            f"**{_cell(report.headline())}**", ""]
    footer = ["", f"<sub>privacy-dsl diff; base `{_cell(report.base_path)}`"
                  f"{f' at `{report.base_commit[:12]}`' if report.base_commit else ''}, head "
                  f"`{_cell(report.head_path)}`{f' at `{report.head_commit[:12]}`' if report.head_commit else ''}."
                  f" [What the kinds mean]({DOCS_ROOT}/diff.md#change-kinds)</sub>"]
    if report.changes:
        out += ["| severity | changes |", "| --- | ---: |"]
        out += [f"| {impact.label} | {count} |" for impact, count in report.counts().items()]
        out += ["", "| | severity | change | kind | where |", "| --- | --- | --- | --- | --- |"]
        size = sum(measure(line) + 1 for line in [*out, *footer])
        reserve = 120  # the line saying how many more
        for n, c in enumerate(report.changes):
            gate = "⛔" if n in report.gated else ""
            place = _place(c)
            row = (f"| {gate} | {c.severity.label} | {_cell(c.message)} | `{c.kind}` | "
                   f"{f'`{_cell(place)}`' if place else ''} |")
            if size + measure(row) + 1 + reserve > budget:
                out.append(f"| | | {len(report.changes) - n} more changes: see the job log or "
                           "`privacy-dsl diff --format json` | | |")
                break
            out.append(row)
            size += measure(row) + 1
    return "\n".join([*out, *footer]) + "\n"


def job_summary(report: DiffReport, budget: int) -> str:
    """``markdown`` for ``$GITHUB_STEP_SUMMARY``: counted in UTF-8 bytes, within ``budget``."""
    return markdown(report, budget=max(0, budget - 1), measure=lambda line: line_bytes(line) - 1, marker=False) + "\n"


def github_annotations(report: DiffReport) -> str:
    """GitHub workflow commands: a ``warning`` for each high change and a ``notice`` for the others, at
    the head's place (changes without one, removals, are in the summary only); high first."""
    lines = []
    for n, c in enumerate(report.changes):
        span = c.head
        if span is None:
            continue
        level = "warning" if c.severity == Impact.HIGH or n in report.gated else "notice"
        props = [("file", printable(span.path, keep_lines=True)), ("line", str(span.line)),
                 ("endLine", str(span.end_line)), ("title", f"privacy diff: {c.kind} ({c.severity.label})")]
        lines.append(f"::{level} " + ",".join(f"{k}={escape_property(v)}" for k, v in props)
                     + f"::{escape_data(printable(c.message, keep_lines=True))}")
    hidden = hidden_annotations(Counter(line.split(" ", 1)[0].removeprefix("::") for line in lines))
    if hidden:
        first_notice = next((n for n, line in enumerate(lines) if line.startswith("::notice")), len(lines))
        lines.insert(first_notice, f"::notice title=privacy-dsl diff::{hidden} changes are not shown as annotations: "
                                   f"GitHub shows {ANNOTATIONS_PER_SEVERITY} warning and {ANNOTATIONS_PER_SEVERITY} "
                                   f"notice annotations per step ({LIMITS_SOURCE}); the job summary lists them all")
    lines.append(escape_data(printable(f"privacy diff {report.base_label} -> {report.head_label}: "
                                       f"{report.headline()}")))
    return "\n".join(lines) + "\n"


def _span(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"path": span.path, "line": span.line, "column": span.column, "end_line": span.end_line,
            "end_column": span.end_column}


def to_data(report: DiffReport) -> dict[str, Any]:
    """The JSON document (docs/diff.md, "JSON")."""
    return {
        "version": JSON_VERSION,
        "base": {"label": report.base_label, "commit": report.base_commit, "path": report.base_path},
        "head": {"label": report.head_label, "commit": report.head_commit, "path": report.head_path},
        "summary": {"changes": len(report.changes),
                    **{impact.label: count for impact, count in report.counts().items()},
                    "introduces": report.codes("new-finding"), "fixes": report.codes("fixed-finding"),
                    "gated": len(report.gated)},
        "fail_on": list(report.fail_on),
        "changes": [{"kind": c.kind, "severity": c.severity.label, "subject": c.subject, "message": c.message,
                     "details": dict(c.details), "base": _span(c.base), "head": _span(c.head),
                     "gated": n in report.gated} for n, c in enumerate(report.changes)],
    }


def to_json(report: DiffReport) -> str:
    return json.dumps(to_data(report), indent=2, ensure_ascii=False) + "\n"


def render(report: DiffReport, fmt: str) -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "md":
        return markdown(report)
    if fmt == "github":
        return github_annotations(report)
    return text(report)
