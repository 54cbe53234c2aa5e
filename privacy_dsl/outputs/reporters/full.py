"""The default format on a terminal: the message, the source line with a caret, and a hint."""

from __future__ import annotations

from ...diagnostics import Diagnostic, Severity, bound_message, printable
from .common import Report, display_path, render_facts

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def _split(text: str) -> list[str]:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


#: The widest excerpt, in characters: the line is cut to a window around the span.
WINDOW = 120
_CONTEXT = 40  # characters shown before the span when the line must be cut


def window(source: str, start: int, end: int) -> tuple[str, int, int]:
    """The part of ``source`` shown for the span ``[start, end)`` (0-based): (text, caret offset,
    caret width), at most ``WINDOW`` printable characters, with ``…`` on each side that is cut.

    Only a slice of the line around the span is read (a minified HAR is one 2 MB line, with a
    finding for each of thousands of cookies). Tabs show as spaces; control characters are escaped
    (``printable``) and the caret is measured on the escaped text, so it stays under the span. A
    span longer than the window shows its start and ends in ``…``.
    """
    lo = max(0, start - WINDOW)
    long_span = end - start > WINDOW
    span_end = start + WINDOW if long_span else end
    more_after = end + WINDOW < len(source)

    def shown(a: int, b: int) -> str:
        return printable(source[a:b].replace("\t", " "))

    before, span = shown(lo, start), shown(start, span_end)
    after = "" if long_span else shown(end, end + WINDOW)
    if lo == 0 and not long_span and not more_after and len(before) + len(span) + len(after) <= WINDOW:
        return before + span + after, len(before), len(span)
    left = ""
    if lo > 0 or len(before) > _CONTEXT:
        before, left = before[-(_CONTEXT - 1):], "…"
    room = WINDOW - len(left) - len(before)
    if long_span or len(span) > room:
        cut = span[: room - 1] + "…"
        return left + before + cut, len(left) + len(before), len(cut)
    rest = room - len(span)
    if more_after or len(after) > rest:
        after = after[: rest - 1] + "…" if rest > 0 else ""
    return left + before + span + after, len(left) + len(before), len(span)


def _excerpt(diag: Diagnostic, lines: list[str] | None, color: bool) -> list[str]:
    if lines is None:
        return []
    span = diag.span
    if not 1 <= span.line <= len(lines):
        return []
    source = lines[span.line - 1]
    gutter = str(span.line)
    pad = " " * len(gutter)
    start = min(max(span.column, 1), len(source) + 1)
    end = span.end_column if span.end_line == span.line and span.end_column > start else len(source) + 1
    end = max(start + 1, min(end, len(source) + 1))
    text, offset, width = window(source, start - 1, end - 1)
    caret = " " * offset + _paint("^" * max(width, 1), _COLORS[diag.severity], color)
    bar = _paint("|", "34", color)
    return [f" {pad} {bar}", f" {_paint(gutter, '34', color)} {bar} {text}", f" {pad} {bar} {caret}"]


#: How many related places the ``also at`` line lists; the rest are counted.
PLACES = 12


def places(diag: Diagnostic) -> str:
    """The related locations of one finding for several, compactly: ``a.privacy:3, 9, b.privacy:4``
    (a file's name once, then its lines)."""
    out: list[str] = []
    previous = diag.span.path
    for related in diag.related[:PLACES]:
        path = related.span.path
        out.append(str(related.span.line) if path == previous else f"{display_path(path)}:{related.span.line}")
        previous = path
    rest = len(diag.related) - PLACES
    return printable(", ".join(out) + (f" and {rest} more" if rest > 0 else ""))


def render(report: Report) -> str:
    out: list[str] = []
    color = report.color  # the command decides: --color, a terminal, NO_COLOR
    split: dict[str, list[str]] = {}
    for diag in report.shown:
        head = f"{display_path(diag.span.path)}:{diag.span.line}:{diag.span.column}: "
        label = _paint(f"{diag.code} {diag.severity.label}", _COLORS[diag.severity] + ";1", color)
        out.append(f"{_paint(head, '1', color)}{label}: {printable(diag.message)}")
        path = diag.span.path
        if path not in split and path in report.sources:
            split[path] = _split(report.sources[path])  # once per file: linear in the report
        out.extend(_excerpt(diag, split.get(path), color))
        if diag.related:
            out.append(f"  = also at: {places(diag)}")
        if diag.hint:
            out.append(f"  = hint: {printable(diag.hint)}")
        if diag.suppressed:
            out.append(f"  = suppressed: {printable(bound_message(diag.suppressed))}")
        out.append("")
    if not report.quiet:
        out.extend(render_facts(report))
        out.append(report.summary())
    elif out:
        out.pop()  # the blank line after the last finding
    return "\n".join(out) + ("\n" if out else "")
