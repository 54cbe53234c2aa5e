"""Purpose limitation and hygiene: declarations that are unused, missing or in conflict."""

from __future__ import annotations

from .base import Rule

RULES: tuple[Rule, ...] = ()
