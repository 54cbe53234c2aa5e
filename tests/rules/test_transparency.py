"""Transparency rules TRN001-TRN016: each fires where it should, at the right place, and only there."""

from __future__ import annotations

from textwrap import dedent

import pytest
from conftest import codes, diagnose, example, findings

from privacy_dsl.lint.config import parse_config

RIGHTS_CORE = "access, rectification, erasure, restriction"


def run(text: str, code: str, **options: object) -> list[tuple[str, int, int]]:
    """Findings of one rule only, with rule options from keyword arguments (kebab-cased)."""
    if not options:
        return codes(dedent(text), code)
    table = {k.replace("_", "-"): v for k, v in options.items()}
    return codes(dedent(text), config=parse_config({"select": [code], "rules": {code: table}}))


# ---------------------------------------------------------------- TRN001 controller-identity-missing


def test_trn001_no_controller_is_reported_at_the_policy_block() -> None:
    text = """\
    # comment
    policy "Shop" {
      languages en
    }
    purpose orders {
      use essential.service
    }
    """
    assert run(text, "TRN001") == [("TRN001", 2, 1)]


def test_trn001_no_controller_and_no_policy_block_is_reported_at_the_start_of_the_file() -> None:
    assert run("purpose orders {\n  use essential.service\n}\n", "TRN001") == [("TRN001", 1, 1)]


def test_trn001_controller_without_address_or_registration() -> None:
    text = """\
    policy "Shop" { }
    controller "Shop AS" {
      email "privacy@shop.example"
    }
    """
    assert run(text, "TRN001") == [("TRN001", 2, 1)]


@pytest.mark.parametrize("line", ['address "Storgata 1, 0155 Oslo"', 'registration "NO 999 888 777"'])
def test_trn001_either_address_or_registration_identifies_the_controller(line: str) -> None:
    text = f'controller "Shop AS" {{\n  {line}\n}}\n'
    assert run(text, "TRN001") == []


def test_trn001_option_turns_the_address_check_off_but_not_the_missing_controller() -> None:
    assert run('controller "Shop AS" {\n  email "a@b.example"\n}\n', "TRN001",
               require_address_or_registration=False) == []
    assert run('purpose p {\n  use essential\n}\n', "TRN001", require_address_or_registration=False) == [
        ("TRN001", 1, 1)]


# ---------------------------------------------------------------- TRN002 controller-contact-missing


def test_trn002_controller_without_any_contact() -> None:
    text = """\
    policy "Shop" { }

    controller "Shop AS" {
      registration "NO 999 888 777"
      website "https://shop.example"
    }
    """
    assert run(text, "TRN002") == [("TRN002", 3, 1)]


@pytest.mark.parametrize("line", ['email "a@shop.example"', 'phone "+47 22 00 00 00"', 'address "Gata 1, Oslo"'])
def test_trn002_any_one_contact_is_enough(line: str) -> None:
    assert run(f'controller "Shop AS" {{\n  {line}\n}}\n', "TRN002") == []


def test_trn002_is_silent_without_a_controller_block_which_trn001_reports() -> None:
    assert run("purpose p {\n  use essential\n}\n", "TRN002") == []


def test_trn002_website_counts_only_with_the_option() -> None:
    text = 'controller "Shop AS" {\n  website "https://shop.example/contact"\n}\n'
    assert run(text, "TRN002") == [("TRN002", 1, 1)]
    assert run(text, "TRN002", accept_website=True) == []


@pytest.mark.parametrize("line", ['email "kari@shop.example"', 'phone "+47 22 00 00 00"', 'address "Gata 1, Oslo"'])
def test_trn002_a_privacy_contact_who_can_be_reached_counts_as_the_controllers_contact(line: str) -> None:
    text = f'controller "Shop AS" {{\n  privacy_contact {{\n    name "Kari"\n    {line}\n  }}\n}}\n'
    assert run(text, "TRN002") == []
    assert run(text, "TRN002", accept_privacy_contact=False) == [("TRN002", 1, 1)]


def test_trn002_a_privacy_contact_with_only_a_name_is_no_way_to_contact_anyone() -> None:
    text = 'controller "Shop AS" {\n  privacy_contact {\n    title "Personvernansvarlig"\n    name "Kari"\n  }\n}\n'
    assert run(text, "TRN002") == [("TRN002", 1, 1)]


def test_trn002_a_dpo_is_not_the_controllers_contact() -> None:
    text = 'controller "Shop AS" {\n  dpo {\n    email "dpo@shop.example"\n  }\n}\n'
    assert run(text, "TRN002") == [("TRN002", 1, 1)]


# ---------------------------------------------------------------- TRN003 dpo-contact-missing


