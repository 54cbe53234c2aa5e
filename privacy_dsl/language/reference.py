"""The statements of each block, read from the grammar: the generated reference in
docs/language.md (``python -m privacy_dsl.lint.docs`` writes it), so the reference cannot drift
from the language."""

from __future__ import annotations

from collections.abc import Sequence

from lark.grammar import NonTerminal, Rule, Symbol, Terminal

from .tables import lark_parser

#: The blocks in the order the reference presents them: (block, the grammar rule of its statements).
BLOCKS = (
    ("policy", "policy_stmt"), ("controller", "controller_stmt"), ("dpo", "dpo_stmt"),
    ("authority", "authority_stmt"), ("subject", "subject_stmt"), ("category", "category_stmt"),
    ("purpose", "purpose_stmt"), ("legitimate_interests", "interest_stmt"),
    ("automated_decisions", "automated_stmt"), ("recipient", "recipient_stmt"), ("transfer", "transfer_stmt"),
    ("consent", "consent_stmt"), ("cookie", "cookie_stmt"), ("rights", "rights_stmt"),
    ("processing", "processing_stmt"),
)

#: How a value of each grammar symbol is written, and whether it is a list.
_VALUES: dict[str, tuple[str, bool]] = {
    "text": ("<text>", False), "ident": ("<id>", False), "names": ("<id>, ...", True),
    "strings": ('"<string>", ...', True), "STRING": ('"<string>"', False), "taxons": ("<key>, ...", True),
    "TAXON": ("<key>", False), "flag": ("yes | no", False), "duration": ("<duration>", False),
    "basis": ("<basis>", False), "retention": ("<retention>", False), "expiry": ("<expiry>", False),
    "routes": ('<route> ["<address>"], ...', True), "DATE": ("<date>", False), "INT": ("<number>", False),
    "NAME": ("<name>", False), "event": ("<event>", False),
    "_restriction": ('[for <id>, ...] [law "<law>"] [<text>]', False),
}


def _form(expansions: Sequence[Sequence[Symbol]], literal: dict[str, str]) -> tuple[str, bool]:
    """The statement as written (optional parts in brackets) and whether it takes a list."""
    longest = max(expansions, key=len)
    words: list[str] = []
    is_list = False
    for symbol in longest:
        optional = any(symbol not in e for e in expansions)
        if isinstance(symbol, Terminal) and symbol.name in literal:
            word = literal[symbol.name]
            if word == "{":
                word = "{ ... }"
            elif word == "}":
                continue
        elif isinstance(symbol, NonTerminal) and symbol.name.startswith("__"):
            if words and words[-1] != "{ ... }" and not words[-1].endswith(", ..."):
                words[-1] += ", ..."  # a repetition of the value before it: `bases <basis>, ...`
                is_list = is_list or len(words) == 2
            continue  # else the statements inside a sub-block: the `{ ... }` stands for them
        else:
            word, many = _VALUES.get(symbol.name, (f"<{symbol.name.lower()}>", False))
            # A list is what the statement takes when it is its first value (`for a, b` after a
            # retention qualifies it).
            is_list = is_list or (many and not any(w.startswith("<") or w.startswith('"') for w in words[1:]))
        words.append(f"[{word}]" if optional else word)
    return " ".join(words), is_list


def statement_table() -> str:
    """The generated Markdown: per block, each statement's form and whether it takes a list."""
    parser = lark_parser("policy")
    literal = {t.name: t.pattern.value for t in parser.terminals if t.pattern.type == "str"}
    by_rule: dict[str, dict[str, list[Sequence[Symbol]]]] = {}
    rule: Rule
    for rule in parser.rules:
        alias = rule.alias or rule.origin.name
        by_rule.setdefault(rule.origin.name, {}).setdefault(str(alias), []).append(rule.expansion)
    lines = ["| block | statement | takes |", "| --- | --- | --- |"]
    for block, rule_name in BLOCKS:
        for expansions in by_rule.get(rule_name, {}).values():
            form, is_list = _form(expansions, literal)
            cell = form.replace("|", "\\|")  # a pipe inside a table cell, even in code, must be escaped
            lines.append(f"| `{block}` | `{cell}` | {'a list' if is_list else 'one value'} |")
    return "\n".join(lines) + "\n"
