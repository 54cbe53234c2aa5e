"""Consent rules CON001-CON008: each fires where it should, at the right place, and only there."""

from __future__ import annotations

from textwrap import dedent

import pytest
from conftest import codes, diagnose, example, findings

from privacy_dsl.lint.config import parse_config


def lint(text: str, code: str, **kw: object) -> list[tuple[str, int, int]]:
    return [c for c in codes(dedent(text), [code], **kw) if c[0] == code]  # type: ignore[arg-type]


def lint_in(text: str, code: str, *jurisdictions: str) -> list[tuple[str, int, int]]:
    config = parse_config({"select": [code], "jurisdictions": list(jurisdictions)})
    return [c for c in codes(dedent(text), config=config) if c[0] == code]


# ---------------------------------------------------------------- CON001 consent-without-withdrawal


def test_con001_fires_on_the_consent_block() -> None:
    assert lint("""\
        consent signup {
          method opt_in
        }
        consent banner {
          method opt_in
          withdraw "Cookie settings link on every page"
        }
        """, "CON001") == [("CON001", 1, 1)]


def test_con001_blank_withdraw_counts_as_missing() -> None:
    assert lint('consent signup {\n  withdraw ""\n}\n', "CON001") == [("CON001", 1, 1)]


def test_con001_rights_block_with_withdrawal_and_how_is_enough() -> None:
    text = """\
        consent signup {
          method opt_in
        }
        rights {
          offered access, withdraw_consent
          how "E-mail privacy@example.org"
        }
        """
    assert lint(text, "CON001") == []
    # Offering the right without saying how is not enough.
    assert lint(text.replace('  how "E-mail privacy@example.org"\n', ""), "CON001") == [("CON001", 1, 1)]


# ---------------------------------------------------------------- CON002 consent-as-condition


def test_con002_fires_at_condition_of_service() -> None:
    assert lint("""\
        consent wall {
          method opt_in
          condition_of_service yes
        }
        """, "CON002") == [("CON002", 3, 3)]


def test_con002_quiet_when_not_a_condition_or_unstated() -> None:
    assert lint("""\
        consent banner {
          condition_of_service no
        }
        consent other {
          method opt_in
        }
        """, "CON002") == []


# ---------------------------------------------------------------- CON003 invalid-consent-method


def test_con003_fires_for_every_invalid_method() -> None:
    methods = ["pre_ticked", "opt_out", "silence", "continued_browsing", "implied", "none"]
    text = "".join(f"consent c{i} {{\n  method {m}\n}}\n" for i, m in enumerate(methods))
    assert lint(text, "CON003") == [("CON003", 2 + 3 * i, 3) for i in range(len(methods))]


def test_con003_quiet_for_opt_in_unstated_and_browser_settings() -> None:
    assert lint("""\
        consent a {
          method opt_in
        }
        consent b {
          withdraw "x"
        }
        consent c {
          method browser_settings
        }
        """, "CON003") == []


def test_con003_names_what_relies_on_the_mechanism() -> None:
    text = "consent box {\n  method pre_ticked\n}\npurpose news {\n  basis consent\n  consent box\n}\n"
    (diag,) = [d for d in diagnose(text, ["CON003"]) if d.code == "CON003"]
    assert "purpose `news`" in diag.message


# ---------------------------------------------------------------- CON004 browser-settings-as-consent


def test_con004_fires_at_the_method_once_whatever_relies_on_it() -> None:
    text = """\
        consent browser {
          method browser_settings
        }
        purpose stats {
          consent browser
        }
        purpose ads {
          consent browser
        }
        cookie _fbp {
          purpose ads
        }
        """
    assert lint(text, "CON004") == [("CON004", 2, 3)]
    (diag,) = [d for d in diagnose(dedent(text), ["CON004"]) if d.code == "CON004"]
    assert "purpose `stats`" in diag.message and "cookie `_fbp`" in diag.message


def test_con004_fires_for_an_unused_mechanism_too() -> None:
    assert lint("consent browser {\n  method browser_settings\n}\n", "CON004") == [("CON004", 2, 3)]


def test_con004_quiet_for_a_banner() -> None:
    assert lint("""\
        consent banner {
          method opt_in
          reject_button
        }
        purpose stats {
          consent banner
        }
        """, "CON004") == []


# ---------------------------------------------------------------- CON005 consent-record-without-period


def test_con005_fires_on_the_consent_block() -> None:
    assert lint("""\
        consent signup {
          method opt_in
        }
        consent unknown {
          withdraw "x"
        }
        """, "CON005") == [("CON005", 1, 1), ("CON005", 4, 1)]


def test_con005_quiet_with_a_period_and_for_methods_that_cannot_consent() -> None:
    assert lint("""\
        consent signup {
          method opt_in
          record_retention 3 years
        }
        consent browser {
          method browser_settings
        }
        consent box {
          method pre_ticked
        }
        """, "CON005") == []


# ---------------------------------------------------------------- CON006 consent-without-mechanism


