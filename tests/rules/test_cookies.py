"""Cookie rules CK001, CK003-CK007 (CK002 has its own tests in the rule docs and the snapshot)."""

from __future__ import annotations

from textwrap import dedent

import pytest
from conftest import codes, diagnose, example, findings

from privacy_dsl.api import load_text
from privacy_dsl.lint.config import ConfigError, parse_config


def run(text: str, code: str, jurisdictions: list[str] | None = None, **options: object) -> list[tuple[str, int, int]]:
    table: dict[str, object] = {"select": [code]}
    if options:
        table["rules"] = {code: {k.replace("_", "-"): v for k, v in options.items()}}
    if jurisdictions:
        table["jurisdictions"] = jurisdictions
    return [c for c in codes(dedent(text), config=parse_config(table)) if not c[0].startswith("E")]


OPT_IN = "consent banner {\n  method opt_in\n  reject_button\n}\n"          # lines 1-4
BROWSER = "consent browser {\n  method browser_settings\n}\n"                # lines 1-3


def cookie(*lines: str, name: str = "c") -> str:
    return f"cookie {name} {{\n" + "".join(f"  {line}\n" for line in lines) + "}\n"


# ---------------------------------------------------------------- CK001 cookie-without-prior-consent


def test_ck001_fires_on_a_marketing_cookie_without_consent() -> None:
    assert run(cookie("category marketing", "expiry 90 days"), "CK001") == [("CK001", 1, 1)]


def test_ck001_fires_when_the_purposes_consent_is_browser_settings() -> None:
    text = BROWSER + "purpose ads {\n  use marketing.advertising\n  consent browser\n}\n" + cookie(
        "category marketing", "purpose ads")
    assert run(text, "CK001") == [("CK001", 8, 1)]


def test_ck001_points_at_the_cookies_own_consent_statement() -> None:
    text = BROWSER + cookie("category analytics", "consent browser")
    assert run(text, "CK001") == [("CK001", 6, 3)]


def test_ck001_fires_when_the_method_is_not_stated() -> None:
    text = "consent c1 {\n  reject_button\n}\n" + cookie("category analytics", "consent c1")
    assert run(text, "CK001") == [("CK001", 6, 3)]


def test_ck001_a_mechanism_is_only_as_valid_as_its_weakest_method() -> None:
    # "Accept", or just keep browsing, and browsers accept cookies anyway: not consent.
    text = ("consent banner {\n  method opt_in, continued_browsing\n  method browser_settings, opt_in\n}\n"
            + cookie("category analytics", "consent banner"))
    assert findings(text, "CK001") == [("CK001", (7, 3), (7, 17), {
        "cookie": "cookie `c`", "declared": "category `analytics`", "consent": "banner",
        "methods": "`continued_browsing` and `browser_settings`"})]


def test_ck001_new_methods_are_not_consent() -> None:
    for method in ("acknowledge", "necessary_only_as_consent"):
        text = f"consent banner {{\n  method {method}\n}}\n" + cookie("category analytics", "consent banner")
        assert run(text, "CK001") == [("CK001", 6, 3)], method


def test_ck001_accepts_opt_in_on_the_cookie_or_its_purpose() -> None:
    own = OPT_IN + cookie("category marketing", "consent banner")
    via_purpose = OPT_IN + "purpose stats {\n  use analytics.reporting\n  consent banner\n}\n" + cookie(
        "category analytics", "purpose stats")
    assert run(own, "CK001") == []
    assert run(via_purpose, "CK001") == []


@pytest.mark.parametrize("category", ["strictly_necessary", "security"])
def test_ck001_does_not_fire_on_exempt_categories(category: str) -> None:
    assert run(cookie(f"category {category}", "expiry 1 year"), "CK001") == []


def test_ck001_without_category_reads_the_purpose() -> None:
    essential = "purpose orders {\n  use essential.service\n}\n" + cookie("purpose orders")
    choice = "purpose prefs {\n  use functional.storage.privacy_preferences\n}\n" + cookie("purpose prefs")
    analytics = "purpose stats {\n  use analytics.reporting\n}\n" + cookie("purpose stats")
    assert run(essential, "CK001") == []
    assert run(choice, "CK001") == []
    assert run(analytics, "CK001") == [("CK001", 4, 1)]


