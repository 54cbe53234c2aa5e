"""Recipient and transfer rules TRF001-TRF009, and the jurisdiction tables they rest on."""

from __future__ import annotations

from textwrap import dedent

import pytest
from conftest import codes, diagnose, example, findings

from privacy_dsl.language import jurisdictions as jur
from privacy_dsl.language import taxonomy
from privacy_dsl.lint.config import parse_config


def run(text: str, code: str, **options: object) -> list[tuple[str, int, int]]:
    table: dict[str, object] = {"select": [code]}
    if options:
        table["rules"] = {code: {k.replace("_", "-"): v for k, v in options.items()}}
    # Resolution errors (E2xx) for names a snippet leaves undeclared are not what these tests are about.
    return [c for c in codes(dedent(text), config=parse_config(table)) if not c[0].startswith("E")]


# ---------------------------------------------------------------- jurisdictions


def test_eea_has_the_27_member_states_and_the_three_efta_states() -> None:
    assert len(jur.EU_MEMBER_STATES) == 27
    assert sorted(jur.EEA_EFTA_STATES) == ["IS", "LI", "NO"]
    assert all(jur.is_eea(c) for c in ("NO", "SE", "DE", "GR", "AX", "RE"))
    assert not any(jur.is_eea(c) for c in ("GB", "CH", "US", "FO", "GL", "EL", "UK", None))


def test_every_code_in_the_tables_is_a_known_country() -> None:
    known = set(taxonomy.countries())
    assert jur.EEA.issubset(known)
    assert set(jur.ADEQUACY) <= known
    assert not set(jur.ADEQUACY) & jur.EEA


def test_adequacy_lookup() -> None:
    assert jur.has_adequacy("CH") and jur.has_adequacy("GB") and jur.has_adequacy("JP")
    assert not jur.has_adequacy("IN") and not jur.has_adequacy(None)
    assert not jur.has_adequacy("US")  # only certified organisations
    assert jur.has_adequacy("US", include_certified=True)
    decision = jur.adequacy("US")
    assert decision is not None and "2023/1795" in decision.reference
    assert all(a.date[:4].isdigit() and a.decision for a in jur.ADEQUACY.values())


# ---------------------------------------------------------------- TRF001 undeclared-recipient

COOKIE_FROM_RECIPIENT = """\
recipient adco {
  role controller
}
purpose ads {
  use marketing.advertising.third_party.targeted
  %s
}
cookie _adco {
  provider adco
  party %s
  purpose ads
}
"""


@pytest.mark.parametrize("party", ["third", "first"])
def test_trf001_fires_when_the_cookie_provider_is_not_a_recipient_of_its_purpose(party: str) -> None:
    text = COOKIE_FROM_RECIPIENT % ("basis consent", party)
    assert run(text, "TRF001") == [("TRF001", 9, 3)]


def test_trf001_does_not_fire_when_the_purpose_lists_the_provider() -> None:
    assert run(COOKIE_FROM_RECIPIENT % ("recipients adco", "third"), "TRF001") == []


def test_trf001_fires_on_a_third_party_cookie_whose_provider_is_only_text() -> None:
    text = 'cookie _x {\n  party third\n  provider "AdCo"\n}\n'
    assert run(text, "TRF001") == [("TRF001", 3, 3)]


def test_trf001_does_not_fire_on_a_first_party_cookie_with_a_text_provider() -> None:
    text = 'cookie session_id {\n  party first\n  provider "Fjordkaffe AS"\n}\n'
    assert run(text, "TRF001") == []


FJORDKAFFE = 'controller "Fjordkaffe AS" {\n  country NO\n  website "https://www.fjordkaffe.example/"\n}\n'


@pytest.mark.parametrize("party", ["  party first\n", ""])
def test_trf001_fires_on_a_first_party_cookie_whose_text_provider_is_not_the_controller(party: str) -> None:
    text = FJORDKAFFE + f'cookie _ga {{\n{party}  provider "Google"\n}}\n'
    line = 7 if party else 6
    assert findings(text, "TRF001") == [
        ("TRF001", (line, 3), (line, 20), {"cookie": "cookie `_ga`", "provider": "Google"})]
    assert diagnose(text, "TRF001")[0].message_id == "own-provider-as-text"


