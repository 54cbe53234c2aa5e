"""fides ``policy:`` rules -> policy tests (``.privacy-test``), for ``privacy-dsl import fides --tests``.

A fideslang ``PolicyRule`` names what no privacy declaration may do: ``fides evaluate`` fails when a
declaration matches the rule's data categories, data use *and* data subjects, each by its
``matches``: ``ANY`` (the declaration has one of the values, or something under one), ``ALL`` (it
has every value), ``NONE`` (it has none of them), ``OTHER`` (it has something that is not one of
them). A policy test says the same with ``deny``: ``deny USE CATEGORY for SUBJECT`` holds when no
purpose under the data use may use the category for the subject. So a rule becomes ``deny`` lines:

* ``ANY`` categories: one line per imported category under a value (a line with several
  categories would only deny using them *together*); ``ALL``: one line naming one category under
  each value; ``OTHER``: one line per imported category under none of the values;
* ``ANY`` / ``ALL`` of one data use: the key itself (it covers every purpose under it);
  ``OTHER`` / ``NONE``: each data use of the imported purposes under none of the values (a
  declaration has one data use, so for uses the two are alike);
* ``ANY`` subjects: one line per imported subject named; ``OTHER``: per imported subject not named.

What does not map is said, with the reason, and the test file keeps it as a comment: ``NONE`` of
categories or subjects (a test cannot say "only uses these"), ``ALL`` of several uses or subjects,
values that are not fideslang keys. A rule that no imported declaration can match (no category,
use or subject of the manifest is among its values) is kept as a comment too: it holds already.

The lines are made from the categories, uses and subjects of the import, so they test the
imported policy as it is; a category added later is not covered by them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import field
from typing import Any

from ..diagnostics import printable, shorten
from ..language import taxonomy
from ..outputs.fmt import quote
from ..records import dataclass

#: A `deny` fails when the use is allowed: declared, with a legal basis, and no error found in it;
#: `fides evaluate` fails a rule when a declaration matches, basis or not. With no errors, the two agree.
NO_ERRORS = """\
# A `deny` fails when the use is allowed: declared, with a legal basis and no error found in it.
# fides fails a rule when a declaration matches, with a basis or without: with no errors, they agree.
test "no errors, so that each deny below fails exactly when fides evaluate would" {
  no errors
}"""
#: The most `deny` lines one rule may become (a rule of `ANY: [user]` over a large system).
MAX_LINES_PER_RULE = 500
MATCHES = ("ANY", "ALL", "NONE", "OTHER")


@dataclass
class Imported:
    """What the import made, by the fides keys the rules name."""

    categories: dict[str, str]  # category id -> the fides data-category key it was made from
    subjects: dict[str, str]  # fides data-subject key -> subject id
    uses: list[str]  # the data uses of the imported purposes
    purposes: set[str]  # purpose ids (a data-use key equal to one would name the purpose instead)


@dataclass
class RuleTests:
    """The test file and, for each rule, what became of it."""

    text: str | None = None
    parts: list[str] = field(default_factory=list)  # per fides policy: what its rules became
    notes: list[str] = field(default_factory=list)  # per rule that is not a test: why


def _items(value: Any) -> list[Any]:
    """A YAML list as a list; one value as a list of it; nothing (or a mapping) as none."""
    if value is None or isinstance(value, dict):
        return []
    return value if isinstance(value, list) else [value]


def _under(key: str, values: Iterable[str]) -> bool:
    return any(key == v or key.startswith(v + ".") for v in values)


def _values(rule: dict[str, Any], part: str) -> tuple[str | None, list[str]]:
    entry = rule.get(part)
    if not isinstance(entry, dict):
        return None, []
    matches = entry.get("matches")
    values = [str(v) for v in _items(entry.get("values")) if isinstance(v, str) and v.strip()]
    return (str(matches).upper() if isinstance(matches, str) else None), values


def rule_lines(rule: dict[str, Any], imported: Imported) -> tuple[list[str], str | None]:
    """The ``deny`` lines of one rule, or why it does not map (``None`` lines and a reason);
    no lines and no reason: the rule holds already, nothing imported can match it."""
    parts = {p: _values(rule, p) for p in ("data_categories", "data_uses", "data_subjects")}
    declared = {"data_categories": set(imported.categories.values()), "data_subjects": set(imported.subjects),
                "data_uses": set(imported.uses)}
    for part, (matches, values) in parts.items():
        if matches not in MATCHES:
            return [], f"`{part}` has no `matches` of {', '.join(MATCHES)}"
        unknown = [v for v in values if v not in _table(part) and v not in declared[part]]
        if unknown:
            return [], f"{part.replace('_', ' ')[:-1]} `{shorten(unknown[0])}` is not a fideslang key"

    matches, values = parts["data_categories"]
    all_categories = list(imported.categories)
    if matches == "ANY":
        categories = [[c] for c in all_categories if _under(imported.categories[c], values)]
    elif matches == "OTHER":
        categories = [[c] for c in all_categories if not _under(imported.categories[c], values)]
    elif matches == "ALL":
        each = [[c for c in all_categories if _under(imported.categories[c], [v])] for v in values]
        categories = [list(combo) for combo in itertools.product(*each)] if all(each) else []
    else:
        return [], "`NONE` of data categories asks that a declaration use none of them; a policy test can only " \
                   "deny uses of categories"

    matches, values = parts["data_uses"]
    if matches in ("ANY", "ALL"):
        if matches == "ALL" and len(values) > 1:
            return [], "`ALL` of several data uses: a declaration has one data use, so fides never matches it"
        uses = values
    else:  # NONE and OTHER: a declaration has one use
        uses = list(dict.fromkeys(u for u in imported.uses if not _under(u, values)))
    taken = [u for u in uses if u in imported.purposes]
    if taken:
        return [], f"data use `{taken[0]}` is also the id of a purpose, which a test line would name instead"

    matches, values = parts["data_subjects"]
    if matches == "ANY":
        subjects = [imported.subjects[s] for s in values if s in imported.subjects]
    elif matches == "OTHER":
        subjects = [ident for key, ident in imported.subjects.items() if key not in values]
    elif matches == "ALL" and len(values) == 1:
        subjects = [imported.subjects[values[0]]] if values[0] in imported.subjects else []
    else:
        return [], f"`{matches}` of data subjects: a test line names one subject, and a purpose may list several"

    lines = [f"deny {use} {', '.join(cats)} for {subject}"
             for use, cats, subject in itertools.product(uses, categories, subjects)]
    if len(lines) > MAX_LINES_PER_RULE:
        return [], f"it would be {len(lines):,} test lines (the most is {MAX_LINES_PER_RULE})"
    return lines, None


def _table(part: str) -> Any:
    tables: dict[str, Callable[[], Any]] = {"data_categories": taxonomy.data_categories,
                                            "data_uses": taxonomy.data_uses,
                                            "data_subjects": taxonomy.data_subjects}
    return tables[part]()


def rule_tests(policies: list[dict[str, Any]], imported: Imported, source: str) -> RuleTests:
    """The policy tests of the manifest's fides policies, one ``test`` block per mapped rule."""
    out = RuleTests()
    blocks: list[str] = []
    any_mapped = False
    for policy in policies:
        key = printable(shorten(str(policy.get("fides_key") or policy.get("name") or "policy")))
        rules = [r for r in _items(policy.get("rules")) if isinstance(r, dict)]
        mapped = held = 0
        for n, rule in enumerate(rules, 1):
            name = str(rule.get("name") or rule.get("fides_key") or f"rule {n}")
            title = f"fides policy {key}, rule {shorten(name)}"
            lines, reason = rule_lines(rule, imported)
            description = str(rule.get("description") or "").strip()
            head = [f"# {printable(shorten(description, 200))}"] if description else []
            if reason is not None:
                out.notes.append(f"policy `{key}`: rule `{printable(shorten(name))}` does not map to a policy test: "
                                 f"{printable(reason)}")
                blocks.append("\n".join([*head, f"# {printable(title)}: not a policy test: {printable(reason)}"]))
            elif not lines:
                held += 1
                out.notes.append(f"policy `{key}`: rule `{printable(shorten(name))}` holds already: no imported "
                                 "declaration has its data categories, data use and subjects")
                blocks.append("\n".join([*head, f"# {printable(title)}: holds already; nothing imported can match it"]))
            else:
                mapped += 1
                any_mapped = True
                body = "\n".join(f"  {line}" for line in lines)
                blocks.append("\n".join([*head, f"test {quote(printable(title))} {{", body, "}"]))
        unmapped = len(rules) - mapped - held
        out.parts.append(f"policy `{key}`: " + (
            f"of its {len(rules)} rule{'s' if len(rules) != 1 else ''}, {mapped} became policy tests"
            + (f", {held} hold{'s' if held == 1 else ''} already" if held else "")
            + (f", {unmapped} do{'es' if unmapped == 1 else ''} not map" if unmapped else "")
            if rules else "not imported: it has no rules"))
    if blocks:
        out.text = (f"# Tests made from the fides policies of {printable(source)} by `privacy-dsl import fides`:\n"
                    "# each fides rule names what no declaration may do, and a `deny` says it of the policy.\n\n"
                    + (NO_ERRORS + "\n\n" if any_mapped else "") + "\n\n".join(blocks) + "\n")
    return out
