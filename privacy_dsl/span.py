"""Source positions. A plain frozen dataclass, not a pydantic model: spans are the most numerous
objects the parser makes, and cached lint results are rendered without importing pydantic."""

from __future__ import annotations

from .records import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node is in its file: 1-based lines and columns, end column exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


_new = object.__new__
_set = object.__setattr__


def new_span(path: str, line: int, column: int, end_line: int, end_column: int) -> Span:
    """``Span(path, line, column, end_line, end_column)`` at under half the cost, for the parser,
    which makes one for nearly every statement: the same frozen ``Span``, its fields set as the
    dataclass's own ``__init__`` sets them (``object.__setattr__``), without the class call and
    the per-field attribute lookups of that ``__init__`` (a test checks the two agree)."""
    span = _new(Span)
    _set(span, "path", path)
    _set(span, "line", line)
    _set(span, "column", column)
    _set(span, "end_line", end_line)
    _set(span, "end_column", end_column)
    return span
