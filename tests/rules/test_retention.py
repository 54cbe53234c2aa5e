"""Retention rules RET001-RET007: each fires where it should, at the right place, and only there."""

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
    return codes(dedent(text), config=parse_config(table))


def purpose(*lines: str, use: str | None = None) -> str:
    body = "".join(f"  {line}\n" for line in ([f"use {use}"] if use else []) + list(lines))
    return f"purpose p {{\n{body}}}\n"


# ---------------------------------------------------------------- RET001 retention-missing


def test_ret001_fires_on_a_purpose_without_retention() -> None:
    assert run(purpose("basis contract"), "RET001") == [("RET001", 1, 1)]


def _cookie(category: str, expiry: str | None = "1 day") -> str:
    lines = [f"category {category}", "purpose p", "party first", "provider \"Acme\""]
    if expiry:
        lines.append(f"expiry {expiry}")
    return "cookie c {\n" + "".join(f"  {line}\n" for line in lines) + "}\n"


def test_ret001_takes_a_technical_cookies_expiry_as_the_retention_of_a_purpose_with_no_data_of_its_own() -> None:
    assert run(purpose("basis legitimate_interests") + _cookie("strictly_necessary"), "RET001") == []
    assert run(purpose("basis legitimate_interests") + _cookie("security", "session"), "RET001") == []


@pytest.mark.parametrize(("text", "why"), [
    (purpose("basis consent") + _cookie("analytics"), "statistics outlive the cookie on the device"),
    (purpose("basis consent", use="marketing.advertising") + _cookie("functional"), "a marketing use"),
    (purpose("basis contract") + _cookie("strictly_necessary", None), "a cookie without expiry"),
    (purpose("basis contract", "categories email") + _cookie("strictly_necessary"), "data of its own"),
])
def test_ret001_still_fires_where_the_cookie_lifetime_is_not_the_retention(text: str, why: str) -> None:
    assert [c for c in run(text, "RET001") if c[0] == "RET001"] == [("RET001", 1, 1)], why


def test_ret001_fires_at_unspecified_when_it_is_the_only_retention() -> None:
    assert run(purpose("basis contract", "retention unspecified"), "RET001") == [("RET001", 3, 13)]


@pytest.mark.parametrize("retention", [
    "retention 3 years",
    "retention until consent_withdrawn",
    'retention law "bokføringsloven § 13"',
    "retention as long as necessary",  # vague, but RET003's business, not "missing"
    "retention indefinite",            # RET002's business
    "retention unspecified\n  retention 5 years",
])
def test_ret001_does_not_fire_when_retention_is_stated(retention: str) -> None:
    assert run(purpose("basis contract", retention), "RET001") == []


def test_ret001_takes_retention_from_defaults() -> None:
    text = "defaults purpose {\n  retention 2 years\n}\n" + purpose("basis contract")
    assert run(text, "RET001") == []


def test_ret001_fires_once_per_purpose() -> None:
    text = "purpose a {\n  basis contract\n}\npurpose b {\n  basis consent\n}\n"
    assert run(text, "RET001") == [("RET001", 1, 1), ("RET001", 4, 1)]


CATEGORIES = "category account { taxonomy user.account }\ncategory logs { taxonomy user.behavior }\n"


def with_categories(*lines: str) -> str:
    """Two declared categories (lines 1-2) and a purpose using both (its first statement on line 4)."""
    body = "".join(f"  {line}\n" for line in ["categories account, logs", *lines])
    return CATEGORIES + f"purpose p {{\n{body}}}\n"


@pytest.mark.parametrize("retention", [
    'retention criteria "the amount, nature and sensitivity of the data"',  # criteria answer Art. 13(2)(a)
    "retention up_to 30 days",                                              # a maximum is a period
    'retention no_general_period\n  retention criteria "what the case needs"',
    "retention no_general_period\n  retention 5 years",
    'retention archive "Arkivlova § 6"',
])
def test_ret001_is_silent_on_criteria_maxima_and_archiving(retention: str) -> None:
    assert run(purpose("basis contract", retention), "RET001") == []


