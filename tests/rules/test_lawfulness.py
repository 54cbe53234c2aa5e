"""Lawfulness rules LAW001-LAW011: each fires where it should, at the right place, and only there."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import codes, diagnose, example, findings

from privacy_dsl.lint.config import parse_config


def lint(text: str, code: str, **kw: object) -> list[tuple[str, int, int]]:
    return [c for c in codes(dedent(text), [code], **kw) if c[0] == code]  # type: ignore[arg-type]


# ---------------------------------------------------------------- LAW001 missing-legal-basis


def test_law001_fires_on_the_purpose_block() -> None:
    assert lint("""\
        purpose orders {
          use essential.service
        }
        purpose stats {
          use analytics.reporting
          basis consent
        }
        """, "LAW001") == [("LAW001", 1, 1)]


def test_law001_basis_from_defaults_counts() -> None:
    assert lint("""\
        defaults purpose {
          basis contract
        }
        purpose orders {
          use essential.service
        }
        """, "LAW001") == []


def test_law001_says_when_the_notice_lists_bases_only_for_the_whole_notice() -> None:
    text = 'policy "P" {\n  bases contract, consent, contract\n}\npurpose orders {\n  use essential.service\n}\n'
    assert findings(text, "LAW001") == [
        ("LAW001", (4, 1), (6, 2), {"purpose": "orders", "bases": "`contract`, `consent`"})]
    (diag,) = [d for d in diagnose(text, ["LAW001"]) if d.code == "LAW001"]
    assert diag.message_id == "notice-level"
    assert "only for the whole notice" in diag.message


def test_law005_and_law008_read_the_bases_the_notice_lists_for_the_whole_notice() -> None:
    text = ('policy "P" {\n  bases legal_obligation, public_task "Act § 2", legitimate_interests,\n'
            '    legitimate_interests { interest "fraud" balancing_test "LIA-1" }\n}\n')
    assert findings(text, ["LAW005", "LAW008"]) == [
        ("LAW008", (2, 9), (2, 25), {"basis": "legal_obligation"}),
        ("LAW005", (2, 50), (2, 70), {}),
    ]
    (law005,) = [d for d in diagnose(text, "LAW005") if d.code == "LAW005"]
    assert law005.message_id == "notice-no-interest-no-test"


def test_law001_hint_for_marketing_says_consent() -> None:
    (diag,) = [d for d in diagnose("purpose promo {\n  use marketing.communications\n}\n", ["LAW001"])
               if d.code == "LAW001"]
    assert diag.hint is not None and "basis consent" in diag.hint


# ---------------------------------------------------------------- LAW002 multiple-legal-bases


def test_law002_fires_at_the_second_basis() -> None:
    assert lint("""\
        purpose other {
          basis legal_obligation "lov § 1"
          basis consent
        }
        """, "LAW002") == [("LAW002", 3, 9)]


def test_law002_one_basis_or_the_same_basis_twice_is_not_multiple() -> None:
    assert lint("""\
        purpose a {
          basis consent
        }
        purpose b {
          basis contract
          basis contract
        }
        """, "LAW002") == []


def test_law002_three_bases_one_finding() -> None:
    assert lint("""\
        purpose other {
          basis contract
          basis contract
          basis legitimate_interests { interest "x" balancing_test "y" }
          basis consent
        }
        """, "LAW002") == [("LAW002", 4, 9)]


# ---------------------------------------------------------------- LAW003 marketing-without-consent


def test_law003_fires_on_email_marketing_under_legitimate_interests() -> None:
    assert lint("""\
        purpose newsletter {
          use marketing.communications.email
          basis legitimate_interests { interest "x" balancing_test "y" }
        }
        """, "LAW003") == [("LAW003", 3, 3)]


def test_law003_quiet_on_consent_and_on_postal_marketing_under_legitimate_interests() -> None:
    assert lint("""\
        purpose newsletter {
          use marketing.communications.email
          basis consent
        }
        purpose catalogue {
          use marketing.communications
          basis legitimate_interests { interest "x" balancing_test "y" }
        }
        """, "LAW003") == []


# ---------------------------------------------------------------- LAW004 contract-beyond-service


def test_law004_fires_on_analytics_under_contract() -> None:
    assert lint("""\
        purpose stats {
          use analytics.reporting
          basis contract
        }
        """, "LAW004") == [("LAW004", 3, 3)]


def test_law004_fires_on_profiling_personalisation_and_fraud() -> None:
    assert lint("""\
        purpose feed {
          use personalize.profiling
          basis contract
        }
        purpose fraud {
          use essential.fraud_detection
          basis contract
        }
        purpose scoring {
          basis contract
          profiling
        }
        """, "LAW004") == [("LAW004", 3, 3), ("LAW004", 7, 3), ("LAW004", 10, 3)]


def test_law004_points_at_the_contract_basis_when_it_is_not_first() -> None:
    assert lint("""\
        purpose stats {
          use analytics.reporting
          basis consent
          basis contract
        }
        """, "LAW004") == [("LAW004", 4, 9)]


def test_law004_does_not_fire_on_the_service_itself_or_other_bases() -> None:
    assert lint("""\
        purpose orders {
          use essential.service
          basis contract
        }
        purpose login {
          use essential.service.authentication
          basis contract
          profiling
        }
        purpose stats {
          use analytics.reporting
          basis consent
        }
        purpose prefs {
          use functional.service
          basis contract
        }
        """, "LAW004") == []


def test_law004_leaves_marketing_to_law003() -> None:
    text = """\
        purpose ads {
          use marketing.advertising.third_party.targeted
          basis contract
        }
        """
    assert lint(text, "LAW004") == []
    assert lint(text, "LAW003") == [("LAW003", 3, 3)]


# ---------------------------------------------------------------- LAW005 legitimate-interests-unexplained


def test_law005_fires_on_bare_legitimate_interests() -> None:
    assert lint("""\
        purpose fraud {
          use essential.fraud_detection
          basis legitimate_interests
        }
        """, "LAW005") == [("LAW005", 3, 3)]


def test_law005_fires_when_balancing_test_missing_or_interest_blank() -> None:
    assert lint("""\
        purpose a {
          basis legitimate_interests { interest "Preventing fraud" }
        }
        purpose b {
          basis legitimate_interests { interest "  " balancing_test "LIA-1" }
        }
        """, "LAW005") == [("LAW005", 2, 3), ("LAW005", 5, 3)]


def test_law005_complete_statement_passes() -> None:
    assert lint("""\
        purpose fraud {
          basis legitimate_interests {
            interest { nb "Hindre svindel" en "Preventing fraud" }
            balancing_test "LIA-2026-01"
          }
        }
        """, "LAW005") == []


def test_law005_option_turns_off_the_balancing_test_requirement() -> None:
    text = 'purpose a {\n  basis legitimate_interests { interest "Preventing fraud" }\n}\n'
    config = parse_config({"select": ["LAW005"], "rules": {"LAW005": {"require-balancing-test": False}}})
    assert codes(text, config=config) == []
    assert codes("purpose a {\n  basis legitimate_interests\n}\n", config=config) == [("LAW005", 2, 3)]


# ---------------------------------------------------------------- LAW006 legitimate-interests-on-children


LI = 'basis legitimate_interests { interest "x" balancing_test "y" }'


def test_law006_fires_for_child_subjects_and_child_categories() -> None:
    assert lint(f"""\
        subject pupil {{
          children
        }}
        category kid_profile {{
          taxonomy user.childrens
        }}
        purpose a {{
          {LI}
          subjects pupil
        }}
        purpose b {{
          {LI}
          categories kid_profile
        }}
        """, "LAW006") == [("LAW006", 8, 3), ("LAW006", 12, 3)]


def test_law006_quiet_for_adults_and_for_other_bases() -> None:
    assert lint(f"""\
        subject customer {{
          name "Customer"
        }}
        subject pupil {{
          children no
        }}
        subject kid {{
          children
        }}
        purpose a {{
          {LI}
          subjects customer, pupil
        }}
        purpose b {{
          basis consent
          subjects kid
        }}
        """, "LAW006") == []


# ---------------------------------------------------------------- LAW007 public-authority-legitimate-interests


def test_law007_fires_for_a_public_authority() -> None:
    assert lint(f"""\
        controller "Kommune" {{
          public_authority
        }}
        purpose a {{
          {LI}
        }}
        """, "LAW007") == [("LAW007", 5, 3)]


def test_law007_quiet_for_private_controllers_and_public_task() -> None:
    assert lint(f"""\
        controller "Firma AS" {{
          public_authority no
        }}
        purpose a {{
          {LI}
        }}
        """, "LAW007") == []
    assert lint("""\
        controller "Kommune" {
          public_authority
        }
        purpose a {
          basis public_task "kommuneloven § 1"
        }
        """, "LAW007") == []


def public(controller: str) -> str:
    return f"{controller}\npurpose a {{\n  {LI}\n}}\n"


@pytest.mark.parametrize(("controller", "field", "evidence"), [
    ('controller "Digitaliseringsdirektoratet" {\n  country NO\n}', "name", "direktoratet"),
    ('controller "Georg-Cantor-Gymnasium" {\n  country DE\n}', "name", "Gymnasium"),
    ('controller "Bergen kommune" {\n}', "name", "kommune"),
    ('controller "Stockholms kommun" {\n}', "name", "kommun"),
    ('controller "Bundesministerium der Finanzen" {\n}', "name", "ministerium"),
    ('controller "Universitetet i Oslo" {\n}', "name", "Universitetet"),
    ('controller "Acme" {\n  registration "Körperschaft des öffentlichen Rechts"\n}', "registration",
     "öffentlichen Rechts"),
    ('controller "Vetenskapsrådet" {\n  country SE\n  registration "202100-5208"\n}', "registration",
     "202100-5208"),
    ('controller "The Corporate Officer of the House of Commons" {\n}', "name", "House of Commons"),
    ('controller "Petitions Committee" {\n  email "petitions@parliament.uk"\n}', "email", "parliament.uk"),
])
def test_law007_reads_a_plain_public_body_from_its_name_registration_or_domain(
        controller: str, field: str, evidence: str) -> None:
    """Issue 16: a ministry, a directorate, a municipality, a school need not write `public_authority`."""
    (d,) = diagnose(public(controller), "LAW007")
    assert d.message_id == "public-body"
    assert dict(d.args)["field"] == field and dict(d.args)["evidence"] == evidence


@pytest.mark.parametrize("controller", [
    'controller "Bergen kommune" {\n  public_authority no\n}',   # what the notice says wins
    'controller "Skolebøker AS" {\n}',                            # a company form
    'controller "Tanzschule Müller GmbH" {\n}',
    'controller "Universitetsforlaget" {\n}',                     # a publisher: not a word of the list
    'controller "Fjordkaffe" {\n  email "post@fjordkaffe.no"\n  registration "556677-8899"\n}',
    'controller "Acme" {\n  country NO\n  registration "212345-6789"\n}',  # the Swedish rule is Swedish
])
def test_law007_does_not_read_a_company_or_a_denied_public_authority_as_one(controller: str) -> None:
    assert codes(public(controller), "LAW007") == []


def test_law007_recognise_by_name_and_the_word_list_are_options() -> None:
    text = public('controller "Bergen kommune" {\n}')
    off = parse_config({"select": ["LAW007"], "rules": {"LAW007": {"recognise-by-name": False}}})
    assert codes(text, config=off) == []
    words = parse_config({"select": ["LAW007"], "rules": {"LAW007": {"public-body-words": ["fjord"]}}})
    assert codes(public('controller "Fjordkaffe" {\n}'), config=words) == [("LAW007", 4, 3)]
    assert codes(text, config=words) == []


def test_law007_recognises_the_public_bodies_of_the_corpus_and_no_other(root: Path) -> None:
    """The corpus's public bodies wrote `public_authority`; without it, their names still say so.
    Vetenskapsrådet's page calls it "myndigheten" in the text, not in its name: not read."""
    from privacy_dsl.api import load_text
    from privacy_dsl.lint.rules.public_bodies import public_body

    found = {}
    for path in sorted((root / "tests" / "corpus").glob("*/controller.privacy")):
        policy = load_text(path.read_text(encoding="utf-8").replace("  public_authority\n", "\n")).model
        for controller in policy.controllers:
            found[path.parent.name] = public_body(controller) is not None
    assert {name for name, yes in found.items() if yes} == {
        "de-cantor-gymnasium", "en-gov-uk-parliament-petitions", "nb-minid-informasjonskapsler"}


