"""The public Python API: load a policy once, then ask it questions.

>>> import privacy_dsl
>>> policy = privacy_dsl.load("policies/fjordkaffe")          # doctest: +SKIP
>>> policy.permits("newsletter", ["email", "name"]).allowed    # doctest: +SKIP
True

``load`` parses, resolves and lints the policy (with the configuration found upward from the
policy directory, or the one given), so that a query never says yes to something the linter
rejects. Everything after that is answered from lookup tables built once. See docs/query.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic
from .query import (
    CategoryInfo,
    Condition,
    CookieInfo,
    Decision,
    PolicyHandle,
    Reason,
    RecipientInfo,
    TransferInfo,
    UnknownName,
)

if TYPE_CHECKING:
    from .config import Config

__all__ = [
    "CategoryInfo",
    "Condition",
    "CookieInfo",
    "Decision",
    "PolicyError",
    "PolicyHandle",
    "Reason",
    "RecipientInfo",
    "TransferInfo",
    "UnknownName",
    "load",
    "load_text",
]


class PolicyError(Exception):
    """The policy cannot be loaded: no such path, several policies, or input errors (syntax, ...)."""

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = (), sources: dict[str, str] | None = None
                 ) -> None:
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        shown = [f"  {d.span}: {d.code} {d.message}" for d in self.diagnostics[:10]]
        if len(self.diagnostics) > 10:
            shown.append(f"  ... and {len(self.diagnostics) - 10} more")
        super().__init__("\n".join([message, *shown]))


def load(path: str | os.PathLike[str], *, config: Config | None = None) -> PolicyHandle:
    """Load, resolve and lint the policy at ``path`` (its directory, or any of its files).

    ``config`` defaults to the ``[tool.privacy-dsl]`` configuration found upward from the policy.
    Raises ``PolicyError`` when the policy cannot be used and ``ConfigError`` for a bad configuration.
    """
    from .config import load_config
    from .lint import lint_policy
    from .sources import discover, display_path

    given = Path(path)
    found = discover([given])
    if found.problems:
        raise PolicyError(f"cannot load the policy {given}", found.problems)
    if len(found.policies) != 1:
        names = ", ".join(display_path(p.root) for p in found.policies)
        raise PolicyError(f"{given} holds {len(found.policies)} policies ({names}); load one of them")
    sources = found.policies[0]
    if config is None:
        config = load_config(start=sources.root)
    result = lint_policy(sources, config)
    return _handle(result.policy, result.diagnostics, result.sources, str(given))


def load_text(text: str, path: str = "policy.privacy", *, config: Config | None = None) -> PolicyHandle:
    """A handle for a policy given as text (one file); for tests and examples."""
    from .config import Config
    from .lint import lint_sources
    from .sources import SourceFile

    result = lint_sources(".", [SourceFile(path, text)], config or Config())
    return _handle(result.policy, result.diagnostics, result.sources, path)


def _handle(policy: object, diagnostics: list[Diagnostic], sources: dict[str, str], shown: str) -> PolicyHandle:
    from . import model as m

    fatal = [d for d in diagnostics if d.fatal and d.suppressed is None]
    if fatal or not isinstance(policy, m.Policy):
        raise PolicyError(f"cannot load the policy {shown}: it does not parse", fatal or diagnostics, sources)
    return PolicyHandle(policy, diagnostics, sources)