def test_ret001_fires_on_no_general_period_without_criteria() -> None:
    text = purpose("basis contract", "retention no_general_period")
    assert findings(text, "RET001") == [("RET001", (3, 13), (3, 30), {"purpose": "p"})]
    (d,) = diagnose(text, "RET001")
    assert d.message == ("purpose `p` says no general retention period can be given, but gives no criteria for it "
                         "either")


@pytest.mark.parametrize("beside", [
    "retention as long as necessary", "retention temporarily", "retention law", "retention law_permits",
    "retention archive", "retention unspecified", "retention indefinite", "retention 6 months for logs",
])
def test_ret001_no_general_period_beside_what_gives_no_period_or_criterion_is_still_a_finding(beside: str) -> None:
    """"No general time frame can be given" beside other statements that give neither the period
    nor the criteria (Art. 13(2)(a)) is still a finding (issue 16)."""
    text = with_categories("retention no_general_period", beside)
    assert findings(text, "RET001") == [("RET001", (5, 13), (5, 30), {"purpose": "p"})]


def test_ret001_no_general_period_for_some_data_needs_criteria_for_that_data() -> None:
    # The criteria without `for` are about the other data: for `logs` the specific statement stands alone.
    alone = with_categories("retention no_general_period for logs", 'retention criteria "x"')
    answered = with_categories("retention no_general_period for logs", 'retention criteria "x" for logs')
    assert run(alone, "RET001") == [("RET001", 5, 13)]
    assert run(answered, "RET001") == []


def test_ret001_names_the_categories_whose_retention_is_unspecified() -> None:
    specific = with_categories("retention unspecified for logs", "retention 1 year for account")
    general = with_categories("retention unspecified", "retention 1 year for account")
    assert findings(specific, "RET001") == [("RET001", (5, 13), (5, 33), {"purpose": "p", "categories": "`logs`"})]
    assert findings(general, "RET001") == [("RET001", (5, 13), (5, 24), {"purpose": "p", "categories": "`logs`"})]
    (d,) = diagnose(specific, "RET001")
    assert d.message == "purpose `p` marks the retention of `logs` as unspecified"


def test_ret001_general_unspecified_of_a_purpose_without_categories() -> None:
    text = CATEGORIES + purpose("retention unspecified", "retention 1 year for logs")
    assert findings(text, "RET001") == [("RET001", (4, 13), (4, 24), {"purpose": "p"})]


def test_ret001_all_unspecified_is_one_finding() -> None:
    text = with_categories("retention unspecified", "retention unspecified for logs")
    assert findings(text, "RET001") == [("RET001", (5, 13), (5, 24), {"purpose": "p"})]


# ---------------------------------------------------------------- RET002 retention-indefinite


@pytest.mark.parametrize("retention", ["indefinite", "at controller discretion"])
def test_ret002_fires_at_open_ended_retention(retention: str) -> None:
    assert run(purpose("basis consent", f"retention {retention}"), "RET002") == [("RET002", 3, 13)]


def test_ret002_fires_even_beside_a_proper_period() -> None:
    text = purpose("basis consent", "retention until erasure_request", "retention at controller discretion")
    assert run(text, "RET002") == [("RET002", 4, 13)]


@pytest.mark.parametrize("retention", ["retention until erasure_request", "retention 1 year", "retention unspecified",
                                       'retention archive "Arkivlova § 6"', "retention law_permits"])
def test_ret002_does_not_fire_on_a_closed_period(retention: str) -> None:
    assert run(purpose("basis consent", retention), "RET002") == []


# ---------------------------------------------------------------- RET003 retention-vague


def test_ret003_fires_on_as_long_as_necessary_alone() -> None:
    assert run(purpose("basis contract", "retention as long as necessary"), "RET003") == [("RET003", 3, 13)]