def test_con006_fires_at_the_consent_basis_and_at_a_mechanism_without_method() -> None:
    assert lint("""\
        purpose further_use {
          basis consent
        }
        purpose other {
          basis contract
          basis consent
        }
        consent on_request {
          withdraw "E-mail us"
        }
        """, "CON006") == [("CON006", 2, 3), ("CON006", 6, 9), ("CON006", 8, 1)]


def test_con006_quiet_with_a_mechanism_and_for_other_bases() -> None:
    assert lint("""\
        consent signup {
          method opt_in
        }
        purpose news {
          basis consent
          consent signup
        }
        purpose orders {
          basis contract
        }
        """, "CON006") == []


# ---------------------------------------------------------------- CON007 consent-validity-too-long


def test_con007_fires_above_the_eu_default() -> None:
    assert lint("""\
        consent banner {
          method opt_in
          valid_for 25 months
        }
        consent long {
          valid_for 3 years
        }
        """, "CON007") == [("CON007", 3, 3), ("CON007", 6, 3)]


def test_con007_limit_is_inclusive_and_unstated_validity_passes() -> None:
    assert lint("""\
        consent a {
          valid_for 24 months
        }
        consent b {
          valid_for 2 years
        }
        consent c {
          method opt_in
        }
        """, "CON007") == []


def test_con007_france_profile_is_six_months() -> None:
    text = """\
        consent a {
          valid_for 6 months
        }
        consent b {
          valid_for 12 months
        }
        consent c {
          valid_for 183 days
        }
        """
    assert lint_in(text, "CON007", "eu") == []
    assert lint_in(text, "CON007", "eu", "fr") == [("CON007", 5, 3), ("CON007", 8, 3)]


def test_con007_configured_maximum_overrides_the_profile() -> None:
    config = parse_config({"select": ["CON007"], "jurisdictions": ["fr"], "rules": {"CON007": {"max-months": 13}}})
    assert codes("consent a {\n  valid_for 12 months\n}\n", config=config) == []


# ---------------------------------------------------------------- CON008 banner-without-reject-button


def test_con008_fires_for_a_cookie_banner_without_reject() -> None:
    assert lint("""\
        consent banner {
          method opt_in
          reject_button no
        }
        consent other_banner {
          method opt_in
        }
        cookie _ga {
          consent banner
        }
        purpose stats {
          consent other_banner
        }
        cookie _pk_id {
          purpose stats
        }
        """, "CON008") == [("CON008", 3, 3), ("CON008", 5, 1)]


def test_con008_quiet_for_non_cookie_consent_and_banners_with_reject() -> None:
    assert lint("""\
        consent newsletter_signup {
          method opt_in
        }
        purpose news {
          basis consent
          consent newsletter_signup
        }
        consent banner {
          method opt_in
          reject_button
        }
        cookie _ga {
          consent banner
        }
        consent browser {
          method browser_settings
          reject_button no
        }
        cookie fb {
          consent browser
        }
        """, "CON008") == []


def test_con008_cookie_consent_overrides_its_purpose_consent() -> None:
    # The cookie names its own mechanism: the purpose's mechanism is not a cookie banner.
    assert lint("""\
        consent newsletter_signup {
          method opt_in
        }
        consent banner {
          method opt_in
          reject_button
        }
        purpose news {
          consent newsletter_signup
        }
        cookie nl_pref {
          purpose news
          consent banner
        }
        """, "CON008") == []


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
WHOLE = {
    "CON001": [
        ("CON001", (1, 1), (3, 2), {"consent": "newsletter_signup"}),
    ],
    "CON002": [
        ("CON002", (3, 3), (3, 27), {"consent": "cookie_wall"}),
    ],
    "CON003": [
        ("CON003", (2, 3), (2, 20), {
            "consent": "newsletter_box",
            "method": "pre_ticked",
            "reason": "a pre-ticked box is not an active indication of wishes (C-673/17 Planet49; Recital 32)",
        }),
    ],
    "CON004": [
        ("CON004", (2, 3), (2, 26), {"consent": "browser", "dependants": "purpose `site_statistics`"}),
    ],
    "CON005": [
        ("CON005", (1, 1), (4, 2), {"consent": "newsletter_signup"}),
    ],
    "CON006": [
        ("CON006", (2, 3), (2, 16), {"purpose": "further_use"}),
    ],
    "CON007": [
        ("CON007", (3, 3), (3, 22), {"consent": "cookie_banner", "duration": "36 months", "months": "24"}),
    ],
    "CON008": [
        ("CON008", (3, 3), (3, 19), {"consent": "cookie_banner"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


def test_a_cookie_may_name_several_consent_mechanisms() -> None:
    from privacy_dsl.api import load_text

    text = ("consent banner {\n  method opt_in\n}\nconsent layer {\n  method opt_in\n}\n"
            "cookie c {\n  consent banner, layer\n}\n")
    policy = load_text(text).model
    assert [r.name for r in policy.consents_of(policy.cookies[0])] == ["banner", "layer"]
    assert codes(text, "HYG002") == []  # both are used