def test_trn003_required_dpo_without_contact_is_reported_at_the_dpo_block() -> None:
    text = """\
    controller "Shop AS" {
      email "a@shop.example"
      dpo {
        required yes
        name "Kari Nordmann"
      }
    }
    """
    assert run(text, "TRN003") == [("TRN003", 3, 3)]


def test_trn003_named_dpo_without_required_counts_as_designated() -> None:
    text = 'controller "Shop AS" {\n  dpo {\n    name "Kari"\n  }\n}\n'
    assert run(text, "TRN003") == [("TRN003", 2, 3)]


@pytest.mark.parametrize("dpo", [
    'dpo {\n    required yes\n    email "dpo@shop.example"\n  }',
    'dpo {\n    required\n    phone "+47 22 00 00 00"\n  }',
    'dpo {\n    required yes\n    address "Postboks 1, 0101 Oslo"\n  }',
    'dpo {\n    required no\n  }',
    'dpo {\n    required no\n    name "Privacy lead, not a DPO"\n  }',
    'dpo { }',
])
def test_trn003_silent_when_reachable_or_not_designated(dpo: str) -> None:
    assert run(f'controller "Shop AS" {{\n  email "a@shop.example"\n  {dpo}\n}}\n', "TRN003") == []


def test_trn003_public_authority_needs_a_dpo() -> None:
    text = 'controller "Kommune" {\n  email "post@kommune.example"\n  public_authority\n}\n'
    assert run(text, "TRN003") == [("TRN003", 3, 3)]
    assert run(text, "TRN003", public_authority_needs_dpo=False) == []
    with_dpo = 'controller "Kommune" {\n  public_authority\n  dpo {\n    required no\n  }\n}\n'
    assert run(with_dpo, "TRN003") == [("TRN003", 3, 3)]
    reachable = 'controller "Kommune" {\n  public_authority\n  dpo {\n    email "po@kommune.example"\n  }\n}\n'
    assert run(reachable, "TRN003") == []
    assert run('controller "Shop" {\n  public_authority no\n}\n', "TRN003") == []


def test_trn003_a_privacy_contact_is_never_counted_as_a_dpo() -> None:
    """A "personvernansvarlig" with every contact detail is still no DPO: a public authority
    that names only one is told it names no DPO, at its `public_authority` statement."""
    text = """\
    controller "Kommune" {
      public_authority
      privacy_contact {
        title { nb "Personvernansvarlig" }
        name "Kari"
        email "kari@kommune.example"
        phone "+47 22 00 00 00"
        address "Rådhuset, 0101 Oslo"
      }
    }
    """
    assert findings(dedent(text), "TRN003") == [
        ("TRN003", (2, 3), (2, 19), {"controller": "Kommune"})]


def test_trn003_a_dpo_reached_only_by_post_is_reachable() -> None:
    text = 'controller "K" {\n  public_authority\n  dpo {\n    required\n    address "Postboks 1, Oslo"\n  }\n}\n'
    assert run(text, "TRN003") == []


# ---------------------------------------------------------------- TRN004 rights-missing


def test_trn004_core_rights_missing_is_reported_at_offered() -> None:
    text = """\
    rights {
      how "e-mail us"
      offered access, erasure
    }
    """
    assert run(text, "TRN004") == [("TRN004", 3, 3)]


def test_trn004_no_rights_block_is_reported_at_the_controller() -> None:
    text = """\
    policy "Shop" { }
    controller "Shop AS" {
      email "a@shop.example"
    }
    """
    assert run(text, "TRN004") == [("TRN004", 2, 1)]


def test_trn004_rights_block_without_offered_is_reported_at_the_block() -> None:
    assert run("\nrights {\n  how \"mail\"\n}\n", "TRN004") == [("TRN004", 2, 1)]


def test_trn004_offered_may_be_split_over_statements() -> None:
    text = "rights {\n  offered access, rectification\n  offered erasure, restriction\n}\n"
    assert run(text, "TRN004") == []


# ---------------------------------------------------------------- basis-dependent rights


def _policy(purposes: str, offered: str | None) -> str:
    rights = f"rights {{\n  offered {offered}\n}}\n" if offered is not None else ""
    return dedent(purposes) + rights


LI_PURPOSE = """\
purpose fraud {
  use essential.fraud_detection
  basis legitimate_interests
}
"""


def test_trn005_legitimate_interests_without_objection() -> None:
    assert run(_policy(LI_PURPOSE, RIGHTS_CORE), "TRN005") == [("TRN005", 6, 3)]


def test_trn005_public_task_without_objection() -> None:
    text = 'purpose register {\n  use essential\n  basis public_task "lov § 1"\n}\n'
    assert run(_policy(text, RIGHTS_CORE), "TRN005") == [("TRN005", 6, 3)]