def test_ret003_fires_when_only_an_unnamed_law_is_beside_it() -> None:
    # The seed: "ikke lenger enn det som er nødvendig for formålet eller det som er lovpålagt".
    text = purpose("basis contract", "retention as long as necessary", "retention law")
    assert run(text, "RET003") == [("RET003", 3, 13)]


def test_ret003_implies_ret005_no_law_on_the_same_purpose() -> None:
    """"As long as necessary, or as the law requires": one fact, RET003's (issue 16)."""
    text = purpose("basis contract", "retention as long as necessary", "retention law")
    assert findings(text, ["RET003", "RET005"]) == [
        ("RET003", (3, 13), (3, 33), {"purpose": "p"})]
    assert run(text, "RET005") == [("RET005", 4, 13)]  # with RET003 off, RET005 says it
    other = text + purpose("basis contract", "retention law").replace("purpose p", "purpose q")
    assert codes(other, ["RET003", "RET005"]) == [("RET003", 3, 13), ("RET005", 8, 13)]  # another purpose's stays


def test_ret003_does_not_imply_ret005_on_archiving_without_a_basis() -> None:
    text = purpose("basis contract", "retention as long as necessary", "retention archive")
    assert findings(text, ["RET003", "RET005"]) == [
        ("RET003", (3, 13), (3, 33), {"purpose": "p"}), ("RET005", (4, 13), (4, 20), {"purpose": "p"})]


def test_ret003_implies_ret005_at_a_defaults_line() -> None:
    text = ("defaults purpose {\n  retention as long as necessary\n  retention law\n}\n"
            "purpose a {\n  basis contract\n}\npurpose b {\n  basis contract\n}\n")
    assert codes(text, ["RET003", "RET005"]) == [("RET003", 2, 13), ("RET003", 2, 13)]


@pytest.mark.parametrize("beside", [
    "retention 3 years after contract_end",
    "retention until contract_end",
    'retention law "bokføringsloven § 13"',
    "retention law 5 years",
])
def test_ret003_does_not_fire_with_a_period_or_criterion_beside_it(beside: str) -> None:
    text = purpose("basis contract", "retention as long as necessary", beside)
    assert run(text, "RET003") == []


def test_ret003_does_not_fire_without_the_phrase() -> None:
    assert run(purpose("basis contract", "retention unspecified"), "RET003") == []


def test_ret003_fires_on_temporarily_alone() -> None:
    text = purpose("basis contract", "retention temporarily")
    assert findings(text, "RET003") == [("RET003", (3, 13), (3, 24), {"purpose": "p"})]
    (d,) = diagnose(text, "RET003")
    assert d.message == 'purpose `p` keeps data "temporarily" without a period or criterion'


@pytest.mark.parametrize("beside", [
    'retention criteria "the amount, nature and sensitivity of the data"',
    "retention up_to 7 days",
    'retention law_permits "Act § 4" 10 years',  # the maximum is given
])
def test_ret003_is_answered_by_criteria_and_maxima(beside: str) -> None:
    for vague in ("retention as long as necessary", "retention temporarily"):
        assert run(purpose("basis contract", vague, beside), "RET003") == []


@pytest.mark.parametrize("beside", ['retention law_permits "Act § 4"', 'retention archive "Arkivlova § 6"',
                                    "retention no_general_period"])
def test_ret003_is_not_answered_by_what_gives_no_period(beside: str) -> None:
    assert run(purpose("basis contract", "retention as long as necessary", beside), "RET003") == [("RET003", 3, 13)]


def test_ret003_reads_the_retention_of_each_category() -> None:
    # General "as long as necessary" with a period only for logs: `account` has nothing else.
    assert run(with_categories("retention as long as necessary", "retention 6 months for logs"), "RET003") == [
        ("RET003", 5, 13)]
    # For logs the specific statements replace the general ones: the general period does not answer.
    assert run(with_categories("retention 2 years", "retention temporarily for logs"), "RET003") == [
        ("RET003", 6, 13)]
    assert run(with_categories("retention temporarily for logs", "retention 6 months for logs",
                               "retention 2 years"), "RET003") == []


