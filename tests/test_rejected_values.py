"""Values the parser rejects: reported in the language's own words, with a hint that fits the
statement, and never in the model (issue 16)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, diagnose

from privacy_dsl.api import load_text
from privacy_dsl.language.parser import _KEYWORDS


@pytest.mark.parametrize(("text", "keyword"), [
    ("cookie c {\n  category analytics\n  category marketing\n}\n", "category"),
    ("purpose p {\n  consent a\n  consent b\n}\n", "consent"),
    ("transfer t {\n  recipient a\n  recipient b\n}\n", "recipient"),
    ('controller "C" {\n  representative "A"\n  representative { name "B" }\n}\n', "representative"),
])
def test_a_statement_given_twice_is_named_by_its_keyword(text: str, keyword: str) -> None:
    (d,) = [d for d in diagnose(text) if d.code == "E205"]
    assert d.message == f"`{keyword}` is given twice in this block; the first, at line 2, is used"
    assert dict(d.args)["statement"] == keyword


def test_every_statement_alias_that_is_not_its_keyword_is_named() -> None:
    """A grammar alias (``"purpose" ident -> purpose_ref``) is not a word of the language."""
    grammar = (ROOT / "grammar.lark").read_text(encoding="utf-8")
    aliases = {alias: word for word, alias in re.findall(r'^\s*[|:]?\s*"(\w+)"[^\n]*?-> (\w+)\s*$', grammar, re.M)
               if alias.endswith(("_ref", "_block")) or alias.startswith("cookie_")}
    assert aliases and all(_KEYWORDS.get(alias) == word for alias, word in aliases.items()), aliases


@pytest.mark.parametrize(("text", "keyword", "absent"), [
    ("purpose p {\n  retention 0 seconds\n}\n", "retention", "expiry"),
    ("cookie c {\n  expiry 0 days\n}\n", "expiry", "retention"),
    ("consent c {\n  valid_for 0 months\n}\n", "valid_for", "expiry"),
    ("consent c {\n  record_retention 0 days\n}\n", "record_retention", "expiry"),
    ("purpose p {\n  retention 99999 years\n}\n", "retention", "expiry"),
    ("cookie c {\n  expiry 99999 years\n}\n", "expiry", "retention"),
])
def test_a_duration_out_of_range_gets_a_hint_for_its_own_statement(text: str, keyword: str, absent: str) -> None:
    (d,) = diagnose(text, "E204")
    assert f"`{keyword} " in (d.hint or "") and f"`{absent} " not in (d.hint or ""), d.hint


def test_a_zero_duration_is_not_in_the_model() -> None:
    model = load_text("purpose p {\n  retention 0 seconds\n  retention 3 years\n}\n"
                      "cookie c {\n  expiry 0 days\n}\n"
                      "cookie r {\n  expiry 1 day to 0 seconds\n}\n"
                      "consent k {\n  valid_for 0 months\n  record_retention 0 days\n}\n").model
    assert [str(r) for r in model.purposes["p"].retention] == ["3 years"]
    cookies = {c.name: c for c in model.cookies}
    assert cookies["c"].expiry is None and cookies["r"].expiry is None
    assert model.consents["k"].valid_for is None and model.consents["k"].record_retention is None


def test_a_too_long_duration_is_kept_at_the_longest() -> None:
    (ret,) = load_text("purpose p {\n  retention 99999 years\n}\n").model.purposes["p"].retention
    assert str(ret) == "1000 years" and type(ret.duration).__name__ == "Duration"