@pytest.mark.parametrize("provider", ["Fjordkaffe AS", "fjordkaffe", "www.fjordkaffe.example", "FJORDKAFFE.EXAMPLE"])
def test_trf001_takes_the_controllers_name_or_host_as_its_own_provider(provider: str) -> None:
    text = FJORDKAFFE + f'cookie sid {{\n  party first\n  provider "{provider}"\n}}\n'
    assert run(text, "TRF001") == []


def test_trf001_fires_on_a_transfer_whose_recipient_the_purpose_does_not_list() -> None:
    text = """\
    recipient mailer { role processor }
    transfer mailer_us {
      recipient mailer
      country US
      mechanism dpf
    }
    purpose newsletter {
      basis consent
      transfers mailer_us
    }
    """
    assert run(text, "TRF001") == [("TRF001", 9, 13)]
    listed = text.replace("  transfers mailer_us", "  recipients mailer\n  transfers mailer_us")
    assert run(listed, "TRF001") == []


def test_trf001_is_quiet_on_unresolved_names() -> None:
    text = "cookie _x {\n  provider nobody\n  purpose nothing\n}\npurpose p {\n  transfers gone\n}\n"
    assert run(text, "TRF001") == []


# ---------------------------------------------------------------- TRF002 processor-without-contract


def test_trf002_fires_on_a_processor_without_contract() -> None:
    text = "recipient mailer {\n  name \"Mailer AS\"\n  role processor\n}\n"
    assert run(text, "TRF002") == [("TRF002", 3, 3)]


@pytest.mark.parametrize("body", [
    'role processor\n  contract "DPA 2025-06-01"',
    "role controller",
    "role authority",
    "",
])
def test_trf002_does_not_fire_otherwise(body: str) -> None:
    assert run(f"recipient r {{\n  {body}\n}}\n", "TRF002") == []


# ---------------------------------------------------------------- TRF003 transfer-without-mechanism


def test_trf003_fires_on_a_non_eea_recipient_without_transfer() -> None:
    text = "recipient crm {\n  role processor\n  countries NO, US\n}\n"
    assert run(text, "TRF003") == [("TRF003", 3, 3)]


@pytest.mark.parametrize("transfer", [
    "transfer t {\n  recipient crm\n  country US\n  mechanism sccs\n}\n",
    "transfer t {\n  recipient crm\n  mechanism sccs\n}\n",  # no country: covers all of the recipient's
])
def test_trf003_does_not_fire_when_a_transfer_covers_the_recipient(transfer: str) -> None:
    text = "recipient crm {\n  role processor\n  countries US\n}\n" + transfer
    assert run(text, "TRF003") == []


def test_trf003_fires_for_each_uncovered_country_only() -> None:
    text = ("recipient crm {\n  countries US, IN\n}\n"
            "transfer t {\n  recipient crm\n  country US\n  mechanism sccs\n}\n")
    assert run(text, "TRF003") == [("TRF003", 2, 3)]


def test_trf003_does_not_fire_on_eea_recipients() -> None:
    assert run("recipient r {\n  countries NO, SE, IS, DE\n}\n", "TRF003") == []


def test_trf003_regions_inside_the_eea_are_not_transfers() -> None:
    assert run("recipient r {\n  countries EU, EEA\n}\n", "TRF003") == []


