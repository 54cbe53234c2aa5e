"""Transparency: what Art. 13 and 14 require a notice to say."""

from __future__ import annotations

from .base import Rule

RULES: tuple[Rule, ...] = ()
