"""Hygiene rules HYG001-HYG006: each fires where it should, at the right place, and only there."""

from __future__ import annotations

from textwrap import dedent

import pytest
from conftest import codes, example, findings

from privacy_dsl.lint.config import parse_config


def run(text: str, code: str, **options: object) -> list[tuple[str, int, int]]:
    if not options:
        return codes(dedent(text), code)
    table = {k.replace("_", "-"): v for k, v in options.items()}
    return codes(dedent(text), config=parse_config({"select": [code], "rules": {code: table}}))


def _cats(**keys: str) -> str:
    return "".join(f"category {name} {{\n  taxonomy {key}\n}}\n" for name, key in keys.items())


# ---------------------------------------------------------------- HYG001 purpose-category-mismatch


@pytest.mark.parametrize(("use", "present"), [
    ("marketing.communications.email", "user.contact.phone_number"),
    ("essential.service.notifications.email", "user.name"),
    ("marketing.communications.sms", "user.contact.email"),
    ("essential.service.payment_processing", "user.contact.address"),
])
def test_hyg001_use_needs_a_category_it_does_not_list(use: str, present: str) -> None:
    text = _cats(a=present) + f"purpose p {{\n  use {use}\n  categories a\n}}\n"
    assert run(text, "HYG001") == [("HYG001", 6, 3)]


@pytest.mark.parametrize(("use", "present"), [
    ("marketing.communications.email", "user.contact.email"),
    ("marketing.communications.email", "user.contact"),  # a parent: "contact details"
    ("marketing.communications.sms", "user.contact.phone_number"),
    ("essential.service.payment_processing", "user.payment"),
    ("essential.service.payment_processing", "user.financial.credit_card"),
    ("marketing.communications", "user.name"),  # generic marketing: no specific channel implied
    ("analytics.reporting", "user.name"),
])
def test_hyg001_satisfied_or_not_implied(use: str, present: str) -> None:
    text = _cats(a=present) + f"purpose p {{\n  use {use}\n  categories a\n}}\n"
    assert run(text, "HYG001") == []


def test_hyg001_root_user_category_does_not_satisfy() -> None:
    text = _cats(a="user") + "purpose p {\n  use marketing.communications.email\n  categories a\n}\n"
    assert run(text, "HYG001") == [("HYG001", 6, 3)]


def test_hyg001_does_not_guess_when_a_category_is_unmapped_or_undeclared() -> None:
    unmapped = ('category a {\n  name "E-post"\n}\n'
                "purpose p {\n  use marketing.communications.email\n  categories a\n}\n")
    assert run(unmapped, "HYG001") == []
    undeclared = _cats(a="user.name") + "purpose p {\n  use marketing.communications.email\n  categories a, b\n}\n"
    assert [c for c in run(undeclared, "HYG001") if c[0] == "HYG001"] == []


def test_hyg001_no_categories_is_left_to_hyg004() -> None:
    assert run("purpose p {\n  use marketing.communications.email\n}\n", "HYG001") == []


def test_hyg001_extra_implied_option() -> None:
    text = _cats(a="user.name") + "purpose p {\n  use employment.recruitment\n  categories a\n}\n"
    assert run(text, "HYG001") == []
    assert run(text, "HYG001", extra_implied={"employment": ["user.contact"]}) == [("HYG001", 6, 3)]


# ---------------------------------------------------------------- HYG002 unused-declaration


def test_hyg002_each_kind_of_unused_declaration_at_its_block() -> None:
    text = """\
    category email {
      taxonomy user.contact.email
    }
    subject visitor {
      name "Visitor"
    }
    recipient mailer {
      name "Mailer"
    }
    transfer mailer_us {
      country US
    }
    consent banner {
      method opt_in
    }
    authority dt {
      name "Datatilsynet"
    }
    purpose p {
      use essential
    }
    """
    assert run(text, "HYG002") == [("HYG002", 1, 1), ("HYG002", 4, 1), ("HYG002", 7, 1), ("HYG002", 10, 1),
                                   ("HYG002", 13, 1), ("HYG002", 16, 1)]


def test_hyg002_is_silent_on_a_category_of_recipients_named_for_the_processing_as_a_whole() -> None:
    text = """\
    recipient authorities {
      name "The competent authorities, on request"
      category_only
    }
    recipient named {
      name "Mailer"
      category_only no
    }
    purpose p {
      use essential
    }
    """
    assert findings(dedent(text), "HYG002") == [
        ("HYG002", (5, 1), (8, 2), {"kind": "recipient", "id": "named"})]