def test_trn005_silent_with_objection_or_without_such_a_basis() -> None:
    assert run(_policy(LI_PURPOSE, RIGHTS_CORE + ", objection"), "TRN005") == []
    contract = "purpose orders {\n  use essential.service\n  basis contract\n}\n"
    assert run(_policy(contract, RIGHTS_CORE), "TRN005") == []


def test_trn005_without_rights_block_points_at_the_first_purpose_basis() -> None:
    assert run(_policy(LI_PURPOSE, None), "TRN005") == [("TRN005", 3, 3)]


def test_trn005_reports_once_for_several_purposes() -> None:
    two = LI_PURPOSE + LI_PURPOSE.replace("purpose fraud", "purpose security")
    assert run(_policy(two, RIGHTS_CORE), "TRN005") == [("TRN005", 10, 3)]


@pytest.mark.parametrize("basis", ["consent", "contract"])
def test_trn006_consent_or_contract_without_portability(basis: str) -> None:
    text = f"purpose p {{\n  use essential.service\n  basis {basis}\n}}\n"
    assert run(_policy(text, RIGHTS_CORE), "TRN006") == [("TRN006", 6, 3)]
    assert run(_policy(text, RIGHTS_CORE + ", portability"), "TRN006") == []


def test_trn006_explicit_consent_under_art_9_counts() -> None:
    text = ('purpose care {\n  use essential.service\n  basis legal_obligation "lov"\n'
            '  special_condition explicit_consent\n}\n')
    assert run(_policy(text, RIGHTS_CORE), "TRN006") == [("TRN006", 7, 3)]


@pytest.mark.parametrize("basis", ['legal_obligation "bokføringsloven § 13"', "legitimate_interests",
                                   "vital_interests"])
def test_trn006_silent_for_other_bases(basis: str) -> None:
    text = f"purpose p {{\n  use essential\n  basis {basis}\n}}\n"
    assert run(_policy(text, RIGHTS_CORE), "TRN006") == []


@pytest.mark.parametrize("use", ["marketing", "marketing.communications", "marketing.communications.email",
                                 "marketing.communications.sms", "marketing.advertising.third_party.targeted",
                                 "marketing.advertising.profiling"])
def test_trn007_direct_marketing_without_the_specific_objection(use: str) -> None:
    text = f"purpose m {{\n  use {use}\n  basis consent\n}}\n"
    assert run(_policy(text, RIGHTS_CORE + ", objection, withdraw_consent"), "TRN007") == [("TRN007", 6, 3)]


@pytest.mark.parametrize("use", ["marketing.advertising.first_party.contextual", "marketing.advertising.serving",
                                 "analytics.reporting", "essential.service.notifications.email"])
def test_trn007_not_direct_marketing(use: str) -> None:
    text = f"purpose m {{\n  use {use}\n  basis consent\n}}\n"
    assert run(_policy(text, RIGHTS_CORE), "TRN007") == []


def test_trn007_offered_object_direct_marketing_passes() -> None:
    text = "purpose m {\n  use marketing.communications.email\n  basis consent\n}\n"
    assert run(_policy(text, RIGHTS_CORE + ", object_direct_marketing"), "TRN007") == []


def test_trn007_options() -> None:
    ads = "purpose ads {\n  use marketing.advertising.third_party.targeted\n  basis consent\n}\n"
    assert run(_policy(ads, RIGHTS_CORE), "TRN007", include_targeted_advertising=False) == []
    mail = "purpose m {\n  use marketing.communications.email\n  basis consent\n}\n"
    with_withdrawal = _policy(mail, RIGHTS_CORE + ", withdraw_consent")
    assert run(with_withdrawal, "TRN007", accept_withdrawal_for_consent=True) == []
    # the option only helps consent-based marketing
    li = "purpose m {\n  use marketing.communications\n  basis legitimate_interests\n}\n"
    assert run(_policy(li, RIGHTS_CORE + ", withdraw_consent"), "TRN007",
               accept_withdrawal_for_consent=True) == [("TRN007", 6, 3)]


def test_trn008_rights_without_complaints_is_reported_at_the_rights_block() -> None:
    text = "\n\nrights {\n  offered access\n}\n"
    assert run(text, "TRN008") == [("TRN008", 3, 1)]


def test_trn008_no_rights_block() -> None:
    assert run('controller "Shop" {\n  email "a@shop.example"\n}\n', "TRN008") == [("TRN008", 1, 1)]


def test_trn008_complaints_named() -> None:
    text = 'authority dt {\n  name "Datatilsynet"\n}\nrights {\n  offered access\n  complaints dt\n}\n'
    assert run(text, "TRN008") == []


# ---------------------------------------------------------------- TRN009 automated decisions


