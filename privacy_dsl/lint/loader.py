"""Exactly one policy, for what needs one (the Python API, export, notice, import): found, configured
and linted once, or refused with the diagnostics that say why.

The CLI commands and ``privacy_dsl.load`` share this path, so that "one policy" means the same
everywhere: one policy directory, readable, parsed, and (for exports) free of resolution errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic
from ..records import dataclass

if TYPE_CHECKING:
    from ..language import model as m
    from .config import Config


class PolicyError(Exception):
    """The policy cannot be used: no such path, several policies, or input errors (syntax, ...).

    ``message`` is the one-line reason; ``str(exc)`` adds the first ten diagnostics, for a reader of
    a traceback or a pytest failure; the CLI prints the diagnostics in the ``full`` format instead.
    """

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = (), sources: dict[str, str] | None = None
                 ) -> None:
        self.message = message
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        shown = [f"  {d.span}: {d.code} {d.message}" for d in self.diagnostics[:10]]
        if len(self.diagnostics) > 10:
            shown.append(f"  ... and {len(self.diagnostics) - 10} more")
        super().__init__("\n".join([message, *shown]))


@dataclass(frozen=True, slots=True)
class Loaded:
    """One usable policy, with what the run reported about it and the text of its files."""

    policy: m.Policy
    diagnostics: list[Diagnostic]
    sources: dict[str, str]


def load_one(path: Path, *, config: Config | None = None, config_path: Path | None = None,
             run_rules: bool = True, refuse_unresolved: bool = False, action: str = "load") -> Loaded:
    """Lint the one policy at ``path`` (its directory, or any of its files).

    ``config`` is used as given; else ``config_path``, else the configuration found upward from the
    policy. ``run_rules=False`` parses and resolves only. A policy that cannot be read or parsed is
    refused; with ``refuse_unresolved`` so is one with resolution errors (an undeclared name, an
    invalid value): an export or a notice must not silently leave out what the policy meant to say.
    ``action`` names what the caller does, for the messages ("load", "export").
    """
    from ..language.sources import discover, display_path
    from .config import load_config
    from .engine import lint_policy

    found = discover([path])
    if found.problems:
        raise PolicyError(f"cannot {action} the policy {path}", found.problems)
    if len(found.policies) != 1:
        names = ", ".join(display_path(p.root) for p in found.policies)
        raise PolicyError(f"{path} holds {len(found.policies)} policies ({names}); give one policy directory")
    sources = found.policies[0]
    if config is None:
        config = load_config(config_path, start=sources.root)
    result = lint_policy(sources, config, rules=None if run_rules else [])
    live = [d for d in result.diagnostics if d.suppressed is None]
    unusable = [d for d in live if d.fatal]
    if not unusable and refuse_unresolved:
        unusable = [d for d in live if d.category in ("input", "resolution")]
    if result.policy is None or unusable:
        raise PolicyError(f"cannot {action} the policy {display_path(sources.root)}: it has errors; fix them first "
                          "(`privacy-dsl lint` shows them too)", unusable or result.diagnostics, result.sources)
    return Loaded(result.policy, result.diagnostics, result.sources)