def test_ck001_does_not_assert_what_a_cookie_with_no_category_or_purpose_is() -> None:
    """No category and no purpose: the notice does not say what it is for (CK007 says so); CK001
    does not call it non-essential (issue 16: a false positive)."""
    assert run(cookie("expiry 1 day"), "CK001") == []
    assert run(cookie("expiry 1 day"), "CK007") == [("CK007", 1, 1)]
    stats = "purpose stats {\n  use analytics.reporting\n}\n" + cookie("expiry 1 day", "purpose stats")
    assert run(stats, "CK001") == [("CK001", 4, 1)]  # a purpose that needs consent: reported


def test_ck001_functional_session_cookie_is_exempt_by_default() -> None:
    text = cookie("party first", "category functional", "expiry session")
    assert run(text, "CK001") == []
    assert run(text, "CK001", functional_session_exempt=False) == [("CK001", 1, 1)]


@pytest.mark.parametrize("lines", [
    ("party first", "category functional", "expiry 1 year"),   # persistent: "remember me" is not exempt
    ("party third", "category functional", "expiry session"),  # third party
    ("category functional", "expiry session"),                 # party not stated
    ("party first", "category analytics", "expiry session"),   # not functional
])
def test_ck001_session_exemption_is_narrow(lines: tuple[str, ...]) -> None:
    assert run(cookie(*lines), "CK001") == [("CK001", 1, 1)]


@pytest.mark.parametrize("kind", ["local_storage", "pixel", "sdk"])
def test_ck001_covers_similar_storage(kind: str) -> None:
    assert run(cookie(f"kind {kind}", "category marketing"), "CK001") == [("CK001", 1, 1)]


def test_ck001_cookie_defaults_apply() -> None:
    text = "defaults cookie {\n  consent banner\n}\n" + OPT_IN + cookie("category marketing")
    assert run(text, "CK001") == []


# ---------------------------------------------------------------- CK003 cookie-lifetime-too-long


#: CK003 with the CNIL's 13 months (the `fr` profile; the EU baseline has no fixed cap).
FR = ["eu", "fr"]


def test_ck003_has_no_fixed_cap_under_the_eu_baseline() -> None:
    """The 13 months are the CNIL's; the EU baseline sets no number (issue 16: a false positive)."""
    assert run(cookie("category analytics", "expiry 2 years"), "CK003") == []
    assert run(cookie("category analytics", "expiry 2 years"), "CK003", jurisdictions=FR) == [("CK003", 3, 3)]


def test_ck003_fires_over_13_months() -> None:
    assert run(cookie("category analytics", "expiry 2 years"), "CK003", max_months=13) == [("CK003", 3, 3)]


@pytest.mark.parametrize("expiry", ["13 months", "1 year", "395 days", "session", "persistent", "30 minutes"])
def test_ck003_does_not_fire_within_13_months(expiry: str) -> None:
    assert run(cookie(f"expiry {expiry}"), "CK003", jurisdictions=FR) == []


def test_ck003_fires_just_over_the_limit() -> None:
    assert run(cookie("expiry 400 days"), "CK003", jurisdictions=FR) == [("CK003", 2, 3)]


def test_ck003_max_months_is_configurable() -> None:
    assert run(cookie("expiry 2 years"), "CK003", max_months=25) == []
    assert run(cookie("expiry 7 months"), "CK003", max_months=6) == [("CK003", 2, 3)]


def test_ck003_french_profile_is_13_months() -> None:
    assert run(cookie("expiry 14 months"), "CK003", jurisdictions=["eu", "fr"]) == [("CK003", 2, 3)]


def test_ck003_rejects_a_non_positive_limit() -> None:
    with pytest.raises(ConfigError):
        parse_config({"rules": {"CK003": {"max-months": 0}}})


# ---------------------------------------------------------------- CK004 third-party-cookie-without-provider


def test_ck004_fires_on_third_party_without_provider() -> None:
    assert run(cookie("category marketing", "party third"), "CK004") == [("CK004", 3, 3)]


