"""Output formats: one module per format, each a ``render(report) -> str`` function.

Reporters only render diagnostics; they never decide what is a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic

FORMATS = ("full", "concise")


@dataclass(slots=True)
class Report:
    diagnostics: list[Diagnostic]
    sources: dict[str, str] = field(default_factory=dict)
    files: int = 0
    color: bool = False
    show_suppressed: bool = False

    @property
    def shown(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if self.show_suppressed or d.suppressed is None]


def render(fmt: str, report: Report) -> str:
    if fmt == "full":
        from . import full

        return full.render(report)
    if fmt == "concise":
        from . import concise

        return concise.render(report)
    raise ValueError(f"unknown format {fmt!r}")
