"""Special-data and children rules SPC001-SPC005: positions, options, and what must not fire."""

from __future__ import annotations

from textwrap import dedent

import pytest
from conftest import codes, diagnose, example, findings

from privacy_dsl.lint.config import ConfigError, parse_config


def lint(text: str, code: str, **kw: object) -> list[tuple[str, int, int]]:
    return [c for c in codes(dedent(text), [code], **kw) if c[0] == code]  # type: ignore[arg-type]


def lint_in(text: str, code: str, *jurisdictions: str) -> list[tuple[str, int, int]]:
    config = parse_config({"select": [code], "jurisdictions": list(jurisdictions)})
    return [c for c in codes(dedent(text), config=config) if c[0] == code]


# ---------------------------------------------------------------- SPC001 special-data-without-condition


def test_spc001_fires_at_the_first_special_category_reference() -> None:
    assert lint("""\
        category email {
          taxonomy user.contact.email
        }
        category allergies {
          taxonomy user.health_and_medical
        }
        category union {
          special trade_union_membership
        }
        purpose deliveries {
          basis contract
          categories email, allergies, union
        }
        """, "SPC001") == [("SPC001", 12, 21)]


def test_spc001_taxonomy_keys_count_as_special() -> None:
    keys = ["user.health_and_medical.genetic", "user.biometric.fingerprint", "user.authorization.biometric",
            "user.demographic.race_ethnicity", "user.demographic.political_opinion",
            "user.demographic.religious_belief", "user.demographic.sexual_orientation"]
    text = "".join(f"category c{i} {{\n  taxonomy {k}\n}}\npurpose p{i} {{\n  categories c{i}\n}}\n"
                   for i, k in enumerate(keys))
    assert lint(text, "SPC001") == [("SPC001", 5 + 6 * i, 14) for i in range(len(keys))]


def test_spc001_quiet_with_a_condition_and_for_ordinary_demographics() -> None:
    assert lint("""\
        category allergies {
          taxonomy user.health_and_medical
        }
        category age {
          taxonomy user.demographic.age_range
        }
        category gender {
          taxonomy user.demographic.gender
        }
        purpose deliveries {
          special_condition explicit_consent
          categories allergies
        }
        purpose shop {
          categories age, gender
        }
        """, "SPC001") == []


# ---------------------------------------------------------------- SPC002 special-consent-not-explicit


def test_spc002_fires_at_the_special_condition() -> None:
    assert lint("""\
        consent signup {
          method opt_in
        }
        purpose a {
          special_condition explicit_consent
          consent signup
        }
        purpose b {
          special_condition explicit_consent
        }
        consent nope {
          explicit no
        }
        purpose c {
          special_condition explicit_consent
          consent nope
        }
        """, "SPC002") == [("SPC002", 5, 3), ("SPC002", 9, 3), ("SPC002", 15, 3)]


def test_spc002_tells_not_stated_from_no() -> None:
    text = """\
        consent silent {
          method opt_in
        }
        consent said_no {
          explicit no
        }
        purpose a {
          special_condition explicit_consent
          consent silent
        }
        purpose b {
          special_condition explicit_consent
          consent said_no
        }
        """
    assert [(d.span.line, d.message_id, d.message) for d in diagnose(dedent(text), ["SPC002"])] == [
        (8, "explicit-not-stated", "purpose `a` claims explicit consent, but consent mechanism `silent` does not "
                                   "say whether consent is explicit"),
        (12, "not-explicit", "purpose `b` claims explicit consent, but consent mechanism `said_no` is not explicit"),
    ]


def test_spc002_quiet_for_explicit_consent_and_other_conditions() -> None:
    assert lint("""\
        consent health {
          method opt_in
          explicit
        }
        purpose a {
          special_condition explicit_consent
          consent health
        }
        purpose b {
          special_condition health_care "helsepersonelloven § 39"
        }
        purpose c {
          basis consent
        }
        """, "SPC002") == []


# ---------------------------------------------------------------- SPC003 criminal-data-without-authority


def test_spc003_fires_for_criminal_data_without_a_law() -> None:
    assert lint("""\
        category record {
          criminal
        }
        category history {
          taxonomy user.criminal_history
        }
        purpose hiring {
          basis legitimate_interests
          categories record
        }
        purpose screening {
          basis legal_obligation
          categories history
        }
        purpose checks {
          basis consent
          categories history
        }
        """, "SPC003") == [("SPC003", 9, 14), ("SPC003", 13, 14), ("SPC003", 17, 14)]


def test_spc003_quiet_with_a_cited_law_or_official_authority() -> None:
    assert lint("""\
        category record {
          criminal
        }
        category other {
          criminal no
        }
        purpose hiring {
          basis legal_obligation "barnehageloven § 30"
          categories record
        }
        purpose shop {
          basis contract
          categories other
        }
        """, "SPC003") == []
    assert lint("""\
        controller "Politiet" {
          public_authority
        }
        category record {
          criminal
        }
        purpose register {
          basis public_task
          categories record
        }
        """, "SPC003") == []


# ---------------------------------------------------------------- SPC004 child-consent-without-age-check

CHILD_APP = """\
subject pupil {{
  children
}}
consent app {{
  method opt_in
{extra}}}
purpose learning {{
  basis consent
  consent app
  subjects pupil
}}
"""


def child_app(extra: str = "") -> str:
    return CHILD_APP.format(extra="".join(f"  {line}\n" for line in extra.splitlines()))


