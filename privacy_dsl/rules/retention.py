"""Retention: storage limitation (Art. 5(1)(e)) and telling people how long (Art. 13(2)(a))."""

from __future__ import annotations

from .base import Rule

RULES: tuple[Rule, ...] = ()
