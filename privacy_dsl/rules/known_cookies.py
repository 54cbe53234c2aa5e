"""Known cookies: declared cookies checked against the Open Cookie Database."""

from __future__ import annotations

from .base import Rule

RULES: tuple[Rule, ...] = ()
