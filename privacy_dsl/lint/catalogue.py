"""The one table of every code privacy-dsl can emit: the rules' entries beside ``codes.STATIC`` and
``codes.RETIRED`` (ruff's ``codes.rs`` is the model).

The rules are imported only when a question needs them: a lookup of an input, verify, export or
notice code, or a list of those sources, answers from ``codes.STATIC``, so ``--version``, ``--help``
and a diagnostic of a broken file never import the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import codes as _codes
from ..codes import STATIC, Catalogue, Code, Source

if TYPE_CHECKING:
    from .rules.base import Rule

_full: Catalogue | None = None


def from_rule(rule: Rule) -> Code:
    """A rule's entry, from its ``@rule(...)`` declaration and docstring."""
    body = rule.doc.split("\n", 1)[1].strip() if "\n" in rule.doc else ""
    return Code(rule.code, rule.name, rule.category, "rule", rule.severity, rule.summary, body,
                f"rules/{rule.category}.md", status=getattr(rule, "status", "stable"),
                messages=dict(getattr(rule, "messages", None) or {}), implies=tuple(getattr(rule, "implies", ())),
                object_args=tuple(getattr(rule, "object_args", ())), references=rule.references,
                jurisdictions=rule.jurisdictions)


def full() -> Catalogue:
    """Every code: the rules (in their registry's order), the other codes, the retired ones."""
    global _full
    if _full is None:
        from .rules import REGISTRY

        table = {code: from_rule(rule) for code, rule in REGISTRY.items()}
        for entry in (*STATIC.values(), *_codes.RETIRED):
            assert entry.code not in table, f"the code {entry.code} is used twice"
            table[entry.code] = entry
        _full = Catalogue(table)
    return _full


def catalogue() -> dict[str, Code]:
    """Every code, by code (a copy: the table itself is shared)."""
    return dict(full().table)


def codes(*sources: Source, retired: bool = False) -> list[Code]:
    """The entries emitted by these sources (all when none is given), sorted by code."""
    if sources and "rule" not in sources:
        return Catalogue({**STATIC, **{c.code: c for c in _codes.RETIRED}}).codes(*sources, retired=retired)
    return full().codes(*sources, retired=retired)


def get(key: str) -> Code | None:
    """The entry of a code (any case) or a name, retired ones included; redirects are not followed."""
    upper = key.upper()
    if upper in STATIC:  # no rule import for an input, verify, export or notice code
        return STATIC[upper]
    return full().get(key)


def lookup(key: str) -> Code | None:
    """The live entry for a code or name: a retired code's successor (None when it has none)."""
    if key.upper() in STATIC:
        return STATIC[key.upper()]
    return full().lookup(key)


def redirect(code: str) -> tuple[str, str | None] | None:
    """``(code, its successor)`` when ``code`` is a retired code, else None. Reads only the retired
    codes (no rule import) unless one matches."""
    if not any(c.code == code for c in _codes.RETIRED):
        return None
    return full().redirect(code)


def entry(code: str) -> Code:
    """The entry of a code the tool emits (a programming error when there is none)."""
    found = STATIC.get(code) or full().table.get(code)
    if found is None:
        raise KeyError(code)
    return found
