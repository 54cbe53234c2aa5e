"""CK101 / CK102: declared cookies against the Open Cookie Database (positions and codes)."""

from __future__ import annotations

from textwrap import dedent
from typing import Any

import pytest
from conftest import POLICIES, codes, diagnose, example, findings

from privacy_dsl.lint.config import parse_config
from privacy_dsl.lint.engine import lint_paths


def run(text: str, code: str, **table: Any) -> list[tuple[str, int, int]]:
    config = parse_config({"select": [code], **table})
    return [c for c in codes(dedent(text), config=config) if c[0] == code]


# ---------------------------------------------------------------- CK101


def test_ck101_fires_on_ga_declared_strictly_necessary() -> None:
    text = """\
        cookie _ga {
          provider "Google"
          category strictly_necessary
          expiry 2 years
        }
        """
    assert run(text, "CK101") == [("CK101", 3, 3)]


def test_ck101_fires_on_fbp_declared_functional() -> None:
    assert run('cookie _fbp {\n  expiry 90 days\n  category functional\n}\n', "CK101") == [("CK101", 3, 3)]


@pytest.mark.parametrize("category", ["analytics", "marketing"])
def test_ck101_quiet_when_category_agrees_or_is_stricter(category: str) -> None:
    assert run(f"cookie _ga {{ category {category} expiry 2 years }}\n", "CK101") == []


def test_ck101_stricter_is_reported_when_allow_stricter_is_off() -> None:
    text = "cookie _ga { category marketing expiry 2 years }\n"
    assert run(text, "CK101", rules={"CK101": {"allow-stricter": False}}) == [("CK101", 1, 14)]


def test_ck101_analytics_for_a_marketing_cookie_needs_consent_alike_and_is_quiet_unless_asked() -> None:
    text = "cookie _fbp { category analytics expiry 90 days }\n"
    assert run(text, "CK101") == []
    assert run(text, "CK101", rules={"CK101": {"consent-alike": False}}) == [("CK101", 1, 15)]
    assert run("cookie _fbp { category preferences expiry 90 days }\n", "CK101") == [("CK101", 1, 15)]


@pytest.mark.parametrize("category", ["strictly_necessary", "functional", "preferences", "security"])
def test_ck101_functional_rows_accept_every_exempt_like_category(category: str) -> None:
    # Cookiebot's CookieConsent is "Functional" in the database: the class also holds necessary cookies.
    assert run(f"cookie CookieConsent {{ category {category} expiry 1 year }}\n", "CK101") == []


def test_ck101_unknown_names_and_missing_category_are_quiet() -> None:
    assert run("cookie my_own_cookie { category strictly_necessary expiry 1 day }\n", "CK101") == []
    assert run("cookie _ga { expiry 2 years }\n", "CK101") == []


def test_ck101_prefix_rows_match_by_prefix() -> None:
    # `_ga_` is a wildcard row (Google Analytics 4 property cookies).
    assert run("cookie _ga_ABC123 { category functional expiry 2 years }\n", "CK101") == [("CK101", 1, 21)]


def test_ck101_pattern_declarations_use_the_prefix_every_match_shares() -> None:
    text = 'cookie "_pk_id.*" {\n  pattern\n  category strictly_necessary\n}\n'
    assert run(text, "CK101") == [("CK101", 3, 3)]
    # a pattern broader than any database prefix is not judged
    assert run('cookie "_p*" {\n  pattern\n  category strictly_necessary\n}\n', "CK101") == []


def test_ck101_fr_profile_lets_audience_measurement_be_declared_exempt() -> None:
    text = 'cookie "_pk_id.*" {\n  pattern\n  category strictly_necessary\n}\n'
    assert run(text, "CK101", jurisdictions=["eu", "fr"]) == []
    # ... but not advertising cookies
    assert run("cookie _fbp { category strictly_necessary }\n", "CK101", jurisdictions=["fr"]) == [("CK101", 1, 15)]