def _automated(body: str) -> str:
    return f"purpose credit {{\n  use essential.service\n  basis contract\n  automated_decisions {body}\n}}\n"


@pytest.mark.parametrize("body", [
    "",
    "{\n    exception contract\n  }",
    '{\n    exception contract\n    logic "score"\n  }',
    '{\n    logic "score"\n    safeguards "review"\n  }',
    '{\n    exception explicit_consent\n    logic "score"\n  }',
])
def test_trn009_fires_at_the_automated_decisions_statement(body: str) -> None:
    assert run(_automated(body), "TRN009") == [("TRN009", 4, 3)]


@pytest.mark.parametrize("body", [
    '{\n    exception contract\n    logic "score"\n    safeguards "a person reviews on request"\n  }',
    '{\n    exception law\n    logic "score"\n  }',
])
def test_trn009_complete_declarations_pass(body: str) -> None:
    assert run(_automated(body), "TRN009") == []


def test_trn009_automated_decisions_no_is_not_a_decision() -> None:
    assert run(_automated("no"), "TRN009") == []
    assert run("purpose p {\n  use essential\n  profiling\n}\n", "TRN009") == []


# ---------------------------------------------------------------- TRN010 withdrawal


CONSENT_PURPOSE = """\
consent banner {
  method opt_in
  withdraw "Link at the foot of every page"
}
purpose stats {
  use analytics.reporting
  basis consent
  consent banner
}
"""


def test_trn010_consent_purpose_without_withdraw_consent() -> None:
    assert run(_policy(CONSENT_PURPOSE, RIGHTS_CORE), "TRN010") == [("TRN010", 11, 3)]


def test_trn010_withdraw_consent_offered() -> None:
    assert run(_policy(CONSENT_PURPOSE, RIGHTS_CORE + ", withdraw_consent"), "TRN010") == []


def test_trn010_erasure_is_not_withdrawal_and_other_bases_need_nothing() -> None:
    contract = "purpose orders {\n  use essential.service\n  basis contract\n}\n"
    assert run(_policy(contract, RIGHTS_CORE), "TRN010") == []


def test_trn010_option_accepts_the_withdraw_text_of_the_mechanism() -> None:
    assert run(_policy(CONSENT_PURPOSE, RIGHTS_CORE), "TRN010", accept_withdraw_text=True) == []
    no_text = CONSENT_PURPOSE.replace('  withdraw "Link at the foot of every page"\n', "")
    assert run(_policy(no_text, RIGHTS_CORE), "TRN010", accept_withdraw_text=True) == [("TRN010", 10, 3)]


# ---------------------------------------------------------------- TRN011 rights-how-missing


def test_trn011_rights_without_how() -> None:
    assert run("\nrights {\n  offered access\n}\n", "TRN011") == [("TRN011", 2, 1)]


def test_trn011_rights_with_how_and_no_rights_block_are_silent() -> None:
    assert run('rights {\n  offered access\n  how "e-mail privacy@shop.example"\n}\n', "TRN011") == []
    assert run('controller "Shop" {\n  email "a@b.example"\n}\n', "TRN011") == []


# ---------------------------------------------------------------- TRN012 missing-translation

TWO_LANGS = 'policy "Shop" {\n  languages nb, en\n}\n'


def test_trn012_localised_text_lacking_a_declared_language() -> None:
    text = TWO_LANGS + 'purpose p {\n  name { nb "Nyhetsbrev" }\n  use marketing\n}\n'
    assert run(text, "TRN012") == [("TRN012", 5, 3)]


def test_trn012_all_languages_present_passes() -> None:
    text = TWO_LANGS + 'purpose p {\n  name { nb "Nyhetsbrev" en "Newsletter" }\n  use marketing\n}\n'
    assert run(text, "TRN012") == []


def test_trn012_regional_variant_covers_its_language() -> None:
    text = TWO_LANGS + 'purpose p {\n  name { nb "Nyhetsbrev" en-GB "Newsletter" }\n}\n'
    assert run(text, "TRN012") == []


def test_trn012_untagged_prose_is_flagged_but_untagged_names_are_not() -> None:
    text = TWO_LANGS + 'recipient posten {\n  name "Posten Bring AS"\n  description "Delivers parcels"\n}\n'
    assert run(text, "TRN012") == [("TRN012", 6, 3)]
    assert run(text, "TRN012", check_untagged=False) == []


def test_trn012_one_declared_language_accepts_untagged_text() -> None:
    text = 'policy "Shop" {\n  languages nb\n}\nrights {\n  how "Send e-post"\n}\n'
    assert run(text, "TRN012") == []


def test_trn012_nothing_declared_nothing_checked() -> None:
    assert run('purpose p {\n  name { nb "Bare norsk" }\n}\n', "TRN012") == []


