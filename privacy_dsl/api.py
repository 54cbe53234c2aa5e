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
from pathlib import Path
from typing import TYPE_CHECKING

from .lint.loader import PolicyError
from .query.engine import (
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
    from .lint.config import Config

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


def load(path: str | os.PathLike[str], *, config: Config | None = None) -> PolicyHandle:
    """Load, resolve and lint the policy at ``path`` (its directory, or any of its files).

    ``config`` defaults to the ``[tool.privacy-dsl]`` configuration found upward from the policy.
    Raises ``PolicyError`` when the policy cannot be used and ``ConfigError`` for a bad configuration.
    """
    from .lint.loader import load_one

    given = Path(path)
    loaded = load_one(given, config=config)
    return PolicyHandle(loaded.policy, loaded.diagnostics, loaded.sources)


def load_text(text: str, path: str = "policy.privacy", *, config: Config | None = None) -> PolicyHandle:
    """A handle for a policy given as text (one file); for tests and examples."""
    from .language.sources import SourceFile
    from .lint.config import Config
    from .lint.engine import lint_sources

    result = lint_sources(".", [SourceFile(path, text)], config or Config())
    fatal = [d for d in result.diagnostics if d.fatal and d.suppressed is None]
    if fatal or result.policy is None:
        raise PolicyError(f"cannot load the policy {path}: it has errors", fatal or result.diagnostics, result.sources)
    return PolicyHandle(result.policy, result.diagnostics, result.sources)