def test_ck101_provider_picks_the_row_when_platforms_share_a_name() -> None:
    from privacy_dsl.lint.cookiedb import database

    db = database()
    shared = next(name for name, rows in db._exact.items()
                  if {r.category for r in rows} >= {"Functional", "Marketing"})
    rows = db.lookup(shared)
    functional = next(r for r in rows if r.category == "Functional")
    # without a provider: strictly_necessary agrees with one row, so it is not a contradiction
    assert run(f'cookie "{shared}" {{ category strictly_necessary }}\n', "CK101") == []
    marketing = next(r for r in rows if r.category == "Marketing")
    a, b = marketing.platform.lower(), functional.platform.lower()
    if a in b or b in a:
        pytest.skip("the two platforms' names overlap")
    text = f'cookie "{shared}" {{ provider "{marketing.platform}" category strictly_necessary }}\n'
    assert [c for c, _, _ in run(text, "CK101")] == ["CK101"]


def test_ck101_reads_the_recipients_declared_name_never_its_id() -> None:
    """`provider <recipient>`: what the recipient *is* comes from its `name`, not from the id the
    author picked (`recipient google { name "Hotjar" }` is Hotjar)."""
    import re

    from privacy_dsl.lint.cookiedb import database

    db = database()
    shared = next(name for name, rows in db._exact.items()
                  if {r.category for r in rows} >= {"Functional", "Marketing"})
    rows = db.lookup(shared)
    functional = next(r for r in rows if r.category == "Functional")
    marketing = next(r for r in rows if r.category == "Marketing")
    a, b = marketing.platform.lower(), functional.platform.lower()
    if a in b or b in a:
        pytest.skip("the two platforms' names overlap")
    spelled = "p_" + re.sub(r"\W+", "_", a)  # an id that spells the marketing platform
    cookie = f'cookie "{shared}" {{ provider {spelled} category strictly_necessary }}\n'
    by_name = f'cookie "{shared}" {{ provider "{functional.platform}" category strictly_necessary }}\n'
    named_functional = f'recipient {spelled} {{ name "{functional.platform}" }}\n' + cookie
    assert run(named_functional, "CK101") == [(c, line + 1, col) for c, line, col in run(by_name, "CK101")]
    unnamed = f"recipient {spelled} {{ role processor }}\n" + cookie
    assert run(unnamed, "CK101") == []  # no declared name: like no provider at all
    named_marketing = (f'recipient leverandor {{ name "{marketing.platform}" }}\n'
                       + cookie.replace(spelled, "leverandor"))
    assert [c for c, _, _ in run(named_marketing, "CK101")] == ["CK101"]


# ---------------------------------------------------------------- CK102


def test_ck102_fires_when_declared_far_shorter() -> None:
    assert run("cookie _ga {\n  category analytics\n  expiry 1 day\n}\n", "CK102") == [("CK102", 3, 3)]


def test_ck102_thirteen_months_for_a_two_year_cookie_is_fine() -> None:
    assert run("cookie _ga { category analytics expiry 13 months }\n", "CK102") == []


def test_ck102_session_declared_for_a_persistent_cookie() -> None:
    assert run("cookie _fbp {\n  expiry session\n}\n", "CK102") == [("CK102", 2, 3)]


def test_ck102_session_is_fine_for_session_cookies() -> None:
    # `_pk_testcookie` is a session cookie in the database
    assert run('cookie "_pk_testcookie" { expiry session }\n', "CK102") == []


def test_ck102_ratio_option() -> None:
    text = "cookie _ga { expiry 13 months }\n"
    assert run(text, "CK102", rules={"CK102": {"ratio": 0.9}}) == [("CK102", 1, 14)]


def test_ck102_never_compares_unreadable_retention() -> None:
    from privacy_dsl.lint.cookiedb import database

    row = next(r for r in database().rows if r.low is None and not r.wildcard and r.name.isidentifier())
    assert run(f"cookie {row.name} {{ expiry 1 second }}\n", "CK102") == []


def test_ck102_ranges_compare_with_their_shortest_end() -> None:
    from privacy_dsl.lint.cookiedb import database

    row = next(r for r in database().rows if isinstance(r.low, int) and isinstance(r.high, int)
               and r.low < r.high and not r.wildcard and r.name.isidentifier())
    # declared at the short end of the range: allowed
    seconds = max(row.low, 1)
    assert run(f"cookie {row.name} {{ expiry {seconds} seconds }}\n", "CK102") == []