@pytest.mark.parametrize("lines", [
    ("party third", 'provider "Meta Platforms Ireland Ltd"'),
    ("party third", "provider meta"),
    ("party first",),
    (),
])
def test_ck004_does_not_fire_otherwise(lines: tuple[str, ...]) -> None:
    assert run(cookie(*lines), "CK004") == []


# ---------------------------------------------------------------- CK005 cookie-category-contradicts-purpose


def _with_purpose(use: str, category: str, *extra: str, purpose_lines: str = "") -> str:
    return f"purpose p {{\n  use {use}\n{purpose_lines}}}\n" + cookie(f"category {category}", "purpose p", *extra)


@pytest.mark.parametrize(("use", "category"), [
    ("marketing.advertising.third_party.targeted", "strictly_necessary"),
    ("analytics.reporting", "strictly_necessary"),
    ("personalize.content.profiled", "security"),
    ("essential.service", "marketing"),
    ("essential.service.authentication", "analytics"),
    ("marketing.advertising", "functional"),
    ("marketing.communications.email", "preferences"),
])
def test_ck005_fires_on_contradictions(use: str, category: str) -> None:
    assert run(_with_purpose(use, category), "CK005") == [("CK005", 5, 3)]


@pytest.mark.parametrize(("use", "category"), [
    ("essential.service", "strictly_necessary"),
    ("essential.service.security", "security"),
    ("analytics.reporting", "analytics"),
    ("marketing.advertising", "marketing"),
    ("analytics.reporting.ad_performance", "marketing"),
    ("functional.service", "functional"),
    ("functional.storage.privacy_preferences", "strictly_necessary"),
    ("essential.service", "functional"),
    ("personalize.content", "personalization"),
])
def test_ck005_does_not_fire_when_they_agree(use: str, category: str) -> None:
    assert run(_with_purpose(use, category), "CK005") == []


CONSENT_CHOICE = OPT_IN + """\
purpose statistics {
  use analytics.reporting
  basis consent
  consent banner
}
cookie consent_choice {
  party first
  category strictly_necessary
  expiry 12 months
  purpose statistics
}
"""


def test_ck005_accepts_the_cookie_that_stores_the_consent_choice_when_asked() -> None:
    assert run(CONSENT_CHOICE, "CK005") == [("CK005", 12, 3)]
    assert run(CONSENT_CHOICE, "CK005", consent_choice_cookies=True) == []


@pytest.mark.parametrize(("change", "new"), [
    ("method opt_in", "method browser_settings"),                     # the purpose's consent is not opt-in
    ("method opt_in", "method opt_in, continued_browsing"),           # ... nor only opt-in
    ("  basis consent\n", "  basis legitimate_interests\n"),           # the purpose is not on consent
    ("  party first\n", "  party third\n"),                            # set by a third party
    ("  purpose statistics\n", "  purpose statistics\n  consent banner\n"),  # itself gated by consent
])
def test_ck005_consent_choice_reading_is_narrow(change: str, new: str) -> None:
    text = CONSENT_CHOICE.replace(change, new)
    assert text != CONSENT_CHOICE
    assert run(text, "CK005", consent_choice_cookies=True) == [("CK005", 12, 3)]


def test_ck005_needs_both_category_and_purpose() -> None:
    assert run(cookie("category strictly_necessary"), "CK005") == []
    assert run("purpose p {\n  use marketing\n}\n" + cookie("purpose p"), "CK005") == []


# ---------------------------------------------------------------- CK006 storage-not-declared


#: Who the subjects are comes from their `taxonomy`, never from their ids.
SUBJECTS = "subject visitor {\n  taxonomy visitor\n}\nsubject customer {\n  taxonomy customer\n}\n"


def test_ck006_fires_on_analytics_for_visitors_without_storage() -> None:
    text = SUBJECTS + "purpose site_insight {\n  use analytics.reporting\n  subjects visitor\n}\n"
    assert run(text, "CK006") == [("CK006", 7, 1)]


def test_ck006_reads_what_a_subject_is_from_its_taxonomy_not_its_id() -> None:
    purpose = "purpose stats {\n  use analytics.reporting\n  subjects besokende\n}\n"
    assert run("subject besokende {\n  taxonomy visitor\n}\n" + purpose, "CK006") == [("CK006", 4, 1)]
    assert run("subject besokende {\n  taxonomy customer\n}\n" + purpose, "CK006") == []
    named_only = "subject visitor {\n  name \"Visitors\"\n}\n" + purpose.replace("besokende", "visitor")
    assert run(named_only, "CK006") == []  # an id is the author's word, not a statement


