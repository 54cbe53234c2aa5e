"""Special categories (Art. 9), criminal-offence data (Art. 10) and children (Art. 8)."""

from __future__ import annotations

from .base import Rule

RULES: tuple[Rule, ...] = ()