def test_unnamed_cookies_cannot_be_looked_up() -> None:
    # a description of Google Analytics' cookie, without its name: nothing to compare
    text = 'cookie unnamed {\n  provider "Google"\n  category strictly_necessary\n  expiry 1 second\n}\n'
    assert run(text, "CK101") == [] and run(text, "CK102") == []
    named = text.replace("cookie unnamed", "cookie _ga")
    assert run(named, "CK101") == [("CK101", 3, 3)] and run(named, "CK102") == [("CK102", 4, 3)]


def test_ck102_a_declared_range_is_compared_by_its_longer_end() -> None:
    # _ga lives 2 years in the database: a range that reaches 13 months is no understatement
    assert run('cookie _ga {\n  provider "Google"\n  expiry 1 day to 13 months\n}\n', "CK102") == []
    text = 'cookie _ga {\n  provider "Google"\n  expiry 1 second to 1 day\n}\n'
    assert findings(text, "CK102") == [
        ("CK102", (3, 3), (3, 27), {"cookie": "cookie `_ga`", "duration": "1 second to 1 day",
                                   "label": "_ga", "platform": "Google Analytics", "retention": "2 years"}),
    ]


@pytest.mark.parametrize("expiry", ["never", "persistent"])
def test_ck102_storage_that_outlives_the_session_for_an_unstated_time_is_never_too_short(expiry: str) -> None:
    assert run(f'cookie _ga {{\n  provider "Google"\n  expiry {expiry}\n}}\n', "CK102") == []


