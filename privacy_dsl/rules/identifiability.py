"""Identifiability: claims of anonymity the data contradicts (Recital 26, C-582/14 Breyer)."""

from __future__ import annotations

from .base import Rule

RULES: tuple[Rule, ...] = ()
