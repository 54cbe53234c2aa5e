"""Notice-level facts: TRN014 gdpr-miscited, TRN017 representative-outside-eea, and how the
findings about information a layered notice leaves to another notice are reported."""

from __future__ import annotations

from textwrap import dedent

import pytest
from conftest import codes, diagnose, example, findings

from privacy_dsl.codes import Severity
from privacy_dsl.lint.config import parse_config


def cites(*citations: str, updated: str | None = None) -> str:
    lines = [f"  updated {updated}\n"] if updated else []
    lines += [f'  cites "{c}"\n' for c in citations]
    return 'policy "P" {\n' + "".join(lines) + "}\n"


# ---------------------------------------------------------------- TRN014 gdpr-miscited

#: (citation, message id, the number the finding names, "slip") for citations that fire.
FIRING = [
    ("GDPR (Regulation (EU) 2016/678)", "wrong-number", "2016/678", None),
    ("General Data Protection Regulation (EU) 2016/697", "wrong-number", "2016/697", None),
    ("Reglamento (UE) 2016/769 (RGPD)", "wrong-number", "2016/769", None),
    ("personvernforordningen (EU) 2016/976", "wrong-number", "2016/976", None),
    ("DSGVO, Verordnung (EU) 2017/679", "wrong-number", "2017/679", None),
    ("Regulation (EU) 2016/678", "near-miss", "2016/678", "one digit"),
    ("Regulation (EU) 2015/679", "near-miss", "2015/679", "one digit"),
    ("Regolamento UE 2016/697", "near-miss", "2016/697", "two swapped digits"),
    ("forordning (EU) 2016/678", "near-miss", "2016/678", "one digit"),
    ("Directive (EU) 2016/679", "not-a-directive", None, None),
    ("Directive 95/46/EC", "repealed", None, None),
    ("Richtlinie 95/46/EG", "repealed", None, None),
]


@pytest.mark.parametrize(("citation", "message_id", "number", "slip"), FIRING, ids=[c[0] for c in FIRING])
def test_trn014_fires_on_a_citation_that_gets_the_gdpr_wrong(citation: str, message_id: str, number: str | None,
                                                            slip: str | None) -> None:
    (d,) = diagnose(cites(citation), "TRN014")
    assert d.message_id == message_id
    assert (d.span.line, d.span.column, d.span.end_column) == (2, 9, 9 + len(citation) + 2)
    args = dict(d.args)
    assert args["citation"] == citation
    assert args.get("number") == number and args.get("slip") == slip


#: Citations the rule cannot know to be wrong, or knows to be right.
SILENT = [
    "GDPR", "DSGVO", "UK GDPR", "Regulation (EU) 2016/679", "GDPR (Regulation (EU) 2016/679)",
    "Verordnung (EU) Nr. 2016/679 (DSGVO)", "Regulation (EU) 679/2016 (GDPR)", "2016/679/EU",
    "Regulation (EU) 2018/1725",            # the EUDPR, named as what it is
    "GDPR and Regulation (EU) 2018/1725",   # two acts, not one
    "Directive (EU) 2016/680",              # the Law Enforcement Directive
    "Regulation (EU) 2016/680",             # two digits from 2016/679: no slip of the pen
    "Directive 2002/58/EC", "2016/678", "EU 2016/678",
    "ekomloven § 3-15", "LSSICE art. 22", "cookiebekendtgørelsen",
    "GDPR Art. 46, Implementing Decision (EU) 2021/914",
    "https://lovdata.no/lov/2018-06-15-38/gdpr/a6",
]


@pytest.mark.parametrize("citation", SILENT)
def test_trn014_is_silent_on_what_it_cannot_know_to_be_wrong(citation: str) -> None:
    assert codes(cites(citation), "TRN014") == []


@pytest.mark.parametrize(("updated", "fires"), [
    (None, True),            # not dated: read as the notice of today
    ("2018-05-25", True),    # the day the GDPR applies
    ("2019", True),
    ("2018-06", True),
    ("2018-05-24", False),   # dated before: the Directive was the law then
    ("2017", False),
    ("2018-04", False),
    ("2018-05", False),      # May 2018: before or after the 25th, the rule cannot know
    ("2018", False),
])
def test_trn014_the_repealed_directive_is_judged_by_the_notices_date_at_its_precision(updated: str | None,
                                                                                   fires: bool) -> None:
    found = codes(cites("Directive 95/46/EC", updated=updated), "TRN014")
    assert found == ([("TRN014", 3 if updated else 2, 9)] if fires else [])