# ---------------------------------------------------------------- LAW008 basis-without-legal-citation


def test_law008_fires_for_legal_obligation_and_public_task_without_law() -> None:
    assert lint("""\
        purpose a {
          basis legal_obligation
        }
        purpose b {
          basis public_task ""
        }
        """, "LAW008") == [("LAW008", 2, 3), ("LAW008", 5, 3)]


def test_law008_quiet_with_a_citation_and_for_other_bases() -> None:
    assert lint("""\
        purpose a {
          basis legal_obligation "bokføringsloven § 13"
        }
        purpose b {
          basis vital_interests
        }
        """, "LAW008") == []


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
WHOLE = {
    "LAW001": [
        ("LAW001", (1, 1), (3, 2), {"purpose": "statistics"}),
    ],
    "LAW002": [
        ("LAW002", (4, 9), (4, 16), {
            "purpose": "customer_records",
            "count": "2",
            "bases": "legal_obligation, consent",
        }),
    ],
    "LAW003": [
        ("LAW003", (3, 3), (3, 29), {
            "purpose": "newsletter",
            "bases": "legitimate_interests",
            "reason": "its data use `marketing.communications.email` is targeted or electronic marketing",
        }),
    ],
    "LAW004": [
        ("LAW004", (3, 3), (3, 17), {
            "purpose": "usage_statistics",
            "reason": (
                "its data use `analytics.reporting` is analytics and service improvement (EDPB "
                "Guidelines 2/2019, section 3.1)"
            ),
        }),
    ],
    "LAW005": [
        ("LAW005", (3, 3), (3, 29), {"purpose": "fraud_prevention"}),
    ],
    "LAW006": [
        ("LAW006", (5, 3), (8, 4), {"purpose": "app_analytics"}),
    ],
    "LAW007": [
        ("LAW007", (5, 3), (8, 4), {"purpose": "school_admission"}),
    ],
    "LAW008": [
        ("LAW008", (2, 3), (2, 25), {"purpose": "bookkeeping", "basis": "legal_obligation"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


# ---------------------------------------------------------------- a purpose with several data uses


def test_a_purpose_may_state_several_uses_on_one_line_or_many() -> None:
    from privacy_dsl.api import load_text

    one = load_text("purpose p {\n  use essential.service, analytics.reporting\n}\n").model.purposes["p"]
    two = load_text("purpose p {\n  use essential.service\n  use analytics.reporting\n}\n").model.purposes["p"]
    assert one.uses == two.uses == ("essential.service", "analytics.reporting")


def test_law003_fires_when_any_use_of_a_purpose_is_marketing() -> None:
    text = "purpose p {\n  use essential.service, marketing.communications.email\n  basis contract\n}\n"
    assert [dict(d.args)["reason"] for d in diagnose(text, "LAW003")] == [
        "its data use `marketing.communications.email` is targeted or electronic marketing"]
    assert codes(text.replace(", marketing.communications.email", ""), "LAW003") == []


def test_an_unknown_use_in_a_list_is_reported_and_the_others_are_kept() -> None:
    text = "purpose p {\n  use essential.servce, marketing.communications.email\n}\n"
    assert sorted((d.code, d.span.column) for d in diagnose(text, ["E203", "LAW003"])) == [("E203", 7), ("LAW003", 1)]


# ---------------------------------------------------------------- one finding per fact: implies


MARKETING_NO_BASIS = "purpose mail {\n  use marketing.communications.email\n}\n"


def test_law003_implies_law001_on_the_same_purpose() -> None:
    """A marketing purpose with no basis: LAW003 says all LAW001 would, so LAW001 is not reported."""
    assert [c for c, *_ in codes(MARKETING_NO_BASIS, ["LAW001", "LAW003"])] == ["LAW003"]
    other = MARKETING_NO_BASIS + "purpose plain {\n  use essential.service\n}\n"
    assert sorted((c, line) for c, line, _ in codes(other, ["LAW001", "LAW003"])) == [
        ("LAW001", 4), ("LAW003", 1)]  # another purpose's LAW001 stays


def test_a_suppressed_implying_finding_hides_nothing() -> None:
    text = ("purpose mail { # privacy-dsl: ignore[LAW003] -- reviewed, ticket 12\n"
            "  use marketing.communications.email\n}\n")
    assert [c for c, *_ in codes(text, ["LAW001", "LAW003"])] == ["LAW001"]


def test_law001_and_ret002_take_an_anonymity_claim_as_stated() -> None:
    """A purpose whose data is all claimed anonymous has no personal data to ground or to limit
    (issue 16: false positives); IDN001 holds the claim against the rest of the policy."""
    text = ("category counts {\n  taxonomy user.behavior\n  identifiability anonymous\n}\n"
            "purpose stats {\n  use analytics.reporting\n  categories counts\n  retention indefinite\n}\n")
    assert codes(text, ["LAW001", "RET002"]) == []
    named = text.replace("  identifiability anonymous\n", "")
    assert sorted(c for c, *_ in codes(named, ["LAW001", "RET002"])) == ["LAW001", "RET002"]


def test_a_contradicted_anonymity_claim_grounds_nothing() -> None:
    """Anonymous data collected through a cookie is not anonymous (IDN001): LAW001 still fires."""
    text = ("category counts {\n  taxonomy user.behavior\n  identifiability anonymous\n}\n"
            "purpose stats {\n  use analytics.reporting\n  categories counts\n}\n"
            "cookie _pk_id {\n  purpose stats\n}\n")
    assert sorted(c for c, *_ in codes(text, ["LAW001", "IDN001"])) == ["IDN001", "LAW001"]


# ---------------------------------------------------------------- LAW009 catch-all-purpose


CATCH_ALL = ("purpose other_processing {\n  basis legal_obligation\n  basis consent\n"
             "  categories name\n}\ncategory name {\n  taxonomy user.name\n}\n")


def test_law009_fires_on_alternative_bases_without_a_data_use() -> None:
    """"I den grad lovgivningen påbyr/gir adgang til eller dere har samtykket til" (issue 16)."""
    assert findings(CATCH_ALL, "LAW009") == [
        ("LAW009", (1, 1), (5, 2), {"purpose": "other_processing", "bases": "legal_obligation, consent"})]


def test_law009_implies_hyg005_and_law002_on_the_same_purpose() -> None:
    assert [c for c, *_ in codes(CATCH_ALL, ["LAW009", "HYG005", "LAW002"])] == ["LAW009"]
    assert sorted(c for c, *_ in codes(CATCH_ALL, ["HYG005", "LAW002"])) == ["HYG005", "LAW002"]


@pytest.mark.parametrize("text", [
    CATCH_ALL.replace("  basis consent\n", ""),  # one basis: HYG005's
    CATCH_ALL.replace("  basis consent\n", "  basis consent\n  use essential.legal_obligation\n"),  # specified
    CATCH_ALL.replace("  basis consent\n", "  basis legal_obligation\n"),  # the same basis twice
])
def test_law009_does_not_fire_on_one_basis_or_a_purpose_with_a_data_use(text: str) -> None:
    assert codes(text, "LAW009") == []


def test_law009_examples() -> None:
    assert [c for c, *_ in codes(example("LAW009"), "LAW009")] == ["LAW009"]
    assert codes(example("LAW009", "Use instead"), "LAW009") == []


# ---------------------------------------------------------------- LAW010 consent-for-contract-data


LOGIN = "purpose login {\n  use essential.service.authentication\n  basis consent\n}\n"


def test_law010_fires_on_consent_for_what_a_login_needs() -> None:
    assert findings(LOGIN, "LAW010") == [
        ("LAW010", (3, 3), (3, 16), {"purpose": "login", "use": "essential.service.authentication"})]
    pay = LOGIN.replace("authentication", "payment_processing")
    assert [dict(d.args)["use"] for d in diagnose(pay, "LAW010")] == ["essential.service.payment_processing"]


@pytest.mark.parametrize("text", [
    LOGIN.replace("basis consent", "basis contract"),
    LOGIN.replace("authentication", "authentication, analytics.reporting"),  # a use consent may be right for
    LOGIN.replace(".authentication", ".operations.improve"),                 # not what a contract needs
    LOGIN.replace("basis consent", "basis consent\n  special_condition explicit_consent"),
    LOGIN.replace("basis consent", "basis consent\n  subjects pupil") + "subject pupil {\n  children\n}\n",
])
def test_law010_does_not_fire_on_contract_a_mixed_purpose_or_explicit_consent(text: str) -> None:
    assert codes(text, "LAW010") == []


def test_law010_contract_uses_is_configurable() -> None:
    """"Behandling af dit køb og levering af vores ydelse" on consent (issue 16)."""
    service = LOGIN.replace(".authentication", "")
    assert codes(service, "LAW010") == [("LAW010", 3, 3)]
    only_login = {"LAW010": {"contract-uses": ["essential.service.authentication"]}}
    config = parse_config({"select": ["LAW010"], "rules": only_login})
    assert codes(service, config=config) == []
    off = parse_config({"select": ["LAW010"], "rules": {"LAW010": {"contract-uses": []}}})
    assert codes(LOGIN, config=off) == []


# ---------------------------------------------------------------- LAW011 invalid-consent-only-basis


def browsing(method: str = "continued_browsing", basis: str = "basis consent") -> str:
    return (f"consent banner {{\n  method {method}\n}}\n"
            f"purpose ads {{\n  use analytics.reporting\n  {basis}\n  consent banner\n}}\n")


def test_law011_fires_on_a_purpose_resting_only_on_invalid_consent() -> None:
    assert findings(browsing(), "LAW011") == [
        ("LAW011", (6, 3), (6, 16), {"purpose": "ads", "consent": "banner", "methods": "`continued_browsing`"})]
    assert [dict(d.args)["methods"] for d in diagnose(browsing("opt_in, opt_out"), "LAW011")] == ["`opt_out`"]


def test_law011_reads_the_consent_of_the_purposes_cookies() -> None:
    text = browsing().replace("  consent banner\n", "") + "cookie _ga {\n  purpose ads\n  consent banner\n}\n"
    assert codes(text, "LAW011") == [("LAW011", 6, 3)]


@pytest.mark.parametrize("text", [
    browsing("opt_in"),
    browsing(basis="basis consent\n  basis legitimate_interests"),  # another basis: LAW002's
    browsing().replace("  consent banner\n", ""),                   # no mechanism known: CON006's
])
def test_law011_does_not_fire_on_valid_consent_another_basis_or_an_unknown_mechanism(text: str) -> None:
    assert codes(text, "LAW011") == []


def test_law011_browser_settings_are_configurable() -> None:
    text = browsing("browser_settings")
    assert codes(text, "LAW011") == [("LAW011", 6, 3)]
    config = parse_config({"select": ["LAW011"], "rules": {"LAW011": {"count-browser-settings": False}}})
    assert codes(text, config=config) == []