def test_regions_outside_the_eea_are_transfers_the_rules_still_check() -> None:
    """`countries OUTSIDE_EEA` ("outside the EU"): a transfer with no safeguard known; `ADEQUATE`
    ("countries that offer adequate protection"): the adequacy path, as for an adequate country."""
    (outside,) = diagnose("recipient r {\n  countries OUTSIDE_EEA\n}\n", "TRF003")
    assert (outside.message_id, dict(outside.args)["country_name"]) == ("uncovered", "a country outside the EU/EEA")
    (adequate,) = diagnose("recipient r {\n  countries ADEQUATE\n}\n", "TRF003")
    assert adequate.message_id == "adequacy-undeclared"
    covered = "recipient r {\n  countries OUTSIDE_EEA\n}\ntransfer t {\n  recipient r\n  mechanism sccs\n}\n"
    assert codes(covered, "TRF003") == []
    assert codes("transfer t {\n  country OUTSIDE_EEA\n}\n", "E204") == [("E204", 2, 11)]  # a transfer names a country


def test_one_invalid_country_keeps_the_others() -> None:
    """`countries EU, US, XX`: XX is reported (E204), and the US still needs a transfer."""
    text = "recipient r {\n  countries EU, US, XX\n}\n"
    assert findings(text, ["E204", "TRF003", "TRF006"]) == [
        ("TRF003", (2, 3), (2, 23), {"recipient": "r", "country": "US", "country_name": "United States"}),
        ("E204", (2, 21), (2, 23), {"value": "XX",
                                    "what": "country code (ISO 3166-1 alpha-2, e.g. NO, SE, US) or region (EU, EEA, "
                                    "OUTSIDE_EEA, ADEQUATE)"}),
    ]


def test_a_lower_case_region_gets_its_spelling() -> None:
    (d,) = [d for d in diagnose("recipient r {\n  countries eea\n}\n", "E204")]
    assert (d.span.column, d.hint) == (13, "did you mean `EEA`?")


def test_trf003_adequate_country_needs_a_transfer_unless_configured_off() -> None:
    text = "recipient r {\n  countries CH\n}\n"
    assert run(text, "TRF003") == [("TRF003", 2, 3)]
    assert run(text, "TRF003", require_transfer_for_adequate=False) == []


@pytest.mark.parametrize(("mechanism", "position"), [
    ("", (1, 1)),
    ("mechanism none", (4, 3)),
    ("mechanism unspecified", (4, 3)),
])
def test_trf003_fires_on_a_transfer_without_a_real_mechanism(mechanism: str, position: tuple[int, int]) -> None:
    text = f"transfer t {{\n  recipient r\n  country US\n  {mechanism}\n}}\n"
    assert run(text, "TRF003") == [("TRF003", *position)]


@pytest.mark.parametrize("mechanism", ["adequacy", "dpf", "sccs", "bcr", 'derogation "Art. 49(1)(b)"'])
def test_trf003_accepts_a_named_mechanism(mechanism: str) -> None:
    assert run(f"transfer t {{\n  country US\n  mechanism {mechanism}\n}}\n", "TRF003") == []


# ---------------------------------------------------------------- TRF004 dpf-without-certification


def test_trf004_fires_on_dpf_without_certification() -> None:
    text = "transfer t {\n  recipient r\n  country US\n  mechanism dpf\n}\n"
    assert run(text, "TRF004") == [("TRF004", 4, 3)]


def test_trf004_fires_on_dpf_without_country() -> None:
    assert run("transfer t {\n  mechanism dpf\n}\n", "TRF004") == [("TRF004", 2, 3)]


@pytest.mark.parametrize("body", [
    'country US\n  mechanism dpf\n  certification "DPF List, checked 2026-08-15"',
    "country US\n  mechanism sccs",
    "country GB\n  mechanism dpf",  # not the US: TRF007's business
])
def test_trf004_does_not_fire_otherwise(body: str) -> None:
    assert run(f"transfer t {{\n  {body}\n}}\n", "TRF004") == []


# ---------------------------------------------------------------- TRF005 sccs-without-tia


@pytest.mark.parametrize("mechanism", ["sccs", "bcr", "code_of_conduct", "certification"])
def test_trf005_fires_on_art46_tools_without_tia(mechanism: str) -> None:
    text = f"transfer t {{\n  country IN\n  mechanism {mechanism}\n}}\n"
    assert run(text, "TRF005") == [("TRF005", 3, 3)]


