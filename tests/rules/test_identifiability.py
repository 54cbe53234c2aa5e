"""IDN001 anonymous-claim-contradicted: fires where the data identifies, and only there."""

from __future__ import annotations

from textwrap import dedent

import pytest
from conftest import codes, example, findings

from privacy_dsl.lint.config import parse_config
from privacy_dsl.lint.rules.identifiability import identifier_kind


def run(text: str, **options: object) -> list[tuple[str, int, int]]:
    table: dict[str, object] = {"select": ["IDN001"]}
    if options:
        table["rules"] = {"IDN001": {k.replace("_", "-"): v for k, v in options.items()}}
    return [c for c in codes(dedent(text), config=parse_config(table)) if not c[0].startswith("E")]


def category(name: str, taxon: str, claim: str = "anonymous") -> str:
    return f"category {name} {{\n  taxonomy {taxon}\n  identifiability {claim}\n}}\n"


@pytest.mark.parametrize("taxon", [
    "user.device.ip_address",
    "user.device.cookie_id",
    "user.device.device_id",
    "user.unique_id",
    "user.unique_id.pseudonymous",
    "user.location.precise",
    "user.name",
    "user.contact.email",
    "user.contact.address",
    "user.government_id.passport_number",
])
def test_idn001_fires_on_identifier_taxonomy(taxon: str) -> None:
    assert run(category("c", taxon)) == [("IDN001", 3, 3)]


@pytest.mark.parametrize("taxon", [
    "user.location.imprecise",
    "user.behavior.browsing_history",
    "user.contact.address.country",
    "user.contact.address.city",
    "user.demographic.age_range",
])
def test_idn001_does_not_fire_on_non_identifying_taxonomy_alone(taxon: str) -> None:
    assert run(category("c", taxon)) == []


@pytest.mark.parametrize("claim", ["identified", "pseudonymous"])
def test_idn001_does_not_fire_on_honest_claims(claim: str) -> None:
    assert run(category("ip", "user.device.ip_address", claim)) == []


def test_idn001_does_not_fire_without_a_claim() -> None:
    assert run("category ip {\n  taxonomy user.device.ip_address\n}\n") == []


def test_idn001_fires_on_data_collected_through_cookies() -> None:
    text = (category("pages", "user.behavior.browsing_history")
            + "purpose stats {\n  use analytics.reporting\n  categories pages\n}\n"
            + "cookie _pk_id {\n  purpose stats\n}\n")
    assert run(text) == [("IDN001", 3, 3)]


def test_idn001_fires_on_data_kept_beside_an_identifier() -> None:
    text = (category("orders", "user.behavior.purchase_history")
            + "category ip {\n  taxonomy user.device.ip_address\n}\n"
            + "purpose stats {\n  use analytics.reporting\n  categories orders, ip\n}\n")
    assert run(text) == [("IDN001", 3, 3)]
    assert run(text, linked_identifiers=False) == []


def test_idn001_does_not_fire_on_anonymous_data_used_alone_without_cookies() -> None:
    text = (category("counts", "user.behavior.browsing_history")
            + "purpose stats {\n  use analytics.reporting\n  categories counts\n}\n")
    assert run(text) == []


def test_idn001_reports_each_category_once() -> None:
    text = (category("ip", "user.device.ip_address")
            + "purpose a {\n  categories ip\n}\npurpose b {\n  categories ip\n}\n"
            + "cookie x {\n  purpose a\n}\ncookie y {\n  purpose b\n}\n")
    assert run(text) == [("IDN001", 3, 3)]


def test_identifier_kind() -> None:
    assert identifier_kind("user.device.ip_address") == "an IP address"
    assert identifier_kind("user.contact.address.street") == "a street address"
    assert identifier_kind("user.contact.address.postal_code") is None
    assert identifier_kind("user.device") is None
    assert identifier_kind(None) is None


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
WHOLE = {
    "IDN001": [
        ("IDN001", (3, 3), (3, 28), {
            "category": "ip_address",
            "taxonomy": "user.device.ip_address",
            "identifier_kind": "an IP address",
        }),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]
