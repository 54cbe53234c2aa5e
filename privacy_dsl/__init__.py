"""privacy-dsl: policy-as-code for privacy.

Importing the package is cheap: the parser and the model load on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
