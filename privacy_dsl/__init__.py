"""privacy-dsl: policy-as-code for privacy.

Importing the package is cheap: the parser and the model load on first use.
``privacy_dsl.load(path)`` (from ``privacy_dsl.api``) is imported lazily, on first access.
"""

from __future__ import annotations

from .version import __version__

TYPE_CHECKING = False  # not `from typing import ...`: typing costs a hook's cold start several ms

__all__ = ["__version__", "load"]

if TYPE_CHECKING:
    from typing import Any

    from .api import load as load


def __getattr__(name: str) -> Any:
    if name == "load":
        from .api import load

        return load
    raise AttributeError(f"module 'privacy_dsl' has no attribute {name!r}")