@pytest.mark.parametrize("body", [
    'mechanism sccs\n  tia "TIA-2025-03"',
    "mechanism adequacy",
    'mechanism derogation "Art. 49(1)(a)"',
    "mechanism dpf",
])
def test_trf005_does_not_fire_otherwise(body: str) -> None:
    assert run(f"transfer t {{\n  country US\n  {body}\n}}\n", "TRF005") == []


# ---------------------------------------------------------------- TRF006 recipient-location-unknown


def test_trf006_fires_on_a_recipient_without_countries() -> None:
    assert run("recipient r {\n  role controller\n}\n", "TRF006") == [("TRF006", 1, 1)]


def test_trf006_does_not_fire_when_located() -> None:
    assert run("recipient r {\n  countries NO\n}\n", "TRF006") == []
    via_transfer = ("recipient r {\n  role processor\n}\n"
                    "transfer t {\n  recipient r\n  country US\n  mechanism sccs\n}\n")
    assert run(via_transfer, "TRF006") == []


def test_trf006_domestic_authority_of_an_eea_controller_is_not_flagged() -> None:
    text = 'controller "X AS" {\n  country NO\n}\nrecipient skatt {\n  role authority\n}\n'
    assert run(text, "TRF006") == []
    assert run(text.replace("country NO", "country US"), "TRF006") == [("TRF006", 4, 1)]


# ---------------------------------------------------------------- TRF007 adequacy-not-in-force


def test_trf007_fires_on_adequacy_for_a_country_without_a_decision() -> None:
    assert run("transfer t {\n  country IN\n  mechanism adequacy\n}\n", "TRF007") == [("TRF007", 3, 3)]


def test_trf007_fires_on_adequacy_for_the_us() -> None:
    assert run("transfer t {\n  country US\n  mechanism adequacy\n}\n", "TRF007") == [("TRF007", 3, 3)]


def test_trf007_fires_on_dpf_outside_the_us() -> None:
    assert run("transfer t {\n  country GB\n  mechanism dpf\n}\n", "TRF007") == [("TRF007", 3, 3)]


@pytest.mark.parametrize("country", ["CH", "GB", "JP", "KR", "NZ", "BR", "CA"])
def test_trf007_accepts_countries_with_a_decision(country: str) -> None:
    assert run(f"transfer t {{\n  country {country}\n  mechanism adequacy\n}}\n", "TRF007") == []


def test_trf007_uses_the_recipients_countries_when_the_transfer_has_none() -> None:
    text = "recipient r {\n  countries NO, IN\n}\ntransfer t {\n  recipient r\n  mechanism adequacy\n}\n"
    assert run(text, "TRF007") == [("TRF007", 6, 3)]
    assert run(text.replace("IN", "CH"), "TRF007") == []


def test_trf007_additional_adequate_option() -> None:
    text = "transfer t {\n  country IN\n  mechanism adequacy\n}\n"
    assert run(text, "TRF007", additional_adequate=["IN"]) == []


def test_trf007_dpf_to_the_us_is_fine() -> None:
    assert run("transfer t {\n  country US\n  mechanism dpf\n}\n", "TRF007") == []


# ---------------------------------------------------------------- TRF008 recipient-without-role


def test_trf008_fires_on_a_recipient_without_role() -> None:
    assert run('recipient facebook {\n  name "Facebook"\n}\n', "TRF008") == [("TRF008", 1, 1)]


@pytest.mark.parametrize("role", ["processor", "controller", "joint_controller", "authority"])
def test_trf008_does_not_fire_with_a_role(role: str) -> None:
    assert run(f"recipient r {{\n  role {role}\n}}\n", "TRF008") == []


# ---------------------------------------------------------------- TRF009 joint-controller-without-arrangement


def test_trf009_fires_on_a_joint_controller_without_arrangement() -> None:
    text = "recipient meta {\n  countries IE\n  role joint_controller\n}\n"
    assert run(text, "TRF009") == [("TRF009", 3, 3)]


