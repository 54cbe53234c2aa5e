"""Hypothesis strategies shared by the property tests (test_fuzz.py, test_fmt.py)."""

from __future__ import annotations

from hypothesis import strategies as st
from lark import Lark

from privacy_dsl.language.parser import grammar_path

#: Built without the parse cache: hypothesis needs the grammar object, which a cached parser lacks.
GRAMMAR = Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr")


def padded_tokens(**overrides: st.SearchStrategy[str]) -> dict[str, st.SearchStrategy[str]]:
    """``explicit`` strategies for ``from_lark(GRAMMAR, ...)``: every token padded with spaces, so that
    generated keywords and names never fuse; ``overrides`` replace the strategy of a terminal."""
    out: dict[str, st.SearchStrategy[str]] = {}
    for term in GRAMMAR.terminals:
        if term.pattern.type == "str":
            out[term.name] = st.just(f" {term.pattern.value} ")
    out.update({
        "NAME": st.from_regex(r"\A[a-z_][a-z0-9_]{0,8}\Z").map(lambda s: f" n{s} "),
        "TAXON": st.sampled_from(["user.contact.email", "marketing", "essential.service", "user"]).map(
            lambda s: f" {s} "),
        "LANG": st.sampled_from(["nb", "en", "se", "nn-NO"]).map(lambda s: f" {s} "),
        "STRING": st.from_regex(r'\A"[a-zA-Z0-9 æøå§.,-]{0,12}"\Z').map(lambda s: f" {s} "),
        "INT": st.integers(0, 10_000).map(lambda i: f" {i} "),
        "UNIT": st.sampled_from(["day", "days", "months", "year"]).map(lambda s: f" {s} "),
        "DATE": st.just(" 2026-01-31 "),
        "COMMENT": st.just(" # comment\n"),
        "WS": st.just(" "),
    })
    out.update(overrides)
    names = {t.name for t in GRAMMAR.terminals}
    return {k: v for k, v in out.items() if k in names or k in ("COMMENT", "WS")}
