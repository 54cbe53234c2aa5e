"""The rule registry: every rule family module, listed explicitly (no import magic).

``REGISTRY`` maps a code to the rule that checks it (what the engine runs). What the codes are,
for listing, explaining, selecting and validating them, is the catalogue, ``privacy_dsl.lint.catalogue``,
which reads the rules from here; retired codes are kept there.
"""

from __future__ import annotations

from . import (
    claims,
    consent,
    cookies,
    hygiene,
    identifiability,
    known_cookies,
    lawfulness,
    notice_facts,
    retention,
    special_data,
    suppressions,
    transfers,
    transparency,
)
from .base import Rule

FAMILIES = (
    lawfulness,
    consent,
    special_data,
    retention,
    transfers,
    cookies,
    known_cookies,
    transparency,
    claims,
    notice_facts,
    identifiability,
    hygiene,
    suppressions,
)

REGISTRY: dict[str, Rule] = {}
for _family in FAMILIES:
    for _rule in _family.RULES:
        assert _rule.code not in REGISTRY, f"duplicate rule code {_rule.code}"
        REGISTRY[_rule.code] = _rule

BY_NAME: dict[str, Rule] = {rule.name: rule for rule in REGISTRY.values()}