# ---------------------------------------------------------------- RET004 retention-exceeds-maximum


def test_ret004_fires_on_marketing_kept_longer_than_the_default() -> None:
    text = purpose("basis consent", "retention 10 years", use="marketing.communications.email")
    assert run(text, "RET004") == [("RET004", 4, 13)]


@pytest.mark.parametrize("retention", [
    "retention 3 years",        # exactly the maximum
    "retention 36 months",
    "retention 2 years after last_contact",
    'retention law "skatteforvaltningsloven" 10 years',  # law retention is exempt
    "retention until consent_withdrawn",
])
def test_ret004_does_not_fire_within_the_maximum_or_on_law(retention: str) -> None:
    assert run(purpose("basis consent", retention, use="marketing.communications.email"), "RET004") == []


def test_ret004_compares_a_maximum_and_says_it_is_one() -> None:
    text = purpose("basis consent", "retention up_to 10 years", use="marketing.communications.email")
    assert findings(text, "RET004") == [("RET004", (4, 13), (4, 27), {
        "purpose": "p", "duration": "up to 10 years", "maximum": "3 years", "prefix": "marketing"})]


def test_ret004_does_not_compare_what_a_law_permits() -> None:
    text = purpose("basis consent", 'retention law_permits "Act" 10 years', use="marketing.communications.email")
    assert run(text, "RET004") == []


def test_ret004_ignores_uses_without_a_limit() -> None:
    assert run(purpose("basis contract", "retention 10 years", use="essential.service"), "RET004") == []


def test_ret004_anchored_duration_is_compared_as_written() -> None:
    text = purpose("basis consent", "retention 4 years after last_contact", use="marketing.communications")
    assert run(text, "RET004") == [("RET004", 4, 13)]


def test_ret004_longest_prefix_wins_and_star_catches_the_rest() -> None:
    limits = {"marketing": 5, "marketing.communications.email": 1, "*": 10}
    email = purpose("basis consent", "retention 2 years", use="marketing.communications.email")
    sms = purpose("basis consent", "retention 2 years", use="marketing.communications.sms")
    other = purpose("basis contract", "retention 11 years", use="essential.service")
    no_use = purpose("basis contract", "retention 11 years")
    assert run(email, "RET004", max_years=limits) == [("RET004", 4, 13)]
    assert run(sms, "RET004", max_years=limits) == []
    assert run(other, "RET004", max_years=limits) == [("RET004", 4, 13)]
    assert run(no_use, "RET004", max_years=limits) == [("RET004", 3, 13)]


def test_ret004_french_profile_limits_analytics_to_25_months() -> None:
    over = purpose("basis consent", "retention 26 months", use="analytics.reporting")
    within = purpose("basis consent", "retention 25 months", use="analytics.reporting")
    assert run(over, "RET004") == []  # no EU default for analytics
    assert run(over, "RET004", jurisdictions=["eu", "fr"]) == [("RET004", 4, 13)]
    assert run(within, "RET004", jurisdictions=["eu", "fr"]) == []


def test_ret004_rejects_a_non_positive_maximum() -> None:
    with pytest.raises(ConfigError):
        parse_config({"rules": {"RET004": {"max-years": {"marketing": 0}}}})


# ---------------------------------------------------------------- RET005 legal-retention-without-citation


def test_ret005_fires_on_law_without_statute() -> None:
    assert run(purpose("basis legal_obligation", "retention law"), "RET005") == [("RET005", 3, 13)]


def test_ret005_fires_on_law_with_a_period_but_no_statute() -> None:
    assert run(purpose("basis legal_obligation", "retention law 5 years"), "RET005") == [("RET005", 3, 13)]


