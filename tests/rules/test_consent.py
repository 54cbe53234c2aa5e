"""Consent rules CON001-CON010: each fires where it should, at the right place, and only there."""

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


def test_con001_a_withdrawal_route_says_how_to_withdraw() -> None:
    assert lint("consent banner {\n  method opt_in\n  withdraw_via footer_button\n}\n", "CON001") == []
    assert lint('consent banner {\n  withdraw ""\n  withdraw_via email "privacy@acme.example"\n}\n', "CON001") == []
    # Every route invalid: none is stated, so the finding stays.
    assert lint("consent banner {\n  withdraw_via fotter_button\n}\n", "CON001") == [("CON001", 1, 1)]


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


def test_con002_a_degraded_service_is_not_a_cookie_wall() -> None:
    # "The site may not work properly without cookies" is not a wall.
    assert lint("consent banner {\n  method opt_in\n  refusal_degrades_service\n}\n", "CON002") == []
    assert lint("consent banner {\n  refusal_degrades_service yes\n  condition_of_service no\n}\n", "CON002") == []
    # Both said: the wall is still a wall.
    assert lint("consent wall {\n  refusal_degrades_service\n  condition_of_service\n}\n", "CON002") \
        == [("CON002", 3, 3)]


# ---------------------------------------------------------------- CON003 invalid-consent-method


def test_con003_fires_for_every_invalid_method() -> None:
    methods = ["pre_ticked", "opt_out", "silence", "continued_browsing", "implied", "none", "acknowledge",
               "necessary_only_as_consent"]
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


def test_con003_a_list_of_methods_is_one_finding_naming_each_invalid_method_once() -> None:
    # "By continuing you accept" beside an accept button: the mechanism is not consent.
    text = "consent banner {\n  method opt_in, continued_browsing, opt_out, continued_browsing\n}\n"
    assert findings(text, "CON003") == [("CON003", (2, 3), (2, 65), {
        "consent": "banner",
        "methods": "`continued_browsing` and `opt_out`",
        "reasons": "continuing to browse or scrolling is not a clear affirmative act (EDPB Guidelines 05/2020, "
                   "para 86); an opt-out leaves consent as the default: silence and inactivity are not consent "
                   "(Recital 32)",
    })]


def test_con003_points_at_the_statement_of_the_first_invalid_method() -> None:
    text = "consent banner {\n  method opt_in\n  method acknowledge\n  method silence\n}\n"
    assert lint(text, "CON003") == [("CON003", 3, 3)]
    (diag,) = diagnose(text, ["CON003"])
    assert diag.message.startswith("consent mechanism `banner` collects consent by `acknowledge` and `silence`: ")


def test_con003_leaves_browser_settings_to_con004() -> None:
    assert lint("consent banner {\n  method opt_in, browser_settings\n}\n", "CON003") == []
    text = "consent banner {\n  method continued_browsing, browser_settings\n}\n"
    assert [(d.code, d.span.line, dict(d.args).get("methods")) for d in diagnose(text, ["CON003", "CON004"])] == [
        ("CON003", 2, "`continued_browsing`"), ("CON004", 2, None)]


def test_con003_acknowledge_and_necessary_only_cite_their_reasons() -> None:
    text = "consent ok {\n  method acknowledge\n}\nconsent necessary {\n  method necessary_only_as_consent\n}\n"
    reasons = [dict(d.args)["reasons"] for d in diagnose(text, ["CON003"])]
    assert "Recital 42" in reasons[0] and "no choice" in reasons[0]
    assert "Planet49" in reasons[1] and "refusal" in reasons[1]


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