def test_spc004_fires_at_the_purpose_consent_when_no_age_rule() -> None:
    assert lint(child_app(), "SPC004") == [("SPC004", 9, 3)]


def test_spc004_tells_not_stated_from_no() -> None:
    (silent,) = diagnose(child_app(), ["SPC004"])
    (said_no,) = diagnose(child_app("parental_consent no"), ["SPC004"])
    assert (silent.message_id, silent.message) == ("no-age", (
        "purpose `learning` relies on children's consent, but consent mechanism `app` states no minimum age and "
        "does not say whether a parent's consent is asked"))
    assert (said_no.message_id, said_no.message) == ("no-age-no-parent", (
        "purpose `learning` relies on children's consent, but consent mechanism `app` states no minimum age and "
        "asks no parent's consent"))


def test_spc004_fires_at_minimum_age_below_the_configured_age() -> None:
    text = child_app("minimum_age 13")
    assert lint(text, "SPC004") == [("SPC004", 6, 3)]
    assert lint_in(text, "SPC004", "eu", "fr") == [("SPC004", 6, 3)]
    assert lint_in(text, "SPC004", "eu", "no") == []


def test_spc004_quiet_with_parental_consent_or_enough_age() -> None:
    assert lint(child_app("parental_consent"), "SPC004") == []
    assert lint(child_app("minimum_age 16\nparental_consent no"), "SPC004") == []
    assert lint_in(child_app("minimum_age 15"), "SPC004", "fr") == []


def test_spc004_quiet_without_children_or_without_consent_basis() -> None:
    assert lint(child_app().replace("  children\n", "  name \"Adult\"\n"), "SPC004") == []
    assert lint(child_app().replace("basis consent", "basis contract"), "SPC004") == []


def test_spc004_reports_a_shared_low_age_once() -> None:
    text = child_app("minimum_age 13") + dedent("""\
        purpose games {
          basis consent
          consent app
          subjects pupil
        }
        """)
    assert lint(text, "SPC004") == [("SPC004", 6, 3)]


def test_spc004_configured_age_is_validated() -> None:
    with pytest.raises(ConfigError, match="age"):
        parse_config({"select": ["SPC004"], "rules": {"SPC004": {"age": 12}}})


# ---------------------------------------------------------------- SPC005 children-profiling-or-marketing


def test_spc005_fires_for_profiling_marketing_and_automated_decisions() -> None:
    assert lint("""\
        subject pupil {
          children
        }
        purpose recommendations {
          profiling
          subjects pupil
        }
        purpose promo {
          use marketing.communications.email
          subjects pupil
        }
        purpose grading {
          automated_decisions
          subjects pupil
        }
        """, "SPC005") == [("SPC005", 5, 3), ("SPC005", 9, 3), ("SPC005", 13, 3)]


def test_spc005_quiet_for_adults_and_for_the_service_itself() -> None:
    assert lint("""\
        subject pupil {
          children
        }
        subject parent {
          name "Parent"
        }
        purpose lessons {
          use essential.service
          subjects pupil
        }
        purpose promo {
          use marketing.communications.email
          profiling
          subjects parent
        }
        purpose grading {
          automated_decisions no
          subjects pupil
        }
        """, "SPC005") == []


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
WHOLE = {
    "SPC001": [
        ("SPC001", (6, 14), (6, 23), {"purpose": "deliveries", "categories": "`allergies` (health)"}),
    ],
    "SPC002": [
        ("SPC002", (5, 3), (5, 37), {"purpose": "health_tips", "consent": "signup"}),
    ],
    "SPC003": [
        ("SPC003", (6, 14), (6, 20), {"purpose": "hiring", "category": "record"}),
    ],
    "SPC004": [
        ("SPC004", (9, 3), (9, 21), {"purpose": "learning_app", "consent": "app_signup"}),
    ],
    "SPC005": [
        ("SPC005", (6, 3), (6, 12), {"purpose": "recommendations"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


# ---------------------------------------------------------------- SPC006 ad-tracking-on-sensitive-service

HEALTH = 'policy "Autism association" {\n  context health\n}\n'
PIXEL = 'cookie _fbp {\n  provider "Meta"\n  party third\n  category marketing\n}\n'


def test_spc006_fires_on_ad_tracking_on_a_health_service() -> None:
    assert findings(HEALTH + PIXEL, "SPC006") == [
        ("SPC006", (2, 3), (2, 17), {"context": "health", "found": "cookie `_fbp`"})]
    ads = HEALTH.replace("health", "research, health") + \
        "purpose ads {\n  use marketing.advertising.third_party.targeted\n  basis consent\n}\n"
    assert [dict(d.args) for d in diagnose(ads, "SPC006")] == [
        {"context": "research, health", "found": "purpose `ads`"}]


@pytest.mark.parametrize("text", [
    PIXEL,                                                                      # the service's context not stated
    HEALTH + PIXEL.replace("marketing", "analytics"),                           # no ad tracking
    HEALTH + "purpose ads {\n  use marketing.advertising.first_party.contextual\n  basis consent\n}\n",
])
def test_spc006_is_silent_without_a_sensitive_context_or_ad_tracking(text: str) -> None:
    assert codes(text, "SPC006") == []


def test_spc006_rejects_an_unknown_context() -> None:
    assert [c for c, *_ in codes('policy "x" {\n  context helth\n}\n', "ALL") if c.startswith("E")] == ["E204"]