def test_trn014_the_no_profile_moves_the_day_to_when_norway_made_the_gdpr_law() -> None:
    text = cites("Directive 95/46/EC", updated="2018-06-01")
    assert codes(text, "TRN014") == [("TRN014", 3, 9)]
    norway = parse_config({"select": ["TRN014"], "jurisdictions": ["eu", "no"]})
    assert codes(text, config=norway) == []
    assert codes(cites("Directive 95/46/EC", updated="2018-07"), config=norway) == []  # the 20th is in July
    (d,) = diagnose(cites("Directive 95/46/EC", updated="2018-08"), config=norway)
    assert dict(d.args)["repealed_from"] == "2018-07-20" and d.message.endswith("not the law from 2018-07-20")


def test_trn014_near_misses_can_be_turned_off_and_a_named_number_is_still_flagged() -> None:
    config = parse_config({"select": ["TRN014"], "rules": {"TRN014": {"near-misses": False}}})
    assert codes(cites("Regulation (EU) 2016/678"), config=config) == []
    assert codes(cites("GDPR (Regulation (EU) 2016/678)"), config=config) == [("TRN014", 2, 9)]


def test_trn014_repealed_from_must_be_a_day() -> None:
    from privacy_dsl.configfile import ConfigError

    with pytest.raises(ConfigError, match="expected a day as YYYY-MM-DD"):
        parse_config({"rules": {"TRN014": {"repealed-from": "2018-05"}}})


def test_trn014_each_citation_of_a_list_is_reported_at_its_own_position_once() -> None:
    text = 'policy "P" {\n  cites "GDPR", "Directive 95/46/EC",\n    "Regulation (EU) 2016/678"\n}\n'
    assert findings(text, "TRN014") == [
        ("TRN014", (2, 17), (2, 37), {"citation": "Directive 95/46/EC", "repealed_from": "2018-05-25"}),
        ("TRN014", (3, 5), (3, 31), {"citation": "Regulation (EU) 2016/678", "number": "2016/678",
                                     "slip": "one digit"}),
    ]


def test_trn014_reads_the_laws_of_bases_conditions_retention_and_transfers_once_per_place() -> None:
    text = dedent("""\
    defaults purpose {
      basis legal_obligation "Art. 6(1)(c) GDPR (Regulation (EU) 2016/678)"
    }
    purpose a {
      use essential.service
      special_condition employment "Directive 95/46/EC Art. 8(2)(b)"
      retention law "Regulation (EU) 2016/697" 5 years
    }
    purpose b {
      use essential.service
    }
    transfer t {
      mechanism sccs "Decision (EU) 2021/914 under Directive (EU) 2016/679"
    }
    """)
    assert codes(text, "TRN014") == [("TRN014", 2, 9), ("TRN014", 6, 3), ("TRN014", 7, 13), ("TRN014", 13, 3)]


# ---------------------------------------------------------------- TRN017 representative-outside-eea


@pytest.mark.parametrize(("country", "fires"), [("GB", True), ("US", True), ("CH", True), ("IE", False),
                                                ("NO", False), ("IS", False), ("LI", False), ("AX", False)])
def test_trn017_the_representative_must_be_in_the_eu_or_eea(country: str, fires: bool) -> None:
    text = (f'controller "Acme Inc." {{\n  country US\n  representative {{\n    name "Rep"\n    country {country}\n'
            '  }\n}\n')
    assert codes(text, "TRN017") == ([("TRN017", 5, 5)] if fires else [])


def test_trn017_is_silent_for_a_controller_established_in_the_eea_which_needs_no_representative() -> None:
    text = 'controller "Acme AS" {\n  country NO\n  representative {\n    country GB\n  }\n}\n'
    assert codes(text, "TRN017") == []
    assert codes(text.replace("country NO", "country CA"), "TRN017") == [("TRN017", 4, 5)]
    assert codes(text.replace("  country NO\n", ""), "TRN017") == [("TRN017", 3, 5)]


@pytest.mark.parametrize("rep", ['representative "Acme Rep Ltd, London"',
                                 'representative {\n    name "Rep"\n    address "1 High Street, London"\n  }'])
