"""Source positions. A plain frozen dataclass, not a pydantic model: spans are the most numerous
objects the parser makes, and cached lint results are rendered without importing pydantic."""

from __future__ import annotations

from dataclasses import dataclass


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
