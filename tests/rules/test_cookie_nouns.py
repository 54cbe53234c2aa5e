"""Every message that names a cookie block names it by its kind ("pixel `fbq`", "local storage
`cart`"), in every rule family, and names an unnamed one by what is known of it ("an unnamed cookie
of provider `google` (line 1)"): one wording, ``Cookie.label``."""

from __future__ import annotations

import pytest
from conftest import diagnose

from privacy_dsl.api import load_text
from privacy_dsl.lint.config import parse_config

#: (code, the argument that names the cookie, a policy whose `{kind}` cookie `x` the rule names).
CASES = [
    ("CK001", "cookie", "cookie x {{ kind {kind}  category marketing }}"),
    ("CK002", "cookie", "cookie x {{ kind {kind} }}"),
    ("CK003", "cookie", "cookie x {{ kind {kind}  expiry never }}"),
    ("CK004", "cookie", "cookie x {{ kind {kind}  party third }}"),
    ("CK009", "cookie", "cookie x {{ kind {kind} }}"),
    ("CK005", "cookie", "purpose p {{ use marketing.advertising }}\n"
                        "cookie x {{ kind {kind}  category strictly_necessary  purpose p }}"),
    ("CK007", "cookie", "cookie x {{ kind {kind} }}"),
    ("HYG003", "cookie", "cookie x {{ kind {kind} }}\ncookie x {{ kind {kind} }}"),
    ("TRF001", "cookie", 'recipient adco {{ name "AdCo" }}\npurpose ads {{ use marketing.advertising }}\n'
                         "cookie x {{ kind {kind}  provider adco  purpose ads }}"),
    ("TRF001", "cookie", 'cookie x {{ kind {kind}  party third  provider "AdCo" }}'),
    ("IDN001", "cookie", "category c {{ taxonomy user.behavior  identifiability anonymous }}\n"
                         "purpose p {{ categories c }}\ncookie x {{ kind {kind}  purpose p }}"),
    ("CON004", "dependants", "consent b {{ method browser_settings }}\ncookie x {{ kind {kind}  consent b }}"),
    ("TRN012", "block", 'policy "P" {{ languages en, nb }}\ncookie x {{ kind {kind}  description "d" }}'),
    ("TRN013", "found", 'policy "P" {{ claims no_cookies }}\ncookie x {{ kind {kind} }}'),
]
#: The known-cookie rules look the name up in the Open Cookie Database (`_ga` is Google Analytics).
KNOWN = [
    ("CK101", 'cookie _ga {{ kind {kind}  provider "Google"  category strictly_necessary }}'),
    ("CK102", 'cookie _ga {{ kind {kind}  provider "Google"  category analytics  expiry 1 day }}'),
    ("CK103", 'cookie _ga {{ kind {kind}  provider "HubSpot"  category analytics }}'),
]
NOUNS = {"pixel": "pixel", "local_storage": "local storage", "cookie": "cookie", "sdk": "SDK",
         "indexed_db": "IndexedDB", "cache_storage": "cache storage"}


def _named(code: str, arg: str, text: str) -> list[tuple[str, str]]:
    """(the argument, the message) of each finding of ``code``."""
    return [(dict(d.args)[arg], d.message) for d in diagnose(text, code) if d.code == code]


@pytest.mark.parametrize("kind", ["pixel", "local_storage"])
@pytest.mark.parametrize(("code", "arg", "template"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_every_rule_names_the_kind_of_the_cookie(code: str, arg: str, template: str, kind: str) -> None:
    got = _named(code, arg, template.format(kind=kind))
    label = f"{NOUNS[kind]} `x`"
    assert got, f"{code} did not fire"
    for value, message in got:
        assert label in value and label in message
        assert "cookie `x`" not in message


@pytest.mark.parametrize("kind", ["pixel", "local_storage"])
@pytest.mark.parametrize(("code", "template"), KNOWN)
def test_the_known_cookie_rules_name_the_kind_too(code: str, template: str, kind: str) -> None:
    got = _named(code, "cookie", template.format(kind=kind))
    assert got == [(f"{NOUNS[kind]} `_ga`", got[0][1])] and got[0][1].startswith(f"{NOUNS[kind]} `_ga` is declared")


@pytest.mark.parametrize("kind", sorted(NOUNS))
def test_the_reading_checks_name_the_kind_too(kind: str) -> None:
    (diag,) = [d for d in load_text(f"cookie x {{ kind {kind}  purpose nope }}").diagnostics if d.code == "E200"]
    assert diag.message.startswith(f"{NOUNS[kind]} `x` refers to purpose `nope`")


@pytest.mark.parametrize(("kind", "label"), [
    ("pixel", "an unnamed pixel of provider `meta` (line 1)"),
    ("local_storage", "an unnamed local storage item of provider `meta` (line 1)"),
    ("cookie", "an unnamed cookie of provider `meta` (line 1)"),
])
def test_an_unnamed_cookie_is_named_by_what_is_known(kind: str, label: str) -> None:
    text = f"cookie unnamed {{ kind {kind}  provider meta }}"
    assert _named("CK002", "cookie", text) == [(label, f"{label} does not say how long it lasts")]
    assert _named("CK008", "cookie", text) == [
        (label, f"{label}: the notice does not give its name, so it cannot be checked against the site or the "
                "Open Cookie Database")]


@pytest.mark.parametrize(("lines", "label"), [
    ('provider "Google LLC"', "an unnamed cookie of provider `Google LLC` (line 1)"),
    ("category marketing", "an unnamed marketing cookie (line 1)"),
    ("category strictly_necessary", "an unnamed strictly necessary cookie (line 1)"),
    ("", "an unnamed cookie (line 1)"),
])
def test_an_unnamed_label_uses_the_provider_else_the_category(lines: str, label: str) -> None:
    assert _named("CK002", "cookie", f"cookie unnamed {{ {lines} }}") == [
        (label, f"{label} does not say how long it lasts")]


def test_messages_that_list_cookies_name_unnamed_ones_by_their_line() -> None:
    text = ('policy "P" { claims no_cookies }\n'
            "cookie unnamed { kind pixel  provider meta }\n"
            "cookie unnamed { provider meta }\n")
    ((found, message),) = _named("TRN013", "found", text)
    assert found == "an unnamed pixel of provider `meta` (line 2), an unnamed cookie of provider `meta` (line 3)"
    assert found in message


def test_defaults_do_not_change_the_label_of_a_named_cookie() -> None:
    text = "defaults cookie { kind pixel }\ncookie x { }\n"
    config = parse_config({"select": ["CK002"]})
    assert [dict(d.args)["cookie"] for d in diagnose(text, config=config)] == ["pixel `x`"]


@pytest.mark.parametrize(("code", "text"), [
    ("CK001", "cookie x {{ kind {kind}  category marketing }}"),
    ("CK005", "purpose p {{ use marketing.advertising }}\n"
              "cookie x {{ kind {kind}  category strictly_necessary  purpose p }}"),
    ("CK101", 'cookie _ga {{ kind {kind}  provider "Google"  category strictly_necessary }}'),
])
@pytest.mark.parametrize("kind", ["pixel", "local_storage"])
def test_hints_name_the_kind_too(code: str, text: str, kind: str) -> None:
    (diag,) = [d for d in diagnose(text.format(kind=kind), code) if d.code == code]
    assert diag.hint is not None and NOUNS[kind] in diag.hint and "cookie" not in diag.hint.replace(
        "Open Cookie Database", "")