def test_ck006_fires_on_ads_with_device_identifiers() -> None:
    text = ("category ad_id {\n  taxonomy user.device.device_id\n}\n"
            "purpose ads {\n  use marketing.advertising.third_party.targeted\n  categories ad_id\n}\n")
    assert run(text, "CK006") == [("CK006", 4, 1)]


@pytest.mark.parametrize("kind", ["cookie", "pixel", "local_storage"])
def test_ck006_does_not_fire_when_storage_serves_the_purpose(kind: str) -> None:
    text = SUBJECTS + "purpose stats {\n  use analytics.reporting\n  subjects visitor\n}\n" + cookie(
        f"kind {kind}", "purpose stats")
    assert run(text, "CK006") == []


@pytest.mark.parametrize("purpose", [
    "purpose p {\n  use analytics.reporting\n  subjects customer\n}\n",            # not visitors
    "purpose p {\n  use analytics.reporting.system\n  subjects visitor\n}\n",      # system monitoring
    "purpose p {\n  use marketing.advertising.first_party.contextual\n  subjects visitor\n}\n",
    "purpose p {\n  use marketing.communications.email\n  subjects visitor\n}\n",   # e-mail, not storage
    "purpose p {\n  use essential.service\n  subjects visitor\n}\n",
])
def test_ck006_does_not_fire_where_storage_is_not_implied(purpose: str) -> None:
    assert run(SUBJECTS + purpose, "CK006") == []


def test_ck006_uses_are_configurable() -> None:
    text = SUBJECTS + "purpose p {\n  use personalize.content\n  subjects visitor\n}\n"
    assert run(text, "CK006") == []
    assert run(text, "CK006", uses=["personalize"]) == [("CK006", 7, 1)]


# ---------------------------------------------------------------- CK007 cookie-without-purpose


def test_ck007_fires_on_a_cookie_without_purpose() -> None:
    assert run(cookie("category strictly_necessary", name="session_id"), "CK007") == [("CK007", 1, 1)]