def test_trn012_checks_nested_texts_and_consent_withdraw_and_rights_how() -> None:
    text = TWO_LANGS + dedent("""\
    purpose fraud {
      basis legitimate_interests {
        interest { nb "Hindre svindel" }
      }
      automated_decisions {
        logic { en "Score" }
      }
    }
    consent c {
      withdraw { nb "Lenke" }
    }
    rights {
      how { en "Mail us" }
    }
    """)
    assert run(text, "TRN012") == [("TRN012", 6, 5), ("TRN012", 9, 5), ("TRN012", 13, 3), ("TRN012", 16, 3)]


def test_trn012_text_inherited_from_defaults_is_reported_once_at_the_defaults() -> None:
    text = TWO_LANGS + dedent("""\
    defaults purpose {
      description { nb "Felles" }
    }
    purpose a {
      use essential
    }
    purpose b {
      use essential
    }
    """)
    assert run(text, "TRN012") == [("TRN012", 5, 3)]


def test_trn012_checks_every_text_field_of_the_model() -> None:
    """A text field added to the model is checked for its translations too (the notice shows each)."""
    import dataclasses

    from privacy_dsl.language import model as m
    from privacy_dsl.lint.rules.transparency import _TEXT_FIELDS

    text_fields = {(cls.__name__, f.name) for cls in vars(m).values()
                   if isinstance(cls, type) and issubclass(cls, m.Node) and dataclasses.is_dataclass(cls)
                   for f in dataclasses.fields(cls) if str(f.type) in ("Text | None", "Text")}
    checked = {(cls.__name__, name) for cls, names in _TEXT_FIELDS.items() for name in names}
    assert text_fields - checked == set()


def test_trn012_checks_retention_criteria_recipient_conditions_and_certification() -> None:
    text = TWO_LANGS + dedent("""\
    purpose p {
      use essential
      retention criteria { nb "Så lenge kontoen finnes" }
    }
    recipient r {
      name "R AS"
      receives pseudonymous { en "hashed ids" }
      only_when { nb "ved mistanke" }
    }
    transfer t {
      recipient r
      country US
      mechanism dpf
      certification { en "DPF list" }
    }
    """)
    assert run(text, "TRN012") == [("TRN012", 6, 13), ("TRN012", 10, 3), ("TRN012", 11, 3), ("TRN012", 17, 3)]


# ---------------------------------------------------------------- the shipped policies


def _shipped(policy: str) -> list[tuple[str, str, int, int]]:
    from conftest import POLICIES, TODAY

    from privacy_dsl.lint.engine import lint_paths

    result = lint_paths([POLICIES / policy], parse_config({"select": ["TRN", "HYG"], "group-findings": False}),
                        today=TODAY)
    return [(d.code, d.span.path.rsplit("/", 1)[-1], d.span.line, d.span.column) for d in result.diagnostics]


def test_seed_policy_findings_of_transparency_and_hygiene() -> None:
    assert _shipped("cifero") == [
        ("TRN001", "controller.privacy", 23, 1),   # only "personvern@cifero.no": no address, no org. number
        ("HYG005", "purposes.privacy", 36, 1),     # "Ved samtykke, vil vi bruke disse opplysningene videre ..."
        ("HYG005", "purposes.privacy", 48, 1),     # "... i den grad lovgivningen påbyr/gir adgang til ..."
        ("TRN011", "rights.privacy", 5, 1),        # "Dere har rett til ..." but not how
        ("TRN007", "rights.privacy", 6, 3),        # "protestere mot behandlingen" is not Art. 21(2)
        ("TRN010", "rights.privacy", 6, 3),        # consent purposes, no right to withdraw
    ]


def test_clean_policy_has_no_transparency_or_hygiene_findings() -> None:
    assert _shipped("fjordkaffe") == []


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
# ---------------------------------------------------------------- denied rights and TRN004-TRN010


def test_a_denied_right_is_not_reported_as_missing_the_denial_is_its_own_finding() -> None:
    text = """\
    purpose register {
      use essential.service
      basis legitimate_interests
    }
    rights {
      offered access, rectification, restriction
      denied erasure, objection
    }
    """
    for code in ("TRN004", "TRN005"):
        assert run(text, code) == []
    assert run(text, "TRN015") == [("TRN015", 7, 3)]


def test_a_denial_for_some_purposes_leaves_the_others_needing_the_right() -> None:
    text = """\
    purpose a {
      use essential.service
      basis contract
    }
    purpose b {
      use essential.service
      basis consent
    }
    rights {
      offered access, rectification, erasure, restriction, withdraw_consent
      denied portability for a
    }
    """
    assert findings(dedent(text), "TRN006") == [
        ("TRN006", (10, 3), (10, 72), {"right": "portability", "purposes": "`b`"})]
    assert run(text.replace("for a", "for a, b"), "TRN006") == []