def test_shipped_policies_have_no_known_cookie_findings() -> None:
    config = parse_config({"select": ["CK101", "CK102"]})
    result = lint_paths([POLICIES / "fjordkaffe", POLICIES / "cifero"], config)
    assert [d.code for d in result.diagnostics if d.code.startswith("CK1")] == []


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
WHOLE = {
    "CK101": [
        ("CK101", (3, 3), (3, 30), {
            "cookie": "cookie `_ga`",
            "declared": "strictly_necessary",
            "label": "_ga",
            "platform": "Google Analytics",
            "known_category": "Analytics",
        }),
    ],
    "CK103": [
        ("CK103", (2, 3), (2, 21), {
            "cookie": "cookie `__cfduid`",
            "provider": "`HubSpot`",
            "label": "__cfduid",
            "platform": "Cloudflare",
            "controller": "controller Cloudflare",
        }),
    ],
    "CK102": [
        ("CK102", (4, 3), (4, 15), {
            "cookie": "cookie `_ga`",
            "duration": "1 day",
            "label": "_ga",
            "platform": "Google Analytics",
            "retention": "2 years",
        }),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


# ---------------------------------------------------------------- CK101: essential purposes, party


ESSENTIAL = "purpose site {\n  use essential.service\n}\n"  # lines 1-3


def test_ck101_a_cookie_without_category_serving_only_essential_purposes_is_checked() -> None:
    text = ESSENTIAL + "cookie _ga {\n  party third\n  purpose site\n}\n"
    assert findings(text, "CK101") == [
        ("CK101", (6, 3), (6, 15), {"cookie": "cookie `_ga`", "purposes": "`site`", "label": "_ga",
                                    "platform": "Google Analytics", "known_category": "Analytics"}),
    ]
    (d,) = diagnose(text, "CK101")
    assert d.message == ("cookie `_ga` serves only essential purposes (`site`), but the Open Cookie Database gives "
                         "`_ga` (platform Google Analytics) the category Analytics")


@pytest.mark.parametrize("text", [
    # a purpose that is not essential: the cookie claims no exemption
    "purpose stats {\n  use analytics.reporting\n}\ncookie _ga {\n  purpose stats\n}\n",
    # a Functional row agrees with an essential purpose
    ESSENTIAL + "cookie CookieConsent {\n  purpose site\n}\n",
    # no purpose and no category: nothing claimed
    "cookie _ga {\n  expiry 2 years\n}\n",
])
def test_ck101_essential_purposes_quiet_otherwise(text: str) -> None:
    assert run(text, "CK101") == []


def test_ck101_the_fr_exemption_is_not_for_a_third_partys_cookie() -> None:
    first = 'cookie _ga {\n  party first\n  category strictly_necessary\n}\n'
    third = 'cookie _ga {\n  party third\n  category strictly_necessary\n}\n'
    assert run(first, "CK101", jurisdictions=["fr"]) == []
    assert run(third, "CK101", jurisdictions=["fr"]) == [("CK101", 3, 3)]


def test_ck101_and_ck102_name_the_platform_as_a_platform() -> None:
    (d101,) = diagnose('cookie IDE {\n  category functional\n}\n', "CK101")
    assert d101.message == ("cookie `IDE` is declared functional, but the Open Cookie Database gives `IDE` "
                            "(platform DoubleClick/Google Marketing) the category Marketing")
    (d102,) = diagnose('cookie IDE {\n  category marketing\n  expiry 1 day\n}\n', "CK102")
    assert d102.message == ("cookie `IDE` is declared to expire after 1 day, but the Open Cookie Database gives "
                            "`IDE` (platform DoubleClick/Google Marketing) a retention of '2 years'")


def test_ck102_is_information_not_an_authoritative_verdict() -> None:
    (d,) = diagnose('cookie _ga {\n  category analytics\n  expiry 1 day\n}\n', "CK102")
    assert d.severity.name == "INFO"


# ---------------------------------------------------------------- CK103 known-cookie-provider-mismatch


def test_ck103_fires_on_a_known_cookie_of_another_known_provider() -> None:
    text = 'recipient hubspot {\n  name "Hubspot"\n}\ncookie __cf_bm {\n  provider hubspot\n}\n'
    assert findings(text, "CK103") == [
        ("CK103", (5, 3), (5, 19), {"cookie": "cookie `__cf_bm`", "provider": "`Hubspot`", "label": "__cf_bm",
                                    "platform": "Cloudflare", "controller": "controller Cloudflare"}),
    ]
    (d,) = diagnose(text, "CK103")
    assert d.message == ("cookie `__cf_bm` is declared with provider `Hubspot`, but the Open Cookie Database gives "
                         "`__cf_bm` to platform Cloudflare (controller Cloudflare)")


@pytest.mark.parametrize("text", [
    'cookie __cfduid {\n  provider "Cloudflare, Inc."\n}\n',        # the provider the database gives
    'cookie _fbp {\n  provider "Meta Platforms Ireland"\n}\n',      # Facebook is Meta's
    'cookie YSC {\n  provider "Google"\n}\n',                       # YouTube is Google's
    'cookie bcookie {\n  provider "Microsoft"\n}\n',                # LinkedIn is Microsoft's
    'cookie __cfduid {\n  provider "conseiluxtraining.com"\n}\n',   # not a provider the database knows
    'cookie PHPSESSID {\n  provider "HubSpot"\n}\n',                # software any site runs
    'cookie my_own {\n  provider "HubSpot"\n}\n',                   # a name the database does not know
    'cookie __cfduid {\n  party third\n}\n',                        # no provider (CK004 says so)
])
def test_ck103_quiet_otherwise(text: str) -> None:
    assert run(text, "CK103") == []


def test_ck103_software_names_can_be_compared() -> None:
    text = 'cookie PHPSESSID {\n  provider "HubSpot"\n}\n'
    assert run(text, "CK103", rules={"CK103": {"ignore-software": False}}) == [("CK103", 2, 3)]


@pytest.mark.parametrize("kind", ["pixel", "local_storage"])
def test_ck103_names_the_kind(kind: str) -> None:
    (d,) = diagnose(f'cookie __cfduid {{\n  kind {kind}\n  provider "HubSpot"\n}}\n', "CK103")
    assert d.message.startswith({"pixel": "pixel", "local_storage": "local storage"}[kind] + " `__cfduid` is declared")


def test_provider_names_needs_whole_words_for_short_names() -> None:
    from privacy_dsl.lint.cookiedb import provider_names

    assert not provider_names("conseiluxtraining.com", "X")
    assert provider_names("X Corp.", "X")
    assert provider_names("HubSpot, Inc.", "Hubspot")
    assert provider_names("Meta", "Facebook")