def test_ck007_does_not_fire_with_a_purpose_or_a_default_one() -> None:
    assert run(cookie("purpose orders"), "CK007") == []
    assert run("defaults cookie {\n  purpose orders\n}\n" + cookie(), "CK007") == []


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
WHOLE = {
    "CK001": [
        ("CK001", (6, 1), (11, 2), {
            "cookie": "cookie `_fbp`",
            "declared": "category `marketing`",
            "consent": "browser",
            "methods": "`browser_settings`",
        }),
    ],
    "CK002": [
        ("CK002", (3, 3), (3, 20), {"cookie": "cookie `Webtemp`"}),
    ],
    "CK003": [
        ("CK003", (4, 3), (4, 15), {"cookie": "local storage `cart`"}),
    ],
    "CK004": [
        ("CK004", (2, 3), (2, 14), {"cookie": "cookie `_fbp`"}),
    ],
    "CK005": [
        ("CK005", (5, 3), (5, 30), {
            "cookie": "cookie `_fbp`",
            "category": "strictly_necessary",
            "purpose": "ads",
            "use": "marketing.advertising.third_party.targeted",
            "reason": "a strictly necessary category for a tracking purpose",
        }),
    ],
    "CK006": [
        ("CK006", (4, 1), (7, 2), {"purpose": "statistics", "use": "analytics.reporting"}),
    ],
    "CK007": [
        ("CK007", (1, 1), (4, 2), {"cookie": "cookie `session_id`"}),
    ],
    "CK008": [
        ("CK008", (1, 1), (5, 2), {"cookie": "an unnamed cookie of provider `Google` (line 1)"}),
    ],
    "CK009": [
        ("CK009", (1, 1), (4, 2), {"cookie": "cookie `session_id`"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


# ---------------------------------------------------------------- a cookie that serves several purposes

_PURPOSES = ("purpose login {\n  use essential.service.authentication\n}\n"
             "purpose stats {\n  use analytics.reporting\n}\n"
             "purpose ads {\n  use marketing.advertising.third_party.targeted\n}\n")


def test_a_cookie_may_name_several_purposes_on_one_line_or_many() -> None:
    one_line = load_text(_PURPOSES + cookie("purpose login, stats")).model.cookies[0]
    two_lines = load_text(_PURPOSES + cookie("purpose login", "purpose stats")).model.cookies[0]
    assert [r.name for r in one_line.purposes] == [r.name for r in two_lines.purposes] == ["login", "stats"]


def test_ck001_a_cookie_is_only_as_exempt_as_its_least_necessary_purpose() -> None:
    assert run(_PURPOSES + cookie("party first", "purpose login"), "CK001") == []
    assert findings(_PURPOSES + cookie("party first", "purpose login, stats"), "CK001") == [
        ("CK001", (10, 1), (13, 2), {"cookie": "cookie `c`",
                                    "declared": "purpose `stats` (analytics.reporting)"}),
    ]


def test_ck001_any_opt_in_mechanism_of_its_purposes_asks_for_it() -> None:
    text = ("consent banner {\n  method opt_in\n}\n"
            "purpose stats {\n  use analytics.reporting\n  basis consent\n  consent banner\n}\n"
            "purpose other {\n  use analytics.reporting\n}\n") + cookie("party first", "purpose other, stats")
    assert run(text, "CK001") == []


def test_ck005_the_category_is_checked_against_every_purpose_once() -> None:
    text = _PURPOSES + cookie("category strictly_necessary", "purpose login, ads, stats")
    assert findings(text, "CK005") == [
        ("CK005", (11, 3), (11, 30), {"cookie": "cookie `c`", "category": "strictly_necessary",
                                    "purpose": "ads", "use": "marketing.advertising.third_party.targeted",
                                    "reason": "a strictly necessary category for a tracking purpose"}),
    ]


def test_ck006_and_ck007_see_every_purpose_of_a_cookie() -> None:
    text = _PURPOSES + "subject v {\n  taxonomy visitor\n}\n" + cookie("purpose login, stats")
    text = text.replace("use analytics.reporting\n", "use analytics.reporting\n  subjects v\n")
    assert run(text, "CK006") == [] and run(text, "CK007") == []


# ---------------------------------------------------------------- expiry as notices write it


@pytest.mark.parametrize("expiry", ["never", "30 seconds to 1 year", "session", "13 months"])
def test_ck002_accepts_every_stated_lifetime(expiry: str) -> None:
    assert run(cookie(f"expiry {expiry}"), "CK002") == []


def test_ck002_says_persistent_without_a_duration_not_no_expiry() -> None:
    assert findings(cookie("kind local_storage", "expiry persistent"), "CK002") == [
        ("CK002", (3, 3), (3, 20), {"cookie": "local storage `c`"}),
    ]
    (diag,) = diagnose(cookie("expiry persistent"), "CK002")
    assert diag.message == "cookie `c` is persistent but does not say for how long"
    assert "has no expiry" not in diag.message


def test_ck003_compares_the_longer_end_of_a_range() -> None:
    assert findings(cookie("expiry 30 seconds to 2 years"), "CK003", config=parse_config(
        {"select": ["CK003"], "jurisdictions": FR})) == [
        ("CK003", (2, 3), (2, 31), {"cookie": "cookie `c`", "duration": "2 years",
                                   "expiry": "30 seconds to 2 years", "months": "13"}),
    ]
    assert run(cookie("expiry 30 seconds to 1 year"), "CK003", jurisdictions=FR) == []
    assert run(cookie("expiry 1 day to 13 months"), "CK003", jurisdictions=FR) == []


def test_ck003_storage_that_never_expires_is_longer_than_any_limit() -> None:
    assert findings(cookie("kind local_storage", "expiry never"), "CK003") == [
        ("CK003", (3, 3), (3, 15), {"cookie": "local storage `c`"}),
    ]
    assert findings(cookie("kind local_storage", "expiry never"), "CK003", config=parse_config(
        {"select": ["CK003"], "jurisdictions": FR})) == [
        ("CK003", (3, 3), (3, 15), {"cookie": "local storage `c`", "months": "13"}),
    ]
    assert run(cookie("expiry never"), "CK003", max_months=1200) == [("CK003", 2, 3)]


def test_ck003_messages_say_what_the_notice_says() -> None:
    fr = parse_config({"select": ["CK003"], "jurisdictions": FR})
    texts = {e: diagnose(cookie("kind pixel", f"expiry {e}"), config=fr)[0].message
             for e in ("2 years", "1 day to 2 years", "never")}
    assert texts == {
        "2 years": "pixel `c` lives 2 years, longer than 13 months",
        "1 day to 2 years": "pixel `c` lives up to 2 years (1 day to 2 years), longer than 13 months",
        "never": "pixel `c` does not expire, so it lives longer than 13 months",
    }


# ---------------------------------------------------------------- CK004 and a provider named only as a category

_CATEGORY = 'recipient partners {\n  name "Similar third-party services"\n  category_only\n}\n'   # lines 1-4


def test_ck004_a_category_of_recipients_does_not_name_the_third_party() -> None:
    text = _CATEGORY + cookie("party third", "provider partners")
    assert findings(text, "CK004") == [
        ("CK004", (7, 3), (7, 20), {"cookie": "cookie `c`", "recipient": "partners"}),
    ]
    assert "the notice names only a category of recipients (`partners`)" in diagnose(text, "CK004")[0].message


@pytest.mark.parametrize("change", [
    ("category_only", "category_only no"),                 # stated: a named recipient
    ("  category_only\n", ""),                             # not stated: read as a recipient
    ("party third", "party first"),                        # not a third party
])
def test_ck004_category_only_fires_only_for_a_third_party_category(change: tuple[str, str]) -> None:
    text = (_CATEGORY + cookie("party third", "provider partners")).replace(*change)
    assert run(text, "CK004") == []


# ---------------------------------------------------------------- CK008 unnamed-cookie


def test_ck008_reports_an_unnamed_cookie_by_what_is_known() -> None:
    text = 'cookie unnamed {\n  kind pixel\n  provider "Meta"\n}\ncookie unnamed {\n  category marketing\n}\n'
    assert findings(text, "CK008") == [
        ("CK008", (1, 1), (4, 2), {"cookie": "an unnamed pixel of provider `Meta` (line 1)"}),
        ("CK008", (5, 1), (7, 2), {"cookie": "an unnamed marketing cookie (line 5)"}),
    ]


@pytest.mark.parametrize("text", [
    'cookie "unnamed" {\n  kind pixel\n}\n',           # a cookie named "unnamed"
    "cookie _ga {\n}\n",
    "cookie unnamed {\n  kind fingerprint\n}\n",       # fingerprinting stores nothing under a name
])
def test_ck008_does_not_fire_on_named_cookies_or_fingerprints(text: str) -> None:
    assert run(text, "CK008") == []


def test_ck008_exempt_kinds_are_configurable() -> None:
    text = "cookie unnamed {\n  kind fingerprint\n}\ncookie unnamed {\n  kind pixel\n}\n"
    assert run(text, "CK008", exempt_kinds=[]) == [("CK008", 1, 1), ("CK008", 4, 1)]
    assert run(text, "CK008", exempt_kinds=["pixel", "fingerprint"]) == []
    with pytest.raises(ConfigError, match="unknown storage kind 'pixels'"):
        parse_config({"rules": {"CK008": {"exempt-kinds": ["pixels"]}}})


def test_unnamed_cookies_are_checked_by_every_rule_that_needs_no_name() -> None:
    text = "cookie unnamed {\n  party third\n  category marketing\n  expiry never\n}\n"
    assert sorted(c for c, _, _ in run(text, "CK")) == ["CK001", "CK003", "CK004", "CK007", "CK008"]


# ---------------------------------------------------------------- CK001: a persistent login cookie


LOGIN = "purpose login {\n  use essential.service.authentication\n}\n"  # lines 1-3


@pytest.mark.parametrize("expiry", ["1 year", "24 hours", "30 days to 1 year", "persistent", "never"])
def test_ck001_a_persistent_login_cookie_is_not_exempt(expiry: str) -> None:
    text = LOGIN + cookie("party first", "category strictly_necessary", f"expiry {expiry}", "purpose login",
                          name="remember_me")
    declared = f"a login kept across browser sessions: purpose `login`, expiry {expiry}"
    assert findings(text, "CK001") == [
        ("CK001", (4, 1), (9, 2), {"cookie": "cookie `remember_me`", "declared": declared}),
    ]


def test_ck001_a_persistent_login_cookie_without_category_is_not_exempt_either() -> None:
    text = LOGIN + cookie("expiry 1 year", "purpose login", name="remember_me")
    assert run(text, "CK001") == [("CK001", 4, 1)]


@pytest.mark.parametrize("expiry", ["session", "1 hour", "23 hours"])
def test_ck001_a_session_login_cookie_is_exempt(expiry: str) -> None:
    text = LOGIN + cookie("party first", "category strictly_necessary", f"expiry {expiry}", "purpose login")
    assert run(text, "CK001") == []


def test_ck001_a_persistent_login_cookie_with_opt_in_consent_is_fine() -> None:
    text = OPT_IN + LOGIN + cookie("category strictly_necessary", "expiry 1 year", "purpose login", "consent banner")
    assert run(text, "CK001") == []


def test_ck001_persistent_login_hours_is_configurable() -> None:
    text = LOGIN + cookie("category strictly_necessary", "expiry 30 days", "purpose login")
    assert run(text, "CK001", persistent_login_hours=24 * 31) == []
    assert run(text, "CK001", persistent_login_hours=24 * 30) == [("CK001", 4, 1)]


def test_ck001_other_persistent_essential_cookies_stay_exempt() -> None:
    text = "purpose shop {\n  use essential.service.payment_processing\n}\n" + cookie(
        "category strictly_necessary", "expiry 1 year", "purpose shop")
    assert run(text, "CK001") == []


# ---------------------------------------------------------------- CK004: a domain names the provider


@pytest.mark.parametrize("domain", [".doubleclick.net", ".google.com", "accounts.google.com", "linkedin.com"])
def test_ck004_a_providers_domain_names_it(domain: str) -> None:
    assert run(cookie("party third", f'domains "{domain}"', "category marketing", name="IDE"), "CK004") == []


def test_ck004_a_domain_the_database_does_not_know_names_no_one() -> None:
    text = cookie("party third", 'domains "i.sstatic.net"', "category strictly_necessary", name="__cf_bm")
    assert findings(text, "CK004") == [("CK004", (2, 3), (2, 14), {"cookie": "cookie `__cf_bm`"})]


# ---------------------------------------------------------------- CK009 cookie-party-not-stated


def test_ck009_fires_on_a_cookie_that_says_neither_party_nor_provider() -> None:
    assert findings(cookie("expiry session", name="sid"), "CK009") == [
        ("CK009", (1, 1), (3, 2), {"cookie": "cookie `sid`"})]
    (d,) = diagnose(cookie("expiry session", name="sid"), "CK009")
    assert d.message == "cookie `sid` does not say whether it is first- or third-party, nor who sets it"


@pytest.mark.parametrize("lines", [
    ("party first",), ("party third", 'provider "Meta"'), ('provider "Acme AS"',), ("provider meta",),
    ('domains ".doubleclick.net"',),
])
def test_ck009_does_not_fire_when_the_notice_says_who_sets_it(lines: tuple[str, ...]) -> None:
    assert run(cookie(*lines), "CK009") == []


def test_ck009_require_party_reports_a_provider_without_party() -> None:
    text = cookie('provider "Acme AS"')
    assert run(text, "CK009", require_party=True) == [("CK009", 1, 1)]
    (d,) = diagnose(text, config=parse_config({"select": ["CK009"], "rules": {"CK009": {"require-party": True}}}))
    assert d.message == "cookie `c` does not say whether it is first- or third-party"


def test_ck009_a_default_party_states_it() -> None:
    assert run("defaults cookie {\n  party first\n}\n" + cookie("expiry session"), "CK009") == []


@pytest.mark.parametrize("kind", ["pixel", "local_storage", "fingerprint"])
def test_ck009_names_the_kind(kind: str) -> None:
    (d,) = diagnose(cookie(f"kind {kind}"), "CK009")
    assert dict(d.args)["cookie"].startswith({"pixel": "pixel", "local_storage": "local storage",
                                               "fingerprint": "fingerprint"}[kind])
