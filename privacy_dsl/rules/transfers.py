"""Recipients and third-country transfers (Art. 13(1)(e)-(f), 28, Chapter V)."""

from __future__ import annotations

from .base import Rule

RULES: tuple[Rule, ...] = ()