def test_trn004_a_core_right_denied_for_only_some_purposes_is_still_missing() -> None:
    text = """\
    purpose a {
      use essential.service
    }
    purpose b {
      use essential.service
    }
    rights {
      offered access, rectification, restriction
      denied erasure for a
    }
    """
    assert run(text, "TRN004") == [("TRN004", 8, 3)]
    assert run(text.replace("for a", "for a, b"), "TRN004") == []


def test_a_limited_right_counts_as_offered() -> None:
    text = """\
    purpose news {
      use marketing.communications.email
      basis consent
    }
    rights {
      offered access, rectification, restriction, portability, object_direct_marketing
      limited erasure law "§ 35 BDSG"
      limited withdraw_consent "by letter"
    }
    """
    for code in ("TRN004", "TRN006", "TRN007", "TRN010"):
        assert run(text, code) == [], code


def test_trn008_a_denied_complaint_is_left_to_trn015() -> None:
    text = "rights {\n  offered " + RIGHTS_CORE + "\n  denied complaint\n}\n"
    assert run(text, "TRN008") == []
    assert findings(text, "TRN015") == [
        ("TRN015", (3, 3), (3, 19), {"rights": "`complaint`", "articles": "Art. 77"})]


def test_trn008_offered_complaint_without_an_authority_is_still_reported() -> None:
    assert run("rights {\n  offered complaint\n}\n", "TRN008") == [("TRN008", 1, 1)]


# ---------------------------------------------------------------- TRN015 right-denied-without-law

NO_LAW = [
    # (purpose basis, denied statement, findings: (message id, args) or None)
    ("contract", "denied erasure", ("no-law", {"rights": "`erasure`", "scope": "every purpose"})),
    ("contract", 'denied erasure "the register must be kept"',
     ("no-law", {"rights": "`erasure`", "scope": "every purpose"})),
    ("contract", 'denied erasure law "§ 35 BDSG"', None),
    ("contract", 'denied erasure for p, q "x"', ("no-law", {"rights": "`erasure`", "scope": "purposes `p`, `q`"})),
    ("legal_obligation", "denied erasure", None),  # Art. 17(3)(b)
    ("public_task", "denied erasure, portability", None),  # Art. 17(3)(b), 20(3)
    ("legal_obligation", "denied portability, objection", None),  # Art. 20(1), 21(1)
    ("legitimate_interests", "denied objection", ("no-law", {"rights": "`objection`", "scope": "every purpose"})),
    ("consent", "denied portability", ("no-law", {"rights": "`portability`", "scope": "every purpose"})),
    ("legal_obligation", "denied erasure, access",
     ("no-law", {"rights": "`access`", "scope": "every purpose"})),
]


@pytest.mark.parametrize(("basis", "denial", "expected"), NO_LAW, ids=[f"{b}-{d}" for b, d, _ in NO_LAW])
def test_trn015_a_denial_needs_a_law_or_the_rights_own_exception(basis: str, denial: str,
                                                                  expected: tuple[str, dict[str, str]] | None) -> None:
    text = (f"purpose p {{\n  use essential.service\n  basis {basis}\n}}\n"
            f"purpose q {{\n  use essential.service\n  basis {basis}\n}}\n"
            f"rights {{\n  {denial}\n}}\n")
    got = [(d.message_id, dict(d.args), (d.span.line, d.span.column, d.span.end_column))
           for d in diagnose(text, "TRN015")]
    if expected is None:
        assert got == []
    else:
        assert got == [(expected[0], expected[1], (10, 3, 3 + len(denial)))]


def test_trn015_a_purpose_that_states_no_basis_excuses_nothing() -> None:
    text = "purpose p {\n  use essential.service\n}\nrights {\n  denied objection\n}\n"
    assert run(text, "TRN015") == [("TRN015", 5, 3)]


def test_trn015_a_right_no_law_may_restrict_is_flagged_even_with_a_law() -> None:
    text = ('purpose p {\n  use essential.service\n  basis consent\n}\n'
            'rights {\n  denied withdraw_consent, erasure law "Act § 1"\n}\n')
    assert findings(text, "TRN015") == [
        ("TRN015", (6, 3), (6, 49), {"rights": "`withdraw_consent`", "articles": "Art. 7(3)"})]
    # without the law: two facts, two findings at the same statement
    bare = text.replace(' law "Act § 1"', "")
    assert [d.message_id for d in diagnose(bare, "TRN015")] == ["cannot-be-denied", "no-law"]


