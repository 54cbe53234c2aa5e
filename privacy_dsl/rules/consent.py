"""Consent: valid, informed, freely given and withdrawable (GDPR Art. 4(11), 7; Recital 32)."""

from __future__ import annotations

from .base import Rule

RULES: tuple[Rule, ...] = ()