def test_trn017_is_silent_when_the_representative_states_no_country(rep: str) -> None:
    assert codes(f'controller "Acme Inc." {{\n  country US\n  {rep}\n}}\n', "TRN017") == []


# ---------------------------------------------------------------- TRN018 no-eu-representative

US = 'controller "Acme Inc." {\n  country US\n  offers_to EU\n}\n'


def test_trn018_fires_on_a_controller_outside_the_eea_that_offers_to_the_eu_without_a_representative() -> None:
    assert codes(US, "TRN018") == [("TRN018", 3, 3)]
    (d,) = diagnose(US, "TRN018")
    assert d.message == ("controller `Acme Inc.` is established in United States (US), outside the "
                         "EU/EEA, and offers its services to people in EU, but the notice does not name its "
                         "representative in the Union (GDPR Art. 27)")


def test_trn018_reads_a_consent_shown_in_the_eea_or_an_eea_authority_as_targeting() -> None:
    base = 'controller "Acme Inc." {\n  country US\n}\n'
    shown = base + "consent banner {\n  method opt_in\n  shown_in DE, FR\n}\n"
    assert findings(shown, "TRN018") == [("TRN018", (2, 3), (2, 13), {
        "controller": "Acme Inc.", "country": "US", "country_name": "United States",
        "evidence": "asks people in DE, FR for consent (consent `banner`)"})]
    complaint = base + 'authority dpc {\n  name "Data Protection Commission"\n  country IE\n}\n' \
        "rights {\n  complaints dpc\n}\n"
    assert [dict(d.args)["evidence"] for d in diagnose(complaint, "TRN018")] == [
        "sends complaints to a supervisory authority in IE (`dpc`)"]


@pytest.mark.parametrize("text", [
    US.replace("  offers_to EU\n", ""),                                   # nothing says it targets the EEA
    US.replace("offers_to EU", "offers_to US, CA"),                        # it targets others
    US.replace("country US", "country NO"),                                # established in the EEA
    US.replace("  country US\n", ""),                                     # establishment not stated
    US.replace("offers_to EU", 'offers_to EU\n  representative "Acme Rep Ltd, Dublin"'),  # a representative
    US.replace("offers_to EU", "offers_to EU\n  public_authority"),       # Art. 27(2)(b)
    'controller "Acme Inc." {\n  country US\n}\nconsent banner {\n  method opt_in\n  shown_in US\n}\n',
])
def test_trn018_is_silent_without_targeting_inside_the_eea_or_with_a_representative(text: str) -> None:
    assert codes(text, "TRN018") == []


def test_trn018_use_instead_is_clean() -> None:
    assert codes(example("TRN018", "Use instead"), ["TRN017", "TRN018"]) == []


# ---------------------------------------------------------------- whole findings (Regal style)