@pytest.mark.parametrize("body", [
    'role joint_controller\n  contract "Controller Addendum"',
    "role controller",
    "role processor",
])
def test_trf009_does_not_fire_otherwise(body: str) -> None:
    assert run(f"recipient r {{\n  {body}\n}}\n", "TRF009") == []


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each rule's documented Example gives: code, start, end (exclusive) and the message's args.
WHOLE = {
    "TRF001": [
        ("TRF001", (7, 3), (7, 16), {"cookie": "cookie `_adco`", "recipient": "adco", "purposes": "purpose `ads`"}),
    ],
    "TRF002": [
        ("TRF002", (3, 3), (3, 17), {"recipient": "mailer"}),
    ],
    "TRF003": [
        ("TRF003", (4, 3), (4, 15), {"recipient": "crm", "country": "US", "country_name": "United States"}),
    ],
    "TRF004": [
        ("E200", (2, 13), (2, 19), {"name": "mailer", "kind": "recipient"}),
        ("TRF004", (4, 3), (4, 16), {"transfer": "mailer_us"}),
    ],
    "TRF005": [
        ("E200", (2, 13), (2, 16), {"name": "crm", "kind": "recipient"}),
        ("TRF005", (4, 3), (4, 39), {"transfer": "crm_us", "mechanism": "sccs"}),
    ],
    "TRF006": [
        ("TRF006", (1, 1), (4, 2), {"recipient": "ads"}),
    ],
    "TRF007": [
        ("E200", (2, 13), (2, 20), {"name": "hosting", "kind": "recipient"}),
        ("TRF007", (4, 3), (4, 21), {"transfer": "hosting_in", "country": "IN", "country_name": "India"}),
    ],
    "TRF008": [
        ("TRF008", (1, 1), (4, 2), {"recipient": "facebook"}),
    ],
    "TRF009": [
        ("TRF009", (3, 3), (3, 24), {"recipient": "meta"}),
    ],
    "TRF010": [
        ("TRF010", (1, 1), (6, 2), {"recipient": "google", "provider": "Google", "entity": "Google Ireland Limited",
                                    "goes": "established in Ireland, which sends data to",
                                    "destinations": "United States (US)"}),
    ],
    "TRF011": [
        ("E200", (2, 13), (2, 20), {"name": "hosting", "kind": "recipient"}),
        ("TRF011", (3, 3), (3, 21), {"transfer": "hosting_abroad"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert findings(example(code), code) == WHOLE[code]


def test_trf001_one_finding_names_every_purpose_that_leaves_the_provider_out() -> None:
    text = ("recipient adco {\n  role controller\n}\n"
            "purpose ads {\n  use marketing.advertising\n}\n"
            "purpose stats {\n  use analytics.reporting\n}\n"
            "purpose listed {\n  use analytics.reporting\n  recipients adco\n}\n"
            "cookie _adco {\n  provider adco\n  purpose ads, listed, stats\n}\n")
    assert findings(text, "TRF001") == [
        ("TRF001", (15, 3), (15, 16), {"cookie": "cookie `_adco`", "recipient": "adco",
                                       "purposes": "purposes `ads`, `stats`"}),
    ]


def test_trf001_the_cookies_of_one_provider_are_one_finding() -> None:
    """Ten YouTube cookies that the same purpose leaves YouTube out of are one missing recipient."""
    cookies = "".join(f"cookie yt{i} {{\n  provider youtube\n  purpose video\n}}\n" for i in range(7))
    text = 'recipient youtube {\n  name "YouTube"\n}\npurpose video {\n  use functional.service\n}\n' + cookies
    assert findings(text, "TRF001") == [
        ("TRF001", (8, 3), (8, 19), {"count": "7", "cookies": "cookie `yt0`, cookie `yt1`, cookie `yt2`, "
                                     "cookie `yt3`, cookie `yt4` and 2 more", "recipient": "youtube",
                                     "purposes": "purpose `video`"}),
    ]


def test_a_lower_case_third_region_gets_its_spelling() -> None:
    (d,) = diagnose("recipient r {\n  countries outside_eea\n}\n", "E204")
    assert (d.span.line, d.span.column, d.hint) == (2, 13, "did you mean `OUTSIDE_EEA`?")


# ---------------------------------------------------------------- TRF010 undeclared-transfer

GOOGLE_ARGS = {"provider": "Google", "entity": "Google Ireland Limited",
               "goes": "established in Ireland, which sends data to", "destinations": "United States (US)"}


def test_trf010_fires_on_a_recipient_the_dataset_knows_by_name_and_implies_trf006() -> None:
    text = 'recipient yt {\n  name "YouTube"\n}\n'
    assert findings(text, ["TRF010", "TRF006"]) == [("TRF010", (1, 1), (3, 2), {"recipient": "yt", **GOOGLE_ARGS})]


def test_trf010_knows_a_recipient_by_its_website() -> None:
    text = 'recipient social {\n  name "Our social page"\n  website "https://www.instagram.com/acme"\n}\n'
    assert [f[3]["provider"] for f in findings(text, "TRF010")] == ["Meta"]


def test_trf010_the_cookies_of_one_provider_are_one_finding() -> None:
    text = ('cookie _ga {\n  provider "Google Analytics"\n}\n'
            'cookie IDE {\n  domains ".doubleclick.net"\n}\n'
            'cookie _hjSession {\n  provider "Hotjar"\n}\n')
    assert findings(text, "TRF010") == [
        ("TRF010", (2, 3), (2, 30), {"count": "2", "cookies": "cookie `_ga`, cookie `IDE`", **GOOGLE_ARGS}),
    ]


def test_trf010_a_cookie_of_a_provider_is_one_finding_at_its_domains() -> None:
    text = 'cookie _fbp {\n  kind pixel\n  domains ".facebook.com"\n}\n'
    assert findings(text, "TRF010") == [
        ("TRF010", (3, 3), (3, 26), {"cookie": "pixel `_fbp`", "provider": "Meta",
                                     "entity": "Meta Platforms Ireland Limited",
                                     "goes": "established in Ireland, which sends data to",
                                     "destinations": "United States (US)"}),
    ]


def test_trf010_the_cookies_of_a_flagged_recipient_are_its_finding() -> None:
    text = ('recipient google {\n  name "Google"\n}\n'
            'cookie _ga {\n  provider google\n}\n'
            'cookie _gid {\n  provider "Google Analytics"\n}\n')
    assert [(f[1], f[3].get("recipient")) for f in findings(text, "TRF010")] == [((1, 1), "google")]


def test_trf010_a_provider_outside_the_eea_is_in_its_country() -> None:
    (found,) = findings('recipient cf {\n  name "Cloudflare, Inc."\n}\n', "TRF010")
    assert (found[3]["goes"], found[3]["destinations"]) == ("which is in", "United States (US)")


@pytest.mark.parametrize("text", [
    # a transfer names the recipient
    'recipient g {\n  name "Google"\n}\ntransfer g_us {\n  recipient g\n  country US\n  mechanism dpf\n}\n',
    # a transfer names another recipient that is the same provider
    'recipient g {\n  name "Google"\n}\nrecipient yt {\n  name "YouTube"\n}\n'
    'transfer g_us {\n  recipient g\n  country US\n  mechanism dpf\n}\n',
    # a transfer with no recipient to the provider's country
    'cookie _ga {\n  provider "Google Analytics"\n}\ntransfer us {\n  country US\n  mechanism sccs\n}\n',
    # the recipient names a third country: TRF003's
    'recipient g {\n  name "Google"\n  countries US\n}\n',
    # a provider in the EEA whose data stays there
    'recipient h {\n  name "Hotjar Ltd"\n  countries MT\n}\n',
    # a category of recipients, an authority, an unknown provider
    'recipient g {\n  name "Google and similar services"\n  category_only\n}\n',
    'recipient p {\n  name "Prezi"\n}\n',
    # the controller is the provider
    'controller "Google Ireland Limited" {\n  country IE\n}\nrecipient yt {\n  name "YouTube"\n}\n',
])
def test_trf010_does_not_fire(text: str) -> None:
    assert run(text, "TRF010") == []


def test_trf010_ignore_providers_option() -> None:
    text = 'recipient a {\n  name "Amplitude"\n}\nrecipient g {\n  name "Google"\n}\n'
    assert run(text, "TRF010", ignore_providers=["amplitude"]) == [("TRF010", 4, 1)]


# ---------------------------------------------------------------- TRF011 adequacy-without-country


@pytest.mark.parametrize("countries", ["", "  countries SE\n", "  countries OUTSIDE_EEA\n", "  countries ADEQUATE\n"])
def test_trf011_fires_on_adequacy_with_no_country_named(countries: str) -> None:
    text = f"recipient r {{\n{countries}}}\ntransfer t {{\n  recipient r\n  mechanism adequacy\n}}\n"
    line = 6 if countries else 5
    assert run(text, "TRF011") == [("TRF011", line, 3)]


def test_trf011_implies_trf007_on_a_recipient_only_outside_the_eea() -> None:
    text = "recipient r {\n  countries OUTSIDE_EEA\n}\ntransfer t {\n  recipient r\n  mechanism adequacy\n}\n"
    assert codes(text, "TRF007") == [("TRF007", 6, 3)]
    assert codes(text, ["TRF011", "TRF007"]) == [("TRF011", 6, 3)]


@pytest.mark.parametrize("text", [
    "transfer t {\n  country CH\n  mechanism adequacy\n}\n",
    "recipient r {\n  countries CH\n}\ntransfer t {\n  recipient r\n  mechanism adequacy\n}\n",
    "transfer t {\n  mechanism sccs\n  tia \"TIA\"\n}\n",
])
def test_trf011_does_not_fire_when_the_country_is_named_or_no_adequacy_is_claimed(text: str) -> None:
    assert run(text, "TRF011") == []


@pytest.mark.parametrize("name", ["Finanzamt Köln", "Skatteetaten", "the Police", "Finanzbehörden", "tax authorities",
                                  "Skattemyndigheten"])
def test_trf006_a_recipient_plainly_an_authority_of_an_eea_controller_is_not_flagged(name: str) -> None:
    text = f'controller "C" {{\n  country DE\n}}\nrecipient r {{\n  name "{name}"\n}}\n'
    assert run(text, "TRF006") == []


@pytest.mark.parametrize(("name", "country"), [("Policy Partners Ltd", "DE"), ("Skatteetaten", "US"),
                                               ("Courtyard Hosting", "DE"),
                                               ("Behörden, Auskunfteien, Inkasso, Rechtsanwälte", "DE"),
                                               ("Other organisations, e.g. the Police", "DE")])
def test_trf006_a_name_that_is_no_authority_or_a_controller_outside_the_eea_is_flagged(name: str,
                                                                                        country: str) -> None:
    text = f'controller "C" {{\n  country {country}\n}}\nrecipient r {{\n  name "{name}"\n}}\n'
    assert run(text, "TRF006") == [("TRF006", 4, 1)]


# ---------------------------------------------------------------- TRF012 recipient-unnamed


@pytest.mark.parametrize("extra", ["", "  category_only no\n"])
def test_trf012_fires_on_a_recipient_with_no_name_that_is_not_a_category(extra: str) -> None:
    text = f"recipient mailer {{\n  role processor\n{extra}}}\n"
    assert findings(text, "TRF012") == [("TRF012", (1, 1), (3 + bool(extra), 2), {"recipient": "mailer"})]


@pytest.mark.parametrize("body", ['  name "Mailer Inc."\n', "  category_only\n",
                                  '  name "Our partners"\n  category_only\n'])
def test_trf012_is_silent_on_a_named_recipient_or_a_category_of_recipients(body: str) -> None:
    assert run(f"recipient mailer {{\n  role processor\n{body}}}\n", "TRF012") == []