def test_hyg002_every_kind_of_reference_counts_as_use() -> None:
    text = """\
    category email {
      taxonomy user.contact.email
    }
    subject customer
    recipient mailer {
      name "Mailer"
    }
    recipient tracker {
      name "Tracker"
    }
    recipient hosting {
      name "Hosting"
    }
    transfer mailer_us {
      recipient hosting
      country US
    }
    consent newsletter {
      method opt_in
    }
    consent banner {
      method opt_in
    }
    authority dt {
      name "Datatilsynet"
    }
    purpose p {
      use marketing.communications.email
      basis consent
      consent newsletter
      categories email
      subjects customer
      recipients mailer
      transfers mailer_us
    }
    cookie t {
      provider tracker
      consent banner
      expiry session
    }
    rights {
      complaints dt
    }
    """
    assert run(text, "HYG002") == []


def test_hyg002_references_from_defaults_count() -> None:
    text = "subject customer\ndefaults purpose {\n  subjects customer\n}\npurpose p {\n  use essential\n}\n"
    assert run(text, "HYG002") == []


def test_hyg002_is_info() -> None:
    from conftest import diagnose

    (diag,) = diagnose("subject nobody\npurpose p {\n  use essential\n}\n", "HYG002")
    assert diag.severity.label == "info"


# ---------------------------------------------------------------- HYG003 duplicate-cookie


def test_hyg003_same_name_no_domains_is_a_duplicate_at_the_second_block() -> None:
    text = "cookie sid {\n  expiry session\n}\n\ncookie sid {\n  expiry 1 day\n}\n"
    assert run(text, "HYG003") == [("HYG003", 5, 1)]


@pytest.mark.parametrize(("a", "b"), [
    (".example.no", "www.example.no"),
    ("example.no", "EXAMPLE.NO"),
    ("shop.example.no", ".example.no"),
])
def test_hyg003_overlapping_domains(a: str, b: str) -> None:
    text = f'cookie _ga {{\n  domains "{a}"\n}}\ncookie _ga {{\n  domains "{b}"\n}}\n'
    assert run(text, "HYG003") == [("HYG003", 4, 1)]


def test_hyg003_one_side_without_domains_overlaps() -> None:
    text = 'cookie _ga {\n  domains "example.no"\n}\ncookie _ga {\n  expiry 1 day\n}\n'
    assert run(text, "HYG003") == [("HYG003", 4, 1)]


@pytest.mark.parametrize("second", [
    'cookie _ga {\n  domains "example.com"\n}\n',        # other site
    'cookie _ga {\n  domains "badexample.no"\n}\n',      # suffix, but not a subdomain
    'cookie _GA {\n  domains "example.no"\n}\n',         # names are case-sensitive
    'cookie _ga {\n  kind local_storage\n  domains "example.no"\n}\n',  # other storage
])
def test_hyg003_not_duplicates(second: str) -> None:
    text = 'cookie _ga {\n  domains "example.no"\n}\n' + second
    assert run(text, "HYG003") == []


def test_hyg003_three_copies_give_two_findings() -> None:
    text = "cookie a {\n}\ncookie a {\n}\ncookie a {\n}\n"
    assert run(text, "HYG003") == [("HYG003", 3, 1), ("HYG003", 5, 1)]


def test_hyg003_unnamed_cookies_are_never_duplicates() -> None:
    text = 'cookie unnamed {\n  provider "Meta"\n}\ncookie unnamed {\n  provider "Meta"\n}\n' * 2
    assert run(text, "HYG003") == []


def test_hyg003_a_cookie_named_unnamed_is_a_name_like_any_other() -> None:
    text = 'cookie "unnamed" {\n}\ncookie "unnamed" {\n}\ncookie unnamed {\n}\n'
    assert findings(text, "HYG003") == [
        ("HYG003", (3, 1), (4, 2), {"cookie": "cookie `unnamed`", "location": "policy.privacy:1:1"}),
    ]


# ---------------------------------------------------------------- HYG004 purpose-without-categories


def test_hyg004_purpose_without_categories() -> None:
    assert run("\npurpose orders {\n  use essential.service\n}\n", "HYG004") == [("HYG004", 2, 1)]