def test_con004_fires_beside_other_methods_at_the_statement_that_names_it() -> None:
    text = "consent banner {\n  method continued_browsing\n  method browser_settings\n}\n"
    assert lint(text, "CON004") == [("CON004", 3, 3)]
    assert lint("consent banner {\n  method opt_in, browser_settings, browser_settings\n}\n", "CON004") == [
        ("CON004", 2, 3)]


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
        consent mixed {
          method opt_in, continued_browsing
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


def test_con008_tells_not_stated_from_no() -> None:
    text = """\
        consent silent {
          method opt_in
        }
        consent said_no {
          method opt_in
          reject_button no
        }
        cookie _ga {
          consent silent
        }
        cookie _gid {
          consent said_no
        }
        """
    found = [(d.span.line, d.message_id, d.message) for d in diagnose(dedent(text), ["CON008"])]
    assert found == [
        (1, "reject-not-stated",
         "cookie consent mechanism `silent` does not say whether it offers a reject button beside accept"),
        (6, "no-reject", "cookie consent mechanism `said_no` offers no reject button beside accept"),
    ]


def test_con008_leaves_mechanisms_that_are_not_consent_to_con003() -> None:
    assert lint("consent banner {\n  method opt_in, acknowledge\n}\ncookie _ga {\n  consent banner\n}\n",
                "CON008") == []


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


# ---------------------------------------------------------------- CON009 withdrawal-harder-than-consent

BANNER = """\
consent banner {{
  method opt_in
  reject_button
  withdraw_via {routes}
}}
cookie _ga {{
  consent banner
}}
"""


@pytest.mark.parametrize(("routes", "named"), [
    ("browser_settings", "`browser_settings`"),
    ('email "privacy@acme.example"', "`email`"),
    ('email, browser_settings, email "dpo@acme.example"', "`email` or `browser_settings`"),
    ("post, phone, contact_form", "`post`, `phone` or `contact_form`"),
])
def test_con009_fires_when_every_route_leaves_the_site(routes: str, named: str) -> None:
    assert findings(BANNER.format(routes=routes), "CON009") == [
        ("CON009", (4, 3), (4, 16 + len(routes)), {"consent": "banner", "routes": named})]


@pytest.mark.parametrize("routes", [
    "footer_button", "cookie_settings, browser_settings", 'email, link "https://acme.example/cookies"',
    "account_settings", "unsubscribe_link, email",
])
def test_con009_quiet_with_a_route_on_the_site(routes: str) -> None:
    assert lint(BANNER.format(routes=routes), "CON009") == []


def test_con009_quiet_when_it_cannot_know() -> None:
    # No routes (only a text the rule cannot read), no cookie relying on it, or no one-click consent.
    assert lint(BANNER.format(routes="browser_settings").replace("withdraw_via browser_settings",
                                                                 'withdraw "In your browser"'), "CON009") == []
    assert lint(BANNER.format(routes="email").replace("cookie _ga {\n  consent banner\n}\n", ""), "CON009") == []
    assert lint(BANNER.format(routes="email").replace("method opt_in", "method opt_in, continued_browsing"),
                "CON009") == []
    assert lint(BANNER.format(routes="email").replace("  method opt_in\n", ""), "CON009") == []


def test_con009_every_opt_in_checks_sign_up_forms_too() -> None:
    text = 'consent signup {\n  method opt_in\n  withdraw_via email "privacy@acme.example"\n}\n'
    assert lint(text, "CON009") == []
    config = parse_config({"select": ["CON009"], "rules": {"CON009": {"every-opt-in": True}}})
    assert codes(text, config=config) == [("CON009", 3, 3)]


# ---------------------------------------------------------------- CON010 consent-not-asked-in-eea

SHOWN = """\
controller "Acme" {{
{controller}}}
consent banner {{
  method opt_in
  shown_in {shown}
}}
"""


def shown(places: str, controller: str = "country DE") -> str:
    return SHOWN.format(shown=places, controller=f"  {controller}\n" if controller else "")


@pytest.mark.parametrize(("places", "missing"), [
    ("US", "the EEA"),
    ("GB, CH", "the EEA"),
    ("EU", "IS, LI, NO"),
    ("EU, NO", "IS, LI"),
    ("DE, AT", "the rest of the EEA (35 countries and territories)"),
])
def test_con010_fires_for_an_eea_controller(places: str, missing: str) -> None:
    assert findings(shown(places), "CON010") == [
        ("CON010", (6, 3), (6, 12 + len(places)), {"consent": "banner", "shown": places, "missing": missing,
                                                   "country": "DE"})]


@pytest.mark.parametrize("places", ["EEA", "EU, IS, LI, NO", "EU, EEA, US"])
def test_con010_quiet_when_shown_in_the_whole_eea(places: str) -> None:
    assert lint(shown(places), "CON010") == []


def test_con010_a_controller_outside_the_eea_that_targets_it() -> None:
    text = shown("US", 'country US\n  representative "Acme EU Rep, Dublin"')
    (diag,) = diagnose(text, ["CON010"])
    assert (diag.message_id, diag.span.line, dict(diag.args)) == (
        "targets", 7, {"consent": "banner", "shown": "US", "missing": "the EEA"})


def test_con010_quiet_when_it_cannot_know() -> None:
    assert lint(shown("US", "country US"), "CON010") == []      # outside the EEA, no sign it targets it
    assert lint(shown("US", ""), "CON010") == []                # where the controller is: not stated
    assert lint(shown("US").replace("  shown_in US\n", ""), "CON010") == []   # where it is shown: not stated
    assert lint("consent banner {\n  shown_in US\n}\n", "CON010") == []    # no controller


def test_con010_establishment_scope_checks_only_the_home_country() -> None:
    config = parse_config({"select": ["CON010"], "rules": {"CON010": {"scope": "establishment"}}})
    assert codes(shown("EU"), config=config) == []
    assert codes(shown("EU", "country NO"), config=config) == [("CON010", 6, 3)]
    (diag,) = [d for d in diagnose(shown("EU", "country NO"), config=config)]
    assert dict(diag.args)["missing"] == "NO"
    target = 'country US\n  representative "Rep"'
    assert codes(shown("DE", target), config=config) == []
    assert codes(shown("US", target), config=config) == [("CON010", 7, 3)]


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
            "methods": "`pre_ticked`",
            "reasons": "a pre-ticked box is not an active indication of wishes (C-673/17 Planet49; Recital 32)",
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
    "CON009": [
        ("CON009", (4, 3), (4, 32), {"consent": "cookie_banner", "routes": "`browser_settings`"}),
    ],
    "CON010": [
        ("CON010", (6, 3), (6, 14), {"consent": "cookie_banner", "shown": "EU", "missing": "IS, LI, NO",
                                     "country": "NO"}),
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