def test_ret005_does_not_fire_when_the_law_is_named() -> None:
    text = purpose("basis legal_obligation", 'retention law "bokføringsloven § 13" 5 years after financial_year_end')
    assert run(text, "RET005") == []


def test_ret005_fires_on_archiving_without_a_law_or_basis() -> None:
    text = purpose("basis public_task", "retention archive")
    assert findings(text, "RET005") == [("RET005", (3, 13), (3, 20), {"purpose": "p"})]
    (d,) = diagnose(text, "RET005")
    assert d.message == ("purpose `p` keeps data longer for archiving, research or statistics, but names no law "
                         "or basis")
    assert run(purpose("basis public_task", 'retention archive "Arkivlova § 6"'), "RET005") == []


def test_ret005_is_about_laws_that_require_not_those_that_permit() -> None:
    assert run(purpose("basis consent", "retention law_permits"), "RET005") == []


# ---------------------------------------------------------------- RET006 retention-law-permits


def test_ret006_fires_on_what_the_law_permits() -> None:
    named = purpose("basis consent", 'retention law_permits "Act § 4"')
    unnamed = purpose("basis consent", "retention law_permits")
    assert findings(named, "RET006") == [("RET006", (3, 13), (3, 34), {"purpose": "p", "law": "Act § 4"})]
    assert findings(unnamed, "RET006") == [("RET006", (3, 13), (3, 24), {"purpose": "p"})]
    assert [d.message for d in diagnose(named, "RET006") + diagnose(unnamed, "RET006")] == [
        "purpose `p` keeps data as long as Act § 4 permits: that is a maximum, not how long the data is kept",
        "purpose `p` keeps data as long as the law permits: that is a maximum, not how long the data is kept"]


@pytest.mark.parametrize("lines", [
    ['retention law_permits "Act § 4" up_to 10 years'],       # the maximum is stated
    ['retention law_permits "Act § 4" 10 years after contract_end'],
    ["retention law_permits", "retention 3 years after contract_end"],
    ["retention law_permits", 'retention criteria "the amount and nature of the data"'],
    ['retention law "Act § 5"'],                              # required, not permitted: RET005's
])
def test_ret006_does_not_fire_with_a_period_or_criterion(lines: list[str]) -> None:
    assert run(purpose("basis consent", *lines), "RET006") == []


def test_ret006_reads_the_retention_of_each_category() -> None:
    assert run(with_categories("retention law_permits for logs", "retention 2 years"), "RET006") == [
        ("RET006", 5, 13)]
    assert run(with_categories("retention law_permits", "retention 2 years for logs"), "RET006") == [
        ("RET006", 5, 13)]
    assert run(with_categories("retention law_permits for logs", "retention 2 years for logs"), "RET006") == []


# ---------------------------------------------------------------- RET007 retention-missing-for-categories


def test_ret007_lists_the_categories_without_retention_in_one_finding() -> None:
    text = CATEGORIES + "category profile { taxonomy user.account }\n" + purpose(
        "categories account, logs, profile", "retention 6 months for logs", "retention unspecified for logs")
    assert findings(text, "RET007") == [
        ("RET007", (6, 3), (6, 30), {"purpose": "p", "categories": "`account`, `profile`"})]
    (d,) = diagnose(text, "RET007")
    assert d.message == "purpose `p` gives its retention per category, but none for `account`, `profile`"


@pytest.mark.parametrize("lines", [
    ["retention 6 months for logs", "retention 2 years"],                       # the rest: the general one
    ["retention 6 months for logs", "retention 2 years for account"],
    ["retention 6 months for logs, account"],
])
def test_ret007_does_not_fire_when_every_category_has_retention(lines: list[str]) -> None:
    assert run(with_categories(*lines), "RET007") == []


def test_ret007_cannot_check_a_purpose_without_categories_or_retention() -> None:
    assert run(CATEGORIES + purpose("retention 6 months for logs"), "RET007") == []
    assert run(with_categories(), "RET007") == []  # no retention at all: RET001


