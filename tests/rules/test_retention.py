"""Retention rules RET001-RET005: each fires where it should, at the right place, and only there."""

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


# ---------------------------------------------------------------- RET002 retention-indefinite


@pytest.mark.parametrize("retention", ["indefinite", "at controller discretion"])
def test_ret002_fires_at_open_ended_retention(retention: str) -> None:
    assert run(purpose("basis consent", f"retention {retention}"), "RET002") == [("RET002", 3, 13)]


def test_ret002_fires_even_beside_a_proper_period() -> None:
    text = purpose("basis consent", "retention until erasure_request", "retention at controller discretion")
    assert run(text, "RET002") == [("RET002", 4, 13)]


@pytest.mark.parametrize("retention", ["retention until erasure_request", "retention 1 year", "retention unspecified"])
def test_ret002_does_not_fire_on_a_closed_period(retention: str) -> None:
    assert run(purpose("basis consent", retention), "RET002") == []


# ---------------------------------------------------------------- RET003 retention-vague


def test_ret003_fires_on_as_long_as_necessary_alone() -> None:
    assert run(purpose("basis contract", "retention as long as necessary"), "RET003") == [("RET003", 3, 13)]


def test_ret003_fires_when_only_an_unnamed_law_is_beside_it() -> None:
    # The seed: "ikke lenger enn det som er nødvendig for formålet eller det som er lovpålagt".
    text = purpose("basis contract", "retention as long as necessary", "retention law")
    assert run(text, "RET003") == [("RET003", 3, 13)]


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