def test_trn015_options() -> None:
    text = 'purpose p {\n  use essential.legal_obligation\n  basis legal_obligation\n}\nrights {\n  denied RIGHT\n}\n'
    assert run(text.replace("RIGHT", "withdraw_consent"), "TRN015", cannot_be_denied=[]) == [("TRN015", 6, 3)]
    assert run(text.replace("RIGHT", "withdraw_consent"), "TRN015",
               cannot_be_denied=["complaint"]) == [("TRN015", 6, 3)]
    assert run(text.replace("RIGHT", "erasure"), "TRN015") == []
    assert run(text.replace("RIGHT", "erasure"), "TRN015", article_exceptions=False) == [("TRN015", 6, 3)]
    assert run(text.replace("RIGHT", 'access "trade secrets"'), "TRN015") == [("TRN015", 6, 3)]
    assert run(text.replace("RIGHT", 'access "trade secrets"'), "TRN015", accept_reason=True) == []
    limited = text.replace("denied", "limited")
    assert run(limited.replace("RIGHT", "access"), "TRN015") == []
    assert findings(limited.replace("RIGHT", "access"), "TRN015", config=parse_config(
        {"select": ["TRN015"], "rules": {"TRN015": {"check-limited": True}}})) == [
        ("TRN015", (6, 3), (6, 17), {"rights": "`access`", "scope": "every purpose"})]
    assert run(limited.replace("RIGHT", 'access law "§ 34 BDSG"'), "TRN015", check_limited=True) == []


def test_trn015_an_invalid_right_in_a_denial_is_reported_and_the_valid_ones_kept() -> None:
    text = "rights {\n  denied erasre, objection\n}\n"
    assert codes(text, ["E204", "TRN015"]) == [("TRN015", 2, 3), ("E204", 2, 10)]
    (d,) = [d for d in diagnose(text, "TRN015") if d.code == "TRN015"]
    assert dict(d.args)["rights"] == "`objection`"


def test_trn012_checks_the_reason_of_a_limit_or_denial() -> None:
    text = ('policy "P" {\n  languages nb, en\n}\n'
            'rights {\n  denied objection { nb "Ingen mulighet" }\n}\n')
    assert findings(text, "TRN012") == [
        ("TRN012", (5, 3), (5, 43), {"field": "reason", "block": "the limit or denial of objection",
                                     "missing": "en", "languages": "nb, en"})]


# ---------------------------------------------------------------- TRN016 bases-not-per-purpose


def test_trn016_names_every_purpose_without_a_basis_and_only_those() -> None:
    text = """\
    policy "P" {
      bases contract, legal_obligation, legitimate_interests, consent
    }
    purpose a {
      use essential.service
    }
    purpose b {
      use essential.service
      basis contract
    }
    purpose c {
      use essential.service
    }
    """
    assert findings(dedent(text), "TRN016") == [
        ("TRN016", (2, 3), (2, 66), {"bases": "`contract`, `legal_obligation`, `legitimate_interests`, `consent`",
                                     "purposes": "`a`, `c`"})]


def test_trn016_is_silent_when_every_purpose_states_its_basis_or_none_is_listed() -> None:
    text = 'policy "P" {\n  bases contract\n}\npurpose a {\n  basis contract\n}\n'
    assert run(text, "TRN016") == []
    assert run('policy "P" { }\npurpose a { }\n', "TRN016") == []


def test_notice_level_bases_reach_the_rights_rules_when_a_purpose_has_no_basis() -> None:
    text = """\
    policy "P" {
      bases legitimate_interests, consent
    }
    purpose a {
      use essential.service
    }
    rights {
      offered access, rectification, erasure, restriction
    }
    """
    assert findings(dedent(text), ["TRN005", "TRN006", "TRN010"]) == [
        ("TRN005", (8, 3), (8, 54), {"right": "objection", "bases": "`legitimate_interests`"}),
        ("TRN006", (8, 3), (8, 54), {"right": "portability", "bases": "`consent`"}),
        ("TRN010", (8, 3), (8, 54), {"right": "withdraw_consent", "bases": "`consent`"}),
    ]
    assert run(text.replace("purpose a {", "purpose a {\n  basis contract"), "TRN005") == []
    assert run(text.replace("restriction", "restriction\n  denied objection"), "TRN005") == []


def test_notice_level_bases_take_the_values_of_basis() -> None:
    text = ('policy "P" {\n  bases contract, legal_obligation "bokføringsloven § 13",\n'
            '    legitimate_interests { interest "fraud" }\n}\npurpose a { }\n')
    assert findings(text, "TRN016") == [
        ("TRN016", (2, 3), (3, 46), {"bases": "`contract`, `legal_obligation`, `legitimate_interests`",
                                     "purposes": "`a`"})]