def test_ret007_reads_retention_from_defaults() -> None:
    text = CATEGORIES + "defaults purpose {\n  retention 6 months for logs\n}\n" + purpose(
        "categories account, logs")
    assert findings(text, "RET007") == [("RET007", (4, 3), (4, 30), {"purpose": "p", "categories": "`account`"})]


def test_defaults_give_a_purpose_only_the_retention_about_its_categories() -> None:
    text = CATEGORIES + ("defaults purpose {\n  retention 6 months for logs\n  retention 1 year for account, logs\n}\n"
                         "purpose a {\n  categories account\n}\npurpose b {\n  categories logs\n}\n"
                         "purpose c {\n  retention up_to 1 day for logs\n}\n"
                         "purpose d {\n}\ncategory other { taxonomy user }\npurpose e {\n  categories other\n}\n")
    purposes = load_text(text).model.purposes
    assert {k: [str(r) for r in p.retention] for k, p in purposes.items()} == {
        "a": ["1 year for account"],
        "b": ["6 months for logs", "1 year for logs"],
        "c": ["up to 1 day for logs"],                        # its own: kept as written
        "d": ["6 months for logs", "1 year for account, logs"],  # no categories: all of them
        "e": [],                                              # nothing about its data: not stated
    }
    assert not purposes["e"].has("retention")
    assert codes(text, ["RET001", "RET007"]) == [("RET001", 19, 1)]


def test_a_defaults_retention_for_an_undeclared_category_is_reported_once_at_the_defaults() -> None:
    text = CATEGORIES + "defaults purpose {\n  retention 6 months for logz\n}\npurpose a {}\npurpose b {}\n"
    assert [(d.span.line, d.message) for d in diagnose(text, "E200")] == [
        (4, "the `defaults purpose` block refers to category `logz`, which is not declared")]


def test_a_retention_for_an_undeclared_category_is_a_resolution_error() -> None:
    (d,) = diagnose(with_categories("retention 6 months for logs, acount", "retention 1 year"), "E200")
    assert (d.span.line, d.span.column, d.args) == (5, 32, (("name", "acount"), ("kind", "category")))
    assert d.hint == "did you mean `account`?"


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
WHOLE = {
    "RET001": [
        ("RET001", (1, 1), (4, 2), {"purpose": "newsletter"}),
    ],
    "RET002": [
        ("RET002", (4, 13), (4, 37), {"purpose": "further_use"}),
    ],
    "RET003": [
        ("RET003", (3, 13), (3, 33), {"purpose": "assignments"}),
    ],
    "RET004": [
        ("RET004", (4, 13), (4, 21), {
            "purpose": "newsletter",
            "duration": "10 years",
            "maximum": "3 years",
            "prefix": "marketing",
        }),
    ],
    "RET005": [
        ("RET005", (3, 13), (3, 16), {"purpose": "invoicing"}),
    ],
    "RET006": [
        ("RET006", (3, 13), (3, 24), {"purpose": "marketing_list"}),
    ],
    "RET007": [
        ("RET007", (6, 3), (6, 30), {"purpose": "login", "categories": "`account`"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


def test_data_that_is_not_stored_needs_no_period() -> None:
    """`retention not_stored` ("we do not save this information") answers Art. 13(2)(a) in full."""
    text = "purpose p {\n  retention not_stored\n}\n"
    assert codes(text, "RET") == []
    (purpose,) = load_text(text).model.purposes.values()
    assert [(r.rule, str(r)) for r in purpose.retention] == [("not_stored", "not_stored")]


def test_a_zero_period_points_to_not_stored() -> None:
    (d,) = diagnose("purpose p {\n  retention 0 seconds\n}\n", "E204")
    assert d.message == "a duration of zero is not a period" and "`retention not_stored`" in (d.hint or "")
