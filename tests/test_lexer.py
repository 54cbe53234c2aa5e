"""The fast lexer gives exactly the parse (model, diagnostics, comments) Lark's own lexer gives."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import POLICIES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from strategies import GRAMMAR, padded_tokens
from test_fuzz import _mutated

from privacy_dsl import parser as p
from privacy_dsl.lexer import FastContextualLexer

EXAMPLES = int(os.environ.get("PRIVACY_DSL_FUZZ_EXAMPLES", "200"))
FENCE = re.compile(r"```privacy\n(.*?)```", re.S)


@contextmanager
def lark_lexer() -> Iterator[None]:
    """parse_text with Lark's own contextual lexer."""
    fast = p.lark_parser
    p.lark_parser = lambda fast_lexer=True: fast(False)  # type: ignore[assignment]
    try:
        yield
    finally:
        p.lark_parser = fast  # type: ignore[assignment]


def same_parse(text: str) -> None:
    ours = p.parse_text(text, "x.privacy")
    with lark_lexer():
        theirs = p.parse_text(text, "x.privacy")
    assert repr(ours) == repr(theirs)


def test_the_fast_lexer_is_in_use() -> None:
    """If a grammar change gives a terminal a shape it does not know, it steps aside; this says so."""
    assert type(p.lark_parser().parser.lexer) is FastContextualLexer


def _texts() -> list[Path]:
    return sorted([*POLICIES.rglob("*.privacy"), *(ROOT / "tests").rglob("*.privacy"), *(ROOT / "docs").rglob("*.md"),
                   ROOT / "README.md"])


@pytest.mark.parametrize("path", _texts(), ids=lambda q: str(q.relative_to(ROOT)))
def test_same_parse_for_every_policy_and_example_in_the_repository(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    for chunk in FENCE.findall(text) if path.suffix == ".md" else [text]:
        same_parse(chunk)


@pytest.mark.parametrize("text", [
    "", " ", "\ufeff", "#", "# c", '"', '"abc', '"a\\"b"', "purpose", "purposes", "purpose x {",
    "purpose x { basis consent }", "cookie c { expiry 2026-01-01 }", "cookie c { expiry 13months }",
    "purpose x { retention 2026-01-015 days }", "category c { taxonomy user.contact.email. }",
    "purpose x\u00a0{ }", "purpose x { basis\vconsent }", "policy p { language nb-NO }", "\x00", "§", "{}",
    "purpose x { categories a,,b }", "purpose _x-y.z { }", "purpose 1x { }", "purpose x { } }",
])
def test_same_parse_for_edge_cases(text: str) -> None:
    same_parse(text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_lark(GRAMMAR, explicit=padded_tokens()))
def test_same_parse_for_generated_documents(source: str) -> None:
    same_parse(source)


@settings(max_examples=EXAMPLES, deadline=None)
@given(_mutated())
def test_same_parse_for_mutated_policies(source: str) -> None:
    same_parse(source)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from([*'{}"#\n\t ,.-_aeiouxyz0129§\x00ø\ufeff\u00a0\\', "purpose", "cookie", "basis",
                                 "consent", "retention", "expiry", "days", "nb", "user.contact"]),
                max_size=60).map("".join))
def test_same_parse_for_arbitrary_text(source: str) -> None:
    same_parse(source)


def test_tokens_are_what_lark_makes() -> None:
    """Every attribute of every token, against Lark's own lexer, on a policy with every kind of token."""
    from lark.lexer import LexerState

    from privacy_dsl.lexer import drive

    text = "\n".join(f.read_text(encoding="utf-8") for f in sorted((POLICIES / "fjordkaffe").glob("*.privacy")))
    seen: dict[str, list[tuple[object, ...]]] = {"ours": [], "lark": []}

    def record(name: str, lexer: object) -> None:
        original = lexer.lex  # type: ignore[attr-defined]

        def lex(state: LexerState, parser_state: object) -> Iterator[object]:
            for tok in original(state, parser_state):
                seen[name].append((tok.type, str(tok), tok.value, tok.start_pos, tok.line, tok.column,
                                   tok.end_line, tok.end_column, tok.end_pos))
                yield tok
        lexer.lex = lex  # type: ignore[attr-defined]

    fast, slow = p.lark_parser(), p.lark_parser(False)
    record("ours", fast.parser.lexer)
    record("lark", slow.parser.lexer)
    try:
        p._INLINE.builder = p._Builder("x")
        drive(fast, text, p._node_builder)
        p._INLINE.builder = p._Builder("x")
        slow.parse(text)
    finally:
        p._INLINE.builder = None
        del fast.parser.lexer.lex, slow.parser.lexer.lex  # type: ignore[attr-defined]
    assert seen["ours"] == seen["lark"]
    assert len(seen["ours"]) > 500


def test_a_token_over_several_lines_is_left_to_lark() -> None:
    """Our grammar's strings and comments are one line; should one ever span lines, the positions
    after it must still be Lark's."""
    from lark import Lark, Tree

    from privacy_dsl.lexer import drive, install

    grammar = r'''
        start: item*
        item: NAME STRING
        NAME: /[^\W\d][\w\-]*/
        STRING: /"[^"]*"/
        COMMENT: /#[^\n]*/
        WS: /[ \t\n]+/
        %ignore WS
        %ignore COMMENT
    '''
    text = 'a "one"\nb "two\nlines" c "three"\n'
    fast = Lark(grammar, parser="lalr", lexer="contextual", keep_all_tokens=True)
    slow = Lark(grammar, parser="lalr", lexer="contextual", keep_all_tokens=True)
    assert install(fast)

    def positions(tree: Tree[object]) -> list[tuple[object, ...]]:
        return [(t.type, str(t), t.line, t.column, t.end_line, t.end_column) for t in tree.scan_values(lambda _: True)]

    ours = drive(fast, text, lambda name: lambda children: Tree(name, children))
    assert positions(ours) == positions(slow.parse(text))
    assert positions(ours)[-1][2] == 3  # `c "three"` is on line 3