WHOLE = {
    "TRN001": [
        ("TRN001", (1, 1), (3, 2), {"controller": "Cifero AS"}),
    ],
    "TRN002": [
        ("TRN002", (1, 1), (4, 2), {"controller": "Cifero AS"}),
    ],
    "TRN003": [
        ("TRN003", (3, 3), (6, 4), {}),
    ],
    "TRN004": [
        ("TRN004", (2, 3), (2, 26), {"rights": "rectification, restriction"}),
    ],
    "TRN005": [
        ("TRN005", (6, 3), (6, 54), {"right": "objection", "purposes": "`fraud_prevention`"}),
    ],
    "TRN006": [
        ("TRN006", (6, 3), (6, 54), {"right": "portability", "purposes": "`orders`"}),
    ],
    "TRN007": [
        ("TRN007", (6, 3), (6, 83), {"right": "object_direct_marketing", "purposes": "`newsletter`"}),
    ],
    "TRN008": [
        ("TRN008", (1, 1), (3, 2), {}),
    ],
    "TRN009": [
        ("TRN009", (4, 3), (6, 4), {
            "purpose": "credit_check",
            "missing": "the `logic` involved (Art. 13(2)(f)) or the `safeguards` (Art. 22(3))",
        }),
    ],
    "TRN010": [
        ("TRN010", (6, 3), (6, 54), {"right": "withdraw_consent", "purposes": "`newsletter`"}),
    ],
    "TRN011": [
        ("TRN011", (1, 1), (3, 2), {}),
    ],
    "TRN012": [
        ("TRN012", (5, 3), (5, 27), {
            "field": "name",
            "block": "purpose `newsletter`",
            "missing": "en",
            "languages": "nb, en",
        }),
    ],
    "TRN015": [
        ("TRN015", (7, 3), (7, 45), {"rights": "`erasure`", "scope": "every purpose"}),
    ],
    "TRN016": [
        ("TRN016", (2, 3), (2, 35), {"bases": "`legal_obligation`, `contract`", "purposes": "`member_register`"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


# ---------------------------------------------------------------- TRN019 ad-targeting-without-profiling

ADS = "purpose ads {\n  use marketing.advertising.third_party.targeted\n  basis consent\n}\n"


def test_trn019_fires_on_ad_targeting_that_does_not_say_it_profiles() -> None:
    assert findings(ADS, "TRN019") == [
        ("TRN019", (2, 3), (2, 49), {"purpose": "ads", "use": "marketing.advertising.third_party.targeted"})]


def test_trn019_says_no_when_the_purpose_says_it_does_not_profile() -> None:
    text = ADS.replace("basis consent", "basis consent\n  profiling no")
    assert findings(text, "TRN019") == [
        ("TRN019", (4, 3), (4, 15), {"purpose": "ads", "use": "marketing.advertising.third_party.targeted"})]
    assert diagnose(text, "TRN019")[0].message_id == "says-no"


@pytest.mark.parametrize("text", [
    ADS.replace("basis consent", "basis consent\n  profiling"),
    ADS.replace("third_party.targeted", "first_party.contextual"),  # contextual ads target no one
])
def test_trn019_does_not_fire_on_declared_profiling_or_contextual_ads(text: str) -> None:
    assert codes(text, "TRN019") == []


def test_trn019_ad_profiling_says_profiling_itself_unless_the_purpose_says_no() -> None:
    text = ADS.replace("third_party.targeted", "profiling")
    assert codes(text, "TRN019") == []
    assert codes(text.replace("basis consent", "basis consent\n  profiling no"), "TRN019") == [("TRN019", 4, 3)]


# ---------------------------------------------------------------- TRN020 complaint-authority-unidentified

COMMISSIONER = ('authority commissioner {\n  name "the Data Protection Commissioner"\n}\n'
                "rights {\n  offered access\n  complaints commissioner\n}\n")


def test_trn020_fires_on_an_authority_with_neither_country_nor_contact() -> None:
    assert findings(COMMISSIONER, "TRN020") == [("TRN020", (6, 3), (6, 26), {"authority": "commissioner"})]


@pytest.mark.parametrize("detail", ["country IE", 'website "https://www.dataprotection.ie"',
                                    'email "info@dataprotection.ie"', 'address "21 Fitzwilliam Square, Dublin 2"',
                                    'phone "+353 1 765 0100"'])
def test_trn020_is_silent_when_the_authority_has_a_country_or_a_contact(detail: str) -> None:
    text = COMMISSIONER.replace('Commissioner"\n', f'Commissioner"\n  {detail}\n')
    assert codes(text, "TRN020") == []


def test_trn020_is_silent_without_a_complaints_statement() -> None:
    assert codes(COMMISSIONER.replace("  complaints commissioner\n", ""), "TRN020") == []
