"""Inline suppressions: ``# privacy-dsl: ignore[CODE, ...] until YYYY-MM-DD -- reason``.

A suppression at the end of a line covers findings that start on that line. On a line of its
own it covers the next line and, when that line opens a block, the whole block. The reason after
``--`` is required; ``until`` is optional and makes the suppression lapse (and be reported) after
that date. The rules SUP001-SUP005 keep suppressions honest.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field

from ..records import dataclass
from .parser import Comment

_DIRECTIVE = re.compile(r"#\s*privacy-dsl\s*:\s*(?P<verb>\w+)(?P<rest>.*)$")
_CODES = re.compile(r"^\s*\[(?P<codes>[^\]]*)\]")
_UNTIL = re.compile(r"^\s*until\s+(?P<date>\S+)")
_REASON = re.compile(r"^\s*--\s*(?P<reason>.*?)\s*$")
_LATE_UNTIL = re.compile(r"\buntil\s+\d{4}-\d{2}-\d{2}$")


@dataclass(slots=True)
class Suppression:
    line: int
    column: int
    end_column: int
    codes: tuple[str, ...]  # empty: blanket
    reason: str | None
    until: dt.date | None
    first_line: int
    last_line: int
    problem: str | None = None  # a malformed directive, reported by SUP005
    used: set[str] = field(default_factory=set)

    def covers(self, code: str, line: int) -> bool:
        return self.first_line <= line <= self.last_line and (not self.codes or code in self.codes)

    def expired(self, today: dt.date) -> bool:
        return self.until is not None and today > self.until


def parse_suppressions(comments: tuple[Comment, ...], text: str,
                       block_ends: dict[int, int]) -> list[Suppression]:
    """Suppressions in a file; ``block_ends`` maps a block's first line to its last line."""
    lines = text.split("\n")
    found: list[Suppression] = []
    for comment in comments:
        match = _DIRECTIVE.match(comment.text)
        if not match:
            continue
        verb, rest = match.group("verb"), match.group("rest")
        problem = None if verb == "ignore" else f"unknown directive `{verb}` (only `ignore` exists)"
        codes: tuple[str, ...] = ()
        cm = _CODES.match(rest)
        if cm:
            codes = tuple(c.strip() for c in cm.group("codes").split(",") if c.strip())
            rest = rest[cm.end():]
            if not codes:
                problem = problem or "`[]` names no rule: write the codes, e.g. `ignore[CK002]`"
        until = None
        um = _UNTIL.match(rest)
        if um:
            try:
                until = dt.date.fromisoformat(um.group("date"))
            except ValueError:
                problem = problem or f"`until {um.group('date')}` is not a date (YYYY-MM-DD)"
            rest = rest[um.end():]
        rm = _REASON.match(rest)
        reason = rm.group("reason") or None if rm else None
        if reason and _LATE_UNTIL.search(reason):
            problem = problem or "`until <date>` must come before `--`, or the suppression never expires"
        if rm is None and rest.strip():
            problem = problem or f"cannot read `{rest.strip()}`: write `-- <reason>` after the codes"
        before = lines[comment.line - 1][: comment.column - 1] if comment.line <= len(lines) else ""
        if before.strip():
            first = last = comment.line
        else:
            first = _next_code_line(lines, comment.line)
            last = block_ends.get(first, first)
        found.append(Suppression(comment.line, comment.column, comment.column + len(comment.text), codes, reason,
                                 until, first, last, problem))
    return found


def _next_code_line(lines: list[str], after: int) -> int:
    for number in range(after + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return after
