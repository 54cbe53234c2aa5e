"""Output formats: one module per format, each a ``render(report) -> str`` function.

Reporters only render diagnostics; they never decide what is a finding, and they have no side
effects (the ``lint`` command writes the output, the GitHub job summary and the statistics).

Formats (documented in docs/output-formats.md):

- ``full``: message, source line with a caret, hint; colour on a terminal (default).
- ``concise``: ``path:line:col: CODE [severity] message``, one per line.
- ``json``: a documented, versioned document (``json.SCHEMA``).
- ``sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
- ``github``: GitHub Actions workflow commands (annotations); the default inside GitHub Actions.
- ``junit``: JUnit XML for GitLab / Jenkins test reports.
"""

from __future__ import annotations

from .common import (
    FORMATS,
    MACHINE_FORMATS,
    Report,
    RuleInfo,
    Statistic,
    builtin_infos,
    code_info,
    display_path,
    lookup_info,
    render_statistics,
    rule_info,
    statistics,
)

__all__ = [
    "FORMATS",
    "MACHINE_FORMATS",
    "Report",
    "RuleInfo",
    "Statistic",
    "builtin_infos",
    "code_info",
    "display_path",
    "lookup_info",
    "render",
    "render_statistics",
    "rule_info",
    "statistics",
]


def render(fmt: str, report: Report) -> str:
    if fmt == "full":
        from . import full

        return full.render(report)
    if fmt == "concise":
        from . import concise

        return concise.render(report)
    if fmt == "json":
        from . import json

        return json.render(report)
    if fmt == "sarif":
        from . import sarif

        return sarif.render(report)
    if fmt == "github":
        from . import github

        return github.render(report)
    if fmt == "junit":
        from . import junit

        return junit.render(report)
    raise ValueError(f"unknown format {fmt!r}")