WHOLE = {
    "TRN014": [
        ("TRN014", (2, 9), (2, 42), {"citation": "GDPR (Regulation (EU) 2016/678)", "number": "2016/678"}),
    ],
    "TRN017": [
        ("TRN017", (5, 5), (5, 15), {"controller": "Acme Inc.", "country": "GB", "country_name": "United Kingdom"}),
    ],
    "TRN018": [
        ("TRN018", (3, 3), (3, 15), {"controller": "Acme Inc.", "country": "US",
                                     "country_name": "United States",
                                     "evidence": "offers its services to people in EU"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


# ---------------------------------------------------------------- layered notices (refers_to)

LAYERED = dedent("""\
policy "Banner" {
  refers_to "https://acme.example/privacy" {
    covers retention, rights
  }
}
controller "Acme AS" {
  email "a@acme.example"
}
purpose p {
  use essential.service
}
""")


def test_a_finding_about_what_the_notice_leaves_to_the_referred_notice_becomes_info_naming_it() -> None:
    found = {d.code: d for d in diagnose(LAYERED, ["RET001", "TRN004", "LAW001", "TRN008"])}
    assert set(found) == {"RET001", "TRN004", "LAW001", "TRN008"}
    ret = found["RET001"]
    assert ret.severity is Severity.INFO and ret.message_id == "missing-referred"
    assert dict(ret.args) == {"purpose": "p", "referred_to": "https://acme.example/privacy"}
    assert ret.message == ("purpose `p` does not say how long its data is kept; the notice refers to "
                           "https://acme.example/privacy for `retention`")
    assert found["TRN004"].severity is Severity.INFO and found["TRN004"].message_id == "no-rights-block-referred"
    # not covered: bases and complaints are not in `covers`, so those findings are unchanged
    assert found["LAW001"].severity is Severity.ERROR and found["LAW001"].message_id == "no-basis"
    assert found["TRN008"].severity is Severity.ERROR and found["TRN008"].message_id == "no-rights-block"


def test_a_referred_notice_that_does_not_say_what_it_covers_covers_everything() -> None:
    text = 'policy "B" {\n  refers_to "Our privacy policy"\n}\npurpose p {\n  use essential.service\n}\n'
    (law,) = diagnose(text, "LAW001")
    assert law.severity is Severity.INFO and dict(law.args)["referred_to"] == "Our privacy policy"


def test_the_notices_that_name_the_topic_are_named_else_those_that_cover_anything() -> None:
    text = dedent("""\
    policy "B" {
      refers_to "https://a.example/cookies" {
        covers cookies
      }
      refers_to "https://a.example/privacy"
      refers_to "https://a.example/more"
    }
    cookie c {
      party first
    }
    purpose p {
      use essential.service
    }
    """)
    (ck,) = diagnose(text, "CK002")
    assert dict(ck.args)["referred_to"] == "https://a.example/cookies"
    (ret,) = diagnose(text, "RET001")
    assert dict(ret.args)["referred_to"] == "https://a.example/privacy, https://a.example/more"


def test_findings_about_what_the_notice_does_say_are_never_changed() -> None:
    text = ('policy "B" {\n  refers_to "x"\n}\npurpose p {\n  use essential.service\n'
            '  retention indefinite\n}\n')
    (d,) = diagnose(text, "RET002")
    assert d.severity is Severity.ERROR and d.message_id == "indefinite"


@pytest.mark.parametrize(("mode", "expected"), [
    ("info", {"TRN001": Severity.INFO, "RET001": Severity.INFO}),
    ("first-layer", {"TRN001": Severity.ERROR, "RET001": Severity.INFO}),
    ("keep", {"TRN001": Severity.ERROR, "RET001": Severity.ERROR}),
    ("off", {}),
])
def test_referred_findings_is_configurable(mode: str, expected: dict[str, Severity]) -> None:
    text = ('policy "B" {\n  refers_to "x"\n}\ncontroller "C" {\n  email "c@c.example"\n}\n'
            'purpose p {\n  use essential\n}\n')
    config = parse_config({"select": ["TRN001", "RET001"], "referred-findings": mode})
    got = {d.code: d.severity for d in diagnose(text, config=config)}
    assert got == expected
    assert all(d.message_id and d.message_id.endswith("-referred") for d in diagnose(text, config=config))


def test_referred_findings_rejects_an_unknown_mode_with_a_suggestion() -> None:
    from privacy_dsl.configfile import ConfigError

    with pytest.raises(ConfigError, match="did you mean `first-layer`"):
        parse_config({"referred-findings": "first_layer"})


def test_without_refers_to_nothing_changes() -> None:
    (d,) = diagnose('purpose p {\n  use essential.service\n}\n', "RET001")
    assert d.severity is Severity.ERROR and d.message_id == "missing"


def test_the_language_reference_lists_every_message_a_layered_notice_changes() -> None:
    """docs/language.md's table "topic | rules (message ids)" is the rules' `omits`, topic by topic."""
    import re

    from conftest import ROOT

    from privacy_dsl.language.model import Topic
    from privacy_dsl.lint.rules import REGISTRY

    doc = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    table = doc[doc.index("| topic | rules (message ids) |"):]
    for topic in Topic:
        want = {(r.code, mid) for r in REGISTRY.values() for mid, t in r.omits.items() if t == topic.value}
        row = re.search(rf"^\| `{topic.value}` \| (.*) \|$", table, re.M)
        if not want:
            assert row is None, topic
            continue
        assert row is not None, topic
        got: set[tuple[str, str]] = set()
        for codes_text, ids in re.findall(r"((?:[A-Z]+\d+(?:, )?)+) \(([^)]*)\)", row.group(1)):
            got |= {(c, i.strip("` ")) for c in codes_text.split(", ") for i in ids.split(",")}
        assert got == want, topic
