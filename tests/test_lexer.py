"""The fast path (lexer.py: our lexer and LALR loop) gives exactly the parse (model, diagnostics,
comments) Lark's public path gives (``Lark.parse`` with its own contextual lexer, then the tree built)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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

from privacy_dsl.language import lexer
from privacy_dsl.language import parser as p

EXAMPLES = int(os.environ.get("PRIVACY_DSL_FUZZ_EXAMPLES", "200"))
FENCE = re.compile(r"```privacy\n(.*?)```", re.S)


@contextmanager
def lark_lexer() -> Iterator[None]:
    """parse_text through Lark's public surface only (as on a Lark the fast path is not tested with)."""
    fast = p._fast_parser
    p._fast_parser = lambda: None  # type: ignore[assignment]
    try:
        yield
    finally:
        p._fast_parser = fast


def same_parse(text: str) -> None:
    ours = p.parse_text(text, "x.privacy")
    with lark_lexer():
        theirs = p.parse_text(text, "x.privacy")
    assert repr(ours) == repr(theirs)


#: Set where Lark is outside the minor version lexer.py reads the internals of (CI's run on Lark 1.2).
EXPECT_FALLBACK = os.environ.get("PRIVACY_DSL_EXPECT_LARK_FALLBACK") == "1"


def test_the_fast_lexer_is_in_use() -> None:
    """The shipped fast table needs no Lark: the fast path is on with any Lark, so long as the table
    was made from this grammar (a test below checks it is up to date). Making it from a Lark parser
    (an edited grammar, ``scripts/regen_parse_tables.py``) reads Lark's internals, and steps aside on
    a Lark it is not tested with; this says so, loudly: on a new Lark, test it and move
    ``lexer.TESTED_LARK`` and the pin in pyproject.toml."""
    assert p._fast_parser() is not None
    if EXPECT_FALLBACK:
        assert lexer.fast_parser(p.lark_parser()) is None
        assert not lexer.internals()
    else:
        import lark

        assert lexer.internals(), f"lexer.py does not read the internals of lark {lark.__version__}"
        assert lexer.fast_parser(p.lark_parser()) is not None


def test_the_fast_path_is_not_made_from_a_lark_it_is_not_tested_with(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexer, "internals", lambda: False)
    assert lexer.fast_parser(p.lark_parser()) is None
    assert lexer.load_table({}, {}) is None
    assert lexer.load_options() == frozenset()


def test_a_parse_that_goes_well_imports_no_lark() -> None:
    """A hook's lint of a clean policy never imports Lark (about a quarter of its cold start):
    the fast table is data, the tokens are ``lexer.Token``. A syntax error imports it, for Lark's message."""
    code = ("import sys; from privacy_dsl.language.parser import parse_text; "
            "r = parse_text('purpose p { basis consent }  # c'); assert r.document is not None and r.comments; "
            "assert not [m for m in sys.modules if m.startswith('lark')], sorted(sys.modules); "
            "r = parse_text('purpose {'); assert r.diagnostics and 'lark' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


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


needs_fast_path = pytest.mark.skipif(p._fast_parser() is None, reason="the fast path is off on this Lark")
#: Making the fast table from a Lark parser reads Lark's internals: only on the Lark it is tested with.
needs_lark_internals = pytest.mark.skipif(not lexer.internals(), reason="lexer.py does not read this Lark's internals")


@needs_lark_internals
def test_tokens_and_tree_are_what_lark_makes() -> None:
    """Every node and every attribute of every token, against ``Lark.parse``, on a policy with every
    kind of token: ``drive`` builds what Lark's tree builder builds (child filter, inlined rules)."""
    from lark import Token, Tree

    text = "\n".join(f.read_text(encoding="utf-8") for f in sorted((POLICIES / "fjordkaffe").glob("*.privacy")))
    fast = lexer.fast_parser(p.lark_parser())  # keeping every token, as Lark's tree does
    assert fast is not None
    ours = lexer.drive(fast, text, lambda name, children, first, last: Tree(name, children))
    theirs = p.lark_parser().parse(text)
    assert ours == theirs

    def tokens(tree: Tree[Token]) -> list[tuple[object, ...]]:
        return [(t.type, str(t), t.value, t.start_pos, t.line, t.column, t.end_line, t.end_column, t.end_pos)
                for t in tree.scan_values(lambda _: True)]
    assert tokens(ours) == tokens(theirs)
    assert len(tokens(ours)) > 500


@needs_fast_path
def test_comments_are_the_ones_lark_lexes() -> None:
    """The fast lexer's comments and ``scan_comments`` (the public path's) against the COMMENT
    tokens Lark's own lexer makes, with a lexer callback on a parser of our own."""
    from lark import Lark

    found: list[tuple[object, ...]] = []
    lark = Lark(p.grammar_path().read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                keep_all_tokens=True, lexer_callbacks={"COMMENT": lambda t: found.append(
                    (t.start_pos, t.line, t.column, str(t)))})
    texts = [path.read_text(encoding="utf-8") for path in _texts() if path.suffix == ".privacy"]
    texts += ['purpose x { # a "quoted" word\n basis consent } # end', 'cookie "#x" { # c\n }',
              '# one\npurpose x {\n # two\n basis nonsense # three\n', 'purpose "a # b" { §  # after\n}']
    for text in texts:
        found.clear()
        try:
            lark.parse(text)
            stop = None
        except Exception as exc:  # a syntax error: the comments lexed before it
            stop = p._lexed_before(exc, text)  # type: ignore[arg-type]
        assert list(p.scan_comments(text, stop)) == found, text
        parsed = p.parse_text(text, "x.privacy")
        assert [(c.line, c.column, c.text) for c in parsed.comments] == [f[1:] for f in found], text


def test_only_strings_and_comments_hold_quotes_and_hashes() -> None:
    """What ``scan_comments`` relies on: no other terminal can hold `"` or `#`."""
    import re

    for terminal in p.lark_parser().terminals:
        if terminal.name in ("STRING", "COMMENT"):
            continue
        pattern = terminal.pattern
        if pattern.type == "str":
            assert '"' not in pattern.value and "#" not in pattern.value, terminal.name
        else:
            compiled = re.compile(pattern.to_regexp())
            probes = ['"', "#", 'a"b', "a#b", "1#2", '1"2', "a.b#c", 'x-"y']
            matches = [compiled.match(probe, start) for probe in probes for start in range(len(probe))]
            assert not any(m and ('"' in m.group() or "#" in m.group()) for m in matches), terminal.name


def test_a_token_over_several_lines_is_left_to_lark() -> None:
    """Our grammar's strings and comments are one line; should one ever span lines, the fast path
    declines and Lark's parser (which counts the lines) is used."""
    from lark import Lark

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
    fast = lexer.fast_parser(Lark(grammar, parser="lalr", lexer="contextual", keep_all_tokens=True))
    if fast is None:
        pytest.skip("the fast path is off on this Lark")
    build = lambda name, children, first, last: (name, children)  # noqa: E731
    assert lexer.drive(fast, 'a "one"\nc "three"\n', build) is not None
    with pytest.raises(lexer.Declined):
        lexer.drive(fast, 'a "one"\nb "two\nlines" c "three"\n', build)