def test_hyg004_categories_stated_or_from_defaults() -> None:
    cat = _cats(email="user.contact.email")
    assert run(cat + "purpose p {\n  categories email\n}\n", "HYG004") == []
    assert run(cat + "defaults purpose {\n  categories email\n}\npurpose p {\n  use essential\n}\n", "HYG004") == []


# ---------------------------------------------------------------- HYG005 purpose-without-data-use


def test_hyg005_purpose_without_use() -> None:
    assert run("\n\npurpose further_use {\n  basis consent\n}\n", "HYG005") == [("HYG005", 3, 1)]


def test_hyg005_use_given_passes() -> None:
    assert run("purpose p {\n  use essential.service\n}\n", "HYG005") == []


# ---------------------------------------------------------------- HYG006 consent-mechanism-without-consent-basis


def test_hyg006_consent_mechanism_with_another_basis_at_the_consent_line() -> None:
    text = "purpose stats {\n  use analytics\n  basis legitimate_interests\n  consent banner\n}\n"
    found = [c for c in run(text, "HYG006") if c[0] == "HYG006"]
    assert found == [("HYG006", 4, 3)]


@pytest.mark.parametrize("bases", [
    "basis consent",
    'basis legal_obligation "lov"\n  basis consent',       # several bases incl. consent: lawfulness' business
    "",                                                    # no basis: lawfulness' business
    "basis contract\n  special_condition explicit_consent",  # Art. 9(2)(a) explicit consent
])
def test_hyg006_silent(bases: str) -> None:
    text = ("consent banner {\n  method opt_in\n}\n"
            f"purpose stats {{\n  use analytics\n  {bases}\n  consent banner\n}}\n")
    assert run(text, "HYG006") == []


def test_hyg006_cookie_consent_beside_another_purpose_basis_is_not_flagged() -> None:
    text = dedent("""\
    consent banner {
      method opt_in
    }
    purpose security {
      use essential.service.security
      basis legitimate_interests
    }
    cookie waf {
      purpose security
      consent banner
    }
    """)
    assert run(text, "HYG006") == []


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
# ---------------------------------------------------------------- HYG007 right-offered-and-denied


def test_hyg007_offered_and_denied_for_every_purpose() -> None:
    text = """\
    purpose a {
      use essential.service
    }
    purpose b {
      use essential.service
    }
    rights {
      offered access, erasure, portability
      limited objection "only in special circumstances"
      denied erasure, objection, restriction for a, b
    }
    """
    assert findings(dedent(text), "HYG007") == [
        ("HYG007", (10, 3), (10, 50), {"rights": "`erasure`, `objection`"})]


def test_hyg007_a_denial_for_some_purposes_says_where_the_right_applies() -> None:
    text = """\
    purpose a {
      use essential.service
    }
    purpose b {
      use essential.service
    }
    rights {
      offered erasure
      denied erasure for a
    }
    """
    assert run(text, "HYG007") == []


WHOLE = {
    "HYG001": [
        ("HYG001", (6, 3), (6, 18), {
            "purpose": "newsletter",
            "use": "marketing.communications.email",
            "expected": "`user.contact.email`",
        }),
    ],
    "HYG002": [
        ("HYG002", (1, 1), (4, 2), {"kind": "recipient", "id": "mailer"}),
    ],
    "HYG003": [
        ("HYG003", (5, 1), (8, 2), {"cookie": "cookie `_ga`", "location": "policy.privacy:1:1"}),
    ],
    "HYG004": [
        ("HYG004", (1, 1), (4, 2), {"purpose": "orders"}),
    ],
    "HYG005": [
        ("HYG005", (1, 1), (3, 2), {"purpose": "further_use"}),
    ],
    "HYG006": [
        ("HYG006", (4, 3), (4, 24), {
            "purpose": "statistics",
            "consent": "cookie_banner",
            "bases": "legitimate_interests",
        }),
        ("E200", (4, 11), (4, 24), {"name": "cookie_banner", "kind": "consent"}),
    ],
    "HYG007": [
        ("HYG007", (3, 3), (3, 33), {"rights": "`erasure`"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


def test_hyg004_a_purpose_its_cookies_serve_states_its_data_on_them() -> None:
    purpose = "purpose stats {\n  use analytics.reporting\n}\n"
    assert run(purpose, "HYG004") == [("HYG004", 1, 1)]
    assert run(purpose + "cookie _pk_id {\n  purpose stats\n}\n", "HYG004") == []
